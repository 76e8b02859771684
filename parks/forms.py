"""Browser forms. They validate input; the services decide who may save and save it."""

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access import may_change_park_designation, may_manage_tokens_of_others
from .choices import ActivityKind, Role
from .db import chinese_order
from .models import (
    Activity,
    ActivityPhoto,
    Facility,
    GridZone,
    Industry,
    Organisation,
    Park,
    Subdistrict,
    User,
)
from .selectors import liaisons_for_park


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files at once and cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        if isinstance(data, list | tuple):
            return [clean_one(item, initial) for item in data if item]
        return [clean_one(data, initial)] if data else []


class BootstrapFormMixin:
    """Give every widget Bootstrap's classes, and mark invalid fields after validation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        # Every error passes through here, from field cleaning, clean() and the services alike.
        super().add_error(field, error)
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class ParkForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Park
        fields = [
            "name",
            "kind",
            "subdistrict",
            "industries",
            "pilot_status",
            "designation_year",
            "address",
            "motto",
            "honours",
            "description",
        ]
        widgets = {
            "industries": forms.CheckboxSelectMultiple,
            "honours": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    # Only office staff decide which parks are pilots; a park manager sees these read-only.
    OFFICE_ONLY_FIELDS = ("name", "subdistrict", "pilot_status", "designation_year", "kind")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdistrict"].queryset = Subdistrict.objects.order_by(chinese_order("name"))
        self.fields["industries"].queryset = Industry.objects.order_by(chinese_order("name"))
        self.fields["industries"].widget.attrs["class"] = ""
        if not may_change_park_designation(user):
            for name in self.OFFICE_ONLY_FIELDS:
                self.fields[name].disabled = True


class GridZoneForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = GridZone
        fields = ["code", "name", "liaison", "boundary"]
        widgets = {"boundary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, park, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.park = park
        self.fields["liaison"].queryset = liaisons_for_park(park)
        self.fields["code"].widget.attrs["autocapitalize"] = "characters"

    def clean_code(self):
        # Stored upper-case so "g01" and "G01" cannot both exist in one park.
        return self.cleaned_data["code"].strip().upper()


class FacilityForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Facility
        fields = ["kind", "name", "area_m2", "location", "description"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "area_m2": forms.NumberInput(attrs={"step": "0.1", "min": "0.1"}),
        }

    def __init__(self, *args, park, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.park = park


class PersonForm(BootstrapFormMixin, forms.ModelForm):
    """Office staff add and edit people; a new password may be set here."""

    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = User
        fields = [
            "username",
            "display_name",
            "phone",
            "email",
            "role",
            "organisation",
            "subdistrict",
            "park",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by(
            "kind", chinese_order("name")
        )
        self.fields["subdistrict"].queryset = Subdistrict.objects.order_by(chinese_order("name"))
        self.fields["park"].queryset = Park.objects.order_by(chinese_order("name"))
        if self.instance.pk is None:
            self.fields["password"].required = True
            self.fields["password"].help_text = _("At least 8 characters, not all digits.")

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = self.instance
            try:
                validate_password(password, user=candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class PeopleSearchForm(forms.Form):
    """The people page's search box and role filter (Django's fields refuse NUL and junk)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", "---------"), *Role.choices]
    )


class ApiTokenForm(BootstrapFormMixin, forms.Form):
    owner = forms.ModelChoiceField(
        label=_("For"), queryset=User.objects.none(), required=False, empty_label=None
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=settings.API_TOKEN_MAX_DAYS,
        initial=settings.API_TOKEN_DEFAULT_DAYS,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if may_manage_tokens_of_others(user):
            self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("username")
            self.fields["owner"].initial = user.pk
        else:
            del self.fields["owner"]


# --- The grid log -----------------------------------------------------------------------------

# The icon on each kind's tile of the phone form (Bootstrap Icons).
ACTIVITY_KIND_ICONS = {
    ActivityKind.VISIT: "bi-person-walking",
    ActivityKind.LECTURE: "bi-megaphone",
    ActivityKind.TRAINING: "bi-mortarboard",
    ActivityKind.CARE: "bi-heart-pulse",
    ActivityKind.MEDIATION: "bi-people",
    ActivityKind.FORUM: "bi-chat-square-text",
    ActivityKind.READING: "bi-book",
    ActivityKind.SURVEY: "bi-clipboard-check",
    ActivityKind.PARTY_POST: "bi-star",
    ActivityKind.OTHER: "bi-three-dots",
}


class KindTiles(forms.RadioSelect):
    """The kinds as big tiles, each option carrying its icon for the template."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        option["icon"] = ACTIVITY_KIND_ICONS.get(value, "bi-three-dots")
        return option


class ActivityForm(BootstrapFormMixin, forms.ModelForm):
    """A grid-log entry typed on a phone: kind, time, people, a note and camera photos.

    The zone comes from the page's address; the select shows only when the user may log in
    several zones of the park (or for the whole park). Photos are checked and re-encoded by
    services.process_photos, whose refusals land on the photos field.
    """

    # Made by the phone's draft: a resend of the same entry finds the first one. Not a model
    # field here, or the form's own uniqueness check would refuse the resend.
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        # No `capture`: it would force the camera; without it the phone offers the camera or
        # photos taken earlier.
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
    )
    remove_photos = forms.ModelMultipleChoiceField(
        label=_("Remove photos"),
        queryset=ActivityPhoto.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Activity
        fields = [
            "grid_zone",
            "kind",
            "occurred_at",
            "participants",
            "title",
            "description",
            "place",
            "organisers",
        ]
        widgets = {
            "kind": KindTiles,
            "occurred_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "participants": forms.NumberInput(
                attrs={"inputmode": "numeric", "min": "0", "pattern": "[0-9]*"}
            ),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"description": _("Note")}

    def __init__(self, *args, zones, park_wide, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        zone = self.fields["grid_zone"]
        zone.queryset = zones
        zone.label_from_instance = lambda z: f"{z.code} {z.name}"
        zone.required = not park_wide
        zone.empty_label = _("Whole park") if park_wide else None
        if len(zones) + park_wide <= 1:
            zone.widget = forms.HiddenInput()
        kind = self.fields["kind"]
        kind.choices = ActivityKind.choices
        kind.widget.attrs["class"] = "btn-check"
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty to use the kind.")
        self.fields["participants"].help_text = ""
        if not editing:
            # A new entry happened just now, with a number of people still to be typed (a
            # ready-made 0 would have to be deleted first on a phone).
            if self.initial.get("occurred_at") is None:
                self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)
            self.initial["participants"] = None
            del self.fields["remove_photos"]
        else:
            del self.fields["client_id"]
            self.fields["remove_photos"].queryset = self.instance.photos.order_by("pk")
            self.fields["remove_photos"].widget.attrs["class"] = "btn-check"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title") and cleaned.get("kind"):
            cleaned["title"] = str(ActivityKind(cleaned["kind"]).label)
        return cleaned

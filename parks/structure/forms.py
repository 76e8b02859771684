"""Forms for parks, grid zones, facilities, people and API tokens. The services decide who may
save."""

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from parks.access import may_change_park_designation, may_manage_tokens_of_others
from parks.core.db import chinese_order
from parks.core.forms import BootstrapFormMixin
from parks.core.webhooks import webhook_refusal
from parks.structure.choices import Role
from parks.structure.models import (
    Facility,
    GridZone,
    Organisation,
    Park,
    Subdistrict,
    User,
)
from parks.structure.selectors import liaisons_for_park


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
            "wecom_webhook",
        ]
        widgets = {
            "industries": forms.CheckboxSelectMultiple,
            "honours": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    wecom_webhook = Park._meta.get_field("wecom_webhook").formfield(assume_scheme="https")

    # Only office staff decide which parks are pilots; a park manager sees these read-only.
    # Where its notices post (a robot's key) is the office's to set, too.
    OFFICE_ONLY_FIELDS = (
        "name",
        "subdistrict",
        "pilot_status",
        "designation_year",
        "kind",
        "wecom_webhook",
    )

    def clean_wecom_webhook(self):
        url = self.cleaned_data["wecom_webhook"]
        if url and (refusal := webhook_refusal(url)):
            raise forms.ValidationError(refusal)
        return url

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdistrict"].queryset = Subdistrict.objects.order_by(chinese_order("name"))
        self.fields["industries"].widget.attrs["class"] = ""
        if not may_change_park_designation(user):
            for name in self.OFFICE_ONLY_FIELDS:
                self.fields[name].disabled = True
            # The robot's address carries its key: not shown to those who may not change it.
            del self.fields["wecom_webhook"]


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

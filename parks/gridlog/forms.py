"""The grid-log entry form a liaison fills in on a phone; the services decide who may save it."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parks.core.forms import BootstrapFormMixin, MultipleFileField, MultipleFileInput
from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import Activity, ActivityPhoto

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


def kind_icon(kind: str) -> str:
    """A kind's icon wherever an entry is shown (a kind no longer offered: the "other" one)."""
    return ACTIVITY_KIND_ICONS.get(kind, ACTIVITY_KIND_ICONS[ActivityKind.OTHER])


class KindTiles(forms.RadioSelect):
    """The kinds as big tiles, each option carrying its icon for the template."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        option["icon"] = kind_icon(value)
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

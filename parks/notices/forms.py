"""The preferences form: a checkbox per kind and channel, and the daily digest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parks.notices.choices import KIND_GROUPS, DeliveryChannel


def field_name(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


class NoticePreferencesForm(forms.Form):
    """Which channels carry each kind of notice (the bell always does)."""

    daily_digest = forms.BooleanField(
        label=_("Daily digest"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"}),
        help_text=_(
            "One e-mail each morning with the last day's notices, instead of one e-mail per notice."
        ),
    )

    def __init__(self, *args, choices, daily_digest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["daily_digest"].initial = daily_digest
        for _group, kinds in KIND_GROUPS:
            for kind in kinds:
                for channel in DeliveryChannel.values:
                    self.fields[field_name(kind, channel)] = forms.BooleanField(
                        label=f"{kind.label} · {DeliveryChannel(channel).label}",
                        required=False,
                        initial=choices[kind][channel],
                    )

    def groups(self):
        """[(group label, [(kind label, [bound field per channel])])] for the template."""
        return [
            (
                label,
                [
                    (kind.label, [self[field_name(kind, c)] for c in DeliveryChannel.values])
                    for kind in kinds
                ],
            )
            for label, kinds in KIND_GROUPS
        ]

    def chosen(self) -> dict[str, dict[str, bool]]:
        return {
            kind: {c: self.cleaned_data[field_name(kind, c)] for c in DeliveryChannel.values}
            for _group, kinds in KIND_GROUPS
            for kind in kinds
        }

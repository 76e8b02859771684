"""Browser forms of the reform ledgers (台账). They check input; reforms.services saves it.

A date in the future is refused by the models' clean(), which the forms run, so the page shows
the model's own message beside the field. Money is yuan with two decimals, never negative.
"""

from datetime import timedelta

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parks import access
from parks.core.forms import DATE_INPUT, BootstrapFormMixin
from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import Activity
from reforms.ledgers.choices import ProposalStatus
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training
from reforms.ledgers.selectors import ledger_parks_for

# Care activities older than this are not offered as the activity a payment was made at.
CARE_ACTIVITY_DAYS = 400


def _money(field):
    """Yuan: at least 0, two decimals, with the keypad a phone shows for decimals."""
    field.validators.append(MinValueValidator(0))
    field.widget.attrs.update({"min": "0", "step": "0.01", "inputmode": "decimal"})
    return field


class LedgerForm(BootstrapFormMixin, forms.ModelForm):
    """What every ledger form shares: the parks the user may record for, dates up to today."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        park = self.fields.get("park")
        if park is not None:
            park.queryset = ledger_parks_for(user)
            if not access.may_record_district_wide(user):
                park.empty_label = None  # a park manager records for their own park only
        today = timezone.localdate().isoformat()
        happened_on = self._meta.model.happened_on_field
        if self.instance.pk is None and happened_on in self.fields:
            self.initial.setdefault(happened_on, today)  # most entries are made the same day
        for field in self.fields.values():
            # A correction carries the values it was drawn from, so `changed_data` names what
            # this person changed and the service writes only that: a field someone else
            # corrected meanwhile keeps their value.
            field.show_hidden_initial = self.instance.pk is not None
            if isinstance(field, forms.DateField):
                field.widget.attrs["max"] = today
            elif isinstance(field, forms.IntegerField):
                field.widget.attrs.setdefault("inputmode", "numeric")


class CarePaymentForm(LedgerForm):
    class Meta:
        model = CarePayment
        fields = [
            "park",
            "event",
            "paid_on",
            "recipients",
            "amount",
            "reason",
            "funding_source",
            "activity",
        ]
        widgets = {"paid_on": DATE_INPUT}
        help_texts = {
            "activity": _("The care activity of the grid log where the money was paid, if any.")
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        _money(self.fields["amount"])
        self.fields["recipients"].widget.attrs["min"] = "1"
        since = timezone.now() - timedelta(days=CARE_ACTIVITY_DAYS)
        activities = Activity.objects.filter(
            park__in=ledger_parks_for(user), kind=ActivityKind.CARE, occurred_at__gte=since
        )
        if self.instance.activity_id:
            activities = activities | Activity.objects.filter(pk=self.instance.activity_id)
        field = self.fields["activity"]
        field.queryset = activities.select_related("park").order_by("-occurred_at", "-pk")
        field.label_from_instance = lambda activity: (
            f"{timezone.localtime(activity.occurred_at):%Y-%m-%d} · {activity.park.name} · "
            f"{activity.title}"
        )

    def clean(self):
        cleaned = super().clean()
        activity, park = cleaned.get("activity"), cleaned.get("park")
        if activity is not None and park is not None and activity.park_id != park.pk:
            self.add_error("activity", _("This activity took place in another park."))
        return cleaned


class PublicityForm(LedgerForm):
    # An explicit scheme, so "www.example.cn" is read as https and "javascript:" is refused.
    link = forms.URLField(
        label=_("link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
    )

    class Meta:
        model = Publicity
        fields = ["park", "channel", "outlet", "title", "published_on", "link"]
        widgets = {"published_on": DATE_INPUT}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        park = self.fields["park"]
        # District-wide publicity (no park) is the district office's own.
        park.required = not access.may_record_district_wide(user)
        if access.may_record_district_wide(user):
            park.empty_label = _("District-wide (district office)")


class TrainingForm(LedgerForm):
    class Meta:
        model = Training
        fields = ["park", "course", "provider", "started_on", "hours", "trainees", "certificates"]
        widgets = {"started_on": DATE_INPUT}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["hours"].widget.attrs.update(
            {"min": "0.5", "step": "0.5", "inputmode": "decimal"}
        )
        self.fields["trainees"].widget.attrs["min"] = "1"
        self.fields["certificates"].widget.attrs["min"] = "0"


class ProposalForm(LedgerForm):
    """A proposal's details. Its status moves only through ProposalAdvanceForm; the benefit and
    reward it was given at those steps may be corrected here afterwards."""

    class Meta:
        model = Proposal
        fields = [
            "park",
            "kind",
            "title",
            "submitter",
            "submitter_employer",
            "description",
            "submitted_on",
            "benefit",
            "benefit_amount",
            "reward_amount",
        ]
        widgets = {
            "submitted_on": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 4}),
            "benefit": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        status = self.instance.status
        if status not in (ProposalStatus.ADOPTED, ProposalStatus.REWARDED):
            del self.fields["benefit"], self.fields["benefit_amount"]
        else:
            _money(self.fields["benefit_amount"])
        if status != ProposalStatus.REWARDED:
            del self.fields["reward_amount"]
        else:
            _money(self.fields["reward_amount"])


class ProposalAdvanceForm(BootstrapFormMixin, forms.Form):
    """One step of a proposal: evaluated, adopted (with its benefit), rewarded (with the
    reward), or not adopted. reforms.ledgers.services.proposal_advance decides whether it is
    allowed."""

    to_status = forms.ChoiceField(choices=ProposalStatus.choices, widget=forms.HiddenInput)
    benefit = forms.CharField(
        label=_("Benefit"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What it brought, in words."),
    )
    benefit_amount = forms.DecimalField(
        label=_("Benefit (yuan)"), required=False, max_digits=12, decimal_places=2
    )
    reward_amount = forms.DecimalField(
        label=_("Reward (yuan)"), required=False, max_digits=12, decimal_places=2
    )

    # The fields each step asks for; the others are not sent to the service.
    FIELDS_FOR = {
        ProposalStatus.ADOPTED: ("benefit", "benefit_amount"),
        ProposalStatus.REWARDED: ("reward_amount",),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _money(self.fields["benefit_amount"])
        _money(self.fields["reward_amount"])

    def shown_fields(self):
        to_status = self["to_status"].value()
        return [self[name] for name in self.FIELDS_FOR.get(to_status, ())]

    def step_values(self) -> dict:
        """The cleaned values this step passes on: blanks keep what the proposal has."""
        names = self.FIELDS_FOR.get(self.cleaned_data["to_status"], ())
        values = {name: self.cleaned_data.get(name) for name in names}
        return {name: value for name, value in values.items() if value not in (None, "")}

"""The assessment's forms: a scheme with one row per indicator (a weight makes it count) and its
bonus and deduction items; computing, recomputing and publishing a period; adjusting a score.

They check only the shape of what is typed; the rules (weights adding up, indicators allowed
for the subjects, caps) are reforms.assessment.services', whose errors land on the form."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from reforms.assessment.choices import AssessedPeriod, ItemKind, SchemeStatus
from reforms.assessment.indicators import INDICATORS
from reforms.assessment.models import Scheme, SchemeIndicator, SchemeItem

PERCENT = {"max_digits": 6, "decimal_places": 2, "min_value": 0, "max_value": 100}
POINTS = {"max_digits": 7, "decimal_places": 2}
NUMBER = {"class": "form-control form-control-sm", "inputmode": "decimal"}
# New item rows the scheme form offers each time (more: save, then edit again).
BLANK_ITEMS = 3


class SchemeForm(forms.ModelForm):
    class Meta:
        model = Scheme
        fields = [
            "year",
            "subject_kind",
            "name",
            "total_weight",
            "not_applicable",
            "bonus_cap",
            "deduction_cap",
            "red_list_size",
            "black_list_size",
        ]
        widgets = {"not_applicable": forms.RadioSelect(attrs={"class": "form-check-input"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, bound in self.fields.items():
            if name != "not_applicable":
                bound.widget.attrs.setdefault(
                    "class", "form-select" if name == "subject_kind" else "form-control"
                )
        if self.instance.pk and self.instance.status != SchemeStatus.DRAFT:
            # The year and the subjects of a scheme in force are what its scores are for.
            self.fields["year"].disabled = True
            self.fields["subject_kind"].disabled = True


class IndicatorForm(forms.Form):
    """One indicator of the registry: with a weight it counts; left empty it does not."""

    indicator = forms.ChoiceField(
        choices=[(key, key) for key in INDICATORS], widget=forms.HiddenInput
    )
    weight = forms.DecimalField(
        label=_("weight"),
        required=False,
        min_value=Decimal("0.01"),
        **POINTS,
        widget=forms.NumberInput(attrs={**NUMBER, "step": "0.01"}),
    )
    full_at = forms.DecimalField(
        label=_("full marks at (%)"),
        **PERCENT,
        widget=forms.NumberInput(attrs={**NUMBER, "step": "0.01"}),
    )
    zero_at = forms.DecimalField(
        label=_("no points at (%)"),
        **PERCENT,
        widget=forms.NumberInput(attrs={**NUMBER, "step": "0.01"}),
    )

    @property
    def info(self):
        return INDICATORS.get(self["indicator"].value())

    def clean(self):
        data = super().clean()
        if (
            data.get("weight")
            and data.get("full_at") is not None
            and data.get("full_at") == data.get("zero_at")
        ):
            self.add_error("zero_at", _("Full marks and no points cannot be at the same value."))
        return data


class ItemForm(forms.Form):
    """A bonus or deduction item; a row left without a name is dropped. `item` is the id of an
    item the scheme already has (kept, and changed in place)."""

    item = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=ItemKind.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    name = forms.CharField(
        label=_("name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    points = forms.DecimalField(
        label=_("points"),
        required=False,
        min_value=Decimal("0.01"),
        **POINTS,
        widget=forms.NumberInput(attrs={**NUMBER, "step": "0.01"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("name", "").strip() and not data.get("points"):
            self.add_error("points", _("Give the points the item adds or takes."))
        return data


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=0)
ItemFormSet = forms.formset_factory(ItemForm, extra=0)


def indicator_initial(scheme: Scheme | None) -> list[dict]:
    """One row per indicator of the registry: the scheme's weight and range where it uses it,
    the registry's default range otherwise; the scheme's indicators first, in its order."""
    used = {row.indicator: row for row in scheme.indicators.all()} if scheme and scheme.pk else {}
    rows = []
    for key in [*used, *(key for key in INDICATORS if key not in used)]:
        if key not in INDICATORS:
            continue
        if key in used:
            row = used[key]
            rows.append(
                {
                    "indicator": key,
                    "weight": row.weight,
                    "full_at": row.full_at,
                    "zero_at": row.zero_at,
                }
            )
        else:
            known = INDICATORS[key]
            rows.append(
                {
                    "indicator": key,
                    "weight": None,
                    "full_at": known.full_at,
                    "zero_at": known.zero_at,
                }
            )
    return rows


def item_initial(scheme: Scheme | None) -> list[dict]:
    items = list(scheme.items.all()) if scheme and scheme.pk else []
    rows = [
        {"item": item.pk, "kind": item.kind, "name": item.name, "points": item.points}
        for item in items
    ]
    return rows + [
        {"kind": ItemKind.BONUS if i == 0 else ItemKind.DEDUCTION} for i in range(BLANK_ITEMS)
    ]


def chosen_indicators(formset) -> list[SchemeIndicator]:
    """The rows given a weight, in the form's order, as save_scheme takes them (unsaved)."""
    return [
        SchemeIndicator(
            indicator=form.cleaned_data["indicator"],
            weight=form.cleaned_data["weight"],
            full_at=form.cleaned_data["full_at"],
            zero_at=form.cleaned_data["zero_at"],
        )
        for form in formset.forms
        if form.cleaned_data.get("weight")
    ]


def chosen_items(formset) -> list[SchemeItem]:
    """The named item rows, unsaved; an existing item keeps its id."""
    return [
        SchemeItem(
            pk=form.cleaned_data.get("item"),
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"].strip(),
            points=form.cleaned_data["points"],
        )
        for form in formset.forms
        if form.cleaned_data.get("name", "").strip()
    ]


class ComputeForm(forms.Form):
    """Score a period now: the month, quarter or year that contains `day`."""

    period_kind = forms.ChoiceField(
        label=_("Period"),
        choices=AssessedPeriod.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    day = forms.DateField(
        label=_("Any day in the period"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )


class RecomputeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why recompute"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class AdjustForm(forms.Form):
    """A bonus or deduction on a score: one of the scheme's items, or points of its own (signed:
    −3 takes three), always with a reason."""

    item = forms.ModelChoiceField(
        label=_("Item"),
        queryset=SchemeItem.objects.none(),
        required=False,
        empty_label=_("None: points of my own"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    points = forms.DecimalField(
        label=_("Points"),
        required=False,
        **POINTS,
        help_text=_("Without an item: signed, 2 adds two points, −3 takes three."),
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args, scheme: Scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = scheme.items.all()

    def clean(self):
        data = super().clean()
        if not data.get("item") and not data.get("points"):
            self.add_error("points", _("Choose an item or give the points."))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why withdraw it"),
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

"""Browser forms of the grievances app. They validate input; the services decide and save.

Which parks, zones, units and people a form offers comes from the scope selectors, so a form
never lists something its user may not see.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grievances import policy
from grievances.choices import ACTIONS_NEEDING_NOTE, Action, Channel, MediationOutcome, Satisfaction
from grievances.drawn_forms import listed_options, read_options, texts
from grievances.intake import initial_from
from grievances.models import Grievance, ReplyTemplate, SurveyCampaign, TimeLimitPolicy
from grievances.replies import templates_listed
from grievances.selectors import (
    assignable_people_listed,
    assignable_units,
    assignable_units_listed,
    mediators_for,
    mediators_listed,
    surveys_visible_to,
    user_can_log_grievances,
)
from grievances.services import MAX_ATTACHMENTS
from parks.access import (
    grid_zones_visible_to,
    organisations_visible_to,
    parks_visible_to,
    subdistricts_visible_to,
)
from parks.core.dates import PORTAL_DATE_VALIDATORS
from parks.core.db import chinese_order
from parks.core.forms import DATE_INPUT, BootstrapFormMixin, MultipleFileField, MultipleFileInput
from parks.structure.models import GridZone, Organisation, Park, Subdistrict, User

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def loggable_parks(user):
    """The parks this user may log grievances and surveys in (the rule: selectors)."""
    ids = [park.pk for park in parks_visible_to(user) if user_can_log_grievances(user, park)]
    return Park.objects.filter(pk__in=ids).order_by(chinese_order("name"))


class GrievanceForm(BootstrapFormMixin, forms.ModelForm):
    """Office staff, liaisons and park managers log a grievance they heard of.

    The attachments are checked (type, size, real content) by services.grievance_receive.
    """

    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
    )

    class Meta:
        model = Grievance
        fields = [
            "park",
            "grid_zone",
            "channel",
            "category",
            "survey",
            "title",
            "description",
            "complainant_name",
            "complainant_phone",
            "complainant_employer",
            "sms_consent",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        labels = {
            "complainant_name": _("Worker's name"),
            "complainant_phone": _("Worker's phone"),
            "complainant_employer": _("Worker's employer"),
            "sms_consent": _("The worker agrees to be texted about progress"),
        }
        help_texts = {
            "survey": _("Only for opinions collected by a satisfaction survey."),
            "complainant_name": _("Optional: the worker may stay anonymous."),
        }

    def __init__(self, *args, user, source_activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        parks = loggable_parks(user)
        self.fields["park"].queryset = parks
        self.fields["attachments"].help_text = _(
            "Photos (JPG, PNG) or PDF files, at most %(n)d."
        ) % {"n": MAX_ATTACHMENTS}
        self.fields["grid_zone"].queryset = (
            GridZone.objects.filter(park__in=parks)
            .select_related("park")
            .order_by(chinese_order("park__name"), "code")
        )
        self.fields["grid_zone"].label_from_instance = lambda zone: (
            f"{zone.park.name} · {zone.code} {zone.name}"
        )
        self.fields["survey"].queryset = (
            surveys_visible_to(user)
            .filter(park__in=parks)
            .select_related("park")
            .order_by("-held_on", "pk")
        )
        self.fields["survey"].label_from_instance = lambda survey: f"{survey.park.name} · {survey}"
        # The online channel is the workers' own public page; staff log what they heard.
        self.fields["channel"].choices = [
            choice for choice in self.fields["channel"].choices if choice[0] != Channel.ONLINE
        ]
        self.fields["complainant_phone"].widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "off"}
        )
        self.fields["complainant_name"].widget.attrs["autocomplete"] = "off"
        if not self.is_bound and user.park_id:
            self.initial.setdefault("park", user.park_id)
        # Heard on a visit logged in the grid log: start from that entry.
        self.source_activity = source_activity
        if source_activity is not None:
            self.instance.source_activity = source_activity
            if not self.is_bound:
                self.initial.update(initial_from(source_activity))
            photos = len(source_activity.photos.all())
            if photos:
                self.fields["with_photos"] = forms.BooleanField(
                    label=_("Attach the entry's photos (%(count)d)") % {"count": photos},
                    required=False,
                    initial=True,
                )

    def clean(self):
        cleaned = super().clean()
        activity = self.source_activity
        park = cleaned.get("park")
        if activity is not None and park is not None and park.pk != activity.park_id:
            self.add_error(
                "park",
                _("The activity this grievance was heard at is in %(park)s.")
                % {"park": activity.park.name},
            )
        if cleaned.get("sms_consent") and not cleaned.get("complainant_phone"):
            self.add_error("sms_consent", _("Give the worker's phone number to text them."))
        return cleaned


# --- Workflow steps -------------------------------------------------------------------------

NOTE_LABELS = {
    Action.RETURN: _("Why it is returned (the wrong unit, what is missing)"),
    Action.REPLY: _("The reply to the worker"),
    Action.REOPEN: _("Why it is reopened"),
    Action.WITHDRAW: _("Why it is withdrawn"),
}


class ActionForm(BootstrapFormMixin, forms.Form):
    """One workflow step with its note; the step's service decides whether it may be taken.

    Steps that must say why get the browser's `required` mark; the service enforces it.
    """

    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, action, **kwargs):
        kwargs.setdefault("auto_id", f"{action}-%s")
        super().__init__(*args, **kwargs)
        self.action = action
        if action in NOTE_LABELS:
            self.fields["note"].label = NOTE_LABELS[action]
        if action in ACTIONS_NEEDING_NOTE:
            self.fields["note"].widget.attrs["required"] = True
            self.note_required = True
        else:
            self.note_required = False

    def drawing_inputs(self) -> tuple:
        """What the unbound form prints is made of besides its class, its auto_id and its
        initial values (grievances.drawn_forms): the step, for its label and `required`."""
        return (self.action,)


class AssignForm(ActionForm):
    """The office sends a grievance to a unit, optionally naming the person who handles it."""

    unit = forms.ModelChoiceField(label=_("Handling unit"), queryset=Organisation.objects.none())
    handler = forms.TypedChoiceField(
        label=_("Handler"), required=False, coerce=int, empty_value=None
    )

    field_order = ["unit", "handler", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = assignable_units(user)
        groups = {}
        self._people = {}
        for person in assignable_people_listed(user):
            self._people[person.pk] = person
            groups.setdefault(person.organisation.name, []).append((person.pk, str(person)))
        self.fields["handler"].choices = [("", _("Anyone in the unit")), *groups.items()]
        self.fields["handler"].help_text = _("Optional: the person must work in the chosen unit.")

    def drawing_inputs(self) -> tuple:
        # The units and people this user may assign to, read once and drawn as read.
        unit, handler = self.fields["unit"], self.fields["handler"]
        return (
            *super().drawing_inputs(),
            listed_options(unit, assignable_units_listed(self.user)),  # its query, planned
            read_options(handler),
            texts([handler.help_text]),
        )

    def clean_handler(self):
        pk = self.cleaned_data.get("handler")
        return self._people.get(pk) if pk else None


class FollowUpForm(ActionForm):
    """The office records the follow-up call: how satisfied the worker is, and for an opinion
    whether the problem was put right."""

    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    rectified = forms.BooleanField(
        label=_("Rectified: the problem raised was put right"), required=False
    )

    field_order = ["satisfaction", "rectified", "note"]

    def __init__(self, *args, grievance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["satisfaction"].widget.attrs["class"] = "form-check-input"
        if not self.is_bound:
            self.initial["rectified"] = grievance.rectified


class TemplateSelect(forms.Select):
    """A select whose options carry a standard reply's text for the page's script to insert."""

    def __init__(self, *args, texts, **kwargs):
        super().__init__(*args, **kwargs)
        self.texts = texts

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.texts:
            option["attrs"]["data-text"] = self.texts[str(value)]
        return option


class ReplyForm(ActionForm):
    """The unit's reply, with the office's standard replies of the category to start from."""

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        if not templates:
            return
        texts = {str(template.pk): template.text for template in templates}
        self.fields["template"] = forms.ChoiceField(
            label=_("Insert a standard reply"),
            required=False,
            choices=[("", _("— choose —")), *((t.pk, t.title) for t in templates)],
            widget=TemplateSelect(texts=texts),
            help_text=_("Adds its text to the reply; change it to fit this case."),
        )
        self.fields["template"].widget.attrs.update(
            {"class": "form-select", "data-insert-into": self["note"].auto_id}
        )
        self.order_fields(["template", "note"])

    def drawing_inputs(self) -> tuple:
        # The category's standard replies: their titles as options, their texts as data.
        template = self.fields.get("template")
        if template is None:
            return (*super().drawing_inputs(), None)
        texts_ = tuple(sorted(template.widget.texts.items()))
        return (*super().drawing_inputs(), read_options(template), texts_)

    def clean(self):
        cleaned = super().clean()
        # Only a help for typing the note: the step's service takes the note alone.
        cleaned.pop("template", None)
        return cleaned


def action_form(action, *, grievance, user, data=None):
    """The form for a step: assign and follow-up ask for more than a note; the reply offers
    the standard replies of the grievance's category."""
    if action == Action.ASSIGN:
        initial = {"unit": grievance.handling_unit_id} if grievance.handling_unit_id else None
        return AssignForm(data, action=action, user=user, initial=initial)
    if action == Action.FOLLOW_UP:
        return FollowUpForm(data, action=action, grievance=grievance)
    if action == Action.REPLY:
        return ReplyForm(data, action=action, templates=templates_listed(grievance.category))
    return ActionForm(data, action=action)


class ReplyTemplateForm(BootstrapFormMixin, forms.ModelForm):
    """The office writes a standard reply for a category."""

    class Meta:
        model = ReplyTemplate
        fields = ["category", "title", "text", "is_active"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}


# --- Extensions and mediation ---------------------------------------------------------------


class ExtensionRequestForm(BootstrapFormMixin, forms.Form):
    days = forms.IntegerField(
        label=_("Extra days"),
        min_value=1,
        max_value=60,
        widget=forms.NumberInput(attrs={"min": 1, "max": 60}),
    )
    reason = forms.CharField(
        label=_("Why more time is needed"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "extension-%s")
        super().__init__(*args, **kwargs)

    def drawing_inputs(self) -> tuple:
        return ()  # its class, its auto_id: grievances.drawn_forms


class ExtensionDecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MediationOpenForm(BootstrapFormMixin, forms.Form):
    applied_on = forms.DateField(label=_("Applied on"), widget=DATE_INPUT)
    parties = forms.CharField(
        label=_("Parties"),
        max_length=2000,
        help_text=_("Who is in dispute, one per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    mediator = forms.ModelChoiceField(label=_("Mediator"), queryset=User.objects.none())

    def __init__(self, *args, grievance, **kwargs):
        kwargs.setdefault("auto_id", "mediation-%s")
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = mediators_for(grievance)
        self.grievance = grievance
        self.fields["applied_on"].help_text = _(
            "After %(days)d days without agreement a party may seek arbitration."
        ) % {"days": settings.GRIEVANCE_MEDIATION_DAYS}
        if not self.is_bound:
            self.initial.setdefault("applied_on", timezone.localdate())

    def drawing_inputs(self) -> tuple:
        # Who may mediate (read once, drawn as read) and the help text naming the days; the
        # day it starts from is an initial value (grievances.drawn_forms).
        help_text = self.fields["applied_on"].help_text  # in the language it was made in
        mediator = self.fields["mediator"]
        rows = mediators_listed(self.grievance)  # the field's query, compiled once
        options = read_options(mediator) if rows is None else listed_options(mediator, rows)
        return (options, texts([help_text]))

    def clean_applied_on(self):
        applied_on = self.cleaned_data["applied_on"]
        if applied_on > timezone.localdate():
            raise ValidationError(_("The application date cannot be in the future."))
        return applied_on


class MediationSessionForm(BootstrapFormMixin, forms.Form):
    held_at = forms.DateTimeField(
        label=_("Held at"), widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=100)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "session-%s")
        super().__init__(*args, **kwargs)

    def drawing_inputs(self) -> tuple:
        return ()  # its class, its auto_id: grievances.drawn_forms


class MediationConcludeForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MediationOutcome.choices)
    concluded_on = forms.DateField(label=_("Concluded on"), widget=DATE_INPUT)
    amount_agreed = forms.DecimalField(
        label=_("Amount agreed (yuan)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "conclude-%s")
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("concluded_on", timezone.localdate())

    def drawing_inputs(self) -> tuple:
        return ()  # its class, its auto_id, the day as an initial value: grievances.drawn_forms


# --- Surveys and time limits ----------------------------------------------------------------


class SurveyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = SurveyCampaign
        fields = ["park", "title", "held_on", "handed_out", "returned"]
        widgets = {
            "held_on": DATE_INPUT,
            "handed_out": forms.NumberInput(attrs={"min": 0}),
            "returned": forms.NumberInput(attrs={"min": 0}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = loggable_parks(user)

    def clean_park(self):
        # The instance still holds the stored park here; the policy decides the move.
        park = self.cleaned_data["park"]
        refusal = policy.survey_move_refusal(self.instance, park)
        if refusal is not None:
            raise ValidationError(refusal.message_dict["park"])
        return park

    def clean(self):
        cleaned = super().clean()
        handed_out, returned = cleaned.get("handed_out"), cleaned.get("returned")
        if handed_out is not None and returned is not None and returned > handed_out:
            self.add_error("returned", _("More surveys cannot come back than were handed out."))
        return cleaned


class PolicyForm(BootstrapFormMixin, forms.ModelForm):
    """One category's time limits; the page shows one per category."""

    class Meta:
        model = TimeLimitPolicy
        fields = ["respond_within_hours", "resolve_within_days"]
        widgets = {
            "respond_within_hours": forms.NumberInput(attrs={"min": 1, "max": 720}),
            "resolve_within_days": forms.NumberInput(attrs={"min": 1, "max": 365}),
        }


# --- Rates ----------------------------------------------------------------------------------


class RatesScopeForm(BootstrapFormMixin, forms.Form):
    """Which grievances the rates count: a scope (all optional) and the period of receipt."""

    park = forms.ModelChoiceField(
        label=_("Park"), required=False, queryset=Park.objects.none(), empty_label=_("All")
    )
    subdistrict = forms.ModelChoiceField(
        label=_("Subdistrict"),
        required=False,
        queryset=Subdistrict.objects.none(),
        empty_label=_("All"),
    )
    grid_zone = forms.ModelChoiceField(
        label=_("Grid zone"), required=False, queryset=GridZone.objects.none(), empty_label=_("All")
    )
    unit = forms.ModelChoiceField(
        label=_("Handling unit"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All"),
    )
    date_from = forms.DateField(
        label=_("Received from"),
        required=False,
        widget=DATE_INPUT,
        validators=PORTAL_DATE_VALIDATORS,
    )
    date_to = forms.DateField(
        label=pgettext_lazy("period", "to"),
        required=False,
        widget=DATE_INPUT,
        validators=PORTAL_DATE_VALIDATORS,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks_visible_to(user).order_by(chinese_order("name"))
        self.fields["subdistrict"].queryset = subdistricts_visible_to(user).order_by(
            chinese_order("name")
        )
        self.fields["grid_zone"].queryset = (
            grid_zones_visible_to(user)
            .select_related("park")
            .order_by(chinese_order("park__name"), "code")
        )
        self.fields["grid_zone"].label_from_instance = lambda zone: (
            f"{zone.park.name} · {zone.code} {zone.name}"
        )
        self.fields["unit"].queryset = organisations_visible_to(user).order_by(
            "kind", chinese_order("name")
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned


class MergeForm(forms.Form):
    """The office merges a grievance into another (the survivor) of the same park."""

    into = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Grievance.objects.none(),
        error_messages={"invalid_choice": _("Choose a grievance you can see to merge into.")},
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args, grievances, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = grievances

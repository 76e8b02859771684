"""Browser forms of the reforms app. They validate input; the services decide and save."""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parks.access import parks_visible_to
from parks.core.db import chinese_order
from parks.core.forms import DATE_INPUT, BootstrapFormMixin, MultipleFileField
from parks.structure.models import Organisation, User
from reforms.tasks.choices import TRANSITIONS_NEEDING_REASON, TaskStatus
from reforms.tasks.models import Milestone, Task
from reforms.tasks.selectors import plans_visible_to
from reforms.tasks.services import MAX_EVIDENCE_FILES, reason_needed_message, validate_evidence_file


class TaskForm(BootstrapFormMixin, forms.ModelForm):
    """Office staff create and edit a task's details; status and progress are not here.

    When editing, `updated_at` carries the version the form was drawn from, so a save on top
    of someone else's newer change is refused by reforms.tasks.services.task_save.
    """

    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Task
        fields = [
            "code",
            "plan",
            "park",
            "category",
            "title",
            "description",
            "lead_unit",
            "supporting_units",
            "owner",
            "start_date",
            "due_date",
            "weight",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "supporting_units": forms.CheckboxSelectMultiple,
            "start_date": DATE_INPUT,
            "due_date": DATE_INPUT,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans_visible_to(user).order_by("-year", "title")
        self.fields["park"].queryset = parks_visible_to(user).order_by(chinese_order("name"))
        units = Organisation.objects.filter(is_active=True).order_by("kind", chinese_order("name"))
        self.fields["lead_unit"].queryset = units
        self.fields["supporting_units"].queryset = units
        self.fields["supporting_units"].widget.attrs["class"] = "form-check-input"
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by(
            chinese_order("display_name"), "username"
        )
        if self.instance.pk is not None and not self.is_bound:
            self.initial["updated_at"] = self.instance.updated_at.isoformat()

    def clean_updated_at(self):
        value = self.cleaned_data.get("updated_at") or ""
        if not value:
            return None
        try:
            return datetime.fromisoformat(value)
        except ValueError as error:
            raise ValidationError(_("The form is damaged. Reload the page.")) from error


class TransitionForm(BootstrapFormMixin, forms.Form):
    """A workflow step; suspending, cancelling and reinstating must say why."""

    to_status = forms.ChoiceField(choices=TaskStatus.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        to_status = cleaned.get("to_status")
        if to_status in TRANSITIONS_NEEDING_REASON and not (cleaned.get("note") or "").strip():
            self.add_error("note", reason_needed_message(to_status))
        return cleaned


class ProgressForm(BootstrapFormMixin, forms.Form):
    """A progress update: the new percentage, what was done, and evidence files."""

    percent = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )
    text = forms.CharField(
        label=_("What was done"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, JPG, PNG or Office documents; several files may be chosen at once."),
    )

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_EVIDENCE_FILES:
            raise ValidationError(_("At most %(n)d files per update.") % {"n": MAX_EVIDENCE_FILES})
        errors = []
        for upload in files:
            try:
                validate_evidence_file(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files


class MilestoneForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["order", "title", "due_date"]
        widgets = {"due_date": DATE_INPUT}

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.task = task


class TaskImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Construction table (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

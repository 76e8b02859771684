"""The audit log: who created, changed or deleted which record, when, and what changed."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parks.core.choice_display import ChoiceDisplayMixin, choices_fixed
from parks.history.choices import AuditAction


@dataclass(frozen=True)
class ChangeRow:
    """One changed field of an event as pages show it: its label, before and after."""

    field: str
    label: str
    before: str
    after: str


def field_label(model, name: str) -> str:
    """A changed field's name as users read it: the model field's verbose name."""
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    if field.auto_created and not field.concrete:  # a reverse relation, such as photos
        return capfirst(field.related_model._meta.verbose_name_plural)
    return capfirst(field.verbose_name)


def _reading(model, name: str) -> tuple[str, dict]:
    """A changed field's label (lazy: it speaks the language it is read in) and its choices'
    labels by value as text; worked out once per model and name (a history panel reads every
    changed field of every event on each request), unless its choices may change
    (choice_display.choices_fixed)."""
    try:
        return _READINGS[model, name]
    except KeyError:
        pass
    try:
        field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        field = None
    choices = getattr(field, "choices", None)
    labels = {str(value): label for value, label in field.flatchoices} if choices else {}
    found = (field_label(model, name), labels)
    if choices is None or choices_fixed(field):
        _READINGS[model, name] = found
    return found


# (model, field name) -> _reading's answer. Bounded by the code: the names are the fields and
# extras (photos, industries) the services log, for the audited models.
_READINGS: dict[tuple, tuple[str, dict]] = {}


def _display(value, labels) -> str:
    if value is None:
        return "—"
    if value == AuditEvent.MASKED:
        return gettext("(hidden)")
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list | tuple):
        return "、".join(_display(item, labels) for item in value) or "—"
    return str(labels.get(str(value), value))


def _frozen(value):
    """A stored value with its lists as tuples: a value `{% memo %}` can key."""
    return tuple(_frozen(item) for item in value) if isinstance(value, list) else value


def read_changes(model, changed) -> list[ChangeRow]:
    """The changed fields, (name, before, after) as stored, with their labels and values as a
    reader sees them (choices by their label, masked values as hidden), in the current
    language; no query."""
    rows = []
    for name, before, after in changed:
        label, labels = _reading(model, name)
        rows.append(
            ChangeRow(
                field=name,
                label=str(label),
                before=_display(before, labels),
                after=_display(after, labels),
            )
        )
    return rows


class AuditEvent(ChoiceDisplayMixin, models.Model):
    """One write to one record, written by parks.history.audit in the write's own transaction."""

    # Masked personal data and passwords are stored as this: the log says that they changed.
    MASKED = "***"

    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("who"),
        help_text=_("Empty for the system: a scheduled job, a command or a worker's own page."),
    )
    # Kept as written, so the log still names someone whose account was deleted later.
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, verbose_name=_("record type")
    )
    object_id = models.BigIntegerField(_("record id"))
    object_repr = models.CharField(_("record"), max_length=200)
    # {field name: [before, after]}: values as shown, foreign keys by name, files by file name.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # Where the record lies, as written (parks.history.audit._place): its park, or for a row of a
    # subdistrict with no park (a subdistrict's own plan or task) its subdistrict. Read by
    # reforms.reporting.freshness to tell a report that its scope changed after it was built.
    # No database constraint and nothing done on delete: the events of a deleted park still
    # say where they happened.
    park = models.ForeignKey(
        "parks.Park",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("park"),
    )
    subdistrict = models.ForeignKey(
        "parks.Subdistrict",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subdistrict"),
    )

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [
            # An object's history panel: one record's events, newest first.
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_history"),
            # The audit page and /api/v1/audit/ unfiltered: newest first, a page at a time.
            models.Index(fields=["-at", "-id"], name="audit_newest"),
            # The audit page filtered by person.
            models.Index(fields=["actor", "-at"], name="audit_by_actor"),
            # The audit page filtered by record type.
            models.Index(fields=["content_type", "-at"], name="audit_by_type"),
            # reforms.reporting.freshness.data_changed_at: the latest write in a park (a park's
            # or a subdistrict's report) after the report was built.
            models.Index(fields=["park", "-at"], name="audit_by_park"),
            # The same for a subdistrict's own rows, which have no park.
            models.Index(fields=["subdistrict", "-at"], name="audit_by_subdistrict"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    @property
    def shown_actor(self) -> str | None:
        """Who the log names: the person as named now, or as written when their account is
        gone; None for the system (the pages print "System" in their language)."""
        if self.actor is not None:
            return str(self.actor)
        return self.actor_name or None

    @property
    def record_model(self):
        # ContentType rows are cached by Django: no query once the event has its content_type.
        return self.content_type.model_class()

    def changed_values(self) -> tuple[tuple[str, Any, Any], ...]:
        """Each changed field as (name, before, after), as stored (lists as tuples): what the
        change rows are read from, as values (parks.history.rows.HistoryRow)."""
        values = []
        for name, pair in self.changes.items():
            before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            values.append((name, _frozen(before), _frozen(after)))
        return tuple(values)

    def change_rows(self) -> list[ChangeRow]:
        """The changed fields as a reader sees them (read_changes); from the stored JSON alone."""
        return read_changes(self.record_model, self.changed_values())

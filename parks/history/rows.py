"""An audit event as a history panel prints it (templates/_history.html), as values.

Events are never changed once written, so what a panel prints is a function of its events'
values, the actors' names and the ambient inputs (language, time zone). A `HistoryRow` holds
those values as plain text, so that `{% memo %}` (parks.templatetags.memo) can key the panel,
and each event, on them: the panel is drawn once per set of rows, not some twenty template
nodes an event and a change on every page of a record. tests/parks/test_history_kept.py pins
the kept panel to the template that drew the events themselves.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model
from django.utils import timezone

from parks.core.choice_display import choice_label
from parks.core.dates import minute_digits
from parks.history.models import AuditEvent, ChangeRow, read_changes

_ACTION = AuditEvent._meta.get_field("action")


@dataclass(frozen=True)
class HistoryRow:
    """One event of a history panel: when, who, what and each changed field, as printed."""

    action: str
    at_iso: str  # when, as `|date:'c'` prints it in the current time zone
    at: str  # when, as `|minute` prints it in the current time zone
    actor: str | None  # AuditEvent.shown_actor: None for the system
    object_repr: str
    record: str  # the record's model, "app_label.model" as its content type names it
    # AuditEvent.changed_values: (name, before, after) as stored, masked values as masked. Read
    # as change rows (labels, choices, "(hidden)") only when the row is drawn, in its language.
    changed: tuple[tuple, ...]

    @classmethod
    def of(cls, event: AuditEvent) -> "HistoryRow":
        content_type = event.content_type
        # As the date filters receive it (the stubs lack template_localtime).
        local = timezone.template_localtime(event.at)  # type: ignore[attr-defined]
        return cls(
            action=event.action,
            at_iso=local.isoformat(),  # dateformat's "c"
            at=minute_digits(local),
            actor=event.shown_actor,
            object_repr=event.object_repr,
            record=f"{content_type.app_label}.{content_type.model}",
            changed=event.changed_values(),
        )

    @property
    def action_label(self) -> str:
        # AuditEvent.get_action_display, in the language the row is drawn in.
        return choice_label(_ACTION, self.action)

    @property
    def changes(self) -> list[ChangeRow]:
        """AuditEvent.change_rows, from the row's values."""
        return read_changes(_model(self.record), self.changed)


def _model(label: str) -> type[Model] | None:
    # ContentType.model_class: None for a model the code no longer has.
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def history_rows(events: list[AuditEvent]) -> tuple[HistoryRow, ...]:
    return tuple(HistoryRow.of(event) for event in events)

"""History on every write: what the services call, in their own transaction, to log a write.

One event model (parks.history.models.AuditEvent) holds every create, change and delete of the
records the office cares about, whatever app they live in, so the audit page and /api/v1/audit/
read one table with a fixed number of queries, and a rolled-back write leaves no trace because the
event was written in the same transaction. The domain timelines users work with (a task's
TaskEvent, a grievance's steps) stay as they are; this is the technical record of who changed what.

A service reads the row as stored before changing it (`stored`), saves, then calls
`record_save` (or `record_delete`). Values are kept as shown: a foreign key by its name, a file
by its file name, a date in ISO form, long text cut short. Fields a model names in
`AUDIT_MASKED_FIELDS` (a complainant's name and phone, a password) are logged as changed without
their values; fields in `AUDIT_IGNORED_FIELDS` and automatic timestamps are not logged at all.
`actor` None means the system: a scheduled job, a command, or a worker on a public page.
"""

import json
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from parks.history.choices import AuditAction
from parks.history.models import AuditEvent
from parks.structure.models import Park

MASKED = AuditEvent.MASKED
# Long text is cut here: the record keeps the text itself; the log says what it was about.
TEXT_LIMIT = 500

# The models whose writes are logged; each app registers its own (AppConfig.ready), and the
# audit page offers them as record types.
AUDITED_MODELS: list[type[models.Model]] = []


def register(*model_classes) -> None:
    for model in model_classes:
        if model not in AUDITED_MODELS:
            AUDITED_MODELS.append(model)


def _tracked_fields(model):
    ignored = set(getattr(model, "AUDIT_IGNORED_FIELDS", ()))
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in ignored:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue  # updated_at moves on every save; the event's own time says when
        yield field


def _masked(model) -> set[str]:
    return set(getattr(model, "AUDIT_MASKED_FIELDS", ()))


def _raw(instance, field):
    value = getattr(instance, field.attname)
    if isinstance(field, models.FileField):
        return value.name or None if value else None
    return None if value == "" else value


def shown(value):
    """A value as the log keeps it: JSON, short, readable without the database."""
    if value is None or value == "":
        return None
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [shown(item) for item in value]
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def _shown_field(instance, field, masked):
    raw = _raw(instance, field)
    if raw is None:
        return None
    if field.name in masked:
        return MASKED
    if field.is_relation:
        return shown(str(getattr(instance, field.name)))  # the related row: its name
    return shown(raw)


def stored(instance):
    """The row as the database has it now (None for a new one), to compare with after saving.

    Forms and serializers change the instance before the service sees it, so the state before
    the write is read back here rather than trusted from the caller.
    """
    if instance.pk is None:
        return None
    return type(instance)._base_manager.filter(pk=instance.pk).first()


def _actor(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def _place(instance) -> tuple[int | None, int | None]:
    """Where a record lies, as (park id, subdistrict id): a park is its own place; another
    record's is its park, or what its model's `audit_place()` says (a subdistrict's own task
    has a subdistrict and no park); district-wide rows have neither."""
    if isinstance(instance, Park):
        return instance.pk, None
    audit_place = getattr(instance, "audit_place", None)
    if audit_place is not None:
        return audit_place()
    return getattr(instance, "park_id", None), None


def _event(*, actor, action, instance, changes) -> AuditEvent:
    actor = _actor(actor)
    park_id, subdistrict_id = _place(instance)
    return AuditEvent(
        actor=actor,
        actor_name=str(actor)[:150] if actor else "",
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance), for_concrete_model=False),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        changes=changes,
        park_id=park_id,
        subdistrict_id=subdistrict_id,
    )


def _diff(before, after, extra, only=None):
    model = type(after)
    masked = _masked(model)
    changes = {}
    for field in _tracked_fields(model):
        if only is not None and field.name not in only:
            continue
        old = None if before is None else _raw(before, field)
        new = _raw(after, field)
        if old != new:
            old_shown = None if before is None else _shown_field(before, field, masked)
            changes[field.name] = [old_shown, _shown_field(after, field, masked)]
    for name, (old, new) in (extra or {}).items():
        if old != new:
            changes[name] = [shown(old), shown(new)]
    return changes


def record_save(*, actor, instance, before, extra=None, only=None) -> AuditEvent | None:
    """Log a create (`before` None) or a change (`before` = `stored(instance)` read before the
    save). `extra` adds {name: (before, after)} for what is not a column: many-to-many names,
    photos. `only` names the fields a partial save wrote. A change of nothing logs nothing."""
    changes = _diff(before, instance, extra, only)
    if before is not None and not changes:
        return None
    action = AuditAction.CREATE if before is None else AuditAction.UPDATE
    event = _event(actor=actor, action=action, instance=instance, changes=changes)
    event.save()
    return event


def record_delete(*, actor, instance, extra=None) -> AuditEvent:
    """Log a delete, with the values the record had; call it before the row is deleted."""
    changes = {name: [new, None] for name, (_old, new) in _diff(None, instance, extra).items()}
    event = _event(actor=actor, action=AuditAction.DELETE, instance=instance, changes=changes)
    event.save()
    return event


def record_bulk_create(*, actor, instances) -> None:
    """Log many new rows with one insert (a batch of activities from another system)."""
    AuditEvent.objects.bulk_create(
        [
            _event(
                actor=actor,
                action=AuditAction.CREATE,
                instance=instance,
                changes=_diff(None, instance, None),
            )
            for instance in instances
        ]
    )


def names(related) -> list[str]:
    """Many-to-many values as the log keeps them: the names, sorted."""
    return sorted(str(item) for item in related)


class AdminAuditMixin:
    """For ModelAdmins: log the admin's own writes. Deletes always; saves only where the admin
    saves the row itself (`audit_admin_saves`), as the services log the saves they make."""

    audit_admin_saves = False

    def save_model(self, request, obj, form, change):
        if not self.audit_admin_saves:
            return super().save_model(request, obj, form, change)
        before = stored(obj) if change else None
        super().save_model(request, obj, form, change)
        record_save(actor=request.user, instance=obj, before=before)

    def delete_model(self, request, obj):
        # The admin's delete view runs in a transaction; the event goes with the row.
        record_delete(actor=request.user, instance=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The "delete selected" action has no transaction of its own around both.
        with transaction.atomic():
            for obj in queryset:
                record_delete(actor=request.user, instance=obj)
            super().delete_queryset(request, queryset)

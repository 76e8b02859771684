"""Standard replies (标准答复 / 常用语) per category: the office keeps them, a handling unit
inserts one into its reply and adapts it (static/js/reply_templates.js)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from grievances import policy
from grievances.models import ReplyTemplate
from parks.core.prepared import prepared
from parks.history import audit
from parks.structure.models import User


def templates_for(category: str) -> QuerySet[ReplyTemplate]:
    """The templates in use for a category, as the reply form offers them."""
    return ReplyTemplate.objects.filter(category=category, is_active=True).order_by("title", "pk")


def templates_listed(category: str) -> list[ReplyTemplate]:
    """templates_for's rows by its query compiled once per process (parks.core.prepared; the
    category is its one value): the reply form reads them on the handling unit's page."""
    return list(prepared("reply_templates", templates_for, category))


def reply_template_save(*, template: ReplyTemplate, actor: User) -> ReplyTemplate:
    """The office adds or changes a standard reply."""
    if not policy.may_keep_reply_templates(actor):
        raise PermissionDenied
    template.title, template.text = template.title.strip(), template.text.strip()
    template.full_clean()
    try:
        with transaction.atomic():
            before = audit.stored(template)
            template.save()
            audit.record_save(actor=actor, instance=template, before=before)
    except IntegrityError as error:  # two offices saving the same title at once
        raise ValidationError(
            {"title": _("This category already has a template of that title.")}
        ) from error
    return template

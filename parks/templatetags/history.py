"""History panels (templates/_history.html) from the audit log, for a record's page:
`{% object_history_panel obj %}` for one record, `{% type_history_panel "app.model" %}` for a
page that edits every record of a kind. The events go to the template as values
(parks.history.rows.HistoryRow), which its `{% memo %}`s key."""

from django import template
from django.apps import apps
from django.utils.http import urlencode

from parks import access
from parks.core.row_urls import named_url
from parks.history.rows import history_rows
from parks.history.selectors import object_history, type_history

register = template.Library()


def _audit_url(context, model, **filters):
    """The office's audit page with these filters; None for anyone else, who may not open it."""
    request = context.get("request")
    if request is None or not access.is_district_office(request.user):
        return None
    query = {"object_type": model._meta.label_lower, **filters}
    return f"{named_url('parks:audit')}?{urlencode(query)}"


@register.inclusion_tag("_history.html", takes_context=True)
def object_history_panel(context, instance):
    """Whoever sees the page sees the panel (masked fields stay masked)."""
    if instance is None or instance.pk is None:
        return {"history": None}
    return {
        "history": history_rows(object_history(instance)),
        "more_url": _audit_url(context, type(instance), object_id=instance.pk),
        "show_record": False,
    }


@register.inclusion_tag("_history.html", takes_context=True)
def type_history_panel(context, model_label):
    model = apps.get_model(model_label)
    return {
        "history": history_rows(type_history(model)),
        "more_url": _audit_url(context, model),
        "show_record": True,
    }

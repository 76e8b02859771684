"""`{% related_panels obj %}`: the panels other domains registered for obj's kind
(parks.core.panels), in the order they registered."""

from django import template
from django.utils.safestring import mark_safe

from parks.core.panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def related_panels(context, instance):
    request = context.get("request")
    if request is None or instance is None or instance.pk is None:
        return ""
    # Each panel returns a rendered template: its own autoescaping has run.
    return mark_safe("".join(panel(request, instance) for panel in panels_for(instance)))  # noqa: S308

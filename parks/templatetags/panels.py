"""`{% related_panels "park" park %}`: the panels the domains registered for a kind of page
(parks.core.related), in their registered order, drawn by templates/_related_panels.html."""

from django import template

from parks.core import related

register = template.Library()


@register.inclusion_tag("_related_panels.html", takes_context=True)
def related_panels(context, kind, instance):
    request = context.get("request")
    if request is None or instance is None or instance.pk is None:
        return {"panels": []}
    return {"panels": related.panels_for(kind, request.user, instance)}

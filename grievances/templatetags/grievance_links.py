"""Links into the grievance pages for other apps' templates.

The grid log (parks) offers "turn into a grievance" on an entry; who may log a grievance is the
grievances app's rule, so it is asked here and parks imports nothing from grievances.
"""

from django import template
from django.urls import reverse

from grievances.selectors import user_can_log_grievances

register = template.Library()


@register.simple_tag(takes_context=True)
def grievance_from_activity_url(context, activity):
    """The page that logs a grievance heard at `activity`, or "" for who may not log it there."""
    user = context["request"].user
    if not user.is_authenticated or not user_can_log_grievances(user, activity.park):
        return ""
    return f"{reverse('grievances:grievance_create')}?activity={activity.pk}"

"""`{% drawn_form form %}`: what `{% include "_form.html" %}` prints for `form`, kept per process
for a form that says what it is made from (grievances.drawn_forms).

`{% modal_form form modal_id=… action_url=… title=… submit=… style=… %}`: what
`{% include "grievances/_modal_form.html" %}` prints with those values, without the include's
own work (its template read and its context built: up to five modals a page). The template
is the one definition of the markup: its frame is a {% memo %} cut at two {% hole %}s, where
each request puts in its own CSRF input and the form ({% drawn_form %});
tests/grievances/test_grievance_page_frames.py pins the tag against the include.
"""

from django import template
from django.template.context import Context
from django.template.loader import get_template
from django.utils.safestring import SafeString

from grievances import drawn_forms

register = template.Library()

MODAL = "grievances/_modal_form.html"
# What the modal's frame prints besides the form and the CSRF input (its memo names these).
FRAME_VALUES = ("modal_id", "action_url", "title", "submit", "style")


@register.simple_tag
def drawn_form(form):
    return drawn_forms.drawn(form)


@register.simple_tag(takes_context=True)
def modal_form(context: Context, form, **values) -> SafeString:
    """`{% include "grievances/_modal_form.html" with form=form … %}` for these values."""
    if set(values) != set(FRAME_VALUES):
        # Each named, as the frame's memo names them (none read from the page's context).
        raise template.TemplateSyntaxError(f"modal_form takes {', '.join(FRAME_VALUES)}")
    with context.push(values, form=form):
        return get_template(MODAL).template.render(context)

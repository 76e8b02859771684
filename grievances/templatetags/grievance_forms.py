"""`{% drawn_form form %}`: what `{% include "_form.html" %}` prints for `form`, kept per process
for a form that says what it is made from (grievances.drawn_forms)."""

from django import template

from grievances import drawn_forms

register = template.Library()


@register.simple_tag
def drawn_form(form):
    return drawn_forms.drawn(form)

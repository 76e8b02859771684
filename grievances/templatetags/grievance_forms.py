"""`{% drawn_form form %}`: what `{% include "_form.html" %}` prints for `form`, kept per process
for a form that says what it is made from (grievances.drawn_forms).

`{% modal_form form modal_id=… action_url=… title=… submit=… style=… %}`: what
`{% include "grievances/_modal_form.html" %}` prints with those values, the frame kept whole.
The include drew its frame as three kept fragments around the CSRF input and the form: three
{% memo %} keys (each with its ambient inputs) and the include's own context work, some 0.07 ms
a modal and up to five modals a page. Here the template is drawn once per set of those values
and the ambient inputs, with marks where the CSRF input and the form go, and cut at them; each
request puts in its own CSRF input and the form ({% drawn_form %}). The template stays the one
definition of the markup; tests/grievances/test_grievance_page_frames.py pins the tag against
the include, kept or not, and the page is compared with its plain drawing as a whole.
"""

from django import template
from django.template.context import Context
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from grievances import drawn_forms
from parks.core.recent import Recent
from parks.templatetags import memo

register = template.Library()

MODAL = "grievances/_modal_form.html"
# What the modal's frame prints besides the form and the CSRF input (its memos name these).
FRAME_VALUES = ("modal_id", "action_url", "title", "submit", "style")


class _FormSlot:
    """Stands for the form while a modal's frame is drawn: {% drawn_form %} prints FORM_MARK."""


FORM_SLOT = _FormSlot()


@register.simple_tag
def drawn_form(form):
    if form is FORM_SLOT:
        return mark_safe(FORM_MARK)  # noqa: S308 the mark modal_form cuts the frame at
    return drawn_forms.drawn(form)


# Neither mark can come out of an escaped value (no "<" survives escaping); a frame in which
# either is not found exactly once (a safe value holding one) is not kept.
FORM_MARK = "<drawn-form>"
CSRF_MARK = "<csrf-mark>"
# A few modals per kind of page and language, the address holding the grievance's id: a few
# thousand frames; the least recently drawn forgotten first (a miss costs one include).
_frames = Recent(4096)


def _included(context: Context, form, values: dict) -> SafeString:
    """The plain path: the include, in the page's context with these values on top."""
    with context.push(values, form=form):
        return get_template(MODAL).template.render(context)


@register.simple_tag(takes_context=True)
def modal_form(context: Context, form, **values) -> SafeString:
    """`{% include "grievances/_modal_form.html" with form=form … %}` for these values."""
    if set(values) != set(FRAME_VALUES):
        # Each named, as the include's memos name them (none read from the page's context).
        raise template.TemplateSyntaxError(f"modal_form takes {', '.join(FRAME_VALUES)}")
    keys = [memo._key(values[name]) for name in FRAME_VALUES]
    if memo._plain or None in keys:
        return _included(context, form, values)
    around = memo.ambient()  # read once for the frame and the form (~4 µs each time)
    key = (context.autoescape, context.use_l10n, around, *keys)
    frame = _frames.kept(key, lambda: _frame(context, values))
    if frame is None:
        return _included(context, form, values)
    head, middle, tail = frame
    csrf = CsrfTokenNode().render(context)
    drawn = drawn_forms.drawn(form, around)
    return mark_safe(f"{head}{csrf}{middle}{drawn}{tail}")  # noqa: S308 all drawn by the engine


def _frame(context: Context, values: dict) -> tuple[str, str, str] | None:
    """The frame drawn with marks for the CSRF input and the form, cut at them."""
    alone = Context(
        {**values, "form": FORM_SLOT, "csrf_token": CSRF_MARK},
        autoescape=context.autoescape,
        use_l10n=context.use_l10n,
    )
    drawn = get_template(MODAL).template.render(alone)
    csrf = CsrfTokenNode().render(alone)
    if drawn.count(csrf) != 1 or drawn.count(FORM_MARK) != 1:
        return None
    head, rest = drawn.split(csrf)
    middle, tail = rest.split(FORM_MARK)
    return head, middle, tail

"""The grievance pages' frames kept per set of what they print ({% memo %}): the breadcrumbs
and each modal's frame print what their templates printed before, kept or drawn anew, in both
languages, with the request's CSRF input put in every time (issue 14). The whole page is
compared with its plain drawing in test_grievance_page_kept."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from grievances.choices import Action
from grievances.forms import ActionForm, ExtensionRequestForm, MediationSessionForm
from grievances.models import Grievance
from grievances.views.common import _shown
from parks.templatetags import memo
from tests.factories import GrievanceFactory
from tests.grievances.test_grievance_page_kept import (  # noqa: F401 (fixtures)
    _kept_now,
    cases,
    nothing_kept,
)

pytestmark = pytest.mark.django_db

BREADCRUMBS_BEFORE = """{% load i18n %}<nav aria-label="breadcrumb"><ol class="breadcrumb">
  <li class="breadcrumb-item"><a href="{% url 'grievances:inbox' %}">{% translate "Grievances" %}</a></li>
  {% if grievance %}<li class="breadcrumb-item"><a href="{{ grievance.get_absolute_url }}">{{ grievance.tracking_code }}</a></li>{% endif %}
  {% if title %}<li class="breadcrumb-item active" aria-current="page">{{ title }}</li>{% endif %}
</ol></nav>
"""  # noqa: E501 verbatim

MODAL_BEFORE = """{% load i18n grievance_forms %}<div class="modal fade" id="{{ modal_id }}" tabindex="-1" aria-labelledby="{{ modal_id }}-title" aria-hidden="true">
  <div class="modal-dialog">
    <form class="modal-content" method="post" action="{{ action_url }}">{% csrf_token %}
      <div class="modal-header">
        <h2 class="modal-title fs-5" id="{{ modal_id }}-title">{{ title }}</h2>
        <button type="button" class="btn-close" data-bs-dismiss="modal" aria-label="{% translate 'Close' %}"></button>
      </div>
      <div class="modal-body">
        {% drawn_form form %}
      </div>
      <div class="modal-footer">
        <button type="button" class="btn btn-outline-secondary" data-bs-dismiss="modal">{% translate "Back" %}</button>
        <button type="submit" class="btn btn-{{ style|default:'primary' }}" data-submit="{{ modal_id }}">{{ submit }}</button>
      </div>
    </form>
  </div>
</div>
"""  # noqa: E501 verbatim


def _both(template_text, included, values):
    """What the old template prints, and the include now, drawn twice (the second time kept)."""
    before = Template(template_text).render(Context(values))
    now = [Template(included).render(Context(values)) for _kept in range(2)]
    return before, now


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_breadcrumbs_print_what_their_template_printed(park, language):
    grievance = GrievanceFactory(park=park)
    included = '{% include "grievances/_breadcrumbs.html" %}'
    variants = [
        {},
        {"title": "Time limits"},
        {"title": "<b>标题</b>"},
        {"title": gettext_lazy("Grievances")},  # a lazy text: drawn every time, the same
        {"grievance": None, "title": grievance.tracking_code},
        {"grievance": grievance},
        {"grievance": grievance, "title": "Withdraw"},
    ]
    printed = set()
    with translation.override(language):
        for values in variants:
            before, now = _both(BREADCRUMBS_BEFORE, included, values)
            assert now == [before, before]
            printed.add(before)
    assert len(printed) == len(variants)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_modal_frame_prints_what_its_template_printed(park, language):
    grievance = GrievanceFactory(park=park)
    included = '{% include "grievances/_modal_form.html" %}'
    variants = _modal_variants(grievance)
    printed = set()
    with translation.override(language):
        for values in variants:
            values = {**values, "csrf_token": "token-of-this-request"}
            before, now = _both(MODAL_BEFORE, included, values)
            assert now == [before, before]
            assert "token-of-this-request" in before
            printed.add(before)
            other = {**values, "csrf_token": "token-of-another"}  # never kept
            assert Template(included).render(Context(other)) == before.replace(
                "token-of-this-request", "token-of-another"
            )
    assert len(printed) == len(variants)


def test_the_frame_is_kept_whole_cut_at_its_two_holes(park):
    memo._drawn.clear()
    values = {"modal_id": "m", "form": ExtensionRequestForm(), "title": "t", "action_url": "/"}
    Template('{% include "grievances/_modal_form.html" %}').render(Context(values))
    # One fragment: three texts around the CSRF input and the form, drawn per request.
    (parts,) = memo._drawn.values()
    assert len(parts) == 5


MODAL_TAG = (
    "{% load grievance_forms %}{% modal_form form modal_id=modal_id action_url=action_url"
    " title=title submit=submit style=style %}"
)


def _modal_variants(grievance):
    withdraw = {
        "modal_id": "action-withdraw",
        "form": ActionForm(action=Action.WITHDRAW),
        "title": "撤回 <b>",
        "submit": "撤回",
        "style": "danger",
        "action_url": f"/grievances/{grievance.pk}/act/withdraw/",
    }
    return [
        withdraw,
        {**withdraw, "title": gettext_lazy("Withdraw"), "submit": gettext_lazy("Withdraw")},
        {**withdraw, "title": mark_safe("<i>撤回</i>"), "style": ""},
        # A safe value holding a hole's mark: the frame cannot be cut, so it is drawn every time.
        {**withdraw, "title": SafeString(memo.HOLE_MARK)},
        {**withdraw, "submit": SafeString(f"<b>{memo.HOLE_MARK}</b>")},
        {"modal_id": "extension-modal", "form": ExtensionRequestForm(), "action_url": "/x/"},
        {
            "modal_id": "mediation-session-modal",
            "form": MediationSessionForm(),
            "title": "Record a mediation session",
            "submit": "Save session",
            "action_url": f"/grievances/{grievance.pk}/mediation/sessions/",
        },
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_modal_tag_prints_what_the_include_prints(park, language):
    grievance = GrievanceFactory(park=park)
    included = '{% include "grievances/_modal_form.html" %}'
    memo._drawn.clear()
    printed = set()
    with translation.override(language):
        for values in _modal_variants(grievance):
            values = {"title": "", "submit": "", "style": "", **values}
            for token in ("token-of-this-request", "token-of-another"):  # never kept
                context = {**values, "csrf_token": token}
                before = Template(included).render(Context(context))
                for _kept in range(2):
                    assert Template(MODAL_TAG).render(Context(context)) == before
                with memo.drawn_plainly():
                    assert Template(MODAL_TAG).render(Context(context)) == before
                assert token in before
                printed.add(before)
            # As a page draws it, in its whole context with what else it holds.
            page = Context({**values, "csrf_token": "t", "form": values["form"], "other": 1})
            assert Template(MODAL_TAG).render(page) == Template(included).render(page)
    assert len(printed) == 2 * len(_modal_variants(grievance))


def test_the_modal_frame_is_kept_whole_once_per_set_of_values(park):
    memo._drawn.clear()
    values = {
        "modal_id": "m",
        "form": ExtensionRequestForm(),
        "title": "t",
        "submit": "s",
        "style": "",
        "action_url": "/",
    }
    for _kept in range(2):
        Template(MODAL_TAG).render(Context(values))
    assert len(memo._drawn) == 1
    Template(MODAL_TAG).render(Context({**values, "title": SafeString(memo.HOLE_MARK)}))
    assert list(memo._drawn.values())[-1] is None  # not cut: drawn every time


def test_the_modal_tag_names_each_value_of_the_frame():
    unnamed = "{% load grievance_forms %}{% modal_form form modal_id='m' action_url='/' %}"
    with pytest.raises(TemplateSyntaxError, match="modal_form takes"):
        Template(unnamed).render(Context({"form": ExtensionRequestForm()}))


# The heading's badges and labels as grievance_detail.html drew them from the grievance before
# they were kept per set of the values they print.
HEADING_BEFORE = """{% load grievance_badges %}<span id="grievance-status">{% status_badge grievance %}</span>
      {% flag_badge grievance.deadline_flag %}
      <span class="text-secondary small">{{ grievance.get_category_display }} · {{ grievance.get_channel_display }}</span>"""  # noqa: E501 verbatim


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_heading_prints_what_its_template_printed(cases, language):  # noqa: F811 (the fixture)
    rows = list(_shown(Grievance.objects.filter(pk__in=[case.pk for case in cases])))
    now = Template("{% load grievance_badges %}" + _kept_now("{% memo status="))
    printed = set()
    with translation.override(language):
        for grievance in rows:
            before = Template(HEADING_BEFORE).render(Context({"grievance": grievance}))
            for _kept in range(2):
                assert now.render(Context({"grievance": grievance})) == before
            printed.add(before)
    assert len(printed) >= 4
    assert {row.deadline_flag for row in rows} >= {"ok", "done"}

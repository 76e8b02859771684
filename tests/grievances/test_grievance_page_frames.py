"""The grievance pages' frames kept per set of what they print ({% memo %}): the breadcrumbs
and each modal's frame print what their templates printed before, kept or drawn anew, in both
languages, with the request's CSRF input put in every time (issue 14). The whole page is
compared with its plain drawing in test_grievance_page_kept."""

import pytest
from django.template import Context, Template
from django.utils import translation
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
    withdraw = {
        "modal_id": "action-withdraw",
        "form": ActionForm(action=Action.WITHDRAW),
        "title": "撤回 <b>",
        "submit": "撤回",
        "style": "danger",
        "action_url": f"/grievances/{grievance.pk}/act/withdraw/",
    }
    variants = [
        withdraw,
        {**withdraw, "title": gettext_lazy("Withdraw"), "submit": gettext_lazy("Withdraw")},
        {"modal_id": "extension-modal", "form": ExtensionRequestForm(), "action_url": "/x/"},
        {
            "modal_id": "mediation-session-modal",
            "form": MediationSessionForm(),
            "title": "Record a mediation session",
            "submit": "Save session",
            "action_url": f"/grievances/{grievance.pk}/mediation/sessions/",
        },
    ]
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


def test_the_frames_are_kept(park):
    memo._drawn.clear()
    values = {"modal_id": "m", "form": ExtensionRequestForm(), "title": "t", "action_url": "/"}
    Template('{% include "grievances/_modal_form.html" %}').render(Context(values))
    assert len(memo._drawn) == 3  # the frame's three parts around the CSRF input and the form


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

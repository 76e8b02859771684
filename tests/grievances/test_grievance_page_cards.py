"""The grievance page's history cards (grievances/views/detail_cards.py) print what their
template printed from the rows before they were kept per set of their values: the extensions
(pending with its decision form, approved), the mediation (to open, running, concluded with an
amount, past its fifteen days) and who saw the personal data, for the office and the handling
unit, masked and unmasked, in Chinese and in English, in two time zones. Each old card, drawn
from the rows as the page read them, is found verbatim in the page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

from grievances import policy, selectors
from grievances.choices import Category, ExtensionState, MediationOutcome, Status
from grievances.forms import ExtensionRequestForm
from grievances.models import ExtensionRequest, Mediation, PersonalDataView
from grievances.views import detail
from grievances.views import detail_reads as reads
from tests.factories import GrievanceFactory
from tests.grievances.pages_helpers import NOW, _in
from tests.grievances.test_grievance_page_kept import TOKEN, cases  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

# grievance_detail.html's three cards as they were, verbatim.
CARDS_BEFORE = """{% load i18n memo moments row_urls %}
    {% if extensions or extension_form %}
    <div class="card mb-3" id="extensions">
      <div class="card-header d-flex justify-content-between align-items-center gap-2">
        <span class="fw-semibold">{% translate "Extensions" %}</span>
        {% if extension_form %}<a class="btn btn-sm btn-outline-primary" id="request-extension" href="{{ grievance.pk|row_url:'grievances:extension_request' }}" data-bs-toggle="modal" data-bs-target="#extension-modal"><i class="bi bi-calendar-plus" aria-hidden="true"></i> {% translate "Ask for more time" %}</a>{% endif %}
      </div>
      <ul class="list-group list-group-flush">
        {% for extension in extensions %}
        <li class="list-group-item extension" data-state="{{ extension.state }}">
          <div class="d-flex flex-wrap justify-content-between gap-2">
            <span><span class="fw-semibold">{% blocktranslate count days=extension.days %}+{{ days }} day{% plural %}+{{ days }} days{% endblocktranslate %}</span> · {{ extension.requested_by }} · <span class="small text-secondary">{{ extension.requested_at|minute }}</span></span>
            <span class="badge {% if extension.state == 'approved' %}text-bg-success{% elif extension.state == 'rejected' %}text-bg-secondary{% else %}text-bg-warning{% endif %}">{{ extension.get_state_display }}</span>
          </div>
          <div class="small text-break">{{ extension.reason|linebreaksbr }}</div>
          {% if extension.decided_by %}<div class="small text-secondary">{{ extension.decided_by }} · {{ extension.decided_at|minute }}</div>{% endif %}
          {% if can_decide_extension and extension.state == 'pending' %}
          <form method="post" action="{{ extension.pk|row_url:'grievances:extension_decide' }}" class="mt-2" id="extension-decision">{% csrf_token %}
            <label class="form-label small" for="extension-note">{% translate "Note" %}</label>
            <input type="text" class="form-control form-control-sm mb-2" name="note" id="extension-note" maxlength="2000">
            <div class="d-flex gap-2">
              <button type="submit" class="btn btn-sm btn-success" name="decision" value="approve" data-decision="approve"><i class="bi bi-check2" aria-hidden="true"></i> {% translate "Approve" %}</button>
              <button type="submit" class="btn btn-sm btn-outline-danger" name="decision" value="reject" data-decision="reject">{% translate "Reject" %}</button>
            </div>
          </form>
          {% endif %}
        </li>
        {% empty %}
        <li class="list-group-item text-secondary">{% translate "No extension asked for." %}</li>
        {% endfor %}
      </ul>
    </div>
    {% endif %}
    {% if mediation %}
    <div class="card mb-3" id="mediation">
      <div class="card-header d-flex flex-wrap justify-content-between align-items-center gap-2">
        <span class="fw-semibold">{% translate "Mediation" %}</span>
        {% if mediation.can_open %}<a class="btn btn-sm btn-outline-primary" id="open-mediation" href="{{ grievance.pk|row_url:'grievances:mediation_open' }}" data-bs-toggle="modal" data-bs-target="#mediation-open-modal"><i class="bi bi-people" aria-hidden="true"></i> {% translate "Open mediation" %}</a>{% endif %}
        {% if mediation.can_add %}<span class="d-flex gap-2">
          <a class="btn btn-sm btn-outline-primary" id="add-session" href="{{ grievance.pk|row_url:'grievances:mediation_session_add' }}" data-bs-toggle="modal" data-bs-target="#mediation-session-modal"><i class="bi bi-plus-lg" aria-hidden="true"></i> {% translate "Add session" %}</a>
          <a class="btn btn-sm btn-outline-success" id="conclude-mediation" href="{{ grievance.pk|row_url:'grievances:mediation_conclude' }}" data-bs-toggle="modal" data-bs-target="#mediation-conclude-modal">{% translate "Conclude" %}</a>
        </span>{% endif %}
      </div>
      <div class="card-body">
        {% with m=mediation.mediation %}
        {% if m %}
        {% if mediation.may_seek_arbitration %}
        <div class="alert alert-danger py-2" role="alert" id="arbitration-flag"><i class="bi bi-exclamation-octagon-fill" aria-hidden="true"></i> {% blocktranslate with date=mediation.last_day|date:"Y-m-d" %}No agreement by {{ date }}: a party may now seek arbitration.{% endblocktranslate %}</div>
        {% endif %}
        <dl class="fact-list row mb-2">
          <dt class="col-5 col-md-3">{% translate "Applied on" %}</dt><dd class="col-7 col-md-9">{{ m.applied_on|date:"Y-m-d" }}</dd>
          <dt class="col-5 col-md-3">{% translate "Arbitration possible from" %}</dt><dd class="col-7 col-md-9" id="mediation-deadline">{{ mediation.arbitration_opens_on|date:"Y-m-d" }}{% if not m.outcome and mediation.days_left > 0 %} <span class="small text-secondary">({% blocktranslate count days=mediation.days_left %}{{ days }} day left{% plural %}{{ days }} days left{% endblocktranslate %})</span>{% endif %}</dd>
          <dt class="col-5 col-md-3">{% translate "Parties" %}</dt><dd class="col-7 col-md-9 text-break" id="mediation-parties">{{ personal.parties|linebreaksbr }}{% if personal.allowed and not personal.revealed %} <a class="btn btn-sm btn-outline-secondary ms-1" id="show-parties" href="?unmask=1#mediation" rel="nofollow"><i class="bi bi-eye" aria-hidden="true"></i> {% translate "Show personal data" %}</a>{% endif %}</dd>
          <dt class="col-5 col-md-3">{% translate "Mediator" %}</dt><dd class="col-7 col-md-9">{{ m.mediator }}</dd>
          {% if m.outcome %}
          <dt class="col-5 col-md-3">{% translate "Outcome" %}</dt><dd class="col-7 col-md-9" id="mediation-outcome">{{ m.get_outcome_display }} · {{ m.concluded_on|date:"Y-m-d" }}{% if m.amount_agreed is not None %} · {% blocktranslate with amount=m.amount_agreed %}{{ amount }} yuan{% endblocktranslate %}{% endif %}</dd>
          {% endif %}
        </dl>
        <h3 class="h6">{% translate "Sessions" %}</h3>
        <ul class="list-unstyled mb-0">
          {% for session in mediation.sessions %}
          <li class="mb-2 mediation-session"><span class="fw-semibold">{{ session.held_at|minute }}</span>{% if session.place %} · {{ session.place }}{% endif %}<div class="small text-break">{{ session.notes|linebreaksbr }}</div></li>
          {% empty %}
          <li class="text-secondary">{% translate "No session yet." %}</li>
          {% endfor %}
        </ul>
        {% else %}
        {% memo mediation_days=mediation_days %}<p class="text-secondary mb-0">{% blocktranslate with days=mediation_days %}A dispute may be mediated. From the application, a party may seek arbitration after {{ days }} days without agreement.{% endblocktranslate %}</p>{% endmemo %}
        {% endif %}
        {% endwith %}
      </div>
    </div>
    {% endif %}
    {% if data_views is not None %}
    <div class="card mb-3" id="personal-data-views">
      <div class="card-header fw-semibold">{% translate "Who saw the personal data" %}</div>
      <ul class="list-group list-group-flush small">
        {% for view in data_views %}
        <li class="list-group-item">{{ view.at|minute }} · {{ view.viewer }} · {{ view.get_via_display }}</li>
        {% empty %}
        <li class="list-group-item text-secondary">{% translate "Nobody yet." %}</li>
        {% endfor %}
      </ul>
    </div>
    {% endif %}
"""  # noqa: E501 verbatim


@pytest.fixture
def more_cases(
    cases,  # noqa: F811 (the fixture)
    park,
    member_unit_user,
    office_user,
):
    """A concluded mediation with an amount, one past its fifteen days, a view logged."""
    unit = member_unit_user.organisation
    concluded = _in(
        Status.IN_PROGRESS,
        GrievanceFactory(park=park, category=Category.LABOUR_DISPUTE, complainant_name="周"),
        unit,
    )
    Mediation.objects.create(
        grievance=concluded,
        applied_on=date(2026, 5, 20),
        parties="周\n<吴>",
        mediator=office_user,
        outcome=MediationOutcome.AGREEMENT,
        amount_agreed=Decimal("12345.50"),
        concluded_on=date(2026, 5, 28),
    )
    overdue = _in(
        Status.IN_PROGRESS, GrievanceFactory(park=park, category=Category.LABOUR_DISPUTE), unit
    )
    Mediation.objects.create(
        grievance=overdue, applied_on=date(2026, 5, 1), parties="", mediator=member_unit_user
    )
    ExtensionRequest.objects.create(
        grievance=overdue,
        requested_by=member_unit_user,
        days=2,
        reason="",
        state=ExtensionState.REJECTED,
        decided_by=office_user,
        decided_at=NOW - timedelta(hours=30),
    )
    return [*cases, concluded, overdue]


def _cards(text: str) -> list[str]:
    """CARDS_BEFORE as its three cards (the timeline lies between the second and the third)."""
    load, rest = text.split("\n", 1)
    starts = [rest.index(card) for card in ("    {% if mediation %}", "    {% if data_views")]
    parts = [rest[: starts[0]], rest[starts[0] : starts[1]], rest[starts[1] :]]
    return [f"{load}\n{part}" for part in parts]


def _before(user, grievance, *, unmask: bool) -> list[str]:
    """The three cards as the page drew them from its rows and panels."""
    grievance.refresh_from_db()
    today = timezone.localdate()
    mediation = detail._mediation_panel(user, grievance, today)
    allowed = selectors.user_may_see_personal_data(user, grievance)
    revealed = unmask and allowed
    found = mediation and mediation["mediation"]
    extensions = reads.extensions_of(grievance)
    pending = next((e for e in extensions if e.state == ExtensionState.PENDING), None)
    offers = policy.offers_extension_request(user, grievance, has_pending=pending is not None)
    values = {
        "grievance": grievance,
        "extensions": extensions,
        "extension_form": ExtensionRequestForm() if offers else None,
        "can_decide_extension": pending is not None
        and policy.extension_decision_refusal(user, pending) is None,
        "mediation": mediation,
        "personal": {
            "allowed": allowed,
            "revealed": revealed,
            "parties": selectors.parties_shown(found, revealed=revealed) if found else "",
        },
        "data_views": reads.data_views_of(grievance)
        if policy.sees_personal_data_log(user)
        else None,
        "mediation_days": settings.GRIEVANCE_MEDIATION_DAYS,
        "csrf_token": "CSRF",
    }
    return [Template(card).render(Context(values)) for card in _cards(CARDS_BEFORE)]


@pytest.mark.parametrize(
    ("who", "language", "zone"),
    [
        ("office_user", "zh-hans", "Asia/Shanghai"),
        ("office_user", "en", "UTC"),
        ("member_unit_user", "zh-hans", "UTC"),
        ("member_unit_user", "en", "Asia/Shanghai"),
    ],
)
def test_the_cards_print_what_their_template_printed(
    client, request, more_cases, time_machine, who, language, zone, settings
):
    time_machine.move_to(NOW, tick=False)
    settings.TIME_ZONE = zone
    user = request.getfixturevalue(who)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    drawn = 0
    for case in more_cases:
        for unmask in (False, True):
            PersonalDataView.objects.all().delete()
            for _kept in range(2):
                response = client.get(f"/grievances/{case.pk}/{'?unmask=1' if unmask else ''}")
                if response.status_code != 200:
                    continue
                page = TOKEN.sub(
                    'name="csrfmiddlewaretoken" value="CSRF"', response.content.decode()
                )
                with translation.override(language), timezone.override(zone):
                    before = _before(user, case, unmask=unmask)
                for card in before:
                    assert card in page, (case.pk, unmask, card)
                    drawn += card.count('class="card mb-3"')
    assert drawn > 20

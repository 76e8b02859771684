"""A grievance's page through its fast paths prints what the plain paths print (issue 14): its
grievance, its duplicate hints and the cases merged into it read by queries compiled once per
scope (parks.core.prepared), its modal forms drawn once per set of what they are made from
(grievances.drawn_forms).

Every page is read twice — fast, then with both switched off — over grievances in each status,
with and without duplicates, merges, a mediation (to open, running), extensions, follow-up
calls and standard replies, by each role, masked and unmasked, in Chinese and in English, with
the same queries; the CSRF token is the request's own, never kept.
"""

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

import grievances.views.detail as detail
import grievances.views.merge as merge
from grievances import drawn_forms, replies, selectors
from grievances.choices import Action, Category, ExtensionState, Status
from grievances.forms import (
    MediationOpenForm,
)
from grievances.models import (
    ExtensionRequest,
    Grievance,
    Mediation,
    PersonalDataView,
    ReplyTemplate,
)
from grievances.templatetags import duplicate_rows
from grievances.views import detail_reads as reads
from grievances.views.common import SHOWN_RELATED, _shown
from parks.core import kept as keeping
from parks.core import prepared as plans
from parks.core.recent import Recent
from parks.structure.choices import Role
from tests.factories import (
    ActivityFactory,
    GrievanceFactory,
    SurveyCampaignFactory,
    UserFactory,
)
from tests.grievances import pages_helpers as shared
from tests.grievances.pages_helpers import NOW, _in

union = shared.union

pytestmark = pytest.mark.django_db

USERS = ["office_user", "park_manager", "liaison", "subdistrict_user", "member_unit_user"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def nothing_kept():
    drawn_forms.forget()
    duplicate_rows._rows.clear()
    selectors._MEDIATORS.clear()
    selectors._UNITS.clear()
    yield
    drawn_forms.forget()
    duplicate_rows._rows.clear()
    selectors._MEDIATORS.clear()
    selectors._UNITS.clear()


@pytest.fixture
def cases(park, other_park, grid_zone, member_unit_user, office_user):
    """Grievances in each state the page draws differently."""
    unit = member_unit_user.organisation
    UserFactory(username="zhao", display_name="赵<调解员>", role=Role.OFFICE)
    UserFactory(username="qian", display_name="", park=park, role=Role.PARK_MANAGER)
    dispute = GrievanceFactory(
        park=park,
        grid_zone=grid_zone,
        category=Category.LABOUR_DISPUTE,
        title="拖欠工资 两个月",
        received_at=NOW - timedelta(days=1),
    )
    GrievanceFactory(park=park, title="拖欠工资两个月！", received_at=NOW - timedelta(days=2))
    GrievanceFactory(park=park, title="拖欠工资，两个月", received_at=NOW - timedelta(hours=5))
    replying = _in(
        Status.IN_PROGRESS,
        GrievanceFactory(park=park, category=Category.WAGES, title="<b>工资</b>"),
        unit,
    )
    for title in ("补发 <工资>", '已"协调"'):
        ReplyTemplate.objects.create(category=Category.WAGES, title=title, text=f"{title}\n好")
    ExtensionRequest.objects.create(
        grievance=replying, requested_by=member_unit_user, days=5, reason="等 <b>材料</b>"
    )
    ExtensionRequest.objects.create(
        grievance=replying,
        requested_by=member_unit_user,
        days=1,
        reason="已批",
        state=ExtensionState.APPROVED,
        decided_by=office_user,
    )
    replied = _in(Status.REPLIED, GrievanceFactory(park=park), unit, rectified=True)
    mediated = _in(
        Status.IN_PROGRESS,
        GrievanceFactory(park=park, category=Category.LIFE_DISPUTE, complainant_name="李四"),
        unit,
    )
    mediation = Mediation.objects.create(
        grievance=mediated, applied_on=date(2026, 5, 1), parties="李四\n王五", mediator=office_user
    )
    mediation.sessions.create(held_at=NOW - timedelta(days=3), place="工会", notes="<i>谈</i>")
    survivor = _in(Status.ACCEPTED, GrievanceFactory(park=park, title="合并后的案件"), unit)
    merged = _in(Status.MERGED, GrievanceFactory(park=park), unit, merged_into=survivor)
    closed = _in(Status.CLOSED, GrievanceFactory(park=park, category=Category.INJURY_SUBSIDY), unit)
    elsewhere = GrievanceFactory(park=other_park, title="Wages late", complainant_name="")
    return [dispute, replying, replied, mediated, survivor, merged, closed, elsewhere]


def _paths(cases):
    paths = [f"/grievances/{case.pk}/{query}" for case in cases for query in ("", "?unmask=1")]
    return [*paths, "/grievances/999999999/", f"/grievances/{2**63}/"]


def _pages(client, paths, language):
    """Each page as the language's first reader sees it: the views the unmasked pages log are
    forgotten before (each pass logs the same ones, compared by the page that lists them)."""
    PersonalDataView.objects.all().delete()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with CaptureQueriesContext(connection) as queries:
        pages = [(path, *_page(client.get(path))) for path in paths]
    return pages, [query["sql"] for query in queries]


def _page(response):
    html = response.content.decode()
    tokens = set(TOKEN.findall(html))
    return response.status_code, TOKEN.sub("CSRF", html), len(tokens)


def _plain(key, build, *values, using="default"):
    return build(*values).using(using)


def _plain_paths(monkeypatch):
    monkeypatch.setattr(plans, "prepared", _plain)  # the grievance: prepared_get
    monkeypatch.setattr(merge, "prepared", _plain)
    monkeypatch.setattr(selectors, "prepared", _plain)  # the mediators, the assign form's rows
    monkeypatch.setattr(replies, "prepared", _plain)  # the reply form's standard replies
    monkeypatch.setattr(drawn_forms, "drawn", drawn_forms._plain)
    monkeypatch.setattr(duplicate_rows, "kept", lambda _key, make: make())
    monkeypatch.setattr(selectors, "_MEDIATORS", Recent(0))  # each queryset built anew
    monkeypatch.setattr(selectors, "_UNITS", Recent(0))
    monkeypatch.setattr(keeping, "_plain", True)  # each {% memo %} drawn in the page's context


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", USERS)
def test_the_page_prints_what_the_plain_paths_print(
    client, request, cases, monkeypatch, time_machine, who, language
):
    time_machine.move_to(NOW, tick=False)
    client.force_login(request.getfixturevalue(who))
    paths = _paths(cases)
    fast = _pages(client, paths, language)
    assert _pages(client, paths, language) == fast  # kept
    _plain_paths(monkeypatch)
    assert _pages(client, paths, language) == fast
    assert any(status == 200 for _path, status, _html, _tokens in fast[0])


def test_the_office_sees_every_kind_of_form(client, office_user, cases, time_machine):
    time_machine.move_to(NOW, tick=False)
    client.force_login(office_user)
    pages, _queries = _pages(client, _paths(cases), "en")
    html = "".join(page for _path, _status, page, _tokens in pages)
    for modal in ("action-assign", "action-follow_up", "mediation-open-modal", "action-withdraw"):
        assert f'id="{modal}"' in html
    assert "赵&lt;调解员&gt;" in html
    assert html.count('class="list-group-item likely-duplicate"') >= 2


def test_each_page_has_the_requests_own_csrf_token(client, office_user, cases):
    client.force_login(office_user)
    path = f"/grievances/{cases[0].pk}/"
    first, second = (client.get(path).content.decode() for _ in range(2))
    (one,), (other,) = set(TOKEN.findall(first)), set(TOKEN.findall(second))
    assert one != other  # masked anew for each request: nothing kept holds one
    assert first.count(one) >= 3  # the logout's, the merges' and each modal's


def test_a_plan_never_serves_another_scope(client, liaison, office_user, cases, other_park):
    elsewhere = cases[-1]
    client.force_login(office_user)
    assert client.get(f"/grievances/{elsewhere.pk}/").status_code == 200
    client.force_login(liaison)
    assert client.get(f"/grievances/{elsewhere.pk}/").status_code == 404
    # The liaison's park's duplicates only: not the other park's similar case.
    GrievanceFactory(park=other_park, title=cases[0].title, received_at=cases[0].received_at)
    html = client.get(f"/grievances/{cases[0].pk}/").content.decode()
    assert html.count('class="list-group-item likely-duplicate"') == 2


# --- The duplicate rows and the grievance's own rows -------------------------------------------

# A likely duplicate's row as grievances/_duplicates.html drew it before it was printed by
# Python (grievances/templatetags/duplicate_rows.py).
ROW = """{% load i18n row_urls %}{% for case in duplicates.candidates %}
    <li class="list-group-item likely-duplicate" data-grievance="{{ case.tracking_code }}">
      <div class="d-flex flex-wrap justify-content-between align-items-center gap-2">
        <div>
          <span class="badge text-bg-warning">{% translate "Possible duplicate" %}</span>
          <a href="{{ case.get_absolute_url }}"><span class="font-monospace small">{{ case.tracking_code }}</span> {{ case.title }}</a>
          <div class="small text-secondary">{{ case.received_at|date:"Y-m-d H:i" }} · {{ case.get_status_display }}</div>
        </div>
        {% if duplicates.can_merge %}
        <div class="d-flex flex-wrap gap-1">
          <form method="post" action="{{ case.pk|row_url:'grievances:grievance_merge' }}">{% csrf_token %}
            <input type="hidden" name="into" value="{{ grievance.pk }}">
            <button type="submit" class="btn btn-sm btn-outline-primary merge-here">{% translate "Merge it into this case" %}</button>
          </form>
          <form method="post" action="{{ grievance.pk|row_url:'grievances:grievance_merge' }}">{% csrf_token %}
            <input type="hidden" name="into" value="{{ case.pk }}">
            <button type="submit" class="btn btn-sm btn-outline-secondary merge-there">{% translate "Merge this case into it" %}</button>
          </form>
        </div>
        {% endif %}
      </div>
    </li>
    {% endfor %}"""  # noqa: E501 verbatim
ROWS_NOW = (
    "{% load duplicate_rows %}"
    "{% duplicate_rows duplicates.candidates grievance duplicates.can_merge %}"
)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_duplicate_row_prints_what_the_template_printed(park, union, language, zone):
    grievance = GrievanceFactory(park=park, title="a")
    rows = [
        GrievanceFactory(park=park, title='<b>拖欠</b> & "工资"', received_at=NOW),
        _in(Status.IN_PROGRESS, GrievanceFactory(park=park, title="x'y"), union),
        GrievanceFactory(park=park, title=duplicate_rows.CSRF_MARK),  # cannot forge the mark
    ]
    # Each row is kept from its first drawing on: the later ones, with other tokens, copy it.
    for can_merge, cases in ((True, rows), (False, rows), (True, []), (True, rows[::-1])):
        for token in ("tok<en>", "", None, "other"):
            values = {
                "duplicates": {"candidates": cases, "can_merge": can_merge},
                "grievance": grievance,
                **({} if token is None else {"csrf_token": token}),
            }
            with translation.override(language), timezone.override(zone):
                before = Template(ROW).render(Context(values))
                assert Template(ROWS_NOW).render(Context(values)) == before
                assert before.count("likely-duplicate") == len(cases)
    assert len(duplicate_rows._rows) == 6  # each case once with merging offered, once without


def test_a_kept_duplicate_row_follows_what_it_prints(park, union):
    """A row changes with its case's title, status or time of receipt, with the page it is on
    and with the language: each is a key of its own, never the row drawn for another."""
    pages = GrievanceFactory(park=park, title="a"), GrievanceFactory(park=park)
    case = GrievanceFactory(park=park, title="旧", received_at=NOW)
    context = Context({"duplicates": {"candidates": [case], "can_merge": True}, "csrf_token": "t"})

    def both(page):
        context["grievance"] = page
        return Template(ROWS_NOW).render(context), Template(ROW).render(context)

    seen = set()
    for change in (
        lambda: None,
        lambda: setattr(case, "title", "新"),
        lambda: setattr(case, "status", Status.ACCEPTED),
        lambda: setattr(case, "received_at", NOW + timedelta(minutes=1)),
        lambda: setattr(case, "tracking_code", "G-OTHER"),
    ):
        change()
        for page in pages:
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    now, before = both(page)
                assert now == before
                seen.add(now)
    assert len(seen) == 20


# The facts card's first rows as grievance_detail.html drew them from the grievance, before they
# were kept per set of their values (grievances.views.detail.Facts).
FACTS_BEFORE = """{% load i18n %}<dt class="col-5">{% translate "Park" %}</dt><dd class="col-7">{{ grievance.park.name }}</dd>
          <dt class="col-5">{% translate "Grid zone" %}</dt><dd class="col-7">{% if grievance.grid_zone %}{{ grievance.grid_zone.code }} {{ grievance.grid_zone.name }}{% else %}—{% endif %}</dd>
          <dt class="col-5">{% translate "Channel" %}</dt><dd class="col-7">{{ grievance.get_channel_display }}{% if grievance.survey %}<div class="small text-secondary">{{ grievance.survey }}</div>{% endif %}{% if grievance.source_activity %}<div class="small"><a id="source-activity" href="{{ grievance.source_activity.get_absolute_url }}"><i class="bi bi-journal-text" aria-hidden="true"></i> {% blocktranslate with title=grievance.source_activity.title %}Heard at: {{ title }}{% endblocktranslate %}</a></div>{% endif %}</dd>
          <dt class="col-5">{% translate "Category" %}</dt><dd class="col-7">{{ grievance.get_category_display }}</dd>
          <dt class="col-5">{% translate "Handling unit" %}</dt><dd class="col-7" id="handling-unit">{{ grievance.handling_unit.name|default:"—" }}</dd>
          <dt class="col-5">{% translate "Handler" %}</dt><dd class="col-7">{{ grievance.handler|default:"—" }}</dd>
          <dt class="col-5">{% translate "Logged by" %}</dt><dd class="col-7">{% if grievance.logged_by %}{{ grievance.logged_by }}{% else %}{% translate "The worker, on the public page" %}{% endif %}</dd>"""  # noqa: E501 verbatim


def _kept_now(opening: str) -> str:
    """The kept fragment that opens with `opening` as the page's template holds it now."""
    path = settings.BASE_DIR / "grievances/templates/grievances/grievance_detail.html"
    page = path.read_text()
    start = page.index(opening)
    end = page.index("{% endmemo %}", start) + len("{% endmemo %}")
    return "{% load i18n memo moments %}" + page[start:end]


def _facts_now() -> str:
    return _kept_now("{% memo facts=facts %}")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_facts_card_prints_what_its_template_printed(cases, park, grid_zone, language):
    zoned = GrievanceFactory(
        park=park,
        grid_zone=grid_zone,
        channel="survey",
        survey=SurveyCampaignFactory(park=park, title="<调查> & 问卷"),
        source_activity=ActivityFactory(grid_zone=grid_zone, title='走访 "<b>"'),
        handler=UserFactory(username="wu", display_name="", park=park, role=Role.PARK_MANAGER),
        logged_by=UserFactory(
            username="<zheng>", display_name="郑<b>", park=park, role=Role.PARK_MANAGER
        ),
    )
    rows = Grievance.objects.select_related(*SHOWN_RELATED).filter(
        pk__in=[case.pk for case in [*cases, zoned]]
    )
    now = Template(_facts_now())
    printed = set()
    with translation.override(language):
        for grievance in rows:
            before = Template(FACTS_BEFORE).render(Context({"grievance": grievance}))
            for _kept in range(2):
                assert now.render(Context({"facts": detail.facts_of(grievance)})) == before
            printed.add(before)
    assert len(printed) >= 4
    assert "—" in "".join(printed) and "source-activity" in "".join(printed)


# The time limits card's rows after the time left, as grievance_detail.html drew them from the
# grievance before they were kept per set of the texts and flags they print.
TIMES_BEFORE = """{% load i18n %}<li class="list-group-item d-flex justify-content-between align-items-start gap-2">
          <div><div class="small text-secondary">{% translate "Received at" %}</div>{{ grievance.received_at|date:"Y-m-d H:i" }}</div>
        </li>
        <li class="list-group-item d-flex justify-content-between align-items-start gap-2" id="response-deadline">
          <div><div class="small text-secondary">{% translate "Respond by" %}</div>{{ grievance.response_due_at|date:"Y-m-d H:i" }}
            {% if grievance.responded_at %}<div class="small">{% blocktranslate with at=grievance.responded_at|date:"Y-m-d H:i" %}accepted {{ at }}{% endblocktranslate %}</div>{% endif %}</div>
          {% if grievance.response_breached %}<span class="badge badge-flag-breached">{% translate "Breached" context "time limit" %}</span>{% elif grievance.responded_at %}<i class="bi bi-check-circle-fill text-success" aria-label="{% translate 'In time' %}"></i>{% endif %}
        </li>
        <li class="list-group-item d-flex justify-content-between align-items-start gap-2" id="resolution-deadline">
          <div><div class="small text-secondary">{% translate "Resolve by" %}</div>{{ grievance.resolution_due_at|date:"Y-m-d H:i" }}
            {% if grievance.resolved_at %}<div class="small">{% blocktranslate with at=grievance.resolved_at|date:"Y-m-d H:i" %}replied {{ at }}{% endblocktranslate %}</div>{% endif %}</div>
          {% if grievance.resolution_breached %}<span class="badge badge-flag-breached">{% translate "Breached" context "time limit" %}</span>{% elif grievance.resolved_at %}<i class="bi bi-check-circle-fill text-success" aria-label="{% translate 'In time' %}"></i>{% elif grievance.deadline_flag == 'due_soon' %}<span class="badge badge-flag-due_soon">{% translate "Due soon" context "time limit" %}</span>{% endif %}
        </li>
        {% if grievance.closed_at %}
        <li class="list-group-item"><div class="small text-secondary">{% translate "Closed at" %}</div>{{ grievance.closed_at|date:"Y-m-d H:i" }}</li>
        {% endif %}"""  # noqa: E501 verbatim


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_time_limits_print_what_their_template_printed(cases, time_machine, language, zone):
    time_machine.move_to(NOW, tick=False)
    rows = list(_shown(Grievance.objects.filter(pk__in=[case.pk for case in cases])))
    due_soon = GrievanceFactory(park=cases[0].park, received_at=NOW - timedelta(days=14, hours=1))
    closed = GrievanceFactory(park=cases[0].park, closed_at=NOW - timedelta(hours=2))
    rows += list(_shown(Grievance.objects.filter(pk__in=[due_soon.pk, closed.pk])))
    now = Template(_kept_now("{% memo received="))
    printed = set()
    with translation.override(language), timezone.override(zone):
        for grievance in rows:
            before = Template(TIMES_BEFORE).render(Context({"grievance": grievance}))
            for _kept in range(2):
                assert now.render(Context({"grievance": grievance})) == before
            printed.add(before)
    page = "".join(printed)
    assert len(printed) >= 5
    closed_row = '<li class="list-group-item"><div'
    for shown in (closed_row, "badge-flag-breached", "bi-check-circle-fill", "badge-flag-due_soon"):
        assert shown in page, shown


@pytest.mark.parametrize(
    "read", ["events", "extensions", "follow_ups", "attachments", "data_views"]
)
def test_a_grievances_own_rows_are_read_by_the_sql_the_page_ran(cases, read):
    grievance = cases[1]
    before = {
        "events": lambda g: g.events.select_related("actor").order_by("at", "pk"),
        "extensions": lambda g: g.extensions.select_related("requested_by", "decided_by").order_by(
            "-requested_at", "-pk"
        ),
        "follow_ups": lambda g: g.follow_ups.order_by("number"),
        "attachments": lambda g: g.attachments.order_by("pk"),
        "data_views": lambda g: (
            PersonalDataView.objects.filter(grievance=g)
            .select_related("viewer")
            .order_by("-at")[: reads.RECENT_DATA_VIEWS]
        ),
    }[read](grievance)
    build = getattr(reads, f"_{read}")
    assert _sql(build(grievance.pk)) == _sql(before)
    assert [row.pk for row in getattr(reads, f"{read}_of")(grievance)] == [row.pk for row in before]


def test_the_mediation_is_read_as_the_descriptor_reads_it(cases):
    mediated, plain = Grievance.objects.get(pk=cases[3].pk), Grievance.objects.get(pk=cases[3].pk)
    with CaptureQueriesContext(connection) as queries:
        mediation = reads.mediation_of(mediated)
    with CaptureQueriesContext(connection) as plain_queries:
        assert plain.mediation == mediation
    assert [q["sql"] for q in queries] == [
        q["sql"].replace(f"= {plain.pk}", f"= {mediated.pk}") for q in plain_queries
    ]
    assert mediated.mediation is mediation and mediation.grievance is mediated
    none = Grievance.objects.get(pk=cases[0].pk)
    assert reads.mediation_of(none) is None
    with pytest.raises(Mediation.DoesNotExist):
        none.mediation  # noqa: B018 kept as the descriptor keeps it: no second query
    assert reads.mediation_of(none) is None


def _sql(queryset):
    sql, params = queryset.query.sql_with_params()
    return sql, params


@pytest.mark.parametrize("with_unit", [True, False])
def test_the_mediators_are_read_by_the_fields_own_query(cases, with_unit):
    grievance = cases[2] if with_unit else cases[0]
    assert (grievance.handling_unit_id is not None) is with_unit
    field_query = MediationOpenForm(grievance=grievance).fields["mediator"].queryset
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.mediators_listed(grievance)
    with CaptureQueriesContext(connection) as plain:
        assert rows == list(field_query)
    assert [query["sql"] for query in queries] == [query["sql"] for query in plain]
    assert len(rows) >= 3  # the office, the park's people, the unit's


@pytest.mark.parametrize("with_unit", [True, False])
def test_the_mediators_queryset_is_the_one_built_anew(cases, with_unit, other_park):
    """mediators_for copies the queryset it built once for the park and the unit: the same SQL
    as building it, and the rows of the moment (a queryset is read when it is evaluated)."""
    grievance = cases[2] if with_unit else cases[0]
    fresh = selectors._mediators(grievance.park_id, grievance.handling_unit_id)
    for _ in range(2):
        kept = selectors.mediators_for(grievance)
        assert kept is not selectors.mediators_for(grievance)
        assert _sql(kept) == _sql(fresh)
    before = list(selectors.mediators_for(grievance))
    newcomer = UserFactory(username="zhou", park=grievance.park, role=Role.PARK_MANAGER)
    assert list(selectors.mediators_for(grievance)) == list(fresh.all())
    assert newcomer in list(selectors.mediators_for(grievance)) and newcomer not in before
    elsewhere = Grievance(park_id=other_park.pk, handling_unit_id=grievance.handling_unit_id)
    assert _sql(selectors.mediators_for(elsewhere)) == _sql(
        selectors._mediators(other_park.pk, grievance.handling_unit_id)
    )


def test_the_duplicates_read_every_column_they_print(
    client, office_user, cases, monkeypatch, time_machine
):
    """Read with only the columns _duplicates.html prints: no column it prints is left to a
    query of its own (as many queries, and the same page, as reading every column)."""
    time_machine.move_to(NOW, tick=False)
    client.force_login(office_user)
    paths = [f"/grievances/{case.pk}/" for case in cases[:6]]
    pages, queries = _pages(client, paths, "en")
    every = tuple(field.attname for field in Grievance._meta.concrete_fields)
    monkeypatch.setattr(merge, "SHOWN", every)
    plans.forget()  # the plans read the columns they were compiled with
    try:
        pages_of_every_column, queries_of_every_column = _pages(client, paths, "en")
    finally:
        plans.forget()
    assert queries != queries_of_every_column  # read otherwise
    assert pages == pages_of_every_column
    assert len(queries) == len(queries_of_every_column)
    html = "".join(page for _path, _status, page, _tokens in pages)
    assert "merged-in" in html and "merged-into" in html and "likely-duplicate" in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_steps_address_is_what_reverse_gives(language):
    with translation.override(language):
        for action in Action.values:
            for pk in (1, 13, 987654321987, 2**62):
                url = reverse("grievances:grievance_act", args=[pk, action])
                assert detail.step_url(pk, action) == url


def test_the_pages_addresses_are_the_reversed_ones(client, request, cases):
    """Each form and link of a page posts to or opens the address `{% url %}` gave it."""
    names = ("extension_request", "mediation_open", "mediation_session_add", "mediation_conclude")
    seen = set()
    for who in USERS:
        client.force_login(request.getfixturevalue(who))
        for case in cases:
            html = client.get(f"/grievances/{case.pk}/").content.decode()
            expected = {reverse(f"grievances:{name}", args=[case.pk]) for name in names}
            expected |= {
                reverse("grievances:grievance_act", args=[case.pk, action])
                for action in Action.values
            }
            found = set(
                re.findall(
                    rf'(?:href|action)="(/grievances/{case.pk}/(?:act|ext|med)[a-z_/]+/)"', html
                )
            )
            assert found <= expected
            seen |= {url.split("/")[3] for url in found}
    assert seen == {"act", "extension", "mediation"}

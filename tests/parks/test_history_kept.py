"""A history panel drawn from its events as values (parks.history.rows.HistoryRow) and kept with
`{% memo %}` prints, byte for byte, what templates/_history.html printed from the events
themselves on every request (PANEL_BEFORE, its text and its event's before): creates, changes
and deletes; choices, yes/no, lists, numbers, masked and missing values; a person named now, a
renamed one, one whose account is gone, the system; a value too long to key; a field or a model
the code no longer has; a record's panel and a kind's, for the office and for others; in each
language and time zone; kept, copied and drawn plainly."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone, translation

from grievances.models import Grievance
from parks.history import rows as history_rows_module
from parks.history.models import AuditEvent
from parks.history.rows import history_rows
from parks.history.selectors import object_history, type_history
from parks.structure.choices import Role
from parks.structure.models import Park
from parks.templatetags import history as history_tags
from parks.templatetags import memo
from tests.factories import GrievanceFactory, UserFactory

pytestmark = pytest.mark.django_db

# templates/_history.html as it drew the events every time, its include of
# _history_event.html written in place (an include renders its template in the same context).
EVENT_BEFORE = """{% load i18n moments %}
{# One audit event: when, who, what, and each changed field as before → after. #}
<div class="small text-secondary history-meta">
  <time datetime="{{ event.at|date:'c' }}">{{ event.at|minute }}</time>
  · <span class="history-actor">{% if event.actor %}{{ event.actor }}{% elif event.actor_name %}{{ event.actor_name }}{% else %}{% translate "System" %}{% endif %}</span>
  · <span class="history-action">{{ event.get_action_display }}</span>{% if show_record %} · <span class="history-record">{{ event.object_repr }}</span>{% endif %}
</div>
{% with rows=event.change_rows %}{% if rows %}
<dl class="row small mb-0 history-changes">
  {% for row in rows %}
  <dt class="col-sm-3 fw-normal text-secondary" data-field="{{ row.field }}">{{ row.label }}</dt>
  <dd class="col-sm-9 mb-1 text-break">{% if event.action == "create" %}{{ row.after }}{% elif event.action == "delete" %}{{ row.before }}{% else %}<span class="history-before">{{ row.before }}</span> → <span class="history-after">{{ row.after }}</span>{% endif %}</dd>
  {% endfor %}
</dl>
{% endif %}{% endwith %}
"""  # noqa: E501 verbatim
PANEL_BEFORE = """{% load i18n %}{% if history is not None %}
{# A record's latest changes from the audit log (parks.selectors.object_history): who, when, field before → after. #}
<section class="card mb-3 history-panel" id="history" aria-labelledby="history-title">
  <div class="card-header d-flex justify-content-between align-items-center">
    <h2 class="h6 mb-0" id="history-title"><i class="bi bi-clock-history" aria-hidden="true"></i> {% translate "Change history" %}</h2>
    {% if more_url %}<a class="small" href="{{ more_url }}">{% translate "All changes" %}</a>{% endif %}
  </div>
  <ul class="list-group list-group-flush">
    {% for event in history %}
    <li class="list-group-item history-event" data-action="{{ event.action }}">
      EVENT
    </li>
    {% empty %}
    <li class="list-group-item text-secondary small history-empty">{% translate "No changes recorded yet." %}</li>
    {% endfor %}
  </ul>
</section>
{% endif %}
""".replace("EVENT", EVENT_BEFORE)  # noqa: E501 verbatim

NOW = datetime(2026, 3, 9, 15, 59, 30, 123456, tzinfo=UTC)  # past midnight in Shanghai


def _before(events, **context) -> str:
    return Template(PANEL_BEFORE).render(Context({"history": events, **context}))


def _now(events, **context) -> str:
    template = Template('{% include "_history.html" %}')
    return template.render(Context({"history": history_rows(events), **context}))


def _event(instance, n, **fields) -> AuditEvent:
    return AuditEvent.objects.create(
        at=NOW + timedelta(hours=n, minutes=7 * n),
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=instance.pk,
        object_repr=str(instance),
        **fields,
    )


@pytest.fixture
def histories(park, office_user):
    """A park's and a grievance's events of every kind, and a gone model's."""
    person = UserFactory(username="<wu>", display_name="", park=park, role=Role.PARK_MANAGER)
    renamed = UserFactory(display_name="旧名", park=park, role=Role.PARK_MANAGER)
    grievance = GrievanceFactory(park=park)
    # fmt: off
    _event(park, 0, action="create", actor=office_user, actor_name=str(office_user), changes={
        "name": [None, "无锡 <华夏> & 家居港"], "kind": [None, "market"],
        "designation_year": [None, 2019], "industries": [None, ["建材", "家居"]],
        "honours": [None, None], "facilities": [None, []], "grid_zones": [[], ["一区"]],
    })
    _event(park, 1, action="update", actor=renamed, actor_name="旧名", changes={
        "pilot_status": ["candidate", "pilot"], "kind": ["market", "not-a-kind"],
        "motto": ["一", "二"], "gone_field": [1, 2], "designation_year": [2019, 2020.5],
    })
    _event(park, 2, action="update", actor=None, actor_name="已删除的人", changes={
        "description": ["短", "长" * 400],  # longer than a kept fragment's text
    })
    _event(park, 3, action="update", actor=None, actor_name="", changes={})
    _event(grievance, 4, action="update", actor=person, actor_name="<wu>", changes={
        "complainant_phone": [AuditEvent.MASKED, AuditEvent.MASKED],
        "status": ["received", "assigned"],
        "sms_consent": [True, False], "rectified": [None, True], "satisfaction": "satisfied",
    })
    _event(grievance, 5, action="delete", actor=office_user, changes={
        "title": ["标题", None], "complainant_name": [AuditEvent.MASKED, None],
    })
    # fmt: on
    gone = ContentType.objects.create(app_label="gone", model="thing")
    AuditEvent.objects.create(
        at=NOW,
        content_type=gone,
        object_id=1,
        object_repr="旧物",
        action="update",
        changes={"name": ["甲", "乙"], "flag": [False, True]},
    )
    renamed.display_name = "新名"  # the panel names a person as they are named now
    renamed.save()
    return {"park": park, "grievance": grievance, "gone": gone}


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_panel_prints_what_its_template_printed(histories, language, zone):
    everything = list(AuditEvent.objects.select_related("actor", "content_type"))
    assert len(everything) == 7
    shown = []
    with translation.override(language), timezone.override(zone):
        for events in ([], everything, everything[:3], everything[3:]):
            for context in (
                {"more_url": None, "show_record": False},
                {"more_url": "/audit/?object_type=parks.park&object_id=1", "show_record": True},
            ):
                expected = _before(events, **context)
                for _kept in range(2):
                    assert _now(events, **context) == expected
                with memo.drawn_plainly():
                    assert _now(events, **context) == expected
                shown.append(expected)
    page = shown[3]
    assert page.count("history-event") == 7 and "history-record" in page
    for text in ("无锡 &lt;华夏&gt; &amp; 家居港", "建材、家居", "&lt;wu&gt;", "新名", "已删除的人",
                 "2020.5", "gone_field", "not-a-kind", "旧物", "长" * 400):  # fmt: skip
        assert text in page, text
    assert "旧名" not in page


@pytest.mark.parametrize("who", ["office_user", "park_manager"])
def test_the_tags_print_what_they_printed(histories, request, who):
    """The tags end to end: a record's panel and a kind's, with the office's link or without."""
    user = request.getfixturevalue(who)
    page = RequestFactory().get("/")
    page.user = user
    for instance in (histories["park"], histories["grievance"], Park(), None):
        now = Template("{% load history %}{% object_history_panel instance %}")
        printed = now.render(Context({"instance": instance, "request": page}))
        if instance is None or instance.pk is None:
            assert printed == _before(None) == "\n"
            continue
        more_url = history_tags._audit_url({"request": page}, type(instance), object_id=instance.pk)
        assert (more_url is not None) is (who == "office_user")
        assert printed == _before(object_history(instance), more_url=more_url)
    now = Template('{% load history %}{% type_history_panel "grievances.grievance" %}')
    more_url = history_tags._audit_url({"request": page}, Grievance)
    expected = _before(type_history(Grievance), more_url=more_url, show_record=True)
    assert now.render(Context({"request": page})) == expected
    assert expected.count("history-record") == 2


def test_a_panel_of_short_events_is_kept_and_copied(histories, monkeypatch):
    """The kept path itself: drawn once, then copied (no template node runs); a panel holding a
    value too long to key is drawn each time, its other events kept each on its own."""
    events = AuditEvent.objects.select_related("actor", "content_type")
    short = list(events.filter(at__gte=NOW + timedelta(hours=3)))
    # A text of 400 characters, a number with a fraction: values no memo keys.
    long = list(events.filter(at__gt=NOW, at__lt=NOW + timedelta(hours=3)))
    assert len(short) == 3 and len(long) == 2
    expected = _before(short, more_url=None, show_record=False)
    memo._drawn.clear()  # equal events of an earlier test's records share their fragments
    kept = 0
    assert _now(short, more_url=None, show_record=False) == expected
    assert len(memo._drawn) == kept + 1 + len(short)  # the panel, and each event on its own
    # Drawn again, the actions and the changed fields would read "?"; the copy prints them.
    monkeypatch.setattr(history_rows_module, "choice_label", lambda field, value: "?")
    monkeypatch.setattr(history_rows_module, "read_changes", lambda model, changed: [])
    assert _now(short, more_url=None, show_record=False) == expected
    assert len(memo._drawn) == kept + 1 + len(short)
    with memo.drawn_plainly():
        assert _now(short, more_url=None, show_record=False) != expected
    monkeypatch.undo()
    both = [*long, *short]
    expected = _before(both, more_url=None, show_record=False)
    for _round in range(2):
        assert _now(both, more_url=None, show_record=False) == expected
        assert len(memo._drawn) == kept + 1 + len(short)  # the long one is never kept


# The audit page's "who" cell as it was, and as it is (AuditEvent.shown_actor, as the panels).
WHO_BEFORE = """{% load i18n %}{% for event in events %}<td class="small">{% if event.actor %}{{ event.actor }}{% elif event.actor_name %}{{ event.actor_name }}{% else %}{% translate "System" %}{% endif %}</td>{% endfor %}"""  # noqa: E501 verbatim


def test_the_audit_page_names_who_as_it_did(histories, client, office_user):
    events = list(AuditEvent.objects.select_related("actor", "content_type"))
    page = Template(WHO_BEFORE).render(Context({"events": events}))
    client.force_login(office_user)
    client.cookies["django_language"] = "en"
    audit = client.get("/audit/").content.decode()
    for cell in page.split("</td>")[:-1]:
        assert cell + "</td>" in audit
    assert "新名" in page and "已删除的人" in page and "System" in page

"""A grievance's timeline drawn once per set of its entries (grievance_detail.html's
`{% memo timeline=… %}` over views.detail.TimelineRow) prints, byte for byte, what the template
drew from the events themselves on every request (TIMELINE_BEFORE, its text before): for steps
and other entries, with and without a status change, an actor, a note (lines and markup), an
action with no label, in each language and time zone, kept or drawn plainly."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

from grievances.models import GrievanceEvent
from grievances.views import detail
from grievances.views import detail_reads as reads
from parks.structure.choices import Role
from parks.templatetags import memo
from tests.factories import GrievanceFactory, UserFactory
from tests.grievances.pages_helpers import NOW

pytestmark = pytest.mark.django_db

# The timeline's entries as grievance_detail.html drew them from the events, every time.
TIMELINE_BEFORE = """{% load i18n moments %}{% for item in events %}{% with event=item.event %}
        <li class="list-group-item timeline-event" data-action="{{ event.action }}">
          <div class="d-inline-flex flex-column ms-1">
            <span><span class="fw-semibold">{{ item.label }}</span>{% if event.from_status and event.from_status != event.to_status %} · <span class="small">{{ event.get_from_status_display }} → {{ event.get_to_status_display }}</span>{% endif %}</span>
            <span class="small text-secondary">{{ event.at|minute }} · {% if event.actor %}{{ event.actor }}{% else %}{% translate "the worker or the system" %}{% endif %}</span>
            {% if event.note %}<span class="small text-break event-note">{{ event.note|linebreaksbr }}</span>{% endif %}
          </div>
        </li>
        {% endwith %}{% empty %}
        <li class="list-group-item text-secondary">{% translate "Nothing yet." %}</li>
        {% endfor %}"""  # noqa: E501 verbatim


def _timeline_now() -> str:
    """The timeline's memo as the page's template holds it now."""
    path = settings.BASE_DIR / "grievances/templates/grievances/grievance_detail.html"
    page = path.read_text()
    start = page.index("{% memo timeline=timeline %}")
    end = page.index("{% endmemo %}", start) + len("{% endmemo %}")
    return "{% load i18n memo %}" + page[start:end]


def _event(grievance, at, **fields):
    event = GrievanceEvent.objects.create(grievance=grievance, **fields)
    GrievanceEvent.objects.filter(pk=event.pk).update(at=at)  # at is auto_now_add


@pytest.fixture
def grievances(park, office_user):
    handler = UserFactory(username="<wu>", display_name="", park=park, role=Role.PARK_MANAGER)
    lived, quiet = GrievanceFactory(park=park), GrievanceFactory(park=park)
    steps = [
        {"action": "receive", "to_status": "received"},  # the worker: no actor
        {"action": "assign", "from_status": "received", "to_status": "assigned",
         "actor": office_user, "note": "请核实 <b>工资</b> & 加班\n第二行"},
        {"action": "accept", "from_status": "assigned", "to_status": "accepted", "actor": handler},
        {"action": "extension_requested", "from_status": "accepted", "to_status": "accepted",
         "actor": handler, "note": "+5: 需要现场核实"},
        {"action": "something_new", "from_status": "", "to_status": "accepted"},
        {"action": "start", "from_status": "accepted", "to_status": "in_progress",
         "actor": handler, "note": "x" * 400},  # longer than a kept fragment's text
    ]  # fmt: skip
    for n, fields in enumerate(steps):
        _event(lived, NOW + timedelta(hours=n, minutes=7 * n), **fields)
    return [lived, quiet]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_timeline_prints_what_its_template_printed(grievances, language, zone):
    now = Template(_timeline_now())
    before = Template(TIMELINE_BEFORE)
    printed = []
    with translation.override(language), timezone.override(zone):
        for grievance in grievances:
            events = reads.events_of(grievance)
            expected = before.render(
                Context(
                    {
                        "events": [
                            {"event": e, "label": detail.EVENT_LABELS.get(e.action, e.action)}
                            for e in events
                        ]
                    }  # fmt: skip
                )
            )
            for _kept in range(2):
                timeline = tuple(detail.TimelineRow.of(event) for event in events)
                assert now.render(Context({"timeline": timeline})) == expected
            with memo.drawn_plainly():
                assert now.render(Context({"timeline": timeline})) == expected
            printed.append(expected)
    lived, quiet = printed
    assert lived.count("timeline-event") == 6 and "timeline-event" not in quiet
    for shown in ("&lt;b&gt;工资&lt;/b&gt; &amp; 加班<br>第二行", "&lt;wu&gt;", "something_new"):
        assert shown in lived, shown


def test_a_timeline_of_short_entries_is_kept_and_copied(grievances, monkeypatch):
    """The kept path itself: the lived grievance's entries but the long note's, drawn once, then
    copied from the memo (no template node runs) as the template drew them."""
    lived, _quiet = grievances
    GrievanceEvent.objects.filter(grievance=lived, note__regex=r"^x+$").delete()
    events = reads.events_of(lived)
    expected = Template(TIMELINE_BEFORE).render(
        Context(
            {
                "events": [
                    {"event": e, "label": detail.EVENT_LABELS.get(e.action, e.action)}
                    for e in events
                ]
            }  # fmt: skip
        )
    )
    timeline = tuple(detail.TimelineRow.of(event) for event in events)
    now = Template(_timeline_now())
    before = len(memo._drawn)
    assert now.render(Context({"timeline": timeline})) == expected
    assert len(memo._drawn) == before + 1
    # Drawn again, the entries' labels would be their bare actions; the copy prints the labels.
    monkeypatch.setattr(detail, "EVENT_LABELS", {})
    assert now.render(Context({"timeline": timeline})) == expected
    assert len(memo._drawn) == before + 1
    assert expected.count("timeline-event") == 5
    with memo.drawn_plainly():
        assert now.render(Context({"timeline": timeline})) != expected

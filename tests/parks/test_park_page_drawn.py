"""The park page's fragments drawn once ({% memo %}: its grid-zone table, the related panels'
shared markup) print what the plain drawing prints, byte for byte, in as many queries, for
every role and both languages; the grid-zone table prints what the table drawn from the zones
themselves printed, and a panel's drawn values (Panel.drawn) what the panel does."""

import dataclasses
import re

import pytest
from django.db import connection
from django.db.models import prefetch_related_objects
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from parks.core.prefetched import prefetch_planned
from parks.core.related import DrawnPanel, Panel, PanelItem
from parks.templatetags import memo
from tests.factories import ActivityFactory, GrievanceFactory, TaskFactory, UserFactory
from tests.page_helpers import as_django_writes_it, page_as
from tests.parks.test_park_page_once import _furnish

pytestmark = pytest.mark.django_db

ROLES = ("office_user", "park_manager", "liaison", "subdistrict_user", "member_unit_user")

# The table's rows as park_detail.html drew them from the zones before it drew them once.
ZONES_FROM_MODELS = (
    "{% load i18n %}\n"
    "          {% for zone in grid_zones %}\n"
    "            <tr>\n"
    '              <td><a href="{{ zone.get_absolute_url }}">{{ zone.code }}</a></td>\n'
    "              <td>{{ zone.name }}</td>\n"
    "              <td>{% if zone.liaison %}{{ zone.liaison }}{% else %}"
    '<span class="text-danger">{% translate "No liaison" %}</span>{% endif %}</td>\n'
    "            </tr>\n"
    "          {% empty %}\n"
    '            <tr><td colspan="3" class="text-secondary text-center py-3">'
    '{% translate "No grid zones yet." %}</td></tr>\n'
    "          {% endfor %}"
)


def _zone_rows(html):
    table = r'<table [^>]*id="grid-zones">.*?<tbody>(.*?)\n          </tbody>'
    return re.search(table, html, re.S)[1]


@pytest.fixture
def furnished(park, other_park, liaison):
    liaison.display_name = "联络员 <&> 甲"
    liaison.save()
    _furnish(park, liaison)
    _furnish(other_park, None)
    for _ in range(2):
        TaskFactory(park=park)
        GrievanceFactory(park=park)
    ActivityFactory(park=park, grid_zone=park.grid_zones.first())
    return park, other_park


def test_the_park_page_drawn_once_is_the_plain_drawing(client, request, furnished, fresh_plans):
    park, other_park = furnished
    users = [request.getfixturevalue(name) for name in ROLES]
    users.append(UserFactory(username="root", is_superuser=True, role="observer"))
    shown = 0
    for language in ("zh-hans", "en"):
        for user in users:
            for pk in (park.pk, other_park.pk):
                url = f"/parks/{pk}/"
                first = page_as(client, user, url, language)
                kept = page_as(client, user, url, language)  # the fragments as kept
                with memo.drawn_plainly():
                    plain = page_as(client, user, url, language)
                assert first[:2] == kept[:2] == plain[:2]
                assert len(first[2]) == len(kept[2]) == len(plain[2])
                if plain[0] != 200:
                    continue
                shown += 1
                zones = list(
                    type(park)
                    .objects.get(pk=pk)
                    .grid_zones.select_related("liaison")
                    .order_by("code")
                )
                with translation.override(language):
                    from_models = Template(ZONES_FROM_MODELS).render(Context({"grid_zones": zones}))
                assert _zone_rows(kept[1]) == from_models
                if pk == park.pk:  # a liaison's name escaped, a zone without one marked
                    assert "联络员 &lt;&amp;&gt; 甲" in _zone_rows(kept[1])
                    assert 'class="text-danger"' in _zone_rows(kept[1])
    # Both parks for the office, the superuser and the district reader; their own for others.
    assert shown == 2 * (3 * 2 + 3)


PANELS = (
    Panel(key="empty", title="空 <b>", count=0, url="/x/?a=1&b=2"),
    Panel(key="said", title="Said", count=0, url="/y/", empty_text="Nothing <here>."),
    Panel(
        key="full",
        title="满",
        count=7,
        url="/z/?park=1",
        icon="bi-flag",
        items=[
            PanelItem(text="一 <&>", url="/a/1/", note="备注", tone="danger", badge="红"),
            PanelItem(text="二", url="/a/2/"),
            PanelItem(text="三", url="/a/3/", badge="黄"),
        ],
        links=[("3 red", "/z/?warning=red"), ("<b>", "/q/?x=<1>")],
    ),
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("panel", PANELS, ids=[panel.key for panel in PANELS])
def test_a_panels_drawn_values_print_as_the_panel(panel, language):
    with translation.override(language):
        assert render_to_string("_panel.html", {"panel": panel.drawn}) == render_to_string(
            "_panel.html", {"panel": panel}
        )
        listed = render_to_string("_related_panels.html", {"panels": [panel]})
        assert listed == render_to_string("_related_panels.html", {"panels": [panel]})  # kept
        with memo.drawn_plainly():
            assert render_to_string("_related_panels.html", {"panels": [panel]}) == listed
        assert render_to_string("_panel.html", {"panel": panel}) in listed


def test_the_industries_prefetched_once_are_djangos_prefetch(park, other_park, fresh_plans):
    """prefetched.prefetch_planned for one park: the same SQL as prefetch_related_objects, the
    same rows in the same order, and `.all()` answered without a query, each time."""
    _furnish(park, None)
    other_park.industries.set([park.industries.last()])
    for pk in (park.pk, other_park.pk, park.pk):
        plain = type(park).objects.get(pk=pk)
        with CaptureQueriesContext(connection) as plain_sql:
            prefetch_related_objects([plain], "industries")
        fast = type(park).objects.get(pk=pk)
        with CaptureQueriesContext(connection) as fast_sql:
            prefetch_planned([fast], ("industries",), "test_park_industries")
        assert [as_django_writes_it(q["sql"]) for q in fast_sql] == [q["sql"] for q in plain_sql]
        with CaptureQueriesContext(connection) as after:
            listed = list(fast.industries.all())
        assert len(after) == 0
        assert [(i.pk, i.name) for i in listed] == [(i.pk, i.name) for i in plain.industries.all()]
        assert listed and all(i._prefetch_related_val_park_id == pk for i in listed)


def test_a_drawn_panel_holds_every_field_of_a_panel_the_shared_markup_may_read():
    """A field added to Panel must reach _panel.html, or a panel's own template, through
    Panel.drawn too: every field (a panel drawing itself is kept too, with its template and
    extra)."""
    panel_fields = [field.name for field in dataclasses.fields(Panel)]
    drawn_fields = [field.name for field in dataclasses.fields(DrawnPanel)]
    assert drawn_fields == panel_fields

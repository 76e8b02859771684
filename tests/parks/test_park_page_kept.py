"""The park page's header and its facts, zones and facilities drawn once per set of values
(parks.structure.park_page, keyed by park_detail.html's `{% memo %}`s) print what the page drew
from the park, its industries, facilities and organisations themselves (the view's context
before: park_page.shown below made to give the models, drawn plainly), byte for byte, in as
many queries: for every role, both languages, a park with everything (honours, a motto, a year,
an address, names to escape, areas with decimals and thousands) and one with nothing."""

from decimal import Decimal

import pytest

from parks.structure import park_page
from parks.templatetags import memo
from tests.factories import FacilityFactory, OrganisationFactory, ParkFactory, UserFactory
from tests.page_helpers import page_as
from tests.parks.test_park_page_once import _furnish

pytestmark = pytest.mark.django_db

# What the furnished park's values print, escaped.
ESCAPED = (
    "“敢为” &lt;人先&gt; &amp; 实干",
    "省级试点 &lt;一&gt;",
    "12345.5 m²",
    "委员会 &lt;&amp;&gt;",
    "2019",
    "梁溪路 1 号 &lt;B 座&gt;",
    "三楼 &amp; 四楼",
)
ROLES = ("office_user", "park_manager", "liaison", "subdistrict_user", "member_unit_user")


def _models(park, industries, facilities, organisations):
    """The view's context before the values: the models as they were read."""
    return {
        "shown_park": park,
        "industries": industries,
        "facilities": facilities,
        "facility_area": sum(f.area_m2 for f in facilities),
        "organisations": organisations,
    }


@pytest.fixture
def parks(park, other_park, liaison):
    _furnish(park, liaison)
    park.motto = "“敢为” <人先> & 实干"
    park.designation_year = 2019
    park.address = "梁溪路 1 号 <B 座>"
    park.honours = "省级试点 <一>\n\n  优秀园区 & 先进  \n"
    park.save()
    FacilityFactory(park=park, name="丙 <楼>", area_m2=Decimal("12345.5"), location="三楼 & 四楼")
    OrganisationFactory(name="委员会 <&>", kind="park_committee", park=park)
    bare = ParkFactory(subdistrict=other_park.subdistrict, motto="", address="", honours="")
    return park, other_park, bare


def test_the_page_drawn_from_values_is_the_page_drawn_from_the_models(
    client, request, parks, monkeypatch, fresh_plans
):
    users = [request.getfixturevalue(name) for name in ROLES]
    users.append(UserFactory(username="root", is_superuser=True, role="observer"))
    values = park_page.shown
    shown = 0
    for language in ("zh-hans", "en"):
        for user in users:
            for park in parks:
                url = f"/parks/{park.pk}/"
                monkeypatch.setattr(park_page, "shown", _models)
                with memo.drawn_plainly():
                    before = page_as(client, user, url, language)
                monkeypatch.setattr(park_page, "shown", values)
                for _kept in range(2):
                    now = page_as(client, user, url, language)
                    assert now[:2] == before[:2]
                    assert len(now[2]) == len(before[2])
                shown += before[0] == 200
                if park is parks[0] and before[0] == 200:
                    for text in ESCAPED:
                        assert text in now[1], text
    # Every park for the office, the superuser and the district reader; their own for others.
    assert shown == 2 * (3 * 3 + 3)


def test_the_values_are_kept(client, office_user, parks, fresh_plans, monkeypatch):
    """The kept path itself: each value keys (none is drawn every time), and the page asked
    again draws no fragment anew."""
    park = type(parks[0]).objects.select_related("subdistrict").get(pk=parks[0].pk)
    values = park_page.shown(
        park, list(park.industries.all()), list(park.facilities.all()), park.organisations.all()
    )
    assert all(memo._key(value) is not None for value in values.values())
    memo._drawn.clear()
    first = page_as(client, office_user, f"/parks/{park.pk}/", "zh-hans")
    assert len(memo._drawn) > 0
    # Found in review: counting entries alone also held for a memo that keeps nothing.
    drawn_alone = []
    render_alone = memo.MemoNode._render_alone

    def counted(node, context, values, **how):
        drawn_alone.append(node)
        return render_alone(node, context, values, **how)

    monkeypatch.setattr(memo.MemoNode, "_render_alone", counted)
    assert page_as(client, office_user, f"/parks/{park.pk}/", "zh-hans")[:2] == first[:2]
    assert drawn_alone == []

"""A park's industries read in one order everywhere they are listed: by pinyin, as the park
form's checkboxes always were (the list and the API sorted by code point, the park page not at
all)."""

import pytest
from django.urls import reverse

from parks.structure.forms import ParkForm
from tests.factories import IndustryFactory, ParkFactory

pytestmark = pytest.mark.django_db

# Code-point order 冷 < 安 < 电; created in that order, so neither the table's order nor the
# characters' would pass.
PINYIN_ORDER = ["安防", "电子", "冷链"]


@pytest.fixture
def park():
    park = ParkFactory(name="临港园")
    park.industries.add(*(IndustryFactory(name=name) for name in ("冷链", "安防", "电子")))
    return park


def _in_order(html, names):
    at = [html.index(name) for name in names]
    return at == sorted(at)


def test_the_park_page_lists_industries_by_pinyin(client, office_user, park):
    client.force_login(office_user)
    html = client.get(reverse("parks:park_detail", args=[park.pk])).content.decode()
    assert "安防、电子、冷链" in html


def test_the_park_list_lists_industries_by_pinyin(client, office_user, park):
    client.force_login(office_user)
    html = client.get(reverse("parks:park_list")).content.decode()
    row = html[html.index("临港园") :]
    assert _in_order(row, PINYIN_ORDER)


def test_the_api_lists_industries_by_pinyin(client, office_user, park):
    client.force_login(office_user)
    assert client.get(f"/api/v1/parks/{park.pk}/").json()["industries"] == PINYIN_ORDER
    listed = client.get("/api/v1/parks/").json()["results"]
    assert [p["industries"] for p in listed if p["id"] == park.pk] == [PINYIN_ORDER]


def test_the_park_form_and_filter_offer_industries_by_pinyin(client, office_user, park):
    assert [
        str(choice) for choice in ParkForm(user=office_user).fields["industries"].queryset
    ] == PINYIN_ORDER
    client.force_login(office_user)
    html = client.get(reverse("parks:park_list")).content.decode()
    select = html[html.index('name="industry"') :]
    assert _in_order(select, PINYIN_ORDER)

"""The ledger overview and lists: periods, sums, filters and queries."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reforms.ledgers.choices import ProposalStatus, PublicityChannel
from tests.export_helpers import run_queued_exports
from tests.factories import (
    CarePaymentFactory,
    ParkFactory,
    ProposalFactory,
    PublicityFactory,
    TrainingFactory,
)
from tests.reforms import ledger_pages_helpers as shared
from tests.reforms.ledger_pages_helpers import LIST_URLS, _entries, _html

# The shared fixtures, bound here so pytest finds them by name.
care = shared.care
in_english = shared.in_english
on_the_twentieth_of_june = shared.on_the_twentieth_of_june


pytestmark = pytest.mark.django_db


def _figure(html, key, ledger=None):
    """The raw value of a totals figure (data-value), in a ledger's card when given."""
    if ledger:
        html = html.split(f'data-ledger="{ledger}"', 1)[1].split("</section>", 1)[0]
    match = re.search(rf'data-figure="{key}" data-value="([^"]*)"', html)
    assert match, key
    return match.group(1)


def _month_cells(html, month):
    row = html.split(f'<tr data-month="{month}">', 1)[1].split("</tr>", 1)[0]
    return re.findall(r"<td[^>]*>([^<]*)</td>", row)


# --- Totals and months ------------------------------------------------------------------------


def test_the_overview_counts_this_year_by_default(client, office_user, care):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:ledgers")))
    # 12 + 10 + 20 + 5 people; 12,000 + 10,000 + 20,000 + 1,234.56 yuan.
    assert _figure(html, "entries", "care") == "4"
    assert _figure(html, "recipients", "care") == "47"
    assert _figure(html, "amount", "care") == "43234.56"
    assert "43,234.56" in html
    assert 'data-preset="year" aria-current="true"' in html


def test_the_overview_narrows_to_a_park_and_a_period(client, office_user, care, park):
    client.force_login(office_user)
    url = reverse("reforms:ledgers")
    html = _html(client.get(url, {"park": park.pk}))
    # The source document's figures: 42 people paid 42,000 yuan.
    assert _figure(html, "recipients", "care") == "42"
    assert _figure(html, "amount", "care") == "42000.00"
    march = _html(client.get(url, {"date_from": "2026-03-01", "date_to": "2026-03-31"}))
    assert _figure(march, "entries", "care") == "2"
    assert _figure(march, "amount", "care") == "22000.00"
    everything = _html(client.get(url, {"period": "all", "park": park.pk}))
    assert _figure(everything, "entries", "care") == "4"
    assert _figure(everything, "amount", "care") == "42700.00"


def test_the_overview_sums_every_ledger(client, office_user, park, other_park):
    for channel, count in (
        (PublicityChannel.ONLINE_PLATFORM, 3),
        (PublicityChannel.PRINT, 2),
        (PublicityChannel.TV, 1),
    ):
        PublicityFactory.create_batch(count, park=park, channel=channel)
    PublicityFactory(park=None, channel=PublicityChannel.GOVERNMENT_WEBSITE)
    TrainingFactory(park=park, hours=Decimal("16.0"), trainees=30, certificates=25)
    TrainingFactory(park=other_park, hours=Decimal("7.5"), trainees=12, certificates=12)
    ProposalFactory(park=park, kind="innovation")
    ProposalFactory(
        park=park,
        status=ProposalStatus.REWARDED,
        benefit_amount=Decimal("60000.00"),
        reward_amount=Decimal("2000.00"),
    )
    ProposalFactory(park=other_park, status=ProposalStatus.NOT_ADOPTED)
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:ledgers")))
    assert _figure(html, "entries", "publicity") == "7"
    assert _figure(html, "online_platform", "publicity") == "3"
    assert _figure(html, "print", "publicity") == "2"
    assert _figure(html, "tv", "publicity") == "1"
    assert _figure(html, "government_website", "publicity") == "1"
    assert _figure(html, "entries", "training") == "2"
    assert _figure(html, "hours", "training") == "23.5"
    assert _figure(html, "trainees", "training") == "42"
    assert _figure(html, "certificates", "training") == "37"
    assert _figure(html, "entries", "proposal") == "3"
    assert _figure(html, "innovations", "proposal") == "1"
    assert _figure(html, "submitted", "proposal") == "1"
    assert _figure(html, "rewarded", "proposal") == "1"
    assert _figure(html, "not_adopted", "proposal") == "1"
    assert _figure(html, "benefit_amount", "proposal") == "60000.00"
    assert _figure(html, "reward_amount", "proposal") == "2000.00"


def test_a_list_shows_the_totals_and_months_of_its_filtered_rows(client, office_user, care):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:care_payment_list")))
    assert _figure(html, "entries") == "4"
    assert _figure(html, "amount") == "43234.56"
    assert re.findall(r'<tr data-month="([\d-]+)">', html) == ["2026-03", "2026-04", "2026-05"]
    assert _month_cells(html, "2026-03") == ["2", "22", "22,000.00"]
    assert _month_cells(html, "2026-04") == ["1", "5", "1,234.56"]
    assert _month_cells(html, "2026-05") == ["1", "20", "20,000.00"]
    # Each row's amount is written with thousands separators too.
    assert re.search(r'data-amount="1234.56">\s*1,234.56', html)

    searched = _html(client.get(reverse("reforms:care_payment_list"), {"q": "特殊补贴"}))
    assert _figure(searched, "recipients") == "42"
    assert _figure(searched, "amount") == "42000.00"


def test_the_publicity_list_filters_by_channel_and_district_wide(client, office_user, park):
    online = PublicityFactory(park=park, channel=PublicityChannel.ONLINE_PLATFORM)
    tv = PublicityFactory(park=park, channel=PublicityChannel.TV)
    district = PublicityFactory(park=None, channel=PublicityChannel.TV)
    client.force_login(office_user)
    url = reverse("reforms:publicity_list")
    assert sorted(_entries(_html(client.get(url, {"channel": "tv"})))) == sorted(
        [tv.pk, district.pk]
    )
    assert _entries(_html(client.get(url, {"district_wide": "true"}))) == [district.pk]
    assert online.pk in _entries(_html(client.get(url)))


@pytest.mark.parametrize(
    "params",
    [
        {"park": "999999"},
        {"date_from": "2026-13-45"},
        {"date_to": "9999-12-31"},
        {"status": "nonsense"},
    ],
)
def test_a_bad_filter_matches_nothing_and_says_why(client, office_user, params):
    ProposalFactory()
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:proposal_list"), params))
    assert _entries(html) == []
    assert "is-invalid" in html
    assert _html(client.get(reverse("reforms:ledgers"), params))


# --- Query counts -----------------------------------------------------------------------------


def _rows(kind, count, park):
    if kind == "care":
        CarePaymentFactory.create_batch(count, park=park)
    elif kind == "publicity":
        PublicityFactory.create_batch(count, park=park)
        PublicityFactory.create_batch(count, park=None)
    elif kind == "training":
        TrainingFactory.create_batch(count, park=park)
    else:
        ProposalFactory.create_batch(count, park=park, reward_amount=None)


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def _export_queries(client, url):
    """The queries of the export job the list's export link starts (the worker's)."""
    assert client.get(url).status_code == 302
    with CaptureQueriesContext(connection) as captured:
        run_queued_exports()
    return len(captured)


@pytest.mark.parametrize("kind", list(LIST_URLS))
def test_a_list_runs_the_same_queries_for_2_and_30_rows(client, park_manager, park, kind):
    client.force_login(park_manager)
    url = reverse(LIST_URLS[kind])
    _rows(kind, 2, park)
    few = _queries(client, url, {"park": park.pk})
    _rows(kind, 28, park)
    assert _queries(client, url, {"park": park.pk}) == few
    export = reverse("reforms:ledger_export", args=[kind])
    few_export = _export_queries(client, export)
    _rows(kind, 30, ParkFactory())  # other parks' rows are not read at all
    _rows(kind, 5, park)
    assert _export_queries(client, export) == few_export


def test_the_overview_runs_one_query_per_ledger_however_many_rows(client, office_user, park):
    client.force_login(office_user)
    url = reverse("reforms:ledgers")
    for kind in LIST_URLS:
        _rows(kind, 2, park)
    few = _queries(client, url)
    for kind in LIST_URLS:
        _rows(kind, 30, ParkFactory())
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    assert len(captured) == few
    for table in ("carepayment", "publicity", "training", "proposal"):
        reading = [q for q in captured.captured_queries if f'"reforms_{table}"' in q["sql"]]
        assert len(reading) == 1, table

"""The ledger forms: recording, correcting and deleting rows in the browser."""

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from reforms.ledgers.choices import PublicityChannel
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training
from tests.reforms import ledger_pages_helpers as shared
from tests.reforms.ledger_pages_helpers import _care_form, _html

# The shared fixtures, bound here so pytest finds them by name.
care = shared.care
in_english = shared.in_english
on_the_twentieth_of_june = shared.on_the_twentieth_of_june


pytestmark = pytest.mark.django_db


def test_the_office_records_a_care_payment(client, office_user, park):
    client.force_login(office_user)
    response = client.post(reverse("reforms:care_payment_create"), _care_form(park))
    assert response.status_code == 302
    assert response.url == reverse("reforms:care_payment_list")
    payment = CarePayment.objects.get()
    assert (payment.park, payment.amount, payment.recorded_by) == (
        park,
        Decimal("1500.50"),
        office_user,
    )


def test_a_park_manager_records_only_for_their_park(client, park_manager, park, other_park):
    client.force_login(park_manager)
    url = reverse("reforms:care_payment_create")
    html = _html(client.get(url))
    assert other_park.name not in html
    html = _html(client.post(url, _care_form(other_park)))
    assert "Select a valid choice" in html
    assert not CarePayment.objects.exists()
    assert client.post(url, _care_form(park)).status_code == 302
    assert CarePayment.objects.get().park == park


def test_a_correction_writes_only_what_this_person_changed(client, park_manager, care):
    client.force_login(park_manager)
    payment = care["may"]
    drawn = _care_form(payment.park, event=payment.event, paid_on="2026-05-02")
    drawn.update(recipients="20", amount="20000.00", reason="", funding_source="")
    page = _html(client.get(reverse("reforms:care_payment_edit", args=[payment.pk])))
    assert 'name="initial-reason"' in page
    # Someone else corrects the reason after the form was drawn.
    CarePayment.objects.filter(pk=payment.pk).update(reason="另一人改的事由")
    posted = {**drawn, **{f"initial-{name}": value for name, value in drawn.items()}}
    posted["recipients"] = "21"
    response = client.post(reverse("reforms:care_payment_edit", args=[payment.pk]), posted)
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.recipients == 21
    assert payment.reason == "另一人改的事由"


@pytest.mark.parametrize(
    ("url_name", "form", "field", "message"),
    [
        (
            "reforms:care_payment_create",
            {"amount": "-5"},
            "amount",
            "Ensure this value is greater than or equal to 0.",
        ),
        (
            "reforms:care_payment_create",
            {"amount": "10.555"},
            "amount",
            "Ensure that there are no more than 2 decimal places.",
        ),
        (
            "reforms:care_payment_create",
            {"paid_on": "2026-06-21"},
            "paid_on",
            "The date cannot be in the future.",
        ),
        (
            "reforms:care_payment_create",
            {"recipients": "0"},
            "recipients",
            "At least one person is paid.",
        ),
        (
            "reforms:training_create",
            {"trainees": "10", "certificates": "11"},
            "certificates",
            "More certificates than trainees.",
        ),
        (
            "reforms:publicity_create",
            {"link": "javascript:alert(1)"},
            "link",
            "Enter a valid URL.",
        ),
        (
            "reforms:publicity_create",
            {"link": "http://not a url"},
            "link",
            "Enter a valid URL.",
        ),
        (
            "reforms:proposal_create",
            {"submitted_on": "2027-01-01"},
            "submitted_on",
            "The date cannot be in the future.",
        ),
    ],
)
def test_bad_input_comes_back_with_its_error_and_saves_nothing(
    client, office_user, park, url_name, form, field, message
):
    valid = {
        "reforms:care_payment_create": _care_form(park),
        "reforms:training_create": {
            "park": park.pk,
            "course": "电工技能培训",
            "provider": "无锡技师学院",
            "started_on": "2026-06-01",
            "hours": "16",
            "trainees": "30",
            "certificates": "25",
        },
        "reforms:publicity_create": {
            "park": park.pk,
            "channel": PublicityChannel.ONLINE_PLATFORM,
            "outlet": "无锡观察",
            "title": "盛阳食品城报道",
            "published_on": "2026-06-01",
            "link": "https://example.cn/a",
        },
        "reforms:proposal_create": {
            "park": park.pk,
            "kind": "rationalisation",
            "title": "冷库节能改造",
            "submitter": "王师傅",
            "submitted_on": "2026-06-01",
        },
    }[url_name]
    client.force_login(office_user)
    html = _html(client.post(reverse(url_name), {**valid, **form}))
    feedback = re.search(
        rf'id="id_{field}"[^>]*>.*?<div class="invalid-feedback d-block">([^<]*)</div>', html, re.S
    )
    assert feedback and feedback.group(1) == message
    assert 'aria-invalid="true"' in html
    for model in (CarePayment, Training, Publicity, Proposal):
        assert not model.objects.exists()
    # The same form with the good value saves.
    assert client.post(reverse(url_name), valid).status_code == 302


def test_a_link_without_a_scheme_is_read_as_https(client, office_user, park):
    client.force_login(office_user)
    response = client.post(
        reverse("reforms:publicity_create"),
        {
            "park": park.pk,
            "channel": PublicityChannel.PRINT,
            "outlet": "无锡日报",
            "title": "报道",
            "published_on": "2026-06-01",
            "link": "www.example.cn/news/1",
        },
    )
    assert response.status_code == 302
    assert Publicity.objects.get().link == "https://www.example.cn/news/1"


def test_only_the_office_records_district_wide_publicity(client, office_user, park_manager, park):
    form = {
        "park": "",
        "channel": PublicityChannel.GOVERNMENT_WEBSITE,
        "outlet": "梁溪区人民政府网",
        "title": "梁溪区推进产改",
        "published_on": "2026-06-01",
    }
    url = reverse("reforms:publicity_create")
    client.force_login(park_manager)
    html = _html(client.post(url, form))
    assert "This field is required." in html
    assert not Publicity.objects.exists()
    client.force_login(office_user)
    assert client.post(url, form).status_code == 302
    assert Publicity.objects.get().park is None


def test_a_care_payment_links_only_to_an_activity_of_its_park(
    client, office_user, park, other_park
):
    from tests.factories import ActivityFactory

    here = ActivityFactory(
        grid_zone=None,
        park=park,
        kind="care",
        occurred_at=datetime(2026, 6, 1, tzinfo=ZoneInfo("UTC")),
    )
    there = ActivityFactory(
        grid_zone=None,
        park=other_park,
        kind="care",
        occurred_at=datetime(2026, 6, 1, tzinfo=ZoneInfo("UTC")),
    )
    client.force_login(office_user)
    url = reverse("reforms:care_payment_create")
    html = _html(client.post(url, _care_form(park, activity=there.pk)))
    assert "This activity took place in another park." in html
    assert client.post(url, _care_form(park, activity=here.pk)).status_code == 302
    assert CarePayment.objects.get().activity == here


def test_a_manager_deletes_a_row_after_confirming(client, park_manager, care):
    client.force_login(park_manager)
    url = reverse("reforms:care_payment_delete", args=[care["may"].pk])
    assert "Delete" in _html(client.get(url))
    assert CarePayment.objects.filter(pk=care["may"].pk).exists()
    assert client.post(url).status_code == 302
    assert not CarePayment.objects.filter(pk=care["may"].pk).exists()

"""Fixtures and helpers shared by the ledger page tests."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from tests.factories import CarePaymentFactory

LIST_URLS = {
    "care": "reforms:care_payment_list",
    "publicity": "reforms:publicity_list",
    "training": "reforms:training_list",
    "proposal": "reforms:proposal_list",
}


@pytest.fixture(autouse=True)
def on_the_twentieth_of_june(time_machine):
    time_machine.move_to(datetime(2026, 6, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages in English, so the assertions hold whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def care(park, other_park, office_user):
    """A known care ledger. This year in `park`: 12 + 10 + 20 people, 42,000 yuan (the source
    document's special subsidy); in `other_park` 5 people, 1,234.56 yuan; and one payment of
    last year that "this year" leaves out."""

    def paid(park, day, people, amount, event):
        return CarePaymentFactory(
            park=park,
            paid_on=day,
            recipients=people,
            amount=Decimal(amount),
            event=event,
            recorded_by=office_user,
        )

    return {
        "march_1": paid(park, date(2026, 3, 10), 12, "12000.00", "防疫保供特殊补贴一"),
        "march_2": paid(park, date(2026, 3, 25), 10, "10000.00", "防疫保供特殊补贴二"),
        "may": paid(park, date(2026, 5, 2), 20, "20000.00", "防疫保供特殊补贴三"),
        "other": paid(other_park, date(2026, 4, 1), 5, "1234.56", "夏季送清凉"),
        "last_year": paid(park, date(2025, 12, 31), 7, "700.00", "春节慰问"),
    }


def _html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _entries(html):
    return [int(pk) for pk in re.findall(r'<tr data-entry="(\d+)"', html)]


def _care_form(park, **changes):
    return {
        "park": park.pk,
        "event": "夏季送清凉",
        "paid_on": "2026-06-18",
        "recipients": "30",
        "amount": "1500.50",
        "reason": "防暑降温",
        "funding_source": "工会经费",
        "activity": "",
        **changes,
    }

"""A report list read after the database was made anew still says which report is out of date.

The list's page is read by SQL compiled once per process (parks.core.api.planned), and whether a
report is out of date reads the audit events of the reported models by their content types' ids,
which that SQL holds as constants. A flush — what every transactional test does at its end —
makes the content types again, with new ids: a plan kept from before would look for events no
longer written, and call every changed report up to date (CI, stop 26).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from parks.structure.choices import Role
from reforms.ledgers import services as reform_services
from reforms.ledgers.models import CarePayment
from tests.factories import ParkFactory, SubdistrictFactory, UserFactory
from tests.reforms.report_pages_helpers import _built, _report, local

API = "/api/v1/reports/"


def _listed_after_a_change(api_client, time_machine):
    """Whether the list calls May's report of a park out of date after a care payment of May
    was entered an hour after its build: {report id: stale}; the report's own answer says so."""
    time_machine.move_to(local(2026, 6, 10, 10, 0))
    park = ParkFactory(subdistrict=SubdistrictFactory())
    office = UserFactory(role=Role.OFFICE)
    report = _built(_report(park=park))
    api_client.force_authenticate(office)
    assert api_client.get(API).json()["results"][0]["stale"] is False
    time_machine.move_to(local(2026, 6, 10, 11, 0))
    entry = CarePayment(
        park=park, event="留锡过节", paid_on=date(2026, 5, 20), recipients=4, amount=Decimal(800)
    )
    reform_services.ledger_save(entry=entry, actor=office)
    listed = {row["id"]: row["stale"] for row in api_client.get(API).json()["results"]}
    # The report itself: its freshness compiled once too (reporting.freshness).
    assert api_client.get(f"{API}{report.pk}/").json()["stale"] is True
    return report.pk, listed


@pytest.mark.django_db(transaction=True)
def test_the_list_says_a_report_is_out_of_date_after_the_database_was_made_anew(
    api_client, time_machine
):
    report, listed = _listed_after_a_change(api_client, time_machine)
    assert listed == {report: True}

    # What a transactional test's end does: every table emptied, the content types made again.
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
    report, listed = _listed_after_a_change(api_client, time_machine)
    assert listed == {report: True}

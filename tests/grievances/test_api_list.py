"""REST API v1 for grievances: the list, its filters and queries, and unmasking personal data."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grievances.models import Attachment, Grievance, PersonalDataView
from tests.factories import GrievanceFactory, UserFactory
from tests.grievances import api_helpers as shared
from tests.grievances.api_helpers import JPG, LIST, _payload, url

# The shared fixtures, bound here so pytest finds them by name.
assigned = shared.assigned
unit = shared.unit


pytestmark = pytest.mark.django_db


# --- Reading ----------------------------------------------------------------------------------


def test_anonymous_clients_are_refused(api_client):
    assert api_client.get(LIST).status_code == 401


def test_the_list_shows_flags_and_masks_personal_data(api_as, office_user, park, grid_zone):
    GrievanceFactory(park=park, grid_zone=grid_zone, complainant_employer="某某商行")

    body = api_as(office_user).get(LIST, HTTP_ACCEPT_LANGUAGE="en").json()

    [row] = body["results"]
    assert (row["park"], row["park_name"], row["grid_zone_code"]) == (park.pk, park.name, "G01")
    assert (row["complainant_name"], row["complainant_phone"]) == ("张**", "138****5678")
    assert row["complainant_employer"] == "***" and row["personal_data_masked"] is True
    assert (row["status"], row["status_display"]) == ("received", "Received")
    # Received in June 2026 and never accepted: the response limit has long passed.
    assert row["deadline_flag"] == "breached" and row["response_breached"] is True
    assert row["resolution_breached"] is True and row["due_soon"] is False
    assert not PersonalDataView.objects.exists()


def test_a_liaison_sees_only_their_parks_grievances(api_as, liaison, park, other_park):
    mine = GrievanceFactory(park=park)
    theirs = GrievanceFactory(park=other_park)
    client = api_as(liaison)

    assert [row["id"] for row in client.get(LIST).json()["results"]] == [mine.pk]
    assert client.get(url(theirs)).status_code == 404
    assert client.get(url(theirs, "events")).status_code == 404
    assert client.post(url(theirs, "withdraw"), {"note": "x"}).status_code == 404
    assert client.get(url(mine)).status_code == 200


def test_the_search_never_looks_at_the_complainant(api_as, office_user, park):
    grievance = GrievanceFactory(park=park, title="食堂卫生问题")
    client = api_as(office_user)

    def found(q):
        return [row["id"] for row in client.get(LIST, {"q": q}).json()["results"]]

    assert found("张三丰") == [] and found("13812345678") == []
    assert found("食堂") == [grievance.pk]
    assert found(grievance.tracking_code.lower()) == [grievance.pk]


def test_filters_by_status_flag_date_and_park(api_as, office_user, park, other_park, unit):
    received = GrievanceFactory(park=park)
    handled = GrievanceFactory(
        park=other_park,
        status="in_progress",
        handling_unit=unit,
        responded_at=timezone.now(),
        received_at=timezone.now() - timedelta(hours=1),
        response_due_at=timezone.now() + timedelta(hours=23),
        resolution_due_at=timezone.now() + timedelta(days=10),
    )
    client = api_as(office_user)

    def ids(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.json()
        return sorted(row["id"] for row in response.json()["results"])

    assert ids(status=["received", "in_progress"]) == sorted([received.pk, handled.pk])
    assert ids(status="in_progress") == [handled.pk]
    assert ids(flag="breached") == [received.pk]
    assert ids(flag="ok") == [handled.pk]
    assert ids(park=park.pk) == [received.pk]
    assert ids(handling_unit=unit.pk) == [handled.pk]
    # The day it was received, not today: from midnight to one in the morning (local time)
    # an hour ago is yesterday, and this test failed then.
    received_day = timezone.localdate(handled.received_at).isoformat()
    assert ids(received_after=received_day) == [handled.pk]
    assert ids(received_before="2026-06-01") == [received.pk]
    assert client.get(LIST, {"flag": "purple"}).status_code == 400


def test_a_park_the_user_cannot_see_is_not_a_filter_value(api_as, liaison, other_park):
    response = api_as(liaison).get(LIST, {"park": other_park.pk})
    assert response.status_code == 400 and "park" in response.json()


def test_the_list_runs_the_same_queries_for_2_and_50_rows(api_as, office_user, unit):
    def count_queries(n):
        Grievance.objects.all().delete()
        for grievance in GrievanceFactory.create_batch(
            n, status="assigned", handling_unit=unit, handler=UserFactory()
        ):
            Attachment.objects.create(
                grievance=grievance,
                file=SimpleUploadedFile("a.jpg", JPG),
                original_name="a.jpg",
                size=len(JPG),
            )
        client = api_as(office_user)
        with CaptureQueriesContext(connection) as plain:
            assert len(client.get(LIST).json()["results"]) == n
        with CaptureQueriesContext(connection) as unmasked:
            assert len(client.get(LIST, {"unmask": "true"}).json()["results"]) == n
        return len(plain), len(unmasked)

    assert count_queries(2) == count_queries(50)


def test_a_script_in_the_description_comes_back_verbatim_as_json(api_as, office_user, park):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = api_as(office_user).post(LIST, _payload(park, description=script, title=script))
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    body = api_as(office_user).get(url(Grievance.objects.get())).json()
    assert body["description"] == script and body["title"] == script


# --- Masking and the personal-data log --------------------------------------------------------


def test_the_office_may_unmask_and_each_view_is_logged(api_as, office_user, park):
    first, second = GrievanceFactory.create_batch(2, park=park, complainant_employer="某商行")
    GrievanceFactory(park=park, complainant_name="", complainant_phone="")  # nothing to see

    rows = api_as(office_user).get(LIST, {"unmask": "true"}).json()["results"]

    shown = {row["id"]: row for row in rows}
    assert shown[first.pk]["complainant_name"] == "张三丰"
    assert shown[first.pk]["complainant_phone"] == "13812345678"
    assert shown[first.pk]["complainant_employer"] == "某商行"
    assert shown[first.pk]["personal_data_masked"] is False
    logged = PersonalDataView.objects.filter(viewer=office_user, via="api")
    assert sorted(logged.values_list("grievance_id", flat=True)) == sorted([first.pk, second.pk])


def test_a_liaison_asking_to_unmask_still_gets_masked_data_and_no_log(api_as, liaison, park):
    grievance = GrievanceFactory(park=park)

    listed = api_as(liaison).get(LIST, {"unmask": "true"}).json()["results"][0]
    detail = api_as(liaison).get(url(grievance), {"unmask": "true"}).json()

    for row in (listed, detail):
        assert (row["complainant_name"], row["complainant_phone"]) == ("张**", "138****5678")
        assert row["personal_data_masked"] is True
    assert not PersonalDataView.objects.exists()


def test_the_handling_unit_may_unmask_its_own_grievances_only(
    api_as, member_unit_user, assigned, park
):
    other = GrievanceFactory(park=park)  # visible to the unit (district-wide role), not its case

    rows = api_as(member_unit_user).get(LIST, {"unmask": "true"}).json()["results"]

    names = {row["id"]: row["complainant_name"] for row in rows}
    assert names == {assigned.pk: "张三丰", other.pk: "张**"}
    assert list(PersonalDataView.objects.values_list("grievance_id", "via")) == [
        (assigned.pk, "api")
    ]


def test_unmasking_without_asking_is_not_done(api_as, office_user, park):
    grievance = GrievanceFactory(park=park)
    body = api_as(office_user).get(url(grievance), {"unmask": "no"}).json()
    assert body["complainant_name"] == "张**" and not PersonalDataView.objects.exists()

"""The office merges a likely duplicate into the case that goes on: the merged case closes as
merged and keeps its history, its worker's tracking code follows the survivor, nothing is lost
on a refusal, the API does the same, and the rates count the request once."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from grievances import selectors
from grievances.merging import grievance_merge
from grievances.models import Grievance, GrievanceEvent
from parks.history.models import AuditEvent
from parks.notices.choices import NoticeKind
from parks.notices.models import Notification
from parks.structure.choices import Role
from tests.factories import GrievanceFactory, OrganisationFactory, UserFactory
from tests.grievances import pages_helpers as shared
from tests.grievances.api_helpers import url
from tests.grievances.pages_helpers import NOW, _html, _in

frozen_now = shared.frozen_now
in_english = shared.in_english
union = shared.union

pytestmark = pytest.mark.django_db

AC = "车间空调坏了三天"


@pytest.fixture
def survivor(park, union):
    case = GrievanceFactory(park=park, title=AC, received_at=NOW - timedelta(days=2))
    return _in("in_progress", case, union)


@pytest.fixture
def duplicate(park):
    return GrievanceFactory(park=park, title=AC, received_at=NOW - timedelta(days=1))


def _row(grievance):
    return Grievance.objects.values().get(pk=grievance.pk)


# --- The service ------------------------------------------------------------------------------


def test_the_merged_case_closes_as_merged_points_to_the_survivor_and_keeps_its_history(
    office_user, survivor, duplicate
):
    GrievanceEvent.objects.create(grievance=duplicate, action="receive", to_status="received")

    assert grievance_merge(duplicate=duplicate, survivor=survivor, actor=office_user) == survivor

    duplicate.refresh_from_db()
    survivor.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into, duplicate.closed_at) == (
        "merged",
        survivor,
        NOW,
    )
    assert survivor.status == "in_progress"  # the survivor goes on as it was
    assert list(duplicate.events.values_list("action", "from_status", "to_status", "note")) == [
        ("receive", "", "received", ""),
        ("merge", "received", "merged", f"→ {survivor.tracking_code}"),
    ]
    assert list(survivor.events.values_list("action", "note")) == [
        ("merged_in", f"← {duplicate.tracking_code}")
    ]
    audit = AuditEvent.objects.get(
        content_type=ContentType.objects.get_for_model(Grievance), object_id=duplicate.pk
    )
    assert audit.actor == office_user and audit.changes["status"] == ["received", "merged"]


def test_merging_into_a_merged_case_goes_to_the_case_it_was_merged_into(
    office_user, park, survivor, duplicate
):
    third = GrievanceFactory(park=park, title=AC, received_at=NOW - timedelta(hours=3))
    grievance_merge(duplicate=duplicate, survivor=survivor, actor=office_user)

    assert grievance_merge(duplicate=third, survivor=duplicate, actor=office_user) == survivor
    third.refresh_from_db()
    assert third.merged_into == survivor


def test_cases_merged_into_the_duplicate_follow_it_to_the_survivor(office_user, park, survivor):
    middle = GrievanceFactory(park=park, title=AC, received_at=NOW - timedelta(hours=5))
    earliest = GrievanceFactory(park=park, title=AC, received_at=NOW - timedelta(hours=6))
    grievance_merge(duplicate=earliest, survivor=middle, actor=office_user)

    grievance_merge(duplicate=middle, survivor=survivor, actor=office_user)

    assert set(Grievance.objects.filter(merged_into=survivor)) == {middle, earliest}
    note = survivor.events.get(action="merged_in").note
    assert note == f"← {middle.tracking_code} {earliest.tracking_code}"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("itself", "A grievance cannot be merged into itself."),
        ("other_park", "Only grievances of the same park are merged"),
        ("closed_duplicate", "only an open grievance is merged"),
        ("merged_duplicate", "only an open grievance is merged"),
        ("closed_survivor", "merge into a case that is still open"),
        ("withdrawn_survivor", "merge into a case that is still open"),
    ],
)
def test_a_merge_that_cannot_be_is_refused_with_a_message_and_changes_nothing(
    office_user, park, other_park, union, survivor, duplicate, case, message
):
    if case == "itself":
        survivor = duplicate
    elif case == "other_park":
        survivor = GrievanceFactory(park=other_park, title=AC, received_at=NOW)
    elif case == "closed_duplicate":
        duplicate = _in("closed", duplicate, union)
    elif case == "merged_duplicate":
        grievance_merge(duplicate=duplicate, survivor=survivor, actor=office_user)
        duplicate.refresh_from_db()
        survivor = GrievanceFactory(park=park, title=AC, received_at=NOW)
    elif case == "closed_survivor":
        survivor = _in("closed", survivor, union)
    else:
        survivor = _in("withdrawn", survivor, union)
    before = [_row(duplicate), _row(survivor)]
    events = GrievanceEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        grievance_merge(duplicate=duplicate, survivor=survivor, actor=office_user)

    assert message in " ".join(refused.value.messages)
    assert [_row(duplicate), _row(survivor)] == before
    assert GrievanceEvent.objects.count() == events


def test_only_the_office_merges(park_manager, member_unit_user, survivor, duplicate):
    for user in (park_manager, member_unit_user):
        with pytest.raises(PermissionDenied):
            grievance_merge(duplicate=duplicate, survivor=survivor, actor=user)
    assert _row(duplicate)["status"] == "received"


# --- The page and the worker's tracking page --------------------------------------------------


def test_the_office_merges_from_the_grievance_page(client, office_user, survivor, duplicate):
    client.force_login(office_user)
    html = _html(client.get(survivor.get_absolute_url()))
    assert duplicate.tracking_code in html and "Merge it into this case" in html

    response = client.post(
        reverse("grievances:grievance_merge", args=[duplicate.pk]), {"into": survivor.pk}
    )

    assert response.status_code == 302 and response.url == survivor.get_absolute_url()
    page = _html(client.get(survivor.get_absolute_url()))
    assert "was merged into" in page and 'class="list-group-item merged-in"' in page
    merged = _html(client.get(duplicate.get_absolute_url()))
    assert 'id="merged-into"' in merged and survivor.tracking_code in merged
    assert "Merged into another case" in merged


def test_a_refused_merge_comes_back_as_a_message(client, office_user, other_park, duplicate):
    elsewhere = GrievanceFactory(park=other_park, title=AC, received_at=NOW)
    client.force_login(office_user)
    response = client.post(
        reverse("grievances:grievance_merge", args=[duplicate.pk]),
        {"into": elsewhere.pk},
        follow=True,
    )
    assert "Only grievances of the same park are merged" in _html(response)
    assert _row(duplicate)["status"] == "received"
    bad = client.post(reverse("grievances:grievance_merge", args=[duplicate.pk]), {"into": "x"})
    assert bad.status_code == 302 and _row(duplicate)["status"] == "received"


def test_who_is_not_the_office_sees_no_merge_and_may_not_post_one(
    client, park_manager, survivor, duplicate
):
    client.force_login(park_manager)
    assert "Merge it into this case" not in _html(client.get(survivor.get_absolute_url()))
    response = client.post(
        reverse("grievances:grievance_merge", args=[duplicate.pk]), {"into": survivor.pk}
    )
    assert response.status_code == 403
    assert _row(duplicate)["status"] == "received"


def test_the_workers_tracking_code_follows_the_surviving_case(
    client, office_user, survivor, duplicate
):
    grievance_merge(duplicate=duplicate, survivor=survivor, actor=office_user)
    Grievance.objects.filter(pk=survivor.pk).update(
        status="replied", reply="已联系维修，明天修好。"
    )

    html = _html(client.get(reverse("grievances:public_track", args=[duplicate.tracking_code])))

    assert duplicate.tracking_code in html
    assert 'id="public-merged"' in html
    assert "已联系维修，明天修好。" in html
    assert 'id="withdraw-form"' not in html


# --- The API ----------------------------------------------------------------------------------


def test_the_api_merges_like_the_page(api_as, office_user, survivor, duplicate):
    response = api_as(office_user).post(
        url(duplicate, "merge"), {"into": survivor.pk, "note": "同一台空调"}, format="json"
    )
    assert response.status_code == 200
    assert (response.data["status"], response.data["merged_into"]) == ("merged", survivor.pk)
    assert duplicate.events.get(action="merge").note == f"→ {survivor.tracking_code} 同一台空调"


def test_the_api_refuses_clearly(
    api_as, office_user, park_manager, other_park, union, survivor, duplicate
):
    client = api_as(office_user)
    elsewhere = GrievanceFactory(park=other_park, title=AC, received_at=NOW)
    refused = client.post(url(duplicate, "merge"), {"into": elsewhere.pk}, format="json")
    assert refused.status_code == 400 and "into" in refused.data
    assert client.post(url(duplicate, "merge"), {"into": 0}, format="json").status_code == 400
    assert client.post(url(duplicate, "merge"), {}, format="json").status_code == 400
    closed = _in("closed", GrievanceFactory(park=duplicate.park, title=AC), union)
    conflict = client.post(url(closed, "merge"), {"into": survivor.pk}, format="json")
    assert conflict.status_code == 409
    forbidden = api_as(park_manager).post(
        url(duplicate, "merge"), {"into": survivor.pk}, format="json"
    )
    assert forbidden.status_code == 403
    assert _row(duplicate)["status"] == "received"


# --- The rates count the request once --------------------------------------------------------


def test_a_merged_duplicate_is_not_counted_twice_in_the_rates(office_user, survivor, duplicate):
    before = selectors.rates(Grievance.objects.all(), now=NOW)["received"]
    grievance_merge(duplicate=duplicate, survivor=survivor, actor=office_user)
    after = selectors.rates(Grievance.objects.all(), now=NOW)
    assert (before, after["received"]) == (2, 1)
    assert after["response_counted"] + after["response_pending"] == 1


def test_a_merged_duplicate_gets_no_more_reminders(office_user, survivor, duplicate):
    from grievances.models import GrievanceReminder
    from grievances.services import send_grievance_reminders

    grievance_merge(duplicate=duplicate, survivor=survivor, actor=office_user)
    send_grievance_reminders(now=NOW + timedelta(days=30))  # every limit long breached
    assert not GrievanceReminder.objects.filter(grievance=duplicate).exists()
    assert GrievanceReminder.objects.filter(grievance=survivor).exists()


# --- Who hears of it --------------------------------------------------------------------------


def test_the_survivors_unit_hears_of_the_merge_but_not_the_one_who_merged(
    member_unit_user, union, survivor, duplicate
):
    colleague = UserFactory(username="unit-2", role=Role.MEMBER_UNIT, organisation=union)
    # An office person who also sits in the unit merges: they are not told of their own step.
    actor = UserFactory(username="office-in-unit", role=Role.OFFICE, organisation=union)
    UserFactory(username="office-2", role=Role.OFFICE)
    UserFactory(
        username="elsewhere",
        role=Role.MEMBER_UNIT,
        organisation=OrganisationFactory(name="区人社局"),
    )

    grievance_merge(duplicate=duplicate, survivor=survivor, actor=actor)

    notices = Notification.objects.filter(kind=NoticeKind.GRIEVANCE_MERGED)
    assert sorted(n.recipient.username for n in notices) == sorted(
        [member_unit_user.username, colleague.username]
    )
    assert all(duplicate.tracking_code in n.body for n in notices)
    assert {n.url for n in notices} == {survivor.get_absolute_url()}


def test_a_merge_into_a_case_with_no_unit_tells_nobody(office_user, park, duplicate):
    survivor = GrievanceFactory(park=park, title=AC, received_at=NOW - timedelta(days=3))
    grievance_merge(duplicate=duplicate, survivor=survivor, actor=office_user)
    assert not Notification.objects.filter(kind=NoticeKind.GRIEVANCE_MERGED).exists()

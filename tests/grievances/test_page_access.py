"""The grievance pages: who sees which grievances and which buttons."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grievances.models import Attachment, PersonalDataView
from parks.structure.choices import Role
from tests.factories import GridZoneFactory, GrievanceFactory, OrganisationFactory, UserFactory
from tests.grievances import pages_helpers as shared
from tests.grievances.pages_helpers import (
    NOW,
    PNG,
    _act,
    _buttons,
    _detail,
    _html,
    _in,
    _inbox_codes,
)

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
grievance = shared.grievance
in_english = shared.in_english
other_liaison = shared.other_liaison
union = shared.union


pytestmark = pytest.mark.django_db


# --- Who sees what ----------------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in(client, grievance):
    for url in (reverse("grievances:inbox"), grievance.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_each_role_sees_the_grievances_of_its_scope(
    client, grievance, other_park, office_user, liaison, other_liaison, subdistrict_user
):
    elsewhere = GrievanceFactory(park=other_park)
    expected = {
        office_user: {grievance.tracking_code, elsewhere.tracking_code},
        liaison: {grievance.tracking_code},
        subdistrict_user: {grievance.tracking_code},
        other_liaison: {elsewhere.tracking_code},
    }
    for user, codes in expected.items():
        client.force_login(user)
        assert set(_inbox_codes(client)) == codes, user


def test_a_liaison_of_another_park_gets_404_for_every_page_of_a_grievance(
    client, grievance, other_liaison
):
    client.force_login(other_liaison)
    attachment = Attachment.objects.create(
        grievance=grievance,
        file=SimpleUploadedFile("a.png", PNG),
        original_name="a.png",
        size=len(PNG),
    )
    urls = [
        grievance.get_absolute_url(),
        grievance.get_absolute_url() + "?unmask=1",
        reverse("grievances:grievance_act", args=[grievance.pk, "assign"]),
        reverse("grievances:extension_request", args=[grievance.pk]),
        reverse("grievances:mediation_open", args=[grievance.pk]),
        reverse("grievances:attachment_download", args=[attachment.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert _act(client, grievance, "withdraw", {"note": "x"}).status_code == 404
    assert not PersonalDataView.objects.exists()


def test_the_handling_unit_sees_the_grievance_it_was_given(
    client, grievance, member_unit_user, union
):
    _in("assigned", grievance, union)
    client.force_login(member_unit_user)
    html = _detail(client, grievance)
    assert "拖欠工资" in html
    assert _buttons(html) == ["accept", "return"]


def test_subdistrict_staff_read_but_change_nothing(client, grievance, subdistrict_user):
    client.force_login(subdistrict_user)
    html = _detail(client, grievance)
    assert _buttons(html) == []
    assert 'id="show-personal-data"' not in html
    assert 'id="log-grievance"' not in _html(client.get(reverse("grievances:inbox")))
    assert client.get(reverse("grievances:grievance_create")).status_code == 403
    assert _act(client, grievance, "assign", {"unit": 1}).status_code == 403
    assert _act(client, grievance, "withdraw", {"note": "不需要了"}).status_code == 403
    grievance.refresh_from_db()
    assert grievance.status == "received"


def test_the_log_button_shows_for_the_office_and_the_park_own_people_only(
    client, park, office_user, liaison, park_manager, subdistrict_user, member_unit_user
):
    for user, shown in [
        (office_user, True),
        (liaison, True),
        (park_manager, True),
        (subdistrict_user, False),
        (member_unit_user, False),
    ]:
        client.force_login(user)
        html = _html(client.get(reverse("grievances:inbox")))
        assert ('id="log-grievance"' in html) is shown, user.role


# --- Action buttons ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "extra", "office", "unit"),
    [
        ("received", {}, ["assign", "withdraw"], []),
        ("assigned", {}, ["withdraw"], ["accept", "return"]),
        ("accepted", {}, ["withdraw"], ["start", "reply", "return"]),
        ("in_progress", {}, ["withdraw"], ["reply"]),
        ("replied", {}, ["follow_up", "withdraw"], []),
        ("followed_up", {}, ["close", "reopen"], []),
        ("followed_up", {"satisfaction": "unsatisfied"}, ["reopen"], []),
        ("returned", {}, ["assign", "withdraw"], []),
        ("closed", {"closed_at": NOW}, [], []),
        ("withdrawn", {}, [], []),
    ],
)
def test_each_role_gets_only_the_steps_it_may_take_now(
    client, grievance, office_user, member_unit_user, liaison, union, status, extra, office, unit
):
    unit_for_status = None if status in ("received",) else union
    _in(status, grievance, unit_for_status, **extra)
    client.force_login(office_user)
    assert _buttons(_detail(client, grievance)) == office
    client.force_login(member_unit_user)
    assert _buttons(_detail(client, grievance)) == unit
    client.force_login(liaison)
    assert _buttons(_detail(client, grievance)) == []


def test_staff_of_another_unit_get_no_buttons(client, grievance, union):
    _in("assigned", grievance, union)
    stranger = UserFactory(role=Role.MEMBER_UNIT, organisation=OrganisationFactory(name="区人社局"))
    client.force_login(stranger)
    assert _buttons(_detail(client, grievance)) == []
    assert _act(client, grievance, "accept").status_code == 403


def test_a_zone_from_another_park_is_named_with_its_park(client, office_user, park, other_park):
    GridZoneFactory(park=park, code="G09", name="甲区")
    GridZoneFactory(park=other_park, code="G09", name="乙区")
    client.force_login(office_user)
    html = _html(client.get(reverse("grievances:inbox")))
    assert f"{park.name} · G09 甲区" in html and f"{other_park.name} · G09 乙区" in html

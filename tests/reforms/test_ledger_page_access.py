"""The ledger pages (台账): who reads and writes which rows."""

import pytest
from django.urls import reverse

from parks.structure.choices import Role
from reforms.ledgers.models import CarePayment
from tests.factories import ProposalFactory, PublicityFactory, UserFactory
from tests.reforms import ledger_pages_helpers as shared
from tests.reforms.ledger_pages_helpers import LIST_URLS, _care_form, _entries, _html

# The shared fixtures, bound here so pytest finds them by name.
care = shared.care
in_english = shared.in_english
on_the_twentieth_of_june = shared.on_the_twentieth_of_june


pytestmark = pytest.mark.django_db


@pytest.fixture
def observer():
    return UserFactory(username="observer", role=Role.OBSERVER)


# --- Who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role_fixture",
    [
        "office_user",
        "park_manager",
        "liaison",
        "subdistrict_user",
        "member_unit_user",
        "observer",
    ],
)
@pytest.mark.parametrize("url_name", ["reforms:ledgers", *LIST_URLS.values()])
def test_every_role_opens_the_overview_and_the_lists(client, request, role_fixture, url_name):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse(url_name)).status_code == 200


def test_strangers_are_asked_to_sign_in(client, care):
    for url in (
        reverse("reforms:ledgers"),
        reverse("reforms:care_payment_list"),
        reverse("reforms:ledger_export", args=["care"]),
        reverse("reforms:care_payment_edit", args=[care["may"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("role_fixture", ["park_manager", "liaison"])
def test_park_people_see_only_their_parks_rows(client, request, role_fixture, care):
    client.force_login(request.getfixturevalue(role_fixture))
    html = _html(client.get(reverse("reforms:care_payment_list")))
    assert sorted(_entries(html)) == sorted(
        [care["march_1"].pk, care["march_2"].pk, care["may"].pk]
    )


def test_subdistrict_staff_see_the_parks_of_their_subdistrict(client, subdistrict_user, care):
    client.force_login(subdistrict_user)
    html = _html(client.get(reverse("reforms:care_payment_list")))
    assert care["other"].pk not in _entries(html)
    assert len(_entries(html)) == 3


@pytest.mark.parametrize("role_fixture", ["observer", "member_unit_user", "office_user"])
def test_district_readers_see_every_park(client, request, role_fixture, care):
    client.force_login(request.getfixturevalue(role_fixture))
    html = _html(client.get(reverse("reforms:care_payment_list")))
    assert len(_entries(html)) == 4  # this year's; last year's is outside the period


def test_office_and_the_park_manager_get_the_new_button_readers_do_not(
    client, office_user, park_manager, liaison, observer
):
    url = reverse("reforms:publicity_list")
    for user, shown in (
        (office_user, True),
        (park_manager, True),
        (liaison, False),
        (observer, False),
    ):
        client.force_login(user)
        html = _html(client.get(url))
        assert ('id="new-entry"' in html) is shown, user.role
        assert 'id="export-excel"' in html
        assert (client.get(reverse("reforms:publicity_create")).status_code == 200) is shown


@pytest.mark.parametrize("role_fixture", ["liaison", "observer", "member_unit_user"])
def test_readers_cannot_open_or_post_a_form_in_their_scope(
    client, request, role_fixture, care, park
):
    client.force_login(request.getfixturevalue(role_fixture))
    edit = reverse("reforms:care_payment_edit", args=[care["may"].pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"event": "改掉"}).status_code == 403
    new = reverse("reforms:care_payment_create")
    assert client.get(new).status_code == 403
    assert client.post(new, _care_form(park)).status_code == 403
    delete = reverse("reforms:care_payment_delete", args=[care["may"].pk])
    assert client.post(delete).status_code == 403
    assert CarePayment.objects.count() == 5
    assert CarePayment.objects.get(pk=care["may"].pk).event == "防疫保供特殊补贴三"


@pytest.mark.parametrize("role_fixture", ["park_manager", "liaison"])
def test_another_parks_row_is_not_found(client, request, role_fixture, care):
    client.force_login(request.getfixturevalue(role_fixture))
    other = care["other"].pk
    assert client.get(reverse("reforms:care_payment_edit", args=[other])).status_code == 404
    assert client.post(reverse("reforms:care_payment_delete", args=[other])).status_code == 404
    proposal = ProposalFactory(park=care["other"].park)
    url = reverse("reforms:proposal_advance", args=[proposal.pk])
    assert client.post(url, {"to_status": "evaluated"}).status_code == 404


def test_district_wide_publicity_is_read_by_a_park_manager_but_written_by_the_office(
    client, park_manager, office_user
):
    district = PublicityFactory(park=None, title="梁溪区推进产改")
    client.force_login(park_manager)
    html = _html(client.get(reverse("reforms:publicity_list")))
    assert district.pk in _entries(html)
    assert client.get(reverse("reforms:publicity_edit", args=[district.pk])).status_code == 403
    client.force_login(office_user)
    assert client.get(reverse("reforms:publicity_edit", args=[district.pk])).status_code == 200

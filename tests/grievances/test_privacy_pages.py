"""The grievance pages: personal data masked, revealed only to who needs it, and text shown as
text."""

import re

import pytest
from django.urls import reverse

from grievances.models import PersonalDataView
from tests.factories import GrievanceFactory
from tests.grievances import pages_helpers as shared
from tests.grievances.pages_helpers import _detail, _html, _in

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
grievance = shared.grievance
in_english = shared.in_english
union = shared.union


pytestmark = pytest.mark.django_db


# --- Personal data and escaping -----------------------------------------------------------------


def _complainant(html):
    name = re.search(r'id="complainant-name">([^<]*)<', html).group(1)
    phone = re.search(r'id="complainant-phone">(?:<a [^>]*>)?([^<]*)<', html).group(1)
    return name, phone


def test_the_page_masks_personal_data_by_default(client, grievance, office_user):
    client.force_login(office_user)
    html = _detail(client, grievance)
    assert _complainant(html) == ("张**", "138****5678")
    assert "张三丰" not in html and "13812345678" not in html and "某建材商行" not in html
    assert not PersonalDataView.objects.exists()


@pytest.mark.parametrize("role", ["office", "handling_unit"])
def test_those_who_need_it_may_reveal_personal_data_and_it_is_logged(
    client, grievance, office_user, member_unit_user, union, role
):
    _in("assigned", grievance, union)
    user = office_user if role == "office" else member_unit_user
    client.force_login(user)
    assert 'id="show-personal-data"' in _detail(client, grievance)
    response = client.get(grievance.get_absolute_url(), {"unmask": "1"})
    html = _html(response)
    assert _complainant(html) == ("张三丰", "13812345678")
    assert "某建材商行" in html
    assert "no-store" in response["Cache-Control"]
    view = PersonalDataView.objects.get()
    assert (view.grievance, view.viewer, view.via) == (grievance, user, "page")


def test_others_cannot_reveal_personal_data(
    client, grievance, liaison, subdistrict_user, member_unit_user
):
    # member_unit_user's unit does not handle this grievance.
    for user in (liaison, subdistrict_user, member_unit_user):
        client.force_login(user)
        html = _detail(client, grievance, unmask="1")
        assert _complainant(html) == ("张**", "138****5678"), user.role
        assert 'id="show-personal-data"' not in html
    assert not PersonalDataView.objects.exists()


def test_the_inbox_masks_names_for_everyone(client, grievance, office_user):
    client.force_login(office_user)
    html = _html(client.get(reverse("grievances:inbox")))
    assert "张**" in html and "张三丰" not in html and "13812345678" not in html


def test_a_script_in_a_description_shows_as_text(client, park, office_user):
    attack = GrievanceFactory(
        park=park,
        title="<b>标题</b>",
        description='<script>alert("x")</script>\n第二行',
    )
    client.force_login(office_user)
    html = _detail(client, attack)
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>第二行" in html
    assert "<b>标题</b>" not in html
    assert "<b>标题</b>" not in _html(client.get(reverse("grievances:inbox")))

"""The two small scripts of issue 13 item 7 in a real Chromium, on a phone and a desktop:
the registration form lists likely duplicates while the title is typed, and a unit's reply
form inserts the office's standard reply into the note."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grievances.choices import Status
from grievances.models import Grievance, ReplyTemplate
from parks.structure.choices import Role
from tests.factories import GrievanceFactory, OrganisationFactory, ParkFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AC = "车间空调坏了三天"
TEMPLATE = "已安排维修人员本周内修好空调。"


@pytest.fixture(params=[{"width": 1280, "height": 900}, {"width": 360, "height": 780}])
def viewport(request):
    return request.param


def test_typing_a_title_lists_the_likely_duplicates(page, live_server, sign_in):
    park = ParkFactory(name="无锡华夏家居港建材市场")
    earlier = GrievanceFactory(park=park, title=AC, received_at=timezone.now() - timedelta(days=1))
    liaison = UserFactory(username="liaison_hx01", role=Role.LIAISON, park=park)
    sign_in(liaison)
    page.goto(f"{live_server.url}/grievances/new/")
    box = page.locator("#likely-duplicates")
    expect(box).to_be_hidden()

    page.fill("#id_title", "车间空调坏了")

    expect(box).to_be_visible()
    expect(box.locator("li")).to_have_count(1)
    expect(box).to_contain_text(earlier.tracking_code)
    # Only a warning: the form still saves.
    page.select_option("#id_channel", "walk_in")
    page.select_option("#id_category", "opinion")
    page.fill("#id_description", "空调不制冷。")
    with page.expect_navigation():
        page.click("#grievance-form button[type=submit]")
    assert Grievance.objects.count() == 2


def test_choosing_a_standard_reply_puts_its_text_in_the_note(page, live_server, sign_in):
    park = ParkFactory()
    unit = OrganisationFactory(name="华夏家居港市场党委")
    staff = UserFactory(username="hx_unit", role=Role.MEMBER_UNIT, organisation=unit)
    ReplyTemplate.objects.create(category="opinion", title="已安排维修", text=TEMPLATE)
    grievance = GrievanceFactory(
        park=park, category="opinion", title=AC, status=Status.ACCEPTED, handling_unit=unit
    )
    sign_in(staff)
    page.goto(f"{live_server.url}{grievance.get_absolute_url()}")
    page.click("a[data-action=reply]")
    page.select_option("#action-reply select[name=template]", label="已安排维修")
    expect(page.locator("#reply-note")).to_have_value(TEMPLATE)
    page.fill("#reply-note", TEMPLATE + "如有问题请再联系。")
    with page.expect_navigation():
        page.click("#action-reply button[type=submit]")
    grievance.refresh_from_db()
    assert (grievance.status, grievance.reply) == ("replied", TEMPLATE + "如有问题请再联系。")

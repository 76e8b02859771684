"""A unit's staff member chooses on a 360 px phone how notices reach them: the settings fit
the screen, a change is saved, and the bell links to them."""

import pytest

from parks.notices.models import NoticePreference, NoticeProfile
from parks.structure.choices import Role
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def viewport():
    return {"width": 360, "height": 780}


def test_on_a_phone_a_person_turns_on_sms_for_one_kind_and_the_digest(
    page, live_server, sign_in, csp_violations
):
    person = UserFactory(
        role=Role.MEMBER_UNIT,
        organisation=OrganisationFactory(name="区人社局"),
        email="zheng@example.cn",
        phone="13800138000",
    )
    sign_in(person)
    page.goto(f"{live_server.url}/notifications/")
    with page.expect_navigation():
        page.click("#notice-settings")

    # Nothing sticks out sideways: the four channel columns fit beside the kind's name.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert page.is_checked("#id_grievance_assigned__email")
    assert not page.is_checked("#id_grievance_assigned__sms")
    page.check("#id_grievance_assigned__sms")
    page.uncheck("#id_report_ready__wecom")
    page.check("#id_daily_digest")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "notice-settings-360.png", full_page=True)
    with page.expect_navigation():
        page.click("#save-preferences")

    assert page.is_checked("#id_grievance_assigned__sms")
    assigned = NoticePreference.objects.get(user=person, kind="grievance_assigned")
    report = NoticePreference.objects.get(user=person, kind="report_ready")
    assert (assigned.email, assigned.wecom, assigned.sms) == (True, True, True)
    assert (report.email, report.wecom, report.sms) == (True, False, False)
    assert NoticeProfile.objects.get(user=person).daily_digest
    assert csp_violations == []

"""The worker is told: an SMS when their grievance is accepted, replied and closed, only if
they left a phone and agreed; the tracking page names the unit handling it. (The SMS itself
leaving by a real worker: tests/parks/test_notice_deliveries.py.)"""

import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse

from grievances import workflow
from grievances.choices import Action, Category
from grievances.models import Grievance
from grievances.public_forms import STAMP_SALT
from parks.notices.models import Delivery
from parks.structure.choices import Role
from tests.factories import GrievanceFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unit_user():
    return UserFactory(
        role=Role.MEMBER_UNIT, organisation=OrganisationFactory(name="区人社局"), email=""
    )


def _walk(grievance, office, unit_user, actions):
    arguments = {
        Action.ASSIGN: (office, {"unit": unit_user.organisation}),
        Action.ACCEPT: (unit_user, {}),
        Action.START: (unit_user, {}),
        Action.REPLY: (unit_user, {"note": "工资已于本周补发。"}),
        Action.FOLLOW_UP: (office, {"satisfaction": "satisfied"}),
        Action.CLOSE: (office, {}),
    }
    for action in actions:
        actor, extra = arguments[action]
        grievance = workflow.STEP_SERVICES[action](grievance=grievance, actor=actor, **extra)
    return grievance


EVERY_STEP = [
    Action.ASSIGN,
    Action.ACCEPT,
    Action.START,
    Action.REPLY,
    Action.FOLLOW_UP,
    Action.CLOSE,
]


def test_a_worker_who_agreed_is_texted_on_accept_reply_and_close_only(office_user, unit_user, park):
    grievance = GrievanceFactory(park=park, complainant_phone="13812345678", sms_consent=True)

    _walk(grievance, office_user, unit_user, EVERY_STEP)

    texts = list(Delivery.objects.order_by("pk").values_list("channel", "address", "message"))
    code = grievance.tracking_code
    assert [(channel, address) for channel, address, _m in texts] == [("sms", "13812345678")] * 3
    accepted, replied, closed = (message for _c, _a, message in texts)
    assert "区人社局" in accepted and f"/g/track/{code}/" in accepted
    assert code in replied and "区人社局" in replied
    assert code in closed
    assert len({accepted, replied, closed}) == 3
    # The office's deliveries page names whose text it is by the tracking code only.
    assert all(
        code in label for label in Delivery.objects.values_list("recipient_label", flat=True)
    )


@pytest.mark.parametrize(("phone", "consent"), [("13812345678", False), ("", True), ("", False)])
def test_no_text_without_both_a_phone_and_consent(office_user, unit_user, park, phone, consent):
    grievance = GrievanceFactory(park=park, complainant_phone=phone, sms_consent=consent)
    _walk(grievance, office_user, unit_user, EVERY_STEP)
    assert not Delivery.objects.filter(channel="sms").exists()


def _public_form(**overrides):
    return {
        "category": Category.WAGES,
        "title": "工资拖欠两个月",
        "description": "老板说等年底一起结。",
        "complainant_name": "",
        "complainant_phone": "",
        "complainant_employer": "",
        "website": "",
        "stamp": signing.dumps(time.time() - 10, salt=STAMP_SALT),
        **overrides,
    }


def test_the_public_form_asks_for_consent_and_needs_a_phone_for_it(client, park, settings):
    url = reverse("grievances:public_form", args=[park.pk])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Text me when my request is accepted" in client.get(url).content.decode()

    refused = client.post(url, _public_form(sms_consent="on"))
    assert refused.status_code == 200
    assert "Leave your phone number to be texted." in refused.content.decode()
    assert not Grievance.objects.exists()

    client.post(url, _public_form(sms_consent="on", complainant_phone="13812345678"))
    client.post(url, _public_form(complainant_phone="13900001111"), REMOTE_ADDR="10.0.0.2")
    assert sorted(Grievance.objects.values_list("complainant_phone", "sms_consent")) == [
        ("13812345678", True),
        ("13900001111", False),
    ]


def test_staff_record_the_workers_consent_when_they_log_a_grievance(
    client, office_user, park, settings
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(office_user)
    page = client.get(reverse("grievances:grievance_create")).content.decode()
    assert "The worker agrees to be texted about progress" in page


def test_the_tracking_page_names_the_handling_unit_and_when_each_step_happened(
    client, office_user, unit_user, park, settings
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    grievance = GrievanceFactory(park=park)
    url = reverse("grievances:public_track", args=[grievance.tracking_code])
    assert "Handled by" not in client.get(url).content.decode()

    _walk(grievance, office_user, unit_user, [Action.ASSIGN, Action.ACCEPT])

    page = client.get(url).content.decode()
    assert 'id="handling-unit">区人社局<' in page
    assert page.count('data-action="') == 2  # passed on, accepted: each with its time


def test_the_api_takes_the_consent_and_needs_a_phone_for_it(api_as, office_user, park):
    api = api_as(office_user)
    base = {
        "park": park.pk,
        "channel": "gm_mailbox",
        "category": "wages",
        "title": "工资拖欠",
        "description": "两个月没发工资。",
    }
    refused = api.post("/api/v1/grievances/", {**base, "sms_consent": True}, format="json")
    assert refused.status_code == 400 and set(refused.json()) == {"sms_consent"}

    taken = api.post(
        "/api/v1/grievances/",
        {**base, "sms_consent": True, "complainant_phone": "13812345678"},
        format="json",
    )
    assert taken.status_code == 201 and taken.json()["sms_consent"] is True

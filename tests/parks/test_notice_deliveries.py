"""Notices leave the portal by e-mail, WeCom group robots and SMS, sent by a real Celery worker
after the data commits, to receivers this test starts on 127.0.0.1: retried on transient
failures, recorded failed when the attempts are spent, sent once however often the job runs.

The worker runs config.settings.test with the environment set here: SMTP to the test's own
receiver, the SMS gateway at another, retries 0.2 s apart, a 1 s read timeout, 3 attempts."""

from types import SimpleNamespace

import pytest
from celery import current_app
from django.conf import settings
from django.db import transaction

from parks.core import queue as core_queue
from parks.notices import deliveries
from parks.notices.choices import DeliveryChannel, DeliveryStatus, NoticeKind
from parks.notices.models import Delivery, NoticePreference, NoticeProfile
from parks.notices.services import announce, text_person
from parks.structure.choices import Role
from tests.factories import OrganisationFactory, UserFactory
from tests.parks.notice_receivers import (  # noqa: F401 (fixtures)
    http_receivers,
    smtp_receiver,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(monkeypatch, request, smtp_receiver, http_receivers):  # noqa: F811
    """A real worker sending mail to `smtp` and SMS to `sms`; the portal's jobs go to it."""
    sms = http_receivers((200, {"code": 0, "message": "OK"}))
    monkeypatch.setenv("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.setenv("DJANGO_EMAIL_HOST", "127.0.0.1")
    monkeypatch.setenv("DJANGO_EMAIL_PORT", str(smtp_receiver.port))
    monkeypatch.setenv("SMS_GATEWAY_URL", f"{sms.url}/sms/send")
    monkeypatch.setenv("SMS_GATEWAY_KEY", "test-key")
    monkeypatch.setenv("SMS_GATEWAY_TEMPLATE", "SMS_0001")
    queue = request.getfixturevalue("worker_queue")
    conf = current_app.conf
    previous = conf.task_default_queue
    conf.task_default_queue = queue
    yield SimpleNamespace(queue=queue, smtp=smtp_receiver, sms=sms)
    conf.task_default_queue = previous


def _settled(count):
    """Wait until `count` deliveries are sent or failed; the deliveries, oldest first."""
    finished = (DeliveryStatus.SENT, DeliveryStatus.FAILED)
    wait_for(lambda: Delivery.objects.filter(status__in=finished).count() >= count)
    return list(Delivery.objects.order_by("pk"))


def test_email_wecom_and_sms_reach_their_receivers_once_per_address(worker, http_receivers):  # noqa: F811
    robot = http_receivers()
    unit = OrganisationFactory(
        name="区人社局", wecom_webhook=f"{robot.url}/cgi-bin/webhook/send?key=k1"
    )
    wang = UserFactory(
        role=Role.MEMBER_UNIT, organisation=unit, email="wang@example.cn", phone="138 0013 8000"
    )
    li = UserFactory(role=Role.MEMBER_UNIT, organisation=unit, email="li@example.cn")
    NoticePreference.objects.create(
        user=wang, kind=NoticeKind.GRIEVANCE_ASSIGNED, email=True, wecom=True, sms=True
    )

    with transaction.atomic():
        announce(
            kind=NoticeKind.GRIEVANCE_ASSIGNED,
            recipients=[wang, li, wang],
            title="新诉求：车间空调坏了",
            body="请及时签收",
            url="/grievances/1/",
        )

    rows = _settled(4)
    assert [(d.channel, d.status, d.attempts) for d in rows] == [
        ("email", "sent", 1),
        ("sms", "sent", 1),
        ("wecom", "sent", 1),
        ("email", "sent", 1),
    ]
    assert sorted(m["To"] for m in worker.smtp.messages) == ["li@example.cn", "wang@example.cn"]
    assert all(m["Subject"] == "新诉求：车间空调坏了" for m in worker.smtp.messages)
    assert "请及时签收" in worker.smtp.messages[0].get_content()
    # One post to the unit's group for its two people.
    assert [post["json"]["msgtype"] for post in robot.received] == ["text"]
    assert robot.received[0]["path"] == "/cgi-bin/webhook/send?key=k1"
    assert robot.received[0]["json"]["text"]["content"].startswith(
        "新诉求：车间空调坏了\n请及时签收"
    )
    [sms] = worker.sms.received
    assert sms["json"]["mobile"] == "13800138000" and sms["json"]["template"] == "SMS_0001"
    assert sms["headers"]["Authorization"] == "Bearer test-key"


def test_a_robot_answering_500_then_200_is_tried_again_and_succeeds(worker, http_receivers):  # noqa: F811
    robot = http_receivers((500, {"errmsg": "busy"}), (200, {"errcode": 0}))
    unit = OrganisationFactory(wecom_webhook=f"{robot.url}/send?key=k")
    person = UserFactory(role=Role.MEMBER_UNIT, organisation=unit)

    announce(kind=NoticeKind.TASK_ASSIGNED, recipients=[person], title="新任务")

    [delivery] = _settled(1)
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert len(robot.received) == 2


def test_failing_and_hanging_receivers_are_recorded_failed_for_the_office(
    worker,
    http_receivers,  # noqa: F811
    client,
    office_user,
):
    broken = http_receivers((500, {"errmsg": "down"}))
    hanging = http_receivers("hang", hang_seconds=3)
    refused = http_receivers()
    refused_url = f"{refused.url}/send?key=r"
    refused.close()  # nothing listens there any more: connection refused
    people = [
        UserFactory(
            role=Role.MEMBER_UNIT,
            organisation=OrganisationFactory(name=name, wecom_webhook=url),
        )
        for name, url in [
            ("坏掉的单位", f"{broken.url}/send?key=b"),
            ("不回应的单位", f"{hanging.url}/send?key=h"),
            ("关门的单位", refused_url),
        ]
    ]

    announce(kind=NoticeKind.ORDER_ISSUED, recipients=people, title="督办单")

    rows = _settled(3)
    assert [(d.recipient_label, d.status, d.attempts) for d in rows] == [
        ("坏掉的单位", "failed", 3),
        ("不回应的单位", "failed", 3),
        ("关门的单位", "failed", 3),
    ]
    assert "HTTP 500" in rows[0].last_error
    # The worker records in the portal's language, Chinese: "No answer in time".
    assert "未在时限内应答" in rows[1].last_error
    assert "无法连接" in rows[2].last_error  # "Could not connect", in the worker's Chinese
    assert len(broken.received) == 3

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page read in English
    client.force_login(office_user)
    page = client.get("/notifications/deliveries/?status=failed").content.decode()
    assert page.count('data-status="failed"') == 3
    assert "坏掉的单位" in page and "HTTP 500" in page and "Send again" in page
    assert "key=b" not in page  # the robot's key stays hidden


def test_a_malformed_phone_is_recorded_failed_without_a_retry(worker):
    with transaction.atomic():
        text_person(phone="12345678901", message="您的诉求已受理", label="职工")

    [delivery] = _settled(1)
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    # The worker records in the portal's language, Chinese: "Not a mainland mobile number".
    assert "不是有效的大陆手机号" in delivery.last_error
    assert delivery.address not in delivery.last_error  # the page shows errors: no phone in them
    assert worker.sms.received == []


def test_a_job_run_twice_sends_once(worker):
    person = UserFactory(role=Role.OBSERVER, email="once@example.cn")
    announce(kind=NoticeKind.REPORT_READY, recipients=[person], title="报告已生成")
    [delivery] = Delivery.objects.all()
    core_queue.send(deliveries.DELIVER, delivery.pk)
    core_queue.send(deliveries.DELIVER, delivery.pk)

    _settled(1)
    wait_for(lambda: False, timeout=2)  # give the extra runs their chance to (wrongly) send
    assert [m["To"] for m in worker.smtp.messages] == ["once@example.cn"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)


def test_a_digest_reader_gets_one_mail_and_a_muted_kind_nothing(worker):
    reader = UserFactory(role=Role.OBSERVER, email="digest@example.cn")
    NoticeProfile.objects.create(user=reader, daily_digest=True)
    NoticePreference.objects.create(
        user=reader, kind=NoticeKind.TASK_WARNING, email=False, wecom=False, sms=False
    )
    announce(kind=NoticeKind.REPORT_READY, recipients=[reader], title="周报已生成")
    announce(kind=NoticeKind.GRIEVANCE_DEADLINE, recipients=[reader], title="诉求即将超时")
    announce(kind=NoticeKind.TASK_WARNING, recipients=[reader], title="任务已逾期")
    assert not Delivery.objects.exists()  # nothing by itself: it waits for the digest

    assert deliveries.digests_send() == 1
    assert deliveries.digests_send() == 0  # once a day

    [delivery] = _settled(1)
    assert delivery.status == "sent"
    [mail] = worker.smtp.messages
    text = mail.get_content()
    assert mail["To"] == "digest@example.cn"
    assert "周报已生成" in text and "诉求即将超时" in text and "任务已逾期" not in text
    assert delivery.channel == DeliveryChannel.EMAIL

"""Who gets a notice by which channel (each person's settings, kind by kind), the settings
page, the bell's kind filter, and the office's deliveries page with its retry button.
Sending itself, by a real worker: tests/parks/test_notice_deliveries.py."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from parks.core import queue as core_queue
from parks.notices import deliveries
from parks.notices.channels import mainland_mobile
from parks.notices.choices import NoticeKind
from parks.notices.models import Delivery, NoticePreference, NoticeProfile, Notification
from parks.notices.services import announce
from parks.structure.choices import Role
from tests.factories import OrganisationFactory, ParkFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The delivery ids handed to the broker (instead of Redis)."""
    ids = []
    monkeypatch.setattr(core_queue, "send", lambda name, *args: ids.append((name, *args)))
    return ids


def _planned():
    return sorted(
        Delivery.objects.values_list("channel", "address", "recipient_label"),
    )


def test_by_default_people_get_email_when_they_have_an_address_and_their_units_group(
    django_capture_on_commit_callbacks, sent
):
    unit = OrganisationFactory(name="区总工会", wecom_webhook="https://qyapi.example/send?key=u")
    park = ParkFactory(name="盛阳食品城", wecom_webhook="https://qyapi.example/send?key=p")
    with_mail = UserFactory(
        display_name="王芳", role=Role.MEMBER_UNIT, organisation=unit, email="wf@example.cn"
    )
    without_mail = UserFactory(
        display_name="李强", role=Role.MEMBER_UNIT, organisation=unit, phone="13800138000"
    )
    manager = UserFactory(display_name="陈经理", role=Role.PARK_MANAGER, park=park)

    with django_capture_on_commit_callbacks(execute=True):
        notices = announce(
            kind=NoticeKind.GRIEVANCE_ASSIGNED,
            recipients=[with_mail, without_mail, manager],
            title="新诉求",
        )

    assert {n.kind for n in notices} == {"grievance_assigned"}
    assert _planned() == [
        ("email", "wf@example.cn", "王芳"),
        ("wecom", "https://qyapi.example/send?key=p", "盛阳食品城"),
        ("wecom", "https://qyapi.example/send?key=u", "区总工会"),
    ]  # no SMS unless asked for; the unit's group once for its two people
    assert sorted(args[1] for args in sent) == sorted(Delivery.objects.values_list("pk", flat=True))
    assert {args[0] for args in sent} == {"parks.notices.deliver"}


def test_a_kind_switched_off_sends_nothing_but_still_rings_the_bell(sent):
    unit = OrganisationFactory(wecom_webhook="https://qyapi.example/send?key=u")
    person = UserFactory(role=Role.MEMBER_UNIT, organisation=unit, email="p@example.cn")
    NoticePreference.objects.create(
        user=person, kind=NoticeKind.TASK_WARNING, email=False, wecom=False, sms=False
    )
    announce(kind=NoticeKind.TASK_WARNING, recipients=[person], title="任务已逾期")
    announce(kind=NoticeKind.REPORT_READY, recipients=[person], title="报告已生成")

    assert Notification.objects.filter(recipient=person).count() == 2
    assert sorted(Delivery.objects.values_list("kind", "channel")) == [
        ("report_ready", "email"),
        ("report_ready", "wecom"),
    ]


def test_the_settings_page_shows_the_defaults_and_saves_choices_kind_by_kind(client):
    person = UserFactory(role=Role.OBSERVER, email="me@example.cn")
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read English
    client.force_login(person)
    page = client.get("/notifications/settings/").content.decode()
    assert 'name="task_warning__email" id="id_task_warning__email" checked' in page
    assert 'name="task_warning__sms" id="id_task_warning__sms" aria' in page  # off by default
    assert "me@example.cn" in page and "no phone on your account" in page

    response = client.post(
        "/notifications/settings/",
        {"task_warning__sms": "on", "report_ready__email": "on", "daily_digest": "on"},
    )

    assert response.status_code == 302
    chosen = {
        row.kind: (row.email, row.wecom, row.sms)
        for row in NoticePreference.objects.filter(user=person)
    }
    assert chosen["task_warning"] == (False, False, True)
    assert chosen["report_ready"] == (True, False, False)
    assert len(chosen) == len(NoticeKind.values)
    assert NoticeProfile.objects.get(user=person).daily_digest is True
    page = client.get("/notifications/settings/").content.decode()
    assert 'name="task_warning__sms" id="id_task_warning__sms" checked' in page


def test_the_bell_shows_and_filters_by_kind(client):
    person = UserFactory(role=Role.OBSERVER)
    announce(kind=NoticeKind.TASK_WARNING, recipients=[person], title="任务已逾期")
    announce(kind=NoticeKind.REPORT_READY, recipients=[person], title="报告已生成")
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read English
    client.force_login(person)

    everything = client.get("/notifications/").content.decode()
    only_reports = client.get("/notifications/?kind=report_ready").content.decode()
    junk = client.get("/notifications/?kind=%00nonsense")

    assert "任务已逾期" in everything and "报告已生成" in everything
    assert "Progress report ready" in everything  # the kind's badge
    assert "报告已生成" in only_reports and "任务已逾期" not in only_reports
    assert junk.status_code == 200 and "任务已逾期" in junk.content.decode()
    assert 'href="/notifications/settings/"' in everything
    assert "/notifications/deliveries/" not in everything  # the office's page


def test_only_the_office_sees_deliveries_failed_first_and_can_send_one_again(
    client, office_user, park_manager, sent, django_capture_on_commit_callbacks
):
    old = timezone.now() - timedelta(hours=1)
    failed = Delivery.objects.create(
        batch="b1",
        channel="wecom",
        address="https://qyapi.example/send?key=SECRET",
        recipient_label="区人社局",
        subject="新诉求",
        message="…",
        status="failed",
        attempts=5,
        last_error="The server answered HTTP 500.",
    )
    Delivery.objects.filter(pk=failed.pk).update(created_at=old)
    Delivery.objects.create(
        batch="b2",
        channel="sms",
        address="13800138000",
        recipient_label="职工",
        subject="",
        message="您的诉求已受理",
        status="sent",
        attempts=1,
    )

    client.force_login(park_manager)
    assert client.get("/notifications/deliveries/").status_code == 403
    assert client.post(f"/notifications/deliveries/{failed.pk}/retry/").status_code == 403

    client.force_login(office_user)
    page = client.get("/notifications/deliveries/").content.decode()
    assert page.index('data-status="failed"') < page.index('data-status="sent"')  # though older
    assert "SECRET" not in page and "138****8000" in page
    assert "HTTP 500" in page
    assert client.get("/notifications/").content.decode().count("/notifications/deliveries/") == 1
    sent_only = client.get("/notifications/deliveries/?status=sent").content.decode()
    assert "区人社局" not in sent_only and "138****8000" in sent_only

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/notifications/deliveries/{failed.pk}/retry/",
            {"next": "/notifications/deliveries/?status=failed"},
        )
    assert response.headers["Location"] == "/notifications/deliveries/?status=failed"
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("queued", 0)
    assert sent == [("parks.notices.deliver", failed.pk)]
    again = client.post(
        f"/notifications/deliveries/{failed.pk}/retry/", {"next": "//evil.example/"}
    )
    assert again.headers["Location"] == "/notifications/deliveries/"  # not failed any more


def test_with_the_broker_down_the_write_stands_and_the_sweep_sends_it_later(
    monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(core_queue, "send", broker_down)
    person = UserFactory(role=Role.OBSERVER, email="p@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        announce(kind=NoticeKind.REPORT_READY, recipients=[person], title="报告已生成")
    [delivery] = Delivery.objects.all()
    assert delivery.status == "queued" and Notification.objects.count() == 1

    requeued = []
    monkeypatch.setattr(core_queue, "send", lambda name, *args: requeued.append(args))
    assert deliveries.deliveries_requeue_lost() == 0  # not yet: it may still be on its way
    later = timezone.now() + timedelta(minutes=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries.deliveries_requeue_lost(now=later) == 1
    assert requeued == [(delivery.pk,)]


def test_a_sent_delivery_is_not_sent_again_and_a_retry_waits_for_its_time(mailoutbox):
    person = UserFactory(role=Role.OBSERVER, email="p@example.cn")
    announce(kind=NoticeKind.REPORT_READY, recipients=[person], title="报告已生成")
    [delivery] = Delivery.objects.all()

    assert deliveries.delivery_attempt(delivery.pk) is None
    assert deliveries.delivery_attempt(delivery.pk) is None
    assert len(mailoutbox) == 1
    Delivery.objects.filter(pk=delivery.pk).update(
        status="queued", next_attempt_at=timezone.now() + timedelta(minutes=1)
    )
    assert deliveries.delivery_attempt(delivery.pk) is None  # too early: left for its retry
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("phone", "mobile"),
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("8619912345678", "19912345678"),
        ("12800138000", None),  # 12x is no mobile prefix
        ("1380013800", None),  # 10 digits
        ("0510-12345678", None),  # a landline
        ("", None),
    ],
)
def test_only_mainland_mobile_numbers_are_texted(phone, mobile):
    assert mainland_mobile(phone) == mobile


def test_a_webhook_must_be_an_http_address_and_only_the_office_sets_it(
    client, office_user, park_manager, park, settings
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(office_user)
    form = {
        "name": park.name,
        "kind": park.kind,
        "subdistrict": park.subdistrict_id,
        "pilot_status": park.pilot_status,
        "designation_year": park.designation_year,
        "address": park.address,
    }
    bad = client.post(f"/parks/{park.pk}/edit/", {**form, "wecom_webhook": "ftp://robot/x"})
    assert bad.status_code == 200 and "Enter a valid URL." in bad.content.decode()
    # Only WeCom's robots: the worker posts from inside the network (no internal hosts).
    inside = client.post(f"/parks/{park.pk}/edit/", {**form, "wecom_webhook": "http://10.0.0.5/"})
    assert inside.status_code == 200
    assert "Notices are posted only to WeCom&#x27;s robots" in inside.content.decode()
    good = client.post(
        f"/parks/{park.pk}/edit/",
        {**form, "wecom_webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"},
    )
    assert good.status_code == 302
    park.refresh_from_db()
    assert park.wecom_webhook.endswith("key=abc")

    client.force_login(park_manager)
    client.post(f"/parks/{park.pk}/edit/", {**form, "wecom_webhook": "https://other.example/"})
    park.refresh_from_db()
    assert park.wecom_webhook.endswith("key=abc")  # the field is read-only for a manager


def test_the_api_reads_and_changes_ones_own_settings(api_as):
    person = UserFactory(role=Role.OBSERVER)
    api = api_as(person)

    before = api.get("/api/v1/notices/preferences/").json()
    assert before["daily_digest"] is False
    assert before["kinds"]["task_warning"] == {"email": True, "wecom": True, "sms": False}

    changed = api.put(
        "/api/v1/notices/preferences/",
        {
            "daily_digest": True,
            "kinds": {"task_warning": {"email": False, "wecom": False, "sms": True}},
        },
        format="json",
    )
    assert changed.status_code == 200
    assert changed.json()["kinds"]["task_warning"] == {"email": False, "wecom": False, "sms": True}
    assert changed.json()["kinds"]["report_ready"]["email"] is True  # left as it was
    assert NoticeProfile.objects.get(user=person).daily_digest is True

    bad = api.put(
        "/api/v1/notices/preferences/",
        {"daily_digest": "maybe", "kinds": {"no_such_kind": {"email": True}}},
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"daily_digest", "kinds"}


def test_a_title_with_a_line_break_is_mailed_on_one_line(mailoutbox):
    """A line break in a subject made Django refuse the mail, and every retry failed too."""
    person = UserFactory(role=Role.OBSERVER, email="p@example.cn")
    announce(kind=NoticeKind.REPORT_READY, recipients=[person], title="车间空调\n坏了三天")
    [delivery] = Delivery.objects.all()
    deliveries.delivery_attempt(delivery.pk)
    assert [mail.subject for mail in mailoutbox] == ["车间空调 坏了三天"]


def test_a_webhook_to_a_host_not_allowed_fails_without_being_called(settings):
    """Set in the admin, or before the rule: the worker refuses it and says why."""
    unit = OrganisationFactory(wecom_webhook="http://169.254.169.254/latest/")
    person = UserFactory(role=Role.MEMBER_UNIT, organisation=unit)
    announce(kind=NoticeKind.REPORT_READY, recipients=[person], title="报告已生成")
    [robot] = Delivery.objects.filter(channel="wecom")
    deliveries.delivery_attempt(robot.pk)
    robot.refresh_from_db()
    assert robot.status == "failed" and robot.attempts == 1
    assert "only to WeCom" in robot.last_error

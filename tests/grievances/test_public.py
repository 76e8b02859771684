"""The public pages a worker opens from a QR code: intake, its abuse protection, tracking,
withdrawal, and the QR codes themselves."""

import time
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from grievances import services, workflow
from grievances.choices import Action, Category, Channel, Satisfaction, Status
from grievances.models import Attachment, Grievance, GrievanceEvent
from grievances.public_forms import STAMP_SALT
from parks.structure.choices import Role
from tests.factories import GridZoneFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def fresh_throttles():
    """The throttles count in the cache; every test starts with none counted."""
    cache.clear()
    yield
    cache.clear()


def form_url(park, zone=None):
    if zone is None:
        return reverse("grievances:public_form", args=[park.pk])
    return reverse("grievances:public_form_zone", args=[park.pk, zone.pk])


def track_url(code):
    return reverse("grievances:public_track", args=[code])


def stamp(seconds_ago=10):
    """The signed "form drawn at" stamp of a form opened `seconds_ago`."""
    return signing.dumps(time.time() - seconds_ago, salt=STAMP_SALT)


def form_data(**overrides):
    data = {
        "category": Category.WAGES,
        "title": "工资拖欠两个月",
        "description": "老板说等年底一起结，可是家里等着用钱。",
        "complainant_name": "",
        "complainant_phone": "",
        "complainant_employer": "",
        "website": "",
        "stamp": stamp(),
    }
    data.update(overrides)
    return data


def submit(client, park, zone=None, address="10.0.0.1", **overrides):
    return client.post(form_url(park, zone), form_data(**overrides), REMOTE_ADDR=address)


def received(park, **fields):
    """A grievance sent in through the public page, as the service takes it in."""
    grievance = Grievance(
        park=park,
        category=fields.pop("category", Category.WAGES),
        title=fields.pop("title", "工资拖欠"),
        description=fields.pop("description", "拖欠工资两个月。"),
        **fields,
    )
    return services.grievance_receive(grievance=grievance, actor=None)


@pytest.fixture
def unit_user():
    return UserFactory(
        username="hrss",
        display_name="郑办事员",
        role=Role.MEMBER_UNIT,
        organisation=OrganisationFactory(name="区人社局"),
    )


def replied(grievance, office, unit_user, reply):
    for action, actor, extra in (
        (Action.ASSIGN, office, {"unit": unit_user.organisation, "note": "内部：先打电话核实"}),
        (Action.ACCEPT, unit_user, {}),
        (Action.REPLY, unit_user, {"note": reply}),
    ):
        grievance = workflow.STEP_SERVICES[action](grievance=grievance, actor=actor, **extra)
    return grievance


# --- Intake ---------------------------------------------------------------------------------


def test_the_form_opens_without_an_account_and_speaks_chinese(client, park, grid_zone):
    response = client.get(form_url(park, grid_zone))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html
    assert park.name in html and grid_zone.name in html
    assert 'name="website"' in html and 'name="stamp"' in html
    assert "navbar" not in html  # the public base, not the staff one
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_an_anonymous_worker_sends_a_grievance_and_gets_a_tracking_code(client, park):
    response = submit(client, park)

    grievance = Grievance.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("grievances:public_thanks", args=[park.pk])
    assert grievance.channel == Channel.ONLINE
    assert grievance.status == Status.RECEIVED
    assert grievance.logged_by is None and grievance.grid_zone is None
    assert (grievance.complainant_name, grievance.complainant_phone) == ("", "")
    assert grievance.response_due_at > grievance.received_at
    assert GrievanceEvent.objects.get(grievance=grievance).actor is None

    thanks = client.get(response.url)
    html = thanks.content.decode()
    assert f'id="tracking-code">{grievance.tracking_code}<' in html
    assert track_url(grievance.tracking_code) in html


def test_a_worker_who_gives_their_name_phone_and_a_photo_from_a_zone_poster(
    client, park, grid_zone
):
    photo = SimpleUploadedFile("欠条.jpg", JPEG, content_type="image/jpeg")
    response = client.post(
        form_url(park, grid_zone),
        form_data(
            complainant_name="李四",
            complainant_phone="139 1234 5678",
            complainant_employer="瓷砖区 A12",
            attachments=[photo],
        ),
    )

    assert response.status_code == 302
    grievance = Grievance.objects.get()
    assert grievance.grid_zone == grid_zone
    assert grievance.complainant_name == "李四"
    assert grievance.complainant_phone == "139 1234 5678"
    assert grievance.complainant_employer == "瓷砖区 A12"
    assert Attachment.objects.get(grievance=grievance).original_name == "欠条.jpg"


def test_on_the_park_page_the_worker_may_pick_a_zone_of_that_park_only(
    client, park, grid_zone, other_grid_zone
):
    assert submit(client, park, grid_zone=other_grid_zone.pk).status_code == 200
    assert not Grievance.objects.exists()

    assert submit(client, park, grid_zone=grid_zone.pk).status_code == 302
    assert Grievance.objects.get().grid_zone == grid_zone


def test_a_bot_that_fills_the_hidden_field_is_thanked_and_nothing_is_saved(client, park):
    response = submit(client, park, website="http://spam.example")

    assert response.status_code == 302
    thanks = client.get(response.url)
    assert thanks.status_code == 200
    assert 'id="tracking-code"' in thanks.content.decode()
    assert not Grievance.objects.exists()


def test_a_form_sent_back_faster_than_a_person_types_is_refused(client, park):
    page = client.get(form_url(park))
    drawn = page.context["form"]["stamp"].value()

    response = submit(client, park, stamp=drawn)

    assert response.status_code == 200
    assert not Grievance.objects.exists()
    assert response.context["form"].has_error("stamp", "too_fast")
    # The page comes back with a new stamp, so sending it again a moment later works.
    assert response.context["form"].data["stamp"] != drawn


def test_a_forged_or_missing_stamp_is_refused(client, park):
    assert submit(client, park, stamp="forged").status_code == 200
    assert submit(client, park, stamp=signing.dumps(0, salt="other")).status_code == 200
    assert not Grievance.objects.exists()


def test_the_minimum_time_is_a_setting(client, park, settings):
    settings.GRIEVANCE_PUBLIC_MIN_FILL_SECONDS = 0
    assert submit(client, park, stamp=stamp(seconds_ago=0)).status_code == 302


def test_one_address_may_send_five_an_hour(client, park):
    for number in range(5):
        assert submit(client, park, title=f"第{number}条").status_code == 302

    refused = submit(client, park, title="第六条")

    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "3600"
    assert Grievance.objects.count() == 5
    assert submit(client, park, address="10.0.0.2").status_code == 302


def test_a_park_takes_a_limited_number_an_hour_from_everyone(client, park, other_park, settings):
    settings.GRIEVANCE_PUBLIC_SUBMITS_PER_PARK = 3
    for number in range(3):
        assert submit(client, park, address=f"10.0.1.{number}").status_code == 302

    assert submit(client, park, address="10.0.1.9").status_code == 429
    assert submit(client, other_park, address="10.0.1.9").status_code == 302


def test_bots_count_against_the_throttle_too(client, park):
    for _ in range(5):
        submit(client, park, website="spam")
    assert submit(client, park).status_code == 429
    assert not Grievance.objects.exists()


def test_unknown_parks_and_zones_and_zones_of_another_park_are_not_found(
    client, park, grid_zone, other_park, other_grid_zone
):
    assert client.get(form_url(other_park, other_grid_zone)).status_code == 200
    for url in (
        reverse("grievances:public_form", args=[999999]),
        reverse("grievances:public_form_zone", args=[park.pk, 999999]),
        reverse("grievances:public_form_zone", args=[park.pk, other_grid_zone.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "navbar" not in response.content.decode()
    assert submit(client, park, zone=other_grid_zone).status_code == 404
    assert not Grievance.objects.exists()


def test_a_fake_photo_or_another_kind_of_file_is_refused(client, park):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    response = submit(client, park, attachments=[fake])
    assert response.status_code == 200
    assert "photo.jpg" in response.content.decode()

    program = SimpleUploadedFile(
        "setup.exe", b"MZ\x90\x00", content_type="application/octet-stream"
    )
    assert submit(client, park, attachments=[program]).status_code == 200
    assert not Grievance.objects.exists()
    assert not Attachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, park, settings):
    settings.GRIEVANCE_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf")
    response = submit(client, park, attachments=[big])
    assert response.status_code == 200
    assert response.context["form"].errors["attachments"]
    assert not Grievance.objects.exists()


def test_uploads_over_the_total_are_cut_off_while_they_are_read(client, park, settings):
    settings.GRIEVANCE_PUBLIC_MAX_UPLOAD_BYTES = 64 * 1024
    files = [
        SimpleUploadedFile(f"p{n}.pdf", PDF + b"0" * (30 * 1024), content_type="application/pdf")
        for n in range(3)
    ]
    response = submit(client, park, attachments=files)

    assert response.status_code == 413
    form = response.context["form"]
    assert form.errors["attachments"]
    assert form["title"].value() == "工资拖欠两个月"  # what was typed is kept
    assert not Grievance.objects.exists()


def test_at_most_three_files(client, park):
    files = [SimpleUploadedFile(f"p{n}.pdf", PDF, content_type="application/pdf") for n in range(4)]
    assert submit(client, park, attachments=files).status_code == 200
    assert not Grievance.objects.exists()


def test_a_description_over_the_limit_is_refused(client, park):
    assert submit(client, park, description="字" * 2001).status_code == 200
    assert submit(client, park, description="字" * 2000).status_code == 302


def test_the_form_is_protected_against_cross_site_posts(park):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(form_url(park), form_data()).status_code == 403

    browser.get(form_url(park))
    token = browser.cookies["csrftoken"].value
    response = browser.post(form_url(park), form_data(csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert Grievance.objects.count() == 1


def test_the_thank_you_page_without_a_submission_leads_to_tracking(client, park):
    response = client.get(reverse("grievances:public_thanks", args=[park.pk]))
    assert response.status_code == 302
    assert response.url == reverse("grievances:public_track_form")


# --- Tracking -------------------------------------------------------------------------------


def test_the_tracking_form_accepts_a_code_as_a_worker_types_it(client, park):
    grievance = received(park)
    code = grievance.tracking_code
    typed = f" {code[:5].lower()} {code[5:].lower()} "

    response = client.get(reverse("grievances:public_track_form"), {"code": typed})

    assert response.status_code == 302
    assert response.url == track_url(code)
    bad = client.get(reverse("grievances:public_track_form"), {"code": "12"})
    assert bad.status_code == 200 and bad.context["form"].errors


def test_the_tracking_page_shows_the_status_and_public_steps_only(
    client, park, grid_zone, office_user, unit_user
):
    grievance = received(
        park,
        grid_zone=grid_zone,
        complainant_name="王小明",
        complainant_phone="13912345678",
        complainant_employer="瓷砖区 A12 摊位",
        description="内容里的细节只给办理人看。",
    )
    grievance = workflow.grievance_assign(
        grievance=grievance, actor=office_user, unit=unit_user.organisation
    )
    grievance = workflow.grievance_return(
        grievance=grievance, actor=unit_user, note="内部：不归我们管"
    )
    grievance = replied(grievance, office_user, unit_user, "已督促经营者补发工资。")

    response = client.get(track_url(grievance.tracking_code))

    assert response.status_code == 200
    html = response.content.decode()
    assert grievance.tracking_code in html
    assert "已督促经营者补发工资。" in html
    assert grid_zone.name in html
    assert [step["action"] for step in response.context["steps"]] == [
        "receive",
        Action.ASSIGN,
        Action.ASSIGN,
        Action.ACCEPT,
        Action.REPLY,
    ]
    for private in (
        "王小明",
        "王**",
        "13912345678",
        "瓷砖区 A12 摊位",
        "内容里的细节",
        "郑办事员",
        "内部：",
        office_user.display_name,
    ):
        assert private not in html, private
    assert response.headers["X-Robots-Tag"] == "noindex"


def test_script_in_a_reply_or_title_is_shown_as_text(client, park, office_user, unit_user):
    grievance = received(park, title="<script>alert('title')</script>")
    grievance = replied(
        grievance, office_user, unit_user, "<script>alert('reply')</script><b>已办</b>"
    )

    html = client.get(track_url(grievance.tracking_code)).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;reply&#x27;)&lt;/script&gt;&lt;b&gt;已办&lt;/b&gt;" in html
    assert Grievance.objects.get().reply.startswith("<script>")  # stored as written


def test_an_unknown_code_is_a_friendly_not_found(client, park):
    received(park)
    response = client.get(track_url("ABCDEFGHJK"))
    assert response.status_code == 404
    assert 'id="not-found"' in response.content.decode()
    assert 'id="track-lookup"' in response.content.decode()


def test_guessing_codes_is_throttled_per_address(client, park):
    grievance = received(park)
    for number in range(10):
        assert client.get(track_url(f"GUESS{number + 2}ABC")).status_code == 404

    assert client.get(track_url(grievance.tracking_code)).status_code == 429
    other = client.get(track_url(grievance.tracking_code), REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200


def test_a_worker_withdraws_once_and_then_cannot_again(client, park):
    grievance = received(park)
    url = reverse("grievances:public_withdraw", args=[grievance.tracking_code])
    assert 'id="withdraw-form"' in client.get(track_url(grievance.tracking_code)).content.decode()

    response = client.post(url, {"note": "问题已经解决了"}, follow=True)

    grievance.refresh_from_db()
    assert grievance.status == Status.WITHDRAWN
    event = grievance.events.get(action=Action.WITHDRAW)
    assert (event.actor, event.note) == (None, "问题已经解决了")
    assert 'id="withdraw-form"' not in response.content.decode()

    again = client.post(url, follow=True)
    assert again.status_code == 200
    assert grievance.events.filter(action=Action.WITHDRAW).count() == 1
    assert any(m.level_tag == "error" for m in again.context["messages"])


def test_a_closed_grievance_cannot_be_withdrawn(client, park, office_user, unit_user):
    grievance = replied(received(park), office_user, unit_user, "已办结")
    for action, extra in (
        (Action.FOLLOW_UP, {"satisfaction": Satisfaction.SATISFIED}),
        (Action.CLOSE, {}),
    ):
        grievance = workflow.STEP_SERVICES[action](grievance=grievance, actor=office_user, **extra)
    assert (
        'id="withdraw-form"' not in client.get(track_url(grievance.tracking_code)).content.decode()
    )
    client.post(reverse("grievances:public_withdraw", args=[grievance.tracking_code]))
    grievance.refresh_from_db()
    assert grievance.status == Status.CLOSED


def test_withdrawing_an_unknown_code_is_not_found(client):
    response = client.post(reverse("grievances:public_withdraw", args=["ABCDEFGHJK"]))
    assert response.status_code == 404


# --- QR codes -------------------------------------------------------------------------------


def test_qr_codes_need_an_account(client, park, grid_zone):
    for url in (
        reverse("grievances:public_qr", args=[park.pk]),
        reverse("grievances:public_qr_zone", args=[park.pk, grid_zone.pk]),
        reverse("grievances:qr_poster", args=[park.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_qr_code_is_an_svg_of_the_public_pages_address(client, park, grid_zone, office_user):
    client.force_login(office_user)

    park_qr = client.get(reverse("grievances:public_qr", args=[park.pk]))
    zone_qr = client.get(reverse("grievances:public_qr_zone", args=[park.pk, grid_zone.pk]))

    assert park_qr["Content-Type"] == "image/svg+xml"
    assert park_qr.content.startswith(b"<svg")
    # PORTAL_PUBLIC_BASE_URL (the tests keep the demo's), not the host the office browsed from.
    assert f"http://127.0.0.1:8000{form_url(park)}".encode() in park_qr.content
    assert f"http://127.0.0.1:8000{form_url(park, grid_zone)}".encode() in zone_qr.content


def test_park_staff_print_their_own_parks_codes_only(client, park, grid_zone, other_park):
    manager = UserFactory(role=Role.PARK_MANAGER, park=park)
    client.force_login(manager)
    assert client.get(reverse("grievances:public_qr", args=[park.pk])).status_code == 200
    assert client.get(reverse("grievances:public_qr", args=[other_park.pk])).status_code == 404
    observer = UserFactory(role=Role.OBSERVER)
    client.force_login(observer)
    assert client.get(reverse("grievances:public_qr", args=[park.pk])).status_code == 404


def test_a_zone_of_another_park_has_no_qr_code_here(client, park, other_grid_zone, office_user):
    client.force_login(office_user)
    url = reverse("grievances:public_qr_zone", args=[park.pk, other_grid_zone.pk])
    assert client.get(url).status_code == 404


def test_the_poster_page_has_the_parks_code_and_one_per_zone(client, park, grid_zone, office_user):
    GridZoneFactory(park=park, code="G02", name="卫浴区")
    client.force_login(office_user)

    response = client.get(reverse("grievances:qr_poster", args=[park.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg viewBox="') == 3
    assert "卫浴区" in html and grid_zone.name in html
    assert f"http://127.0.0.1:8000{form_url(park, grid_zone)}" in html
    # The print layout (A4, the park's poster, then four zones a page) is the poster stylesheet.
    assert "/static/css/qr_posters.css" in html
    assert "@media print" in Path(finders.find("css/qr_posters.css")).read_text()


def test_the_tracking_page_costs_the_same_queries_however_long_the_timeline(
    client, park, office_user, unit_user, django_assert_num_queries
):
    short = received(park)
    long = replied(received(park), office_user, unit_user, "已办")

    with django_assert_num_queries(2):
        client.get(track_url(short.tracking_code))
    with django_assert_num_queries(2):
        client.get(track_url(long.tracking_code))

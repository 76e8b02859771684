"""Uploaded files are only ever handed out by views that check who is asking: plan documents
and evidence. Nothing is served straight from MEDIA_URL, and a plan document must be a real
PDF or Word file."""

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, reverse

from parks.structure.choices import Role
from reforms.tasks import services
from reforms.tasks.models import Plan
from tests.factories import OrganisationFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"\x00" * 60
HTML = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def urls_built_in_debug(settings, tmp_path):
    """The URL patterns as they are built on a developer's machine (DEBUG on)."""
    import config.urls

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    importlib.reload(config.urls)
    clear_url_caches()
    yield tmp_path
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_uploads_are_not_served_from_media_url_even_in_debug(client, settings, urls_built_in_debug):
    (urls_built_in_debug / "plans").mkdir()
    (urls_built_in_debug / "plans" / "secret.pdf").write_bytes(PDF)

    response = client.get(f"{settings.MEDIA_URL}plans/secret.pdf")

    assert response.status_code == 404


def _plan_with(name, content, **fields):
    return Plan(
        title="园区产改方案",
        issuer=OrganisationFactory(kind="district_office"),
        year=2026,
        scope="district",
        document=SimpleUploadedFile(name, content),
        **fields,
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plan.html", HTML),  # a type that is not allowed
        ("plan.pdf", HTML),  # a page pretending to be a PDF
        ("plan.docx", PDF),  # a PDF pretending to be Word
        ("plan.wps", PDF),
        ("plan", PDF),
    ],
)
def test_a_plan_document_must_be_a_real_pdf_or_word_file(office_user, name, content):
    with pytest.raises(ValidationError) as error:
        services.plan_save(plan=_plan_with(name, content), actor=office_user)

    assert "document" in error.value.message_dict
    assert not Plan.objects.exists()


@pytest.mark.parametrize(("name", "content"), [("方案.pdf", PDF), ("方案.docx", DOCX)])
def test_a_pdf_or_word_plan_document_is_kept(office_user, name, content):
    plan = services.plan_save(plan=_plan_with(name, content), actor=office_user)

    with Plan.objects.get(pk=plan.pk).document.open("rb") as stored:
        assert stored.read() == content


def test_editing_a_plan_does_not_recheck_its_stored_document(office_user):
    plan = services.plan_save(plan=_plan_with("方案.pdf", PDF), actor=office_user)
    plan = Plan.objects.get(pk=plan.pk)
    plan.title = "园区产改实施方案"

    services.plan_save(plan=plan, actor=office_user)

    assert Plan.objects.get(pk=plan.pk).title == "园区产改实施方案"


@pytest.fixture
def park_plan(park):
    plan = PlanFactory(scope="park", park=park)
    plan.document.save("方案.pdf", ContentFile(PDF))
    return plan


def test_a_plan_document_downloads_for_someone_who_sees_the_plan(client, liaison, park_plan):
    client.force_login(liaison)

    response = client.get(reverse("reforms:plan_document", args=[park_plan.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


def test_a_plan_document_is_not_found_outside_the_users_scope(client, park_plan, other_park):
    client.force_login(UserFactory(role=Role.LIAISON, park=other_park))
    assert client.get(reverse("reforms:plan_document", args=[park_plan.pk])).status_code == 404


def test_a_plan_document_asks_strangers_to_sign_in(client, park_plan):
    response = client.get(reverse("reforms:plan_document", args=[park_plan.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_plan_without_a_document_or_with_a_lost_one_is_not_found(client, office_user):
    client.force_login(office_user)
    empty = PlanFactory()
    lost = PlanFactory(document="plans/2026/gone.pdf")
    for plan in (empty, lost):
        assert client.get(reverse("reforms:plan_document", args=[plan.pk])).status_code == 404


def test_the_api_links_the_document_and_never_exposes_its_storage_path(
    api_as, office_user, park_plan
):
    body = api_as(office_user).get(f"/api/v1/plans/{park_plan.pk}/").json()

    assert "document" not in body
    assert body["document_url"].endswith(reverse("reforms:plan_document", args=[park_plan.pk]))
    empty = api_as(office_user).get(f"/api/v1/plans/{PlanFactory().pk}/").json()
    assert empty["document_url"] is None


def test_the_api_refuses_an_html_plan_document(api_as, office_user):
    response = api_as(office_user).post(
        "/api/v1/plans/",
        {
            "title": "方案",
            "issuer": OrganisationFactory().pk,
            "year": 2026,
            "scope": "district",
            "document": SimpleUploadedFile("plan.html", HTML, content_type="text/html"),
        },
        format="multipart",
    )

    assert response.status_code == 400
    assert "document" in response.json(), response.json()
    assert not Plan.objects.exists()


def test_the_api_takes_a_pdf_plan_document(api_as, office_user):
    response = api_as(office_user).post(
        "/api/v1/plans/",
        {
            "title": "方案",
            "issuer": OrganisationFactory().pk,
            "year": 2026,
            "scope": "district",
            "document": SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf"),
        },
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["document_url"]

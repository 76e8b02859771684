"""The OpenAPI schema tells the truth: each finding here once sent a client something else."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator

from grievances.choices import Channel
from parks.structure.choices import Role
from reforms.reporting import services
from reforms.reporting.choices import PeriodKind, ReportScope
from tests.factories import GrievanceFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

WRITES = ("post", "put", "patch")


@pytest.fixture(scope="module")
def schema():
    with override_settings(LANGUAGE_CODE="en"):
        return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_declares_the_errors_any_request_may_get(schema):
    for path, method, operation in _operations(schema):
        declared = set(operation["responses"])
        assert {"401", "403", "404", "429", "500", "503"} <= declared, (method, path)
        if method in WRITES:
            assert {"400", "413", "415"} <= declared, (method, path)


def test_error_bodies_are_json_even_where_the_answer_is_a_file(schema):
    photo = schema["paths"]["/api/v1/activities/{id}/photos/{photo_id}/"]["get"]
    assert photo["responses"]["404"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
    }
    assert set(photo["responses"]["200"]["content"]) == {"image/jpeg"}


def test_a_field_error_body_is_declared_with_the_fields_it_may_name(schema):
    body = schema["components"]["schemas"]["ValidationError"]
    assert body["additionalProperties"] == {}
    assert set(body["properties"]) == {"detail", "non_field_errors"}
    grievances = schema["paths"]["/api/v1/grievances/"]["post"]["responses"]["400"]
    assert grievances["content"]["application/json"]["schema"]["$ref"].endswith("ValidationError")


def test_a_report_download_declares_its_snapshot_and_its_errors(schema):
    download = schema["paths"]["/api/v1/reports/{id}/download/"]["get"]["responses"]
    assert download["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ReportSnapshot"
    }
    assert "application/json" in download["400"]["content"]
    assert download["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_the_report_file_links_are_null_until_the_report_is_done(api_as, schema, office_user, park):
    # `park`: a report needs a park in its scope.
    for field in ("xlsx_url", "json_url"):
        assert schema["components"]["schemas"]["Report"]["properties"][field]["nullable"]
    report, _created = services.report_get_or_create(
        scope=ReportScope.DISTRICT,
        period_kind=PeriodKind.CUSTOM,
        start="2026-01-01",
        end="2026-01-31",
    )
    body = api_as(office_user).get("/api/v1/reports/").json()["results"][0]
    assert (body["id"], body["xlsx_url"], body["json_url"]) == (report.pk, None, None)


def test_a_grievance_not_yet_followed_up_has_no_satisfaction_rather_than_a_blank(
    api_as, office_user, park
):
    grievance = GrievanceFactory(park=park)
    body = api_as(office_user).get(f"/api/v1/grievances/{grievance.pk}/").json()
    assert body["satisfaction"] is None
    assert body["satisfaction_display"] == ""


def test_the_receipt_in_a_grievances_timeline_comes_from_no_status(api_as, office_user, park):
    client = api_as(office_user)
    created = client.post(
        "/api/v1/grievances/",
        {
            "park": park.pk,
            "channel": Channel.HOTLINE,
            "category": "wages",
            "title": "拖欠工资",
            "description": "三个月未发",
        },
    ).json()
    events = client.get(f"/api/v1/grievances/{created['id']}/events/").json()
    assert [event["from_status"] for event in events] == [None]


def test_a_bulk_body_that_is_not_json_is_refused_in_the_documented_shape(api_as, office_user):
    response = api_as(office_user).generic(
        "POST", "/api/v1/activities/bulk/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == []
    assert "JSON" in response.json()["detail"]


def test_an_evidence_file_comes_with_the_media_type_the_schema_declares(
    api_as, schema, office_user, park
):
    task = TaskFactory(park=park)
    client = api_as(office_user)
    pdf = SimpleUploadedFile("proof.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    posted = client.post(
        f"/api/v1/tasks/{task.pk}/progress/",
        {"percent": 10, "text": "附件", "files": [pdf]},
        format="multipart",
    ).json()
    download = client.get(f"/api/v1/evidence/{posted['evidence'][0]['id']}/download/")
    assert download["Content-Type"] == "application/pdf"
    declared = schema["paths"]["/api/v1/evidence/{id}/download/"]["get"]["responses"]["200"]
    assert "application/pdf" in declared["content"]


def test_a_liaisons_refusal_is_a_declared_403(api_as, schema, park):
    liaison = UserFactory(role=Role.LIAISON, park=park)
    response = api_as(liaison).post("/api/v1/parks/", {"name": "新园区"})
    assert response.status_code == 403
    assert "403" in schema["paths"]["/api/v1/parks/"]["post"]["responses"]

"""The audit log as people read it: a record's history panel, the office's /audit/ page and
/api/v1/audit/ (office only, filtered, a fixed number of queries however many rows)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from parks.history.models import AuditEvent
from parks.structure import services
from parks.structure.models import Park
from tests.factories import GrievanceFactory

pytestmark = pytest.mark.django_db


def rename(park, actor, times):
    for n in range(times):
        park.motto = f"口号{n}"
        services.park_save(park=park, actor=actor)


def test_a_parks_page_shows_who_changed_which_field_from_what_to_what(client, office_user, park):
    park.name = "无锡华夏家居港"
    services.park_save(park=park, actor=office_user)
    client.force_login(office_user)

    page = client.get(park.get_absolute_url()).content.decode()

    with translation.override("zh-hans"):
        label = str(Park._meta.get_field("name").verbose_name)
    assert 'id="history"' in page
    assert label in page  # the field's Chinese name, the UI's default language
    assert "无锡华夏家居港建材市场" in page and "→" in page
    assert str(office_user) in page


def test_a_grievance_page_never_shows_the_complainants_old_phone(client, office_user, park):
    grievance = GrievanceFactory(park=park, complainant_phone="13812345678")
    grievance.complainant_phone = "13900001111"
    from parks.history import audit

    before = audit.stored(grievance)
    grievance.save()
    audit.record_save(actor=office_user, instance=grievance, before=before)
    client.force_login(office_user)

    page = client.get(grievance.get_absolute_url()).content.decode()
    history = page[page.index('id="history"') :]
    assert "13812345678" not in history
    assert "13900001111" not in history


@pytest.mark.parametrize("who", ["liaison", "park_manager", "subdistrict_user"])
def test_only_the_office_opens_the_audit_page(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("parks:audit")).status_code == 403


def test_the_audit_page_filters_by_person_type_and_day(client, office_user, park, liaison):
    rename(park, office_user, 2)
    services.user_save(user=liaison, actor=office_user, password="An0ther!pass")
    client.force_login(office_user)

    everything = client.get(reverse("parks:audit"))
    assert everything.context["page"].paginator.count == 3
    parks_only = client.get(reverse("parks:audit"), {"object_type": "parks.park"})
    assert parks_only.context["page"].paginator.count == 2
    by_liaison = client.get(reverse("parks:audit"), {"actor": liaison.pk})
    assert by_liaison.context["page"].paginator.count == 0
    long_ago = client.get(reverse("parks:audit"), {"date_to": "2020-01-01"})
    assert long_ago.context["page"].paginator.count == 0


def test_a_bad_audit_filter_is_a_message_not_an_error(client, office_user):
    client.force_login(office_user)
    response = client.get(reverse("parks:audit"), {"object_type": "parks.nothing"})
    assert response.status_code == 200
    assert response.context["filter"].errors


def _queries(fetch, rows):
    with CaptureQueriesContext(connection) as queries:
        response = fetch()
    assert response.status_code == 200
    shown = response.context["page"] if hasattr(response, "context") and response.context else None
    assert len(shown if shown is not None else response.json()["results"]) == rows
    return len(queries)


def test_the_audit_page_runs_as_many_queries_for_50_rows_as_for_2(client, office_user, park):
    client.force_login(office_user)
    rename(park, office_user, 2)
    client.get(reverse("parks:audit"))  # warm the content-type cache
    few = _queries(lambda: client.get(reverse("parks:audit")), 2)
    rename(park, office_user, 48)
    assert _queries(lambda: client.get(reverse("parks:audit")), 50) == few


# --- /api/v1/audit/ ---------------------------------------------------------------------------


def test_the_api_lists_changes_with_labels_and_values(api_as, office_user, park):
    park.name = "无锡华夏家居港"
    services.park_save(park=park, actor=office_user)

    body = api_as(office_user).get("/api/v1/audit/", {"object_type": "parks.park"}).json()

    assert body["count"] == 1
    event = body["results"][0]
    assert event["actor"] == office_user.pk
    assert event["action"] == "update"
    assert event["object_type"] == "parks.park"
    assert event["object_id"] == park.pk
    with translation.override("zh-hans"):  # the API's default language, as the pages'
        label = str(Park._meta.get_field("name").verbose_name)
    assert event["changes"] == [
        {
            "field": "name",
            "label": label,
            "before": "无锡华夏家居港建材市场",
            "after": "无锡华夏家居港",
        }
    ]


def test_the_api_gives_each_value_as_logged(api_as, office_user, park):
    """Lists, yes/no, numbers, masked and missing values as the log keeps them (read through
    AuditEvent.changed_values, as the pages read them)."""
    changes = {
        "industries": [["建材"], ["建材", "家居"]],
        "kind": ["market", "industrial_park"],
        "designation_year": [None, 2019],
        "wecom_webhook": [AuditEvent.MASKED, None],
        "flag": [True, False],
    }
    AuditEvent.objects.create(
        action="update",
        content_type=ContentType.objects.get_for_model(Park),
        object_id=park.pk,
        object_repr=str(park),
        changes=changes,
    )
    body = api_as(office_user).get("/api/v1/audit/", {"object_type": "parks.park"}).json()
    listed = body["results"][0]["changes"]
    assert {c["field"]: [c["before"], c["after"]] for c in listed} == changes


@pytest.mark.parametrize("who", ["liaison", "park_manager", "member_unit_user"])
def test_the_api_refuses_everyone_but_the_office(api_as, request, who, office_user, park):
    rename(park, office_user, 1)
    client = api_as(request.getfixturevalue(who))
    assert client.get("/api/v1/audit/").status_code == 403
    event = AuditEvent.objects.get()
    assert client.get(f"/api/v1/audit/{event.pk}/").status_code == 403


def test_the_api_says_400_for_a_filter_it_cannot_use(api_as, office_user):
    response = api_as(office_user).get("/api/v1/audit/", {"date_from": "soon"})
    assert response.status_code == 400
    assert "date_from" in response.json()


def test_the_api_runs_as_many_queries_for_50_rows_as_for_2(api_as, office_user, park):
    client = api_as(office_user)
    rename(park, office_user, 2)
    client.get("/api/v1/audit/")
    few = _queries(lambda: client.get("/api/v1/audit/"), 2)
    rename(park, office_user, 48)
    assert _queries(lambda: client.get("/api/v1/audit/"), 50) == few


def test_the_schema_documents_the_audit_endpoint(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/audit/"]["get"]
    parameters = {parameter["name"] for parameter in operation["parameters"]}
    assert {"actor", "object_type", "object_id", "date_from", "date_to"} <= parameters
    assert {"200", "401", "403"} <= set(operation["responses"])

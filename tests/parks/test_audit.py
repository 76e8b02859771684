"""History on every write: each service and admin write logs who, when and what changed
(field before → after) in the write's own transaction; personal data is never logged."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from grievances import services as grievances_services
from grievances import workflow
from grievances.models import Grievance, TimeLimitPolicy
from parks.gridlog import services as gridlog_services
from parks.gridlog.models import Activity
from parks.history.choices import AuditAction
from parks.history.models import AuditEvent
from parks.structure import services as structure_services
from parks.structure.choices import OrganisationKind, Role
from parks.structure.models import GridZone, Park, User
from reforms.ledgers import services as ledgers_services
from reforms.ledgers.models import CarePayment, Publicity
from reforms.reporting import schedules
from reforms.tasks import services as tasks_services
from reforms.tasks.models import Task
from tests.factories import (
    ActivityFactory,
    CarePaymentFactory,
    FacilityFactory,
    GrievanceFactory,
    OrganisationFactory,
    PublicityFactory,
    TaskFactory,
    UserFactory,
)
from tests.reforms.report_services_helpers import default_schedules  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def events_of(instance):
    content_type = ContentType.objects.get_for_model(type(instance))
    return list(
        AuditEvent.objects.filter(content_type=content_type, object_id=instance.pk).order_by("pk")
    )


def last_event(instance):
    return events_of(instance)[-1]


# --- Each kind of write -----------------------------------------------------------------------


def test_it_logs_who_changed_a_parks_name_and_from_what(office_user, park):
    park.name = "无锡华夏家居港"
    structure_services.park_save(park=park, actor=office_user)

    event = last_event(park)
    assert event.action == AuditAction.UPDATE
    assert event.actor == office_user
    assert event.actor_name == str(office_user)
    assert event.changes == {"name": ["无锡华夏家居港建材市场", "无锡华夏家居港"]}
    assert event.object_repr == "无锡华夏家居港"


def test_it_logs_a_new_park_with_its_values_and_industries(office_user, subdistrict):
    from tests.factories import IndustryFactory

    industry = IndustryFactory(name="建材")
    park = Park(name="新园区", kind="market", subdistrict=subdistrict, address="一路1号")
    structure_services.park_save(park=park, industries=[industry], actor=office_user)

    event = last_event(park)
    assert event.action == AuditAction.CREATE
    assert event.changes["name"] == [None, "新园区"]
    assert event.changes["subdistrict"] == [None, "广益街道"]
    assert event.changes["industries"] == [[], ["建材"]]


def test_a_save_that_changes_nothing_logs_nothing(office_user, park):
    structure_services.park_save(park=Park.objects.get(pk=park.pk), actor=office_user)
    assert events_of(park) == []


def test_it_logs_a_grid_zones_new_liaison_by_name(park_manager, grid_zone, park):
    successor = UserFactory(username="li", display_name="李联络", role=Role.LIAISON, park=park)
    predecessor = str(grid_zone.liaison)
    grid_zone.liaison = successor
    structure_services.grid_zone_save(grid_zone=grid_zone, actor=park_manager)

    event = last_event(grid_zone)
    assert event.actor == park_manager
    assert event.changes == {"liaison": [predecessor, "李联络"]}


def test_it_logs_a_facility_and_a_persons_changes(office_user, park, liaison):
    facility = FacilityFactory(park=park, name="职工书屋")
    facility.name = "职工书屋（二楼）"
    structure_services.facility_save(facility=facility, actor=office_user)
    assert last_event(facility).changes == {"name": ["职工书屋", "职工书屋（二楼）"]}

    liaison.phone = "13900000000"
    structure_services.user_save(user=liaison, actor=office_user)
    assert last_event(liaison).changes["phone"][1] == "13900000000"


def test_a_password_change_is_logged_without_the_hash(office_user, liaison):
    structure_services.user_save(
        user=User.objects.get(pk=liaison.pk), actor=office_user, password="N3w!pass-word"
    )

    event = last_event(liaison)
    assert event.changes == {"password": ["***", "***"]}
    assert "pbkdf2" not in json.dumps(event.changes)


def test_it_logs_an_activitys_correction_and_its_deletion(liaison, grid_zone):
    activity = ActivityFactory(grid_zone=grid_zone, logged_by=liaison, participants=5)
    gridlog_services.activity_update(activity=activity, actor=liaison, fields={"participants": 12})
    assert last_event(activity).changes == {"participants": [5, 12]}

    pk, title = activity.pk, activity.title
    gridlog_services.activity_delete(activity=activity, actor=liaison)
    deleted = AuditEvent.objects.get(
        content_type=ContentType.objects.get_for_model(Activity), object_id=pk, action="delete"
    )
    assert deleted.actor == liaison
    assert deleted.changes["title"] == [title, None]
    assert deleted.changes["participants"] == [12, None]


def test_an_activity_batch_logs_each_new_entry_in_one_insert(office_user, grid_zone):
    entries = [
        Activity(
            grid_zone=grid_zone,
            kind="visit",
            title=f"走访{n}",
            participants=n,
            occurred_at=datetime(2026, 6, 1, 2, 0, tzinfo=UTC),
        )
        for n in range(1, 4)
    ]
    gridlog_services.activities_bulk_create(activities=entries, actor=office_user)
    for entry in entries:
        assert last_event(entry).changes["title"] == [None, entry.title]


def test_it_logs_a_ledger_correction_and_a_deleted_publicity_row(office_user, park):
    payment = CarePaymentFactory(park=park, amount=Decimal("10000.00"))
    payment.amount = Decimal("12500.50")
    ledgers_services.ledger_save(entry=payment, actor=office_user, fields=["amount"])
    assert last_event(payment).changes == {"amount": ["10000.00", "12500.50"]}

    publicity = PublicityFactory(park=park, title="园区产改报道")
    pk = publicity.pk
    ledgers_services.ledger_delete(entry=publicity, actor=office_user)
    deleted = AuditEvent.objects.get(
        content_type=ContentType.objects.get_for_model(Publicity), object_id=pk
    )
    assert deleted.action == AuditAction.DELETE
    assert deleted.object_repr == "园区产改报道"
    assert deleted.changes["title"] == ["园区产改报道", None]


def test_it_logs_a_time_limit_policy_change(office_user):
    policy = TimeLimitPolicy.objects.create(
        category="wages", respond_within_hours=24, resolve_within_days=15
    )
    policy.resolve_within_days = 10
    grievances_services.policy_save(policy=policy, actor=office_user)
    assert last_event(policy).changes == {"resolve_within_days": [15, 10]}


def test_it_logs_a_report_schedule_change(office_user, default_schedules):  # noqa: F811
    schedules.report_schedule_update(
        actor=office_user, period_kind="month", enabled=True, hour=8, minute=15, day=3
    )
    task = PeriodicTask.objects.get(name=schedules.SCHEDULE_NAMES["month"])
    before, after = last_event(task).changes["crontab"]
    assert before.startswith("30 6 1 ")
    assert after.startswith("15 8 3 ")


def test_it_logs_a_tasks_details_and_its_status_moves(office_user, park):
    task = TaskFactory(park=park, title="建立职工议事会")
    task.title = "建立职工议事会制度"
    tasks_services.task_save(task=task, actor=office_user, fields=["title"])
    assert last_event(task).changes == {"title": ["建立职工议事会", "建立职工议事会制度"]}

    tasks_services.task_transition(task=task, to_status="in_progress", actor=office_user)
    assert last_event(task).changes == {"status": ["planned", "in_progress"]}


def test_a_new_task_is_logged_as_created(office_user, park):
    template = TaskFactory(park=park)
    task = Task(
        code="T-NEW",
        plan=template.plan,
        park=park,
        category="care",
        title="新任务",
        lead_unit=template.lead_unit,
        start_date=template.start_date,
        due_date=template.due_date,
    )
    tasks_services.task_save(task=task, actor=office_user)
    event = last_event(task)
    assert event.action == AuditAction.CREATE
    assert event.changes["code"] == [None, "T-NEW"]


def test_a_grievance_from_the_public_page_is_logged_as_the_systems_with_personal_data_masked(
    park,
):
    grievance = Grievance(
        park=park,
        category="wages",
        title="拖欠工资",
        description="两个月没发工资。",
        complainant_name="张三丰",
        complainant_phone="13812345678",
    )
    grievances_services.grievance_receive(grievance=grievance, actor=None)

    event = last_event(grievance)
    assert event.actor is None
    assert event.changes["complainant_name"] == [None, "***"]
    assert event.changes["complainant_phone"] == [None, "***"]
    logged = json.dumps(event.changes, ensure_ascii=False)
    assert "张三丰" not in logged and "13812345678" not in logged


def test_a_grievance_step_logs_the_fields_it_changed(office_user, park):
    grievance = GrievanceFactory(park=park)
    unit = OrganisationFactory(name="区人社局", kind=OrganisationKind.MEMBER_UNIT)
    workflow.grievance_assign(grievance=grievance, actor=office_user, unit=unit)

    event = last_event(grievance)
    assert event.actor == office_user
    assert event.changes == {
        "status": ["received", "assigned"],
        "handling_unit": [None, "区人社局"],
    }


# --- The same transaction ---------------------------------------------------------------------


def test_the_event_is_written_with_the_write_and_rolled_back_with_it(office_user, park):
    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        park.motto = "产改先行"
        structure_services.park_save(park=park, actor=office_user)
        assert len(events_of(park)) == 1  # written now, not after the commit
        raise Undo

    assert events_of(park) == []
    assert Park.objects.get(pk=park.pk).motto != "产改先行"


def test_a_refused_write_logs_nothing(liaison, park):
    park.name = "改名"
    with pytest.raises(Exception):  # noqa: B017 (PermissionDenied or ValidationError)
        structure_services.park_save(park=park, actor=liaison)
    assert events_of(park) == []


# --- The admin --------------------------------------------------------------------------------


def test_an_admin_edit_of_a_grid_zone_is_logged_as_the_admins(admin_client, grid_zone, park):
    response = admin_client.post(
        reverse("admin:parks_gridzone_change", args=[grid_zone.pk]),
        {
            "park": park.pk,
            "code": "G01",
            "name": "瓷砖区（东）",
            "liaison": grid_zone.liaison_id,
            "boundary": "",
        },
    )
    assert response.status_code == 302
    event = last_event(grid_zone)
    assert event.actor.username == "admin"
    assert event.changes == {"name": ["瓷砖区", "瓷砖区（东）"]}


def test_an_admin_delete_is_logged(admin_client, park):
    facility = FacilityFactory(park=park, name="母婴室")
    pk = facility.pk
    response = admin_client.post(reverse("admin:parks_facility_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(object_id=pk, action="delete")
    assert event.object_repr == "母婴室"
    assert event.actor.username == "admin"


def test_an_admin_edit_of_a_person_is_logged(admin_client, liaison):
    url = reverse("admin:parks_user_change", args=[liaison.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "last_login", "date_joined")
    }
    data.update(
        {
            "display_name": "刘联络",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
            "groups": [],
            "user_permissions": [],
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert last_event(liaison).changes["display_name"][1] == "刘联络"


def test_every_audited_model_is_offered_as_a_record_type():
    from parks.history.filters import audited_type_choices

    offered = {value for value, _label in audited_type_choices()}
    assert {
        "parks.park",
        "parks.gridzone",
        "parks.facility",
        "parks.user",
        "parks.activity",
        "reforms.carepayment",
        "reforms.publicity",
        "reforms.training",
        "reforms.proposal",
        "reforms.plan",
        "reforms.task",
        "grievances.timelimitpolicy",
        "grievances.grievance",
        "django_celery_beat.periodictask",
    } <= offered
    assert GridZone._meta.label_lower in offered
    assert CarePayment._meta.label_lower in offered

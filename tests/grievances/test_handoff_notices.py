"""Every hand-off of a grievance reaches exactly the people it hands work to, once, in the bell.

The world: the office (two people, a superuser and a departed colleague), the unit 区总工会 (two
member-unit staff, an observer seconded to it and a departed member), another unit 区人社局, the
park's manager and two liaisons. Each test names everyone who must hear and asserts that no
one else did.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from grievances import services, workflow
from grievances.choices import Status
from parks.notices.models import Notification
from parks.structure.choices import Role
from tests.factories import ActivityFactory, OrganisationFactory, UserFactory
from tests.grievances.services_helpers import RECEIVED_AT, grievance_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def union():
    return OrganisationFactory(name="区总工会")


@pytest.fixture
def people(park, union):
    """Everyone, by username."""
    hrss = OrganisationFactory(name="区人社局")
    office = OrganisationFactory(name="区产改办", kind="district_office")
    specs = {
        "office_a": {"role": Role.OFFICE, "organisation": office},
        "office_b": {"role": Role.OFFICE, "organisation": office},
        "office_gone": {"role": Role.OFFICE, "organisation": office, "is_active": False},
        "admin": {"role": Role.OBSERVER, "is_superuser": True},
        "union_a": {"role": Role.MEMBER_UNIT, "organisation": union},
        "union_b": {"role": Role.MEMBER_UNIT, "organisation": union},
        "union_observer": {"role": Role.OBSERVER, "organisation": union},
        "union_gone": {"role": Role.MEMBER_UNIT, "organisation": union, "is_active": False},
        "hrss_a": {"role": Role.MEMBER_UNIT, "organisation": hrss},
        "manager": {"role": Role.PARK_MANAGER, "park": park},
        "liaison_a": {"role": Role.LIAISON, "park": park},
        "liaison_b": {"role": Role.LIAISON, "park": park},
    }
    return {name: UserFactory(username=name, **values) for name, values in specs.items()}


OFFICE = {"office_a", "office_b", "admin"}
UNION = {"union_a", "union_b", "union_observer"}


def told():
    """{username: [titles]} of every notice in every bell."""
    heard = {}
    for name, title in Notification.objects.order_by("pk").values_list(
        "recipient__username", "title"
    ):
        heard.setdefault(name, []).append(title)
    return heard


def each_once(names, title):
    return {name: [title] for name in names}


# --- 派单: assigned -------------------------------------------------------------------------------


def test_an_assignment_reaches_every_active_member_of_the_unit_and_no_one_else(park, union, people):
    grievance = grievance_in(Status.RECEIVED, None, park=park, title="车间空调坏了三天")
    workflow.grievance_assign(grievance=grievance, actor=people["office_a"], unit=union)
    assert told() == each_once(UNION, "Assigned to 区总工会: 车间空调坏了三天")
    notice = Notification.objects.filter(recipient=people["union_a"]).get()
    assert notice.url == grievance.get_absolute_url()
    assert grievance.tracking_code in notice.body
    assert notice.read_at is None


def test_an_assignment_naming_a_handler_reaches_that_handler_only(park, union, people):
    grievance = grievance_in(Status.RECEIVED, None, park=park, title="工资拖欠")
    workflow.grievance_assign(
        grievance=grievance,
        actor=people["office_a"],
        unit=union,
        handler=people["union_b"],
        note="请三日内联系职工。",
    )
    assert told() == each_once({"union_b"}, "Assigned to 区总工会: 工资拖欠")
    assert Notification.objects.get().body.startswith("请三日内联系职工。\n")


def test_an_office_person_in_the_unit_is_not_told_of_their_own_assignment(park, union, people):
    people["office_b"].organisation = union
    people["office_b"].save()
    grievance = grievance_in(Status.RECEIVED, None, park=park, title="食堂涨价")
    workflow.grievance_assign(grievance=grievance, actor=people["office_b"], unit=union)
    assert told() == each_once(UNION, "Assigned to 区总工会: 食堂涨价")


def test_a_returned_grievance_assigned_again_tells_the_new_unit(park, people):
    hrss = people["hrss_a"].organisation
    grievance = grievance_in(Status.RETURNED, None, park=park, title="工伤补贴")
    workflow.grievance_assign(grievance=grievance, actor=people["office_a"], unit=hrss)
    assert told() == each_once({"hrss_a"}, "Assigned to 区人社局: 工伤补贴")


# --- 签收 and 退回: accepted, returned ------------------------------------------------------------


def test_an_acceptance_reaches_the_office(park, union, people):
    grievance = grievance_in(Status.ASSIGNED, union, park=park, title="宿舍漏水")
    workflow.grievance_accept(grievance=grievance, actor=people["union_a"])
    assert told() == each_once(OFFICE, "Accepted by 区总工会: 宿舍漏水")


def test_an_office_person_standing_in_for_the_unit_is_not_told_of_their_own_step(
    park, union, people
):
    grievance = grievance_in(Status.ASSIGNED, union, park=park, title="宿舍漏水")
    workflow.grievance_accept(grievance=grievance, actor=people["office_a"])
    assert told() == each_once({"office_b", "admin"}, "Accepted by 区总工会: 宿舍漏水")


def test_a_return_reaches_the_office_with_the_reason(park, union, people):
    grievance = grievance_in(Status.ASSIGNED, union, park=park, title="工伤补贴")
    workflow.grievance_return(
        grievance=grievance, actor=people["union_b"], note="属人社局职责，请改派。"
    )
    assert told() == each_once(OFFICE, "Returned by 区总工会: 工伤补贴")
    body = Notification.objects.filter(recipient=people["office_a"]).get().body
    assert "属人社局职责，请改派。" in body


# --- 答复: replied; 待回访: a follow-up call is due --------------------------------------------


def test_a_reply_tells_the_office_a_call_is_due_and_the_liaison_who_logged_it_the_reply(
    park, union, people
):
    grievance = grievance_in(
        Status.IN_PROGRESS,
        union,
        park=park,
        title="车间空调坏了三天",
        channel="liaison_visit",
        logged_by=people["liaison_a"],
    )
    workflow.grievance_reply(grievance=grievance, actor=people["union_a"], note="空调已修好。")
    assert told() == {
        **each_once(OFFICE, "Follow-up call due: 车间空调坏了三天"),
        "liaison_a": ["Replied: 车间空调坏了三天"],
    }
    assert "区总工会 replied to the worker: 空调已修好。" in (
        Notification.objects.get(recipient=people["liaison_a"]).body
    )


def test_a_reply_tells_the_liaison_whose_grid_log_entry_it_came_from(park, union, people):
    visit = ActivityFactory(park=park, grid_zone=None, logged_by=people["liaison_b"])
    grievance = grievance_in(
        Status.ACCEPTED,
        union,
        park=park,
        title="夜班没有热水",
        source_activity=visit,
        logged_by=people["manager"],
    )
    workflow.grievance_reply(grievance=grievance, actor=people["union_b"], note="已安装热水器。")
    assert told() == {
        **each_once(OFFICE, "Follow-up call due: 夜班没有热水"),
        **each_once({"manager", "liaison_b"}, "Replied: 夜班没有热水"),
    }


def test_an_office_person_who_registered_it_hears_once_that_the_call_is_due(park, union, people):
    grievance = grievance_in(
        Status.IN_PROGRESS, union, park=park, title="工资拖欠", logged_by=people["office_b"]
    )
    workflow.grievance_reply(grievance=grievance, actor=people["union_a"], note="已补发。")
    assert told() == each_once(OFFICE, "Follow-up call due: 工资拖欠")


def test_a_reply_to_a_worker_who_came_online_tells_the_office_only(park, union, people):
    grievance = grievance_in(
        Status.IN_PROGRESS, union, park=park, title="食堂涨价", channel="online", logged_by=None
    )
    workflow.grievance_reply(grievance=grievance, actor=people["union_a"], note="已协调。")
    assert told() == each_once(OFFICE, "Follow-up call due: 食堂涨价")


def test_a_departed_liaison_is_not_told(park, union, people):
    people["liaison_a"].is_active = False
    people["liaison_a"].save()
    grievance = grievance_in(
        Status.IN_PROGRESS, union, park=park, title="工资拖欠", logged_by=people["liaison_a"]
    )
    workflow.grievance_reply(grievance=grievance, actor=people["union_a"], note="已补发。")
    assert set(told()) == OFFICE


# --- 重办: reopened -------------------------------------------------------------------------------


def test_a_reopened_grievance_goes_back_to_its_handler(park, union, people):
    grievance = grievance_in(
        Status.FOLLOWED_UP,
        union,
        park=park,
        title="宿舍漏水",
        handler=people["union_a"],
        satisfaction="unsatisfied",
    )
    workflow.grievance_reopen(grievance=grievance, actor=people["office_a"], note="仍在漏水。")
    assert told() == each_once({"union_a"}, "Reopened: 宿舍漏水")
    assert "仍在漏水。" in Notification.objects.get().body


def test_a_reopened_grievance_whose_handler_left_goes_to_the_unit(park, union, people):
    grievance = grievance_in(
        Status.FOLLOWED_UP,
        union,
        park=park,
        title="宿舍漏水",
        handler=people["union_gone"],
        satisfaction="unsatisfied",
    )
    workflow.grievance_reopen(grievance=grievance, actor=people["office_a"], note="仍在漏水。")
    assert told() == each_once(UNION, "Reopened: 宿舍漏水")


# --- Steps that hand nothing over, and refused steps ---------------------------------------------


def test_starting_following_up_closing_and_withdrawing_tell_no_one(park, union, people):
    accepted = grievance_in(Status.ACCEPTED, union, park=park)
    workflow.grievance_start(grievance=accepted, actor=people["union_a"])
    replied = grievance_in(Status.REPLIED, union, park=park)
    workflow.grievance_follow_up(
        grievance=replied, actor=people["office_a"], satisfaction="satisfied"
    )
    workflow.grievance_close(grievance=replied, actor=people["office_a"])
    received = grievance_in(Status.RECEIVED, None, park=park)
    workflow.grievance_withdraw(grievance=received, actor=people["office_a"], note="职工撤回。")
    assert told() == {}


def test_a_refused_step_tells_no_one(park, union, people):
    grievance = grievance_in(Status.ACCEPTED, union, park=park)
    with pytest.raises(ValidationError):
        workflow.grievance_accept(grievance=grievance, actor=people["union_a"])
    assert told() == {}


def test_a_whole_round_tells_each_person_of_each_hand_off_once(park, union, people):
    grievance = grievance_in(
        Status.RECEIVED, None, park=park, title="噪音扰民", logged_by=people["liaison_a"]
    )
    office, unit = people["office_a"], people["union_a"]
    workflow.grievance_assign(grievance=grievance, actor=office, unit=union)
    workflow.grievance_accept(grievance=grievance, actor=unit)
    workflow.grievance_reply(grievance=grievance, actor=unit, note="已调整作业时间。")
    workflow.grievance_follow_up(grievance=grievance, actor=office, satisfaction="unsatisfied")
    workflow.grievance_reopen(grievance=grievance, actor=office, note="夜间仍有噪音。")
    assert told() == {
        "union_a": ["Assigned to 区总工会: 噪音扰民", "Reopened: 噪音扰民"],
        "union_b": ["Assigned to 区总工会: 噪音扰民"],
        "union_observer": ["Assigned to 区总工会: 噪音扰民"],
        "office_b": ["Accepted by 区总工会: 噪音扰民", "Follow-up call due: 噪音扰民"],
        "admin": ["Accepted by 区总工会: 噪音扰民", "Follow-up call due: 噪音扰民"],
        "liaison_a": ["Replied: 噪音扰民"],
        "office_a": ["Accepted by 区总工会: 噪音扰民", "Follow-up call due: 噪音扰民"],
    }


# --- Through the pages: what the unit sees --------------------------------------------------------


def test_the_units_staff_find_the_assignment_in_their_bell(client, park, union, people):
    grievance = grievance_in(Status.RECEIVED, None, park=park, title="车间空调坏了三天")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the notice is worded in English
    client.force_login(people["office_a"])
    response = client.post(
        f"/grievances/{grievance.pk}/act/assign/", {"unit": union.pk, "note": ""}
    )
    assert response.status_code == 302, response.content
    client.force_login(people["union_b"])
    page = client.get("/notifications/").content.decode()
    assert "Assigned to 区总工会: 车间空调坏了三天" in page
    assert grievance.get_absolute_url() in page
    assert Notification.objects.filter(recipient=people["union_b"], read_at=None).count() == 1


def test_deadline_reminders_still_go_to_whoever_works_on_it(park, union, people):
    grievance = grievance_in(Status.ASSIGNED, union, park=park, title="工资拖欠")
    services.send_grievance_reminders(now=RECEIVED_AT + timedelta(hours=22))
    assert set(told()) == UNION
    assert grievance.reminders.count() == 1

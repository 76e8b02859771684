"""Every page and API path × every role × an object in and out of the user's scope, checked
against parks.access.

The URLs come from the URLconf and the API schema, so a new page or endpoint cannot forget its
scope: an URL missing from the tables below fails with a message naming it. GETs only; writes
are covered by each area's own tests.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from grievances.models import Grievance, ReplyTemplate, SurveyCampaign
from parks import access
from parks.structure.choices import Role
from parks.structure.models import User
from reforms.assessment.choices import SchemeStatus, SubjectKind
from reforms.assessment.models import Scheme, Score
from reforms.assessment.policy import may_export_ranking
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training
from reforms.reporting.models import Report
from reforms.supervision.models import SupervisionOrder
from reforms.supervision.services import order_issue
from reforms.tasks.models import Plan, Task
from tests.factories import (
    ActivityFactory,
    CarePaymentFactory,
    FacilityFactory,
    GridZoneFactory,
    GrievanceFactory,
    MilestoneFactory,
    OrganisationFactory,
    ParkFactory,
    ProposalFactory,
    PublicityFactory,
    SubdistrictFactory,
    SurveyCampaignFactory,
    TaskFactory,
    TrainingFactory,
    UserFactory,
)
from tests.reforms.assessment.factories_out import MONTH, SchemeFactory, make_score

pytestmark = pytest.mark.django_db

NO_SUCH_ID = 987654321
DENIED = {403, 404, 405}
ROLES = [
    "office",
    "subdistrict",
    "park_manager",
    "liaison",
    "member_unit",
    "instructor",
    "observer",
    "anonymous",
]


def _report(**target):
    return Report.objects.create(
        period_kind="month", period_start="2026-05-01", period_end="2026-05-31", **target
    )


def _order(park):
    """A supervision order about a task in `park`, issued to the unit of the member-unit person
    placed there (another unit for a park without one)."""
    staff = User.objects.filter(role=Role.MEMBER_UNIT, park=park).first()
    unit = staff.organisation if staff else OrganisationFactory()
    office = User.objects.filter(role=Role.OFFICE).first() or UserFactory(role=Role.OFFICE)
    return order_issue(
        actor=office,
        task=TaskFactory(park=park, lead_unit=unit),
        unit=None,
        colour="red",
        requirement="限期反馈",
        reply_due=timezone.localdate(),
    )


def _park_score(park):
    """A published October score of `park`, under a park scheme of its own."""
    scheme = SchemeFactory(subject_kind=SubjectKind.PARK, status=SchemeStatus.DRAFT)
    return make_score(scheme, park, rank=1, points={"task_on_time": 50})


# Each kind of object a path names: how to make one in a park, and whether access lets a user
# see it. Kinds made without a park have only an id nobody can reach.
def _visible(queryset_for):
    return lambda user, obj: queryset_for(user).filter(pk=obj.pk).exists()


KINDS = {
    "park": (lambda park: park, _visible(access.parks_visible_to)),
    "grid_zone": (lambda park: GridZoneFactory(park=park), _visible(access.grid_zones_visible_to)),
    "facility": (lambda park: FacilityFactory(park=park), _visible(access.facilities_visible_to)),
    "activity": (
        lambda park: ActivityFactory(grid_zone=GridZoneFactory(park=park)),
        _visible(access.activities_visible_to),
    ),
    "person": (
        lambda park: UserFactory(role=Role.LIAISON, park=park),
        lambda user, obj: access.may_manage_people(user),
    ),
    "task": (
        lambda park: TaskFactory(park=park),
        _visible(lambda u: access.tasks_visible(u, Task.objects.all())),
    ),
    "milestone": (
        lambda park: MilestoneFactory(task=TaskFactory(park=park)),
        lambda u, obj: access.tasks_visible(u, Task.objects.filter(pk=obj.task_id)).exists(),
    ),
    "plan": (
        lambda park: TaskFactory(park=park).plan,
        _visible(
            lambda u: access.plans_visible(
                u, Plan.objects.all(), visible_tasks=access.tasks_visible(u, Task.objects.all())
            )
        ),
    ),
    "care": (
        lambda park: CarePaymentFactory(park=park),
        _visible(lambda u: access.ledger_rows_visible(u, CarePayment.objects.all())),
    ),
    "publicity": (
        lambda park: PublicityFactory(park=park),
        _visible(lambda u: access.ledger_rows_visible(u, Publicity.objects.all())),
    ),
    "training": (
        lambda park: TrainingFactory(park=park),
        _visible(lambda u: access.ledger_rows_visible(u, Training.objects.all())),
    ),
    "proposal": (
        lambda park: ProposalFactory(park=park),
        _visible(lambda u: access.ledger_rows_visible(u, Proposal.objects.all())),
    ),
    "report": (
        lambda park: _report(scope="park", park=park),
        _visible(lambda u: access.reports_visible(u, Report.objects.all())),
    ),
    "grievance": (
        lambda park: GrievanceFactory(park=park),
        _visible(lambda u: access.grievances_visible(u, Grievance.objects.all())),
    ),
    "survey": (
        lambda park: SurveyCampaignFactory(park=park),
        _visible(lambda u: access.surveys_visible(u, SurveyCampaign.objects.all())),
    ),
    "posters": (lambda park: park, lambda user, park: access.may_print_posters(user, park)),
    # District-wide: the office edits every standard reply, nobody else any.
    "reply_template": (
        lambda park: ReplyTemplate.objects.create(
            category="wages", title=f"工资答复{park.pk}", text="已督促补发。"
        ),
        lambda user, obj: access.is_district_office(user),
    ),
    "order": (
        lambda park: _order(park),
        _visible(lambda u: access.supervision_orders_visible(u, SupervisionOrder.objects.all())),
    ),
    "unit": (
        lambda park: OrganisationFactory(park=park, kind="park_committee"),
        _visible(access.organisations_visible_to),
    ),
    "score": (
        _park_score,
        _visible(lambda u: access.assessment_scores_visible(u, Score.objects.all())),
    ),
    "scheme": (
        lambda park: _park_score(park).scheme,
        _visible(
            lambda u: access.assessment_schemes_visible(
                u, Scheme.objects.all(), Score.objects.all()
            )
        ),
    ),
    # A scheme's editing pages are the office's alone.
    "scheme_office": (
        lambda park: _park_score(park).scheme,
        lambda user, scheme: access.may_run_assessment(user),
    ),
    # A scheme with a scored October: its whole ranking is the office's to download.
    "ranking_export": (
        lambda park: _park_score(park).scheme,
        lambda user, scheme: may_export_ranking(user),
    ),
    # Rows with a stored file or a pending step: only an id nobody can reach is tried here;
    # their own tests (downloads, extensions, imports) cover them in scope.
    "unbuilt": (None, None),
}

# Pages: URL name -> the kind its object parameter names (None: no object in the path).
PAGES = {
    "workbench:home": None,
    "workbench:search": None,
    "workbench:unit_detail": "unit",
    "parks:park_list": None,
    "parks:park_create": None,
    "parks:park_detail": "park",
    "parks:park_edit": "park",
    "parks:grid_zone_create": "park",
    "parks:grid_zone_detail": "grid_zone",
    "parks:grid_zone_edit": "grid_zone",
    "parks:facility_create": "park",
    "parks:facility_edit": "facility",
    "parks:people_list": None,
    "parks:person_create": None,
    "parks:person_edit": "person",
    "parks:api_tokens": None,
    "parks:audit": None,
    "parks:notifications": None,
    "parks:notice_preferences": None,
    "parks:deliveries": None,  # the office's only (tests/parks/test_notice_pages.py)
    "parks:my_grid_zones": None,
    "parks:activity_create": None,
    "parks:activity_detail": "activity",
    "parks:activity_edit": "activity",
    "parks:activity_photo": "unbuilt",
    "parks:activity_feed": None,
    "parks:activity_export": None,
    # Exports are their requester's only (tests/parks/test_exports.py): nobody else's is reached.
    "parks:export_list": None,
    "parks:export_detail": "unbuilt",
    "parks:export_status": "unbuilt",
    "parks:export_download": "unbuilt",
    "parks:activity_calendar": None,
    "parks:coverage": None,
    "password_change": None,
    "password_change_done": None,
    "reforms:task_list": None,
    "reforms:task_export": None,
    "reforms:task_create": None,
    "reforms:task_import": None,
    "reforms:task_import_sample": None,
    "reforms:task_import_preview": "unbuilt",
    "reforms:task_detail": "task",
    "reforms:task_edit": "task",
    "reforms:progress_create": "task",
    "reforms:milestone_create": "task",
    "reforms:milestone_edit": "milestone",
    "reforms:evidence_download": "unbuilt",
    "reforms:plan_document": "unbuilt",  # a plan without its document is a 404
    "reforms:my_tasks": None,
    "reforms:park_roadmap": "park",
    "reforms:district_roadmap": None,
    "reforms:unit_league": None,
    "reforms:ledgers": None,
    "reforms:care_payment_list": None,
    "reforms:care_payment_create": None,
    "reforms:care_payment_edit": "care",
    "reforms:publicity_list": None,
    "reforms:publicity_create": None,
    "reforms:publicity_edit": "publicity",
    "reforms:training_list": None,
    "reforms:training_create": None,
    "reforms:training_edit": "training",
    "reforms:proposal_list": None,
    "reforms:proposal_create": None,
    "reforms:proposal_edit": "proposal",
    "reforms:ledger_export": None,
    "reforms:report_list": None,
    "reforms:report_request": None,
    "reforms:report_detail": "report",
    "reforms:report_status": "report",
    "reforms:report_download": "report",
    "reforms:report_schedules": None,
    "reforms:dashboard": None,
    "reforms:dashboard_park": "park",
    "reforms:order_list": None,
    "reforms:order_export": None,
    "reforms:order_issue": None,  # without ?task= or ?grievance=: a 404 (403 for non-office)
    "reforms:order_detail": "order",
    "reforms:order_file_download": "unbuilt",
    "reforms:assessment": None,
    "reforms:assessment_scheme_create": None,
    "reforms:assessment_scheme_detail": "scheme",
    "reforms:assessment_scheme_edit": "scheme_office",
    "reforms:assessment_ranking": "scheme",  # a period with no score of the user's: 404
    "reforms:assessment_score_detail": "score",
    "reforms:assessment_ranking_xlsx": "ranking_export",
    "reforms:assessment_notice": "ranking_export",
    "grievances:inbox": None,
    "grievances:grievance_detail": "grievance",
    "grievances:grievance_create": None,
    "grievances:duplicate_check": None,
    "grievances:export": None,
    "grievances:rates": None,
    "grievances:survey_list": None,
    "grievances:survey_create": None,
    "grievances:survey_edit": "survey",
    "grievances:policies": None,
    "grievances:reply_templates": None,
    "grievances:reply_template_edit": "reply_template",
    "grievances:attachment_download": "unbuilt",
    "grievances:qr_poster": "posters",
}
# POST-only steps: a GET is refused whatever the scope (their scope is tested with POSTs).
POST_ONLY = {
    "parks:api_token_revoke",
    "parks:notifications_mark_read",
    "parks:delivery_retry",
    "parks:activity_delete",
    "reforms:task_import_commit",
    "reforms:task_import_discard",
    "reforms:task_transition",
    "reforms:milestone_toggle",
    "reforms:care_payment_delete",
    "reforms:publicity_delete",
    "reforms:training_delete",
    "reforms:proposal_delete",
    "reforms:proposal_advance",
    "reforms:report_regenerate",
    "reforms:order_reply",
    "reforms:order_act",
    "reforms:assessment_scheme_status",
    "reforms:assessment_compute",
    "reforms:assessment_publish",
    "reforms:assessment_adjust",
    "reforms:assessment_withdraw",
    "grievances:grievance_act",
    "grievances:extension_request",
    "grievances:grievance_merge",
    "grievances:extension_decide",
    "grievances:mediation_open",
    "grievances:mediation_session_add",
    "grievances:mediation_conclude",
}
# Open to everyone (the worker's forms, sign-in, the API's own docs) or Django's own admin.
OPEN = {
    "login",
    "logout",
    "set_language",
    "javascript-catalog",
    "api-schema",
    "api-docs",
    "grievances:public_track_form",
    "grievances:public_track",
    "grievances:public_withdraw",
    "grievances:public_form",
    "grievances:public_thanks",
    "grievances:public_qr",
    "grievances:public_form_zone",
    "grievances:public_qr_zone",
}
# Extra path parameters that are not the object: a fixed value each.
FIXED_PARAMS = {
    "kind": "care",
    "action": "accept",
    "digest": "0" * 16,
    "code": "X",
    # The assessment's period: the month the scores of _park_score are for.
    "period_kind": "month",
    "period_start": MONTH.isoformat(),
}
API_PREFIX = "/api/v1/"
# API paths: the first path segment after /api/v1/ (or the first two) -> the kind its {id} names.
API_KINDS = {
    "subdistricts": None,
    "organisations": None,
    "parks": "park",
    "grids": "grid_zone",
    "facilities": "facility",
    "activities": "activity",
    "audit": "unbuilt",
    "plans": "plan",
    "tasks": "task",
    "milestones": "milestone",
    "evidence": "unbuilt",
    "subsidies": "care",
    "publicity": "publicity",
    "trainings": "training",
    "proposals": "proposal",
    "reports": "report",
    "grievances": "grievance",
    "extensions": "unbuilt",
    "grievance-attachments": "unbuilt",
    "surveys": "survey",
    "grievance-policies": None,
    "grievance-reply-templates": None,
    "supervision-orders": "order",
    "assessment/schemes": "scheme",
    "assessment/scores": "score",
    "assessment/rankings": None,
    "notices": None,  # the signed-in person's own settings
    "exports": "unbuilt",  # the requester's own (tests/parks/test_exports.py)
}


def _page_patterns(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "admin" or str(pattern.pattern).startswith("api/"):
                continue  # Django's admin checks staff itself; the API comes from its schema
            yield from _page_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def _people(park, unit):
    """One person per role, all placed in `park` (or its subdistrict)."""
    return {
        "office": UserFactory(role=Role.OFFICE),
        "subdistrict": UserFactory(role=Role.SUBDISTRICT, subdistrict=park.subdistrict),
        "park_manager": UserFactory(role=Role.PARK_MANAGER, park=park),
        "liaison": UserFactory(role=Role.LIAISON, park=park),
        "member_unit": UserFactory(role=Role.MEMBER_UNIT, organisation=unit, park=park),
        "instructor": UserFactory(role=Role.INSTRUCTOR, park=park),
        "observer": UserFactory(role=Role.OBSERVER, park=park),
        "anonymous": AnonymousUser(),
    }


@pytest.fixture
def world():
    park = ParkFactory(subdistrict=SubdistrictFactory())
    other_park = ParkFactory(subdistrict=SubdistrictFactory())
    return park, other_park, OrganisationFactory()


def _objects(kind, park, other_park, made):
    """(object, id) pairs to try: one in `park`, one in `other_park`, or an unreachable id.
    Made once per kind in `made`: a second report of the same park and period cannot exist."""
    make = KINDS[kind][0]
    if make is None:
        return [(None, NO_SUCH_ID)]
    if kind not in made:
        made[kind] = [make(park), make(other_park)]
    return [(obj, obj.pk) for obj in made[kind]]


def _expect(kind, user, obj, status, where, *, sub_item=False):
    assert status != 500, where
    if obj is None:
        assert status in DENIED | {302}, f"{where}: {status} for an id nobody can reach"
        return
    if isinstance(user, User) and KINDS[kind][1](user, obj):
        # A path naming a sub-item too (a photo of an entry) may still find no such item.
        assert sub_item or status != 404, f"{where}: 404 although parks.access lets it be seen"
    else:
        assert status in DENIED, f"{where}: {status} although parks.access hides it"


def test_every_page_is_in_the_tables():
    unknown = [
        name
        for name, _pattern in _page_patterns()
        if name not in PAGES and name not in POST_ONLY and name not in OPEN
    ]
    assert not unknown, (
        f"Add {unknown} to PAGES (with the kind of object its path names), POST_ONLY or OPEN "
        "in tests/test_scope_matrix.py, so its scope is checked for every role."
    )


@pytest.mark.parametrize("role", ROLES)
def test_pages_answer_as_parks_access_says(role, client, world):
    park, other_park, unit = world
    user, made = _people(park, unit)[role], {}
    if role != "anonymous":
        client.force_login(user)
    for name, pattern in _page_patterns():
        if name in OPEN:
            continue
        params = [p for p in pattern.pattern.converters if p not in FIXED_PARAMS]
        assert len(params) <= 1 or name in POST_ONLY, f"{name}: add its parameters {params}"
        kind = PAGES.get(name)
        tries = _objects(kind, park, other_park, made) if params and kind else [(None, None)]
        for obj, pk in tries:
            kwargs = {p: FIXED_PARAMS[p] for p in pattern.pattern.converters if p in FIXED_PARAMS}
            if params:
                kwargs[params[0]] = pk if pk is not None else NO_SUCH_ID
            url = reverse(name, kwargs=kwargs)
            status = client.get(url).status_code
            where = f"{role} GET {url} ({name})"
            if role == "anonymous":
                signed_out = {302, 405} if name in POST_ONLY else {302}
                assert status in signed_out, f"{where}: anonymous users are sent to sign in"
            elif name in POST_ONLY:
                assert status in DENIED, where
            elif params and kind:
                # A report's workbook may not be built yet: a 404 in scope is fair there.
                _expect(kind, user, obj, status, where, sub_item=name == "reforms:report_download")
            else:
                assert status != 500, where


def _api_paths():
    client = APIClient()
    client.force_authenticate(UserFactory(role=Role.OFFICE))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    return sorted(path for path, ops in schema["paths"].items() if "get" in ops)


# Paths under an object naming something it may not have yet (a photo, a mediation, a built
# file): a 404 there in scope is fair; out of scope they must still be refused.
SUB_ITEMS = ("{photo_id}", "/mediation/", "/download/", "{file_id}")


def _sub_item(path):
    return any(part in path for part in SUB_ITEMS)


def _api_resource(path):
    """The first segment after /api/v1/, or the first two where the table names them
    (assessment/scores)."""
    parts = path.removeprefix(API_PREFIX).split("/")
    two = "/".join(parts[:2])
    return two if two in API_KINDS else parts[0]


def test_every_api_path_is_in_the_table():
    unknown = {path for path in _api_paths() if _api_resource(path) not in API_KINDS}
    assert not unknown, f"Add {sorted(unknown)} to API_KINDS in tests/test_scope_matrix.py."


@pytest.mark.parametrize("role", ROLES)
def test_api_answers_as_parks_access_says(role, world):
    park, other_park, unit = world
    paths = _api_paths()
    user, made = _people(park, unit)[role], {}
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(user)
    for path in paths:
        kind = API_KINDS[_api_resource(path)]
        tries = [(None, None)]
        if "{id}" in path:
            tries = _objects(kind, park, other_park, made) if kind else [(None, NO_SUCH_ID)]
        for obj, pk in tries:
            url = (
                path.replace("{id}", str(pk))
                .replace("{photo_id}", str(NO_SUCH_ID))
                .replace("{file_id}", str(NO_SUCH_ID))
            )
            status = client.get(url).status_code
            where = f"{role} GET {url}"
            if role == "anonymous":
                assert status in (401, 403), f"{where}: anonymous callers must sign in"
            elif "{id}" in path and kind:
                _expect(
                    kind,
                    user,
                    obj,
                    status,
                    where,
                    sub_item=_sub_item(path),
                )
            else:
                assert status != 500, where

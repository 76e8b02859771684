"""Demo grievances, a survey and time-limit policies, loaded by `manage.py load_demo`.

Drawn from the district's report (shared/seed): 盛阳食品城 handed out 900+ satisfaction surveys
and rectified 47 of 60+ opinions, and this year handled 3 work-injury subsidy disputes, 2
complaints from sick workers and 7 labour and life disputes; 华夏家居港 runs a general
manager's mailbox and worker forums. The survey is scaled down keeping its proportions.

Every grievance has a fixed tracking code, its natural key. Only grievances that do not exist
yet are created and walked through the workflow by the real services (received, assigned,
accepted, replied, followed up, closed, returned, reopened, withdrawn, mediated), so a second
run changes nothing. The services stamp every step "now"; the demo then dates the steps back
over the last three months, so deadlines, breaches and the monthly trend look like real use.
The hand-off notices the steps sent are dated with their step too; those older than
DEMO_UNREAD_DAYS are marked read an hour after they came, so each bell shows the last few
days' hand-offs as new, as it would for people who read their notices.

This module holds the loading code; the data tables it loads live in `grievances.demo_data`
and are re-exported here.
"""

from bisect import bisect_left
from datetime import timedelta

from django.utils import timezone

from grievances import services as grievances_services
from grievances import workflow as grievances_workflow
from grievances.choices import OFFICE_ACTIONS, Action, Channel, MediationOutcome
from grievances.demo_data import (
    GRIEVANCES,
    HRSS,
    HX_COMMITTEE,
    HX_UNION,
    JUSTICE,
    POLICIES,
    REPLY_TEMPLATES,
    SURVEY_DAYS_AGO,
    SURVEY_GRIEVANCES,
    SURVEY_HANDED_OUT,
    SURVEY_OPINIONS,
    SURVEY_RETURNED,
    SURVEY_TITLE,
    SY_COMMITTEE,
    UNION,
    DemoGrievance,
    Step,
)
from grievances.models import (
    FollowUp,
    Grievance,
    GrievanceEvent,
    ReplyTemplate,
    SurveyCampaign,
    TimeLimitPolicy,
)
from grievances.replies import reply_template_save
from parks.notices.models import Notification
from parks.structure.demo_names import HUAXIA, SHENGYANG
from parks.structure.models import GridZone, Organisation, Park, User

__all__ = [
    "GRIEVANCES",
    "HRSS",
    "HX_COMMITTEE",
    "HX_UNION",
    "JUSTICE",
    "POLICIES",
    "SURVEY_DAYS_AGO",
    "SURVEY_GRIEVANCES",
    "SURVEY_HANDED_OUT",
    "SURVEY_OPINIONS",
    "SURVEY_RETURNED",
    "SURVEY_TITLE",
    "SY_COMMITTEE",
    "UNION",
    "DemoGrievance",
    "Step",
    "load_grievance_demo",
]


# Notices of steps older than this many days were read an hour after they came.
DEMO_UNREAD_DAYS = 3


def load_grievance_demo(sender, *, office, stdout, **kwargs):
    policies = _load_policies(office)
    survey, survey_created = _load_survey(office)
    created = _load_grievances(office, survey)
    replies_created = _load_reply_templates(office)
    stdout.write(
        f"  Grievance demo   policies {policies} created, surveys {int(survey_created)} created, "
        f"grievances {created} created, standard replies {replies_created} created"
    )


def _load_reply_templates(office):
    existing = set(ReplyTemplate.objects.values_list("category", "title"))
    created = 0
    for category, title, text in REPLY_TEMPLATES:
        if (category, title) not in existing:
            template = ReplyTemplate(category=category, title=title, text=text)
            reply_template_save(template=template, actor=office)
            created += 1
    return created


def _load_policies(office):
    existing = set(TimeLimitPolicy.objects.values_list("category", flat=True))
    created = 0
    for category, (hours, days) in POLICIES.items():
        if category in existing:
            continue  # the office may have changed it: leave it be
        policy = TimeLimitPolicy(
            category=category, respond_within_hours=hours, resolve_within_days=days
        )
        grievances_services.policy_save(policy=policy, actor=office)
        created += 1
    return created


def _load_survey(office):
    park = Park.objects.get(name=SHENGYANG)
    survey = SurveyCampaign.objects.filter(park=park, title=SURVEY_TITLE).first()
    if survey is not None:
        return survey, False
    survey = SurveyCampaign(
        park=park,
        title=SURVEY_TITLE,
        held_on=timezone.localdate() - timedelta(days=SURVEY_DAYS_AGO),
        handed_out=SURVEY_HANDED_OUT,
        returned=SURVEY_RETURNED,
    )
    grievances_services.survey_save(survey=survey, actor=office)
    return survey, True


class _People:
    """Who takes each step: the grievance's liaison or park manager, a unit's own staff, or
    the office where a unit has no account in the demo."""

    def __init__(self, office):
        self.office = office
        self.units = {org.name: org for org in Organisation.objects.all()}
        self.staff = {}
        for user in User.objects.filter(is_active=True, organisation__isnull=False).order_by("pk"):
            self.staff.setdefault(user.organisation_id, user)
        self.managers = {
            user.park_id: user
            for user in User.objects.filter(is_active=True, role="park_manager").order_by("-pk")
        }

    def logger(self, spec, park, zone):
        if spec.channel == Channel.ONLINE:
            return None
        if spec.channel == Channel.LIAISON_VISIT and zone is not None and zone.liaison:
            return zone.liaison
        if spec.channel in (Channel.GM_MAILBOX, Channel.FORUM):
            return self.managers.get(park.pk, self.office)
        return self.office

    def for_unit(self, grievance):
        return self.staff.get(grievance.handling_unit_id, self.office)


def _load_grievances(office, survey):
    specs = [*SURVEY_GRIEVANCES, *GRIEVANCES]
    existing = set(
        Grievance.objects.filter(tracking_code__in=[s.code for s in specs]).values_list(
            "tracking_code", flat=True
        )
    )
    fresh = [spec for spec in specs if spec.code not in existing]
    if not fresh:
        return 0
    now = timezone.now()
    parks = {park.name: park for park in Park.objects.filter(name__in=[SHENGYANG, HUAXIA])}
    zones = {
        (zone.park_id, zone.code): zone
        for zone in GridZone.objects.filter(park__in=parks.values()).select_related("liaison")
    }
    people = _People(office)
    for spec in fresh:
        _create(spec, now=now, parks=parks, zones=zones, people=people, survey=survey)
    return len(fresh)


def _create(spec, *, now, parks, zones, people, survey):
    park = parks[spec.park]
    zone = zones[park.pk, spec.zone] if spec.zone else None
    received_at = now - timedelta(days=spec.days_ago)
    grievance = Grievance(
        tracking_code=spec.code,
        park=park,
        grid_zone=zone,
        channel=spec.channel,
        category=spec.category,
        survey=survey if spec.channel == Channel.SURVEY else None,
        title=spec.title,
        description=spec.description,
        complainant_name=spec.name,
        complainant_phone=spec.phone,
        complainant_employer=spec.employer,
        received_at=received_at,
    )
    grievances_services.grievance_receive(
        grievance=grievance, actor=people.logger(spec, park, zone)
    )

    # Each step but a mediation session writes one event; they are dated back below, and so
    # are the notices the steps sent (those after `last_notice`), by when each step ended.
    last_notice = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
    step_ends = []  # (the clock when the step ended, the step's demo time)
    event_times = [received_at]
    times = {}
    call_times = []  # each follow-up call's, in order
    mediation = None
    for step in spec.steps:
        at = received_at + timedelta(hours=step.hours)
        if at >= now:
            raise ValueError(f"Demo grievance {spec.code}: step {step.action} is in the future.")
        times[step.action] = at
        if step.action == Action.FOLLOW_UP:
            call_times.append(at)
        if step.action != "mediation_session":
            event_times.append(at)
        if step.action == "withdraw_by_worker":
            grievance = grievances_services.grievance_withdraw_by_worker(
                tracking_code=spec.code, note=step.args["note"]
            )
        elif step.action.startswith("mediation_"):
            mediation = _mediate(step, at, grievance, mediation, people)
        else:
            args = dict(step.args)
            if "unit" in args:
                args["unit"] = people.units[args["unit"]]
            actor = people.office if step.action in OFFICE_ACTIONS else None
            grievance = grievances_workflow.STEP_SERVICES[step.action](
                grievance=grievance, actor=actor or people.for_unit(grievance), **args
            )
        step_ends.append((timezone.now(), at))

    # Demo only: the services date every step now; give each the time the spec says.
    events = list(GrievanceEvent.objects.filter(grievance=grievance).order_by("pk"))
    for event, at in zip(events, event_times, strict=True):
        event.at = at
    GrievanceEvent.objects.bulk_update(events, ["at"])
    calls = list(FollowUp.objects.filter(grievance=grievance).order_by("number"))
    for call, at in zip(calls, call_times, strict=True):
        call.at = at
    FollowUp.objects.bulk_update(calls, ["at"])
    _date_notices(after=last_notice or 0, step_ends=step_ends, now=now)
    Grievance.objects.filter(pk=grievance.pk).update(
        responded_at=times.get(Action.ACCEPT) if grievance.responded_at else None,
        resolved_at=times.get(Action.REPLY) if grievance.resolved_at else None,
        closed_at=times.get(Action.CLOSE) if grievance.closed_at else None,
    )


def _date_notices(*, after, step_ends, now):
    """Demo only: each notice the grievance's steps sent (pk above `after`) takes the demo time
    of the step it came from (the first step that ended after it was written), and was read an
    hour later if that is older than DEMO_UNREAD_DAYS. Two queries, however many steps."""
    notices = list(Notification.objects.filter(pk__gt=after).order_by("pk"))
    if not notices:
        return
    ends = [end for end, _at in step_ends]
    for notice in notices:
        _end, at = step_ends[min(bisect_left(ends, notice.created_at), len(step_ends) - 1)]
        notice.created_at = at
        notice.read_at = (
            at + timedelta(hours=1) if at < now - timedelta(days=DEMO_UNREAD_DAYS) else None
        )
    Notification.objects.bulk_update(notices, ["created_at", "read_at"])


def _mediate(step, at, grievance, mediation, people):
    actor = people.for_unit(grievance)
    if step.action == "mediation_open":
        return grievances_services.mediation_open(
            grievance=grievance,
            actor=actor,
            applied_on=timezone.localdate(at),
            parties=step.args["parties"],
            mediator=actor,
        )
    if step.action == "mediation_session":
        grievances_services.mediation_session_add(
            mediation=mediation, actor=actor, held_at=at, place=step.args["place"]
        )
        return mediation
    return grievances_services.mediation_conclude(
        mediation=mediation,
        actor=actor,
        outcome=MediationOutcome.AGREEMENT,
        concluded_on=timezone.localdate(at),
        amount_agreed=step.args["amount"],
    )

"""Backfill the follow-up calls and judge the response on the final acceptance.

1. Every follow-up call becomes a FollowUp row. The calls are the timeline's follow_up events;
   each one's answer is read from the audit log, which recorded the satisfaction each call set
   (parks.AuditEvent, field `satisfaction`, [before, after]). Where the audit log does not hold
   one answer per call (rows older than the log), the last call's answer is the grievance's
   `satisfaction` and every earlier call, having been followed by a reopen, is taken as
   unsatisfied: reopening is the step for a worker who was not satisfied. A grievance with a
   satisfaction but no follow_up event (written outside the workflow) gets one call, dated by
   its reply.
2. `responded_at` becomes the acceptance by the unit that finally handles the grievance: for a
   grievance that was ever returned, the last acceptance after the last return, or none yet.
   Grievances never returned had one acceptance, which stays as it is.
"""

from collections import defaultdict

from django.db import migrations
from django.db.models import Q


def _audited_answers(apps):
    """{grievance id: [the satisfaction each call set, in order]} from the audit log."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEvent = apps.get_model("parks", "AuditEvent")
    content_type = ContentType.objects.filter(app_label="grievances", model="grievance").first()
    answers = defaultdict(list)
    if content_type is None:
        return answers
    rows = (
        AuditEvent.objects.filter(content_type=content_type, changes__has_key="satisfaction")
        .order_by("at", "pk")
        .values_list("object_id", "changes")
    )
    for object_id, changes in rows.iterator():
        _before, after = changes["satisfaction"]
        if after:  # a call set it; a reopen cleared it
            answers[object_id].append(after)
    return answers


def backfill_follow_ups(apps, schema_editor):
    Grievance = apps.get_model("grievances", "Grievance")
    GrievanceEvent = apps.get_model("grievances", "GrievanceEvent")
    FollowUp = apps.get_model("grievances", "FollowUp")
    calls = defaultdict(list)
    for event in GrievanceEvent.objects.filter(action="follow_up").order_by("at", "pk").iterator():
        calls[event.grievance_id].append(event)
    answers = _audited_answers(apps)
    rows = []
    grievances = Grievance.objects.filter(Q(pk__in=list(calls)) | ~Q(satisfaction=""))
    for grievance in grievances.iterator():
        events = calls.get(grievance.pk, [])
        if not events:
            at = grievance.resolved_at or grievance.updated_at
            rows.append(
                FollowUp(grievance=grievance, number=1, at=at, satisfaction=grievance.satisfaction)
            )
            continue
        said = answers.get(grievance.pk, [])
        if len(said) != len(events):
            said = ["unsatisfied"] * (len(events) - 1) + [grievance.satisfaction or "unsatisfied"]
        for number, (event, satisfaction) in enumerate(zip(events, said, strict=True), start=1):
            rows.append(
                FollowUp(
                    grievance=grievance,
                    number=number,
                    at=event.at,
                    actor_id=event.actor_id,
                    satisfaction=satisfaction,
                )
            )
    FollowUp.objects.bulk_create(rows, batch_size=1000)


def judge_the_final_acceptance(apps, schema_editor):
    Grievance = apps.get_model("grievances", "Grievance")
    GrievanceEvent = apps.get_model("grievances", "GrievanceEvent")
    returned = GrievanceEvent.objects.filter(action="return").values("grievance_id")
    last_step = {}
    for event in (
        GrievanceEvent.objects.filter(grievance_id__in=returned, action__in=["accept", "return"])
        .order_by("at", "pk")
        .iterator()
    ):
        last_step[event.grievance_id] = event
    for grievance_id, event in last_step.items():
        responded_at = event.at if event.action == "accept" else None
        Grievance.objects.filter(pk=grievance_id).update(responded_at=responded_at)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("grievances", "0004_follow_up_calls"),
        ("parks", "0005_audit_event"),
    ]

    operations = [
        migrations.RunPython(backfill_follow_ups, migrations.RunPython.noop),
        migrations.RunPython(judge_the_final_acceptance, migrations.RunPython.noop),
    ]

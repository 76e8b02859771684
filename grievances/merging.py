"""Merging a likely duplicate (grievances.duplicates) into the case that goes on with it.

The merged grievance closes as Status.MERGED pointing to the survivor (merged_into); it keeps
its own timeline, attachments and personal data, and its worker's tracking code then shows the
survivor's progress (grievances.public_views). The survivor is never itself a merged case:
merging into a case already merged goes to the case that one was merged into, and the cases
merged into the duplicate follow it to the survivor, so every code is one step from its case.
The rates count the merged case nowhere, like a withdrawn one (grievances.rates). The
survivor's handling unit hears of the merge (grievances.handoffs.grievance_merged).
"""

from django.db import transaction
from django.utils import timezone

from grievances import handoffs, policy
from grievances.choices import Status, TimelineEntry
from grievances.models import Grievance
from grievances.workflow import _event
from parks.history import audit
from parks.structure.models import User


@transaction.atomic
def grievance_merge(
    *, duplicate: Grievance, survivor: Grievance, actor: User, note: str = ""
) -> Grievance:
    """Merge `duplicate` into `survivor` (or into the case `survivor` was merged into); returns
    the survivor. Refused with a message, changing nothing, by policy.merge_refusal."""
    note = (note or "").strip()
    survivor_pk = survivor.merged_into_id or survivor.pk
    # Both rows locked in one order, so two merges of the same pair wait for each other.
    locked = {
        grievance.pk: grievance
        for grievance in Grievance.objects.select_for_update()
        .filter(pk__in=[duplicate.pk, survivor_pk])
        .order_by("pk")
    }
    duplicate, survivor = locked[duplicate.pk], locked[survivor_pk]
    if survivor.merged_into_id is not None:  # merged meanwhile: follow it once more
        return grievance_merge(duplicate=duplicate, survivor=survivor, actor=actor, note=note)
    refusal = policy.merge_refusal(actor, duplicate, survivor)
    if refusal is not None:
        raise refusal
    before = audit.stored(duplicate)
    from_status = duplicate.status
    duplicate.status, duplicate.merged_into = Status.MERGED, survivor
    duplicate.closed_at = timezone.now()
    duplicate.full_clean(validate_constraints=False)
    duplicate.save(update_fields=["status", "merged_into", "closed_at", "updated_at"])
    _event(
        duplicate,
        actor=actor,
        action=TimelineEntry.MERGED,
        from_status=from_status,
        note=f"→ {survivor.tracking_code} {note}".strip(),
    )
    audit.record_save(
        actor=actor, instance=duplicate, before=before, only=("status", "merged_into", "closed_at")
    )
    # Cases merged into the duplicate earlier now follow the survivor too.
    earlier = list(Grievance.objects.select_for_update().filter(merged_into=duplicate))
    for case in earlier:
        case_before = audit.stored(case)
        case.merged_into = survivor
        case.save(update_fields=["merged_into", "updated_at"])
        audit.record_save(actor=actor, instance=case, before=case_before, only=("merged_into",))
    codes = " ".join([duplicate.tracking_code, *(case.tracking_code for case in earlier)])
    _event(
        survivor,
        actor=actor,
        action=TimelineEntry.MERGED_IN,
        from_status=survivor.status,
        note=f"← {codes} {note}".strip(),
    )
    handoffs.grievance_merged(survivor, merged=[duplicate, *earlier], actor=actor)
    return survivor


def followed_case(grievance: Grievance) -> Grievance:
    """The case a worker's tracking code follows: the survivor for a merged grievance."""
    if grievance.status == Status.MERGED and grievance.merged_into_id:
        return (
            Grievance.objects.select_related("park", "grid_zone", "handling_unit")
            .filter(pk=grievance.merged_into_id)
            .first()
            or grievance
        )
    return grievance

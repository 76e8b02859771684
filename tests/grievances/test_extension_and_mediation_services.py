"""Grievance extensions and the mediation of disputes."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from grievances import services
from grievances.choices import Status
from grievances.models import ExtensionRequest, Mediation
from tests.grievances import services_helpers as shared
from tests.grievances.services_helpers import RECEIVED_AT, grievance_in

# The shared fixtures, bound here so pytest finds them by name.
other_unit_user = shared.other_unit_user
unit = shared.unit
unit_user = shared.unit_user


pytestmark = pytest.mark.django_db


# --- Extensions -------------------------------------------------------------------------------


def test_an_approved_extension_moves_the_resolution_deadline(office_user, unit, unit_user):
    grievance = grievance_in(Status.IN_PROGRESS, unit)
    deadline = grievance.resolution_due_at

    extension = services.extension_request(
        grievance=grievance, actor=unit_user, days=7, reason="需要等待工伤认定结论"
    )
    services.extension_decide(extension=extension, actor=office_user, approve=True)

    grievance.refresh_from_db()
    extension.refresh_from_db()
    assert grievance.resolution_due_at == deadline + timedelta(days=7)
    assert (extension.state, extension.decided_by) == ("approved", office_user)
    assert list(grievance.events.values_list("action", flat=True)) == [
        "extension_requested",
        "extension_approved",
    ]


def test_a_rejected_extension_leaves_the_deadline(office_user, unit, unit_user):
    grievance = grievance_in(Status.ACCEPTED, unit)
    deadline = grievance.resolution_due_at
    extension = services.extension_request(
        grievance=grievance, actor=unit_user, days=3, reason="材料未齐"
    )
    services.extension_decide(extension=extension, actor=office_user, approve=False)
    grievance.refresh_from_db()
    assert grievance.resolution_due_at == deadline
    with pytest.raises(ValidationError):
        services.extension_decide(extension=extension, actor=office_user, approve=True)


def test_only_one_extension_request_waits_at_a_time(office_user, unit, unit_user):
    grievance = grievance_in(Status.IN_PROGRESS, unit)
    first = services.extension_request(grievance=grievance, actor=unit_user, days=3, reason="甲")

    with pytest.raises(ValidationError) as refused:
        services.extension_request(grievance=grievance, actor=unit_user, days=5, reason="乙")

    assert not hasattr(refused.value, "error_dict"), "refused for the state, not a field"
    assert "already waiting" in refused.value.messages[0]
    assert ExtensionRequest.objects.count() == 1
    services.extension_decide(extension=first, actor=office_user, approve=False)
    services.extension_request(grievance=grievance, actor=unit_user, days=5, reason="乙")
    assert ExtensionRequest.objects.count() == 2


def test_extensions_are_asked_by_the_unit_while_handling_and_decided_by_the_office(
    unit, unit_user, other_unit_user
):
    assigned = grievance_in(Status.ASSIGNED, unit)
    handled = grievance_in(Status.IN_PROGRESS, unit)
    with pytest.raises(ValidationError):
        services.extension_request(grievance=assigned, actor=unit_user, days=3, reason="原因")
    with pytest.raises(PermissionDenied):
        services.extension_request(grievance=handled, actor=other_unit_user, days=3, reason="x")
    with pytest.raises(ValidationError):
        services.extension_request(grievance=handled, actor=unit_user, days=3, reason="  ")
    extension = services.extension_request(
        grievance=handled, actor=unit_user, days=3, reason="原因"
    )
    with pytest.raises(PermissionDenied):
        services.extension_decide(extension=extension, actor=unit_user, approve=True)


# --- Mediation, surveys, policies, the personal-data log --------------------------------------


def test_mediation_of_a_dispute_from_opening_to_agreement(unit, unit_user):
    grievance = grievance_in(Status.IN_PROGRESS, unit, category="labour_dispute")
    mediation = services.mediation_open(
        grievance=grievance,
        actor=unit_user,
        applied_on=date(2026, 6, 2),
        parties="职工李某\n某建材商行",
        mediator=unit_user,
    )
    services.mediation_session_add(
        mediation=mediation, actor=unit_user, held_at=RECEIVED_AT + timedelta(days=3)
    )
    services.mediation_conclude(
        mediation=mediation,
        actor=unit_user,
        outcome="agreement",
        concluded_on=date(2026, 6, 10),
        amount_agreed=12000,
    )
    mediation.refresh_from_db()
    assert (mediation.outcome, mediation.amount_agreed, mediation.sessions.count()) == (
        "agreement",
        12000,
        1,
    )
    with pytest.raises(ValidationError):
        services.mediation_session_add(
            mediation=mediation, actor=unit_user, held_at=RECEIVED_AT + timedelta(days=20)
        )
    with pytest.raises(ValidationError):
        services.mediation_conclude(
            mediation=mediation,
            actor=unit_user,
            outcome="withdrawn",
            concluded_on=date(2026, 6, 20),
        )


def test_only_disputes_go_to_mediation(unit, unit_user):
    grievance = grievance_in(Status.IN_PROGRESS, unit, category="opinion")
    with pytest.raises(ValidationError):
        services.mediation_open(
            grievance=grievance,
            actor=unit_user,
            applied_on=date(2026, 6, 2),
            parties="甲\n乙",
            mediator=unit_user,
        )
    assert not Mediation.objects.exists()

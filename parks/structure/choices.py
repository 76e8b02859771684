"""Vocabularies of the park structure and its people, stored as text so rows read well in SQL."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("District reform office staff")
    SUBDISTRICT = "subdistrict", _("Subdistrict staff")
    PARK_MANAGER = "park_manager", _("Park manager")
    LIAISON = "liaison", _("Grid liaison")
    INSTRUCTOR = "instructor", _("Instructor")
    OBSERVER = "observer", _("Observer")
    MEMBER_UNIT = "member_unit", _("Member-unit staff")


# Roles whose work is inside one park: the user row must name that park.
PARK_ROLES = (Role.PARK_MANAGER, Role.LIAISON, Role.INSTRUCTOR)


class OrganisationKind(models.TextChoices):
    DISTRICT_OFFICE = "district_office", _("District reform office")
    SUBDISTRICT_OFFICE = "subdistrict_office", _("Subdistrict reform office")
    MEMBER_UNIT = "member_unit", _("Joint-meeting member unit")
    PARK_COMMITTEE = "park_committee", _("Park management / market party committee")
    UNION_FEDERATION = "union_federation", _("Industry trade-union federation")


# Organisations that exist inside one park.
PARK_ORGANISATION_KINDS = (OrganisationKind.PARK_COMMITTEE, OrganisationKind.UNION_FEDERATION)


class ParkKind(models.TextChoices):
    INDUSTRIAL_PARK = "industrial_park", _("Industrial park")
    MARKET = "market", _("Market")
    OFFICE_BUILDING = "office_building", _("Office building")


class PilotStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    PILOT = "pilot", _("Pilot")
    NEWLY_CULTIVATED = "newly_cultivated", _("Newly cultivated pilot")
    GRADUATED = "graduated", _("Graduated")


# Every status past "candidate" was decided in a given year, which must be recorded.
DESIGNATED_STATUSES = (PilotStatus.PILOT, PilotStatus.NEWLY_CULTIVATED, PilotStatus.GRADUATED)


class FacilityKind(models.TextChoices):
    PARTY_BUILDING_ROOM = "party_building_room", _("Party-building room")
    GUIDANCE_STATION = "guidance_station", _("Reform guidance station")
    NURSING_ROOM = "nursing_room", _("Nursing room")
    WORKERS_LIBRARY = "workers_library", _("Workers' library")
    COUNSELLING_ROOM = "counselling_room", _("Psychological counselling room")
    RECREATION_ROOM = "recreation_room", _("Recreation room")
    TRAINING_BASE = "training_base", _("Training base")
    OTHER = "other", _("Other")

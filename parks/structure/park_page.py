"""What the park page (parks/park_detail.html) prints of the park, its industries, facilities
and organisations, as values `{% memo %}` can key (parks.templatetags.memo): its header and its
facts, grid zones and facilities are drawn once per set of values, not some hundred and fifty
template nodes on every request.

Each value carries the attribute names of the model it stands for (`park.get_kind_display`,
`park.subdistrict.name`, `facility.area_m2`…), so the template reads a model and its values
alike; tests/parks/test_park_page_kept.py draws the page from the models themselves and from
these, byte for byte. Numbers are the text the template would print (`localize`, as
`{{ value }}` does). The park's description is not among them: a long text no memo keys (the
page draws it every time, from the park).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import localize

from parks.structure.models import Facility, Industry, Organisation, Park


@dataclass(frozen=True)
class Named:
    """A related row the page prints by its name: an industry, the park's subdistrict."""

    name: str


@dataclass(frozen=True)
class ParkShown:
    """The park as its page's header and facts print it."""

    pk: int
    name: str
    pilot_status: str
    get_pilot_status_display: str
    get_kind_display: str
    subdistrict: Named
    motto: str
    designation_year: int | None
    address: str
    honour_list: tuple[str, ...]

    @classmethod
    def of(cls, park: Park) -> "ParkShown":
        return cls(
            pk=park.pk,
            name=park.name,
            pilot_status=str(park.pilot_status),  # a choice as text, as the page prints it
            get_pilot_status_display=park.get_pilot_status_display(),
            get_kind_display=park.get_kind_display(),
            subdistrict=Named(park.subdistrict.name),
            motto=park.motto,
            designation_year=park.designation_year,
            address=park.address,
            honour_list=tuple(park.honour_list),
        )


@dataclass(frozen=True)
class FacilityShown:
    """A facility as the page's list prints it."""

    pk: int
    name: str
    get_kind_display: str
    location: str
    area_m2: str  # as `{{ facility.area_m2 }}` prints the decimal

    @classmethod
    def of(cls, facility: Facility) -> "FacilityShown":
        return cls(
            pk=facility.pk,
            name=facility.name,
            get_kind_display=facility.get_kind_display(),
            location=facility.location,
            area_m2=localize(facility.area_m2),
        )


@dataclass(frozen=True)
class OrganisationShown:
    """An organisation as the page's facts print it."""

    pk: int
    name: str
    get_kind_display: str

    @classmethod
    def of(cls, organisation: Organisation) -> "OrganisationShown":
        return cls(
            pk=organisation.pk,
            name=organisation.name,
            get_kind_display=organisation.get_kind_display(),
        )


def shown(
    park: Park,
    industries: list[Industry],
    facilities: list[Facility],
    organisations: list[Organisation],
) -> dict:
    """The page's values of the park and its rows, under the names its template reads."""
    area: Decimal | int = sum(facility.area_m2 for facility in facilities)
    return {
        "shown_park": ParkShown.of(park),
        "industries": tuple(Named(industry.name) for industry in industries),
        "facilities": tuple(FacilityShown.of(facility) for facility in facilities),
        "facility_area": localize(area),
        "organisations": tuple(OrganisationShown.of(org) for org in organisations),
    }

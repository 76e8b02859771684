"""How a filter's select names a park, a grid zone, a unit or a person, from the columns that
hold the name (parks.core.filter_bar.label_by_columns), so that a select of hundreds of rows
builds no model instances. Each label is the text the row's own str() gives, or for a grid zone
in a district-wide list, its park's name before it."""

from collections.abc import Callable

from django import forms

from parks.core.filter_bar import label_by_columns


def person_name(display_name: str, username: str) -> str:
    """A person as the portal names them (User.__str__)."""
    return display_name or username


# The columns person_name reads (User.__str__).
PERSON_COLUMNS = ("display_name", "username")
# The columns a grid zone's own str() reads (GridZone.__str__: "W01 一区").
ZONE_COLUMNS = ("code", "name")


def zone_in_park(park_name: str, code: str, name: str) -> str:
    """A grid zone among the district's: 盛阳食品城 · W01 一区."""
    return f"{park_name} · {code} {name}"


def _same(name: str) -> str:
    return name


# field kind -> (columns, label of those columns)
LABELS: dict[str, tuple[tuple[str, ...], Callable[..., str]]] = {
    # Park, Subdistrict and Organisation are their names (their __str__).
    "name": (("name",), _same),
    "zone_in_park": (("park__name", "code", "name"), zone_in_park),
    "person": (PERSON_COLUMNS, person_name),
}


def name_choices(field: forms.ModelChoiceField, kind: str) -> None:
    """Give `field` the labels of `kind` (a key of LABELS)."""
    columns, label = LABELS[kind]
    label_by_columns(field, columns, label)

"""A nested list of rows copied and bound only for a response that shows some
(parks.core.api.reading).

DRF copies a field holding others (a nested serializer with `many=True`) whole for every
response and binds the copy to it: for a grievance's attachments, a deep copy of two
serializers and their fields, on every detail and list page. DRF's ListSerializer writes an
empty list as `[]` whatever its child (`[child.to_representation(row) for row in []]`), so a
response whose rows have no such rows needs no copy: the step made here writes `[]` for an
empty prefetched list, and copies and binds the field as DRF does (`bound_step`) the first
time a row has rows, or has none prefetched (the field's own path then reads them).
"""

from collections.abc import Callable
from typing import Any

from rest_framework import serializers
from rest_framework.fields import Field

LazyStep = tuple[str, Callable[[Any], Any], Callable[[Any], Any], None, None]


def bound_on_use(
    field: Field, name: str, prefetched_key: str, bound_step: Callable[[], tuple]
) -> LazyStep | None:
    """The step of `field`, a built, unbound ListSerializer of DRF's own class named `name`
    whose rows a page keeps at `prefetched_key` of each row's __dict__, binding a copy only
    when a value needs it (module docstring); None for any other field."""
    if type(field) is not serializers.ListSerializer or field.source not in (None, name):
        return None
    made: list[tuple] = []

    def step() -> tuple:
        if not made:
            made.append(bound_step())
        return made[0]

    def read(row: Any) -> Any:
        prefetched = row.__dict__.get(prefetched_key)
        return step()[1](row) if prefetched is None else prefetched

    def represent(value: Any) -> Any:
        if type(value) is list and not value:
            return []
        return step()[2](value)

    return name, read, represent, None, None

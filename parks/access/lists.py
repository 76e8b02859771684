"""A planned API list whose rows depend on their user's scope alone (parks.core.api.planned),
and a FilterSet whose fields do (parks.core.filtersets)."""

from collections.abc import Hashable

from parks.access.scope import scope_key
from parks.core.api.planned import PlannedListMixin
from parks.core.filtersets import OwnFieldsFilterSet


class ScopedPlannedListMixin(PlannedListMixin):
    """PlannedListMixin keyed on the user's access.scope_key: for a list whose SQL holds
    nothing of its user but the scope (not the user's own id: a "mine" list keys its plans
    itself)."""

    def list_scope(self) -> Hashable:
        return scope_key(self.request.user)  # type: ignore[attr-defined]


class ScopedFieldsFilterSet(OwnFieldsFilterSet):
    """OwnFieldsFilterSet whose form class is built once per user's access.scope_key: for a
    FilterSet each of whose fields reads nothing of the request but the rows a rule of
    parks.access lets its user see (access.for_request, or a rule of the user's scope)."""

    def fields_key(self) -> Hashable | None:
        return None if self.request is None else scope_key(self.request.user)

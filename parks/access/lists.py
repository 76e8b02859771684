"""A planned API list whose rows depend on their user's scope alone (parks.core.api.planned)."""

from collections.abc import Hashable

from parks.access.scope import scope_key
from parks.core.api.planned import PlannedListMixin


class ScopedPlannedListMixin(PlannedListMixin):
    """PlannedListMixin keyed on the user's access.scope_key: for a list whose SQL holds
    nothing of its user but the scope (not the user's own id: a "mine" list keys its plans
    itself)."""

    def list_scope(self) -> Hashable:
        return scope_key(self.request.user)  # type: ignore[attr-defined]

"""The grievance page's history cards as the plain values they print: the mediation, the
extensions and who saw the personal data. Each card is drawn once per set of its values (and
language and time zone: `{% memo %}`, parks.templatetags.memo), not some forty template nodes
on every request; the extension decision form's CSRF input is put in at a `{% hole %}`.

Each value is what the card's template printed from the rows: dates as `|date:"Y-m-d"`,
moments as `|minute`, people as their names (User.__str__), labels as the models'
get_…_display in the page's language. tests/grievances/test_grievance_page_cards.py pins each
card against its template drawn from the rows.
"""

from dataclasses import dataclass

from django.utils.formats import localize

from grievances.choices import ExtensionState
from parks.core.dates import day_text, minute_text


@dataclass(frozen=True)
class SessionShown:
    held_at: str
    place: str
    notes: str


@dataclass(frozen=True)
class MediationShown:
    """A mediation under way or concluded, as its card prints it."""

    may_seek_arbitration: bool
    last_day: str
    applied_on: str
    arbitration_opens_on: str
    days_left: int
    outcome: str
    outcome_label: str
    concluded_on: str
    amount_agreed: str | None  # localized, as {% blocktranslate %} prints a Decimal
    parties: str  # as this user may see them (selectors.parties_shown)
    offers_reveal: bool  # the "show personal data" button beside the parties
    mediator: str
    sessions: tuple[SessionShown, ...]


@dataclass(frozen=True)
class MediationCard:
    grievance_pk: int
    can_open: bool
    can_add: bool
    mediation: MediationShown | None
    mediation_days: int  # what the card says of a dispute not yet mediated


def mediation_card(panel: dict, grievance, personal: dict, mediation_days: int) -> MediationCard:
    """The card for the page's mediation panel (views.detail._mediation_panel)."""
    found = panel["mediation"]
    shown = None
    if found is not None:
        shown = MediationShown(
            may_seek_arbitration=panel["may_seek_arbitration"],
            last_day=day_text(panel["last_day"]),
            applied_on=day_text(found.applied_on),
            arbitration_opens_on=day_text(panel["arbitration_opens_on"]),
            days_left=panel["days_left"],
            outcome=found.outcome,
            outcome_label=str(found.get_outcome_display()),
            concluded_on=day_text(found.concluded_on),
            amount_agreed=None if found.amount_agreed is None else localize(found.amount_agreed),
            parties=personal["parties"],
            offers_reveal=personal["offers_reveal"],
            mediator=str(found.mediator),
            sessions=tuple(
                SessionShown(minute_text(held.held_at), held.place, held.notes)
                for held in panel["sessions"]
            ),
        )
    return MediationCard(
        grievance_pk=grievance.pk,
        can_open=bool(panel.get("can_open")),
        can_add=bool(panel.get("can_add")),
        mediation=shown,
        mediation_days=mediation_days,
    )


@dataclass(frozen=True)
class ExtensionRow:
    pk: int
    days: int
    requested_by: str
    requested_at: str
    state: str
    state_label: str
    reason: str
    decided_by: str | None
    decided_at: str
    decidable: bool  # the decision form is drawn under it


def extension_rows(extensions, *, can_decide: bool) -> tuple[ExtensionRow, ...]:
    return tuple(
        ExtensionRow(
            pk=extension.pk,
            days=extension.days,
            requested_by=str(extension.requested_by),
            requested_at=minute_text(extension.requested_at),
            state=extension.state,
            state_label=str(extension.get_state_display()),
            reason=extension.reason,
            decided_by=None if extension.decided_by is None else str(extension.decided_by),
            decided_at="" if extension.decided_at is None else minute_text(extension.decided_at),
            decidable=can_decide and extension.state == ExtensionState.PENDING,
        )
        for extension in extensions
    )


@dataclass(frozen=True)
class DataViewRow:
    at: str
    viewer: str
    via_label: str


def data_view_rows(views) -> tuple[DataViewRow, ...] | None:
    if views is None:
        return None
    return tuple(
        DataViewRow(minute_text(view.at), str(view.viewer), str(view.get_via_display()))
        for view in views
    )

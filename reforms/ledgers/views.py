"""The reform ledgers (台账): the period's totals of every ledger at a glance, and per ledger a
list with the totals and months of what is filtered, forms to record and correct rows, the
proposal workflow and the Excel export.

Rows come through reforms.ledgers.selectors.ledger_visible_to, so a row outside the user's scope is
a 404 whether it exists or not; a row in scope that the user may not write is a 403. Totals are
SQL aggregates (selectors.ledger_totals, one query per ledger); every write goes through
reforms.services.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_POST

from parks.core.dates import period_presets
from parks.core.filter_bar import filter_bar
from parks.core.row_urls import named_url
from parks.core.view_helpers import paginate, save_form
from reforms.ledgers import policy, selectors, services
from reforms.ledgers.choices import ProposalStatus, PublicityChannel
from reforms.ledgers.filters import (
    CarePaymentFilter,
    ProposalFilter,
    PublicityFilter,
    TrainingFilter,
)
from reforms.ledgers.forms import (
    CarePaymentForm,
    ProposalAdvanceForm,
    ProposalForm,
    PublicityForm,
    TrainingForm,
)
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training

COUNT, YUAN, HOURS = "count", "yuan", "hours"


def _care_figures():
    return [
        ("entries", _("Entries"), COUNT),
        ("recipients", _("People paid"), COUNT),
        ("amount", _("Amount (yuan)"), YUAN),
    ]


def _publicity_figures():
    return [("entries", _("Entries"), COUNT)] + [
        (channel.value, channel.label, COUNT) for channel in PublicityChannel
    ]


def _training_figures():
    return [
        ("entries", _("Courses"), COUNT),
        ("hours", _("Hours"), HOURS),
        ("trainees", _("Trainees"), COUNT),
        ("certificates", _("Certificates"), COUNT),
    ]


def _proposal_figures():
    return [
        ("entries", _("Entries"), COUNT),
        ("innovations", _("Innovations"), COUNT),
        *((status.value, status.label, COUNT) for status in ProposalStatus),
        ("benefit_amount", _("Benefit (yuan)"), YUAN),
        ("reward_amount", _("Rewards (yuan)"), YUAN),
    ]


@dataclass(frozen=True)
class Ledger:
    """One ledger's page pieces: its rows, filters, form, names and what its totals show."""

    kind: str  # in the export URL and the templates
    url_prefix: str  # reforms:<prefix>_list / _create / _edit
    model: type
    filter_class: type
    form_class: type
    title: Promise
    icon: str
    figures: object  # () -> [(key in ledger_totals, label, COUNT | YUAN | HOURS)]
    # The figure the overview card shows large.
    headline: str
    # Filters shown as selects beside the park and subdistrict.
    extra_filters: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    money_fields: tuple[str, ...] = ()

    def url(self, action: str, *args) -> str:
        name = f"reforms:{self.url_prefix}_{action}"
        # A page without arguments (the list a park's ledger panel links to) reversed once.
        return reverse(name, args=args) if args else named_url(name)


LEDGERS = {
    "care": Ledger(
        kind="care",
        url_prefix="care_payment",
        model=CarePayment,
        filter_class=CarePaymentFilter,
        form_class=CarePaymentForm,
        title=gettext_lazy("Care and subsidies"),
        icon="bi-heart",
        figures=_care_figures,
        headline="amount",
        related=("activity",),
        money_fields=("amount",),
    ),
    "publicity": Ledger(
        kind="publicity",
        url_prefix="publicity",
        model=Publicity,
        filter_class=PublicityFilter,
        form_class=PublicityForm,
        title=pgettext_lazy("ledger", "Publicity"),
        icon="bi-megaphone",
        figures=_publicity_figures,
        headline="entries",
        extra_filters=("channel", "district_wide"),
    ),
    "training": Ledger(
        kind="training",
        url_prefix="training",
        model=Training,
        filter_class=TrainingFilter,
        form_class=TrainingForm,
        title=gettext_lazy("Skills training"),
        icon="bi-mortarboard",
        figures=_training_figures,
        headline="trainees",
    ),
    "proposal": Ledger(
        kind="proposal",
        url_prefix="proposal",
        model=Proposal,
        filter_class=ProposalFilter,
        form_class=ProposalForm,
        title=gettext_lazy("Proposals and innovations"),
        icon="bi-lightbulb",
        figures=_proposal_figures,
        headline="entries",
        extra_filters=("kind", "status"),
        money_fields=("benefit_amount", "reward_amount"),
    ),
}


def ledger_of(kind: str) -> Ledger:
    try:
        return LEDGERS[kind]
    except KeyError:
        raise Http404 from None


def yuan(value) -> str:
    """Yuan with thousands separators and two decimals (42,000.00); the Chinese locale's own
    number format has no separator, which makes large sums hard to read."""
    return "—" if value is None else f"{value:,.2f}"


def _formatted(value, style) -> str:
    if style == YUAN:
        return yuan(value)
    if style == HOURS:
        return f"{value:,.1f}".removesuffix(".0")
    return f"{value:,}"


def _figures(ledger: Ledger, sums: dict) -> list[dict]:
    return [
        {"key": key, "label": label, "value": sums[key], "text": _formatted(sums[key], style)}
        for key, label, style in ledger.figures()
    ]


# --- The period -----------------------------------------------------------------------------


def _with_period(request):
    return period_filters(request.GET)


def period_filters(query):
    """The filters, with this year as the period unless one is chosen; `period=all` asks for
    every date."""
    data = query.copy()
    data.pop("page", None)
    if not data.get("date_from") and not data.get("date_to") and "period" not in data:
        today = timezone.localdate()
        data["date_from"] = date(today.year, 1, 1).isoformat()
        data["date_to"] = today.isoformat()
    return data


def _preset_links(data) -> list[dict]:
    """Quick period links that keep the scope and the other filters and replace the period."""
    today = timezone.localdate()
    links = []
    for preset in period_presets(today, last_12_months=True):
        query = data.copy()
        query.pop("period", None)
        query["date_from"] = preset["start"].isoformat()
        query["date_to"] = today.isoformat()
        active = (
            data.get("date_from") == query["date_from"]
            and data.get("date_to") == (query["date_to"])
        )
        links.append({**preset, "url": f"?{query.urlencode()}", "active": active})
    everything = data.copy()
    everything.pop("date_from", None)
    everything.pop("date_to", None)
    everything["period"] = "all"
    links.append(
        {
            "key": "all",
            "label": _("All time"),
            "url": f"?{everything.urlencode()}",
            "active": not data.get("date_from") and not data.get("date_to"),
        }
    )
    return links


def filtered_ledger(request, ledger: Ledger, data):
    """The visible rows of a ledger after its filters. A filter naming something unknown or
    hidden, or a malformed date, matches nothing rather than being ignored."""
    rows = selectors.ledger_visible_to(ledger.model, request.user)
    if ledger.related:
        rows = rows.select_related(*ledger.related)
    row_filter = ledger.filter_class(data, queryset=rows, request=request)
    return row_filter, (row_filter.qs.none() if row_filter.errors else row_filter.qs)


def _filter_bar(row_filter, data, ledger: Ledger | None = None) -> dict:
    names = ("park", "subdistrict", *(ledger.extra_filters if ledger else ()))
    # "All time" is a choice of its own, kept until a date is typed.
    all_time = "period" in data and not (data.get("date_from") or data.get("date_to"))
    bar = filter_bar(
        row_filter,
        search="q" if ledger else None,
        selects=names,
        dates=("date_from", "date_to"),
        hidden={"period": "all" if all_time else ""},
        # "Channel" alone is the grievance channel (诉求渠道) in the catalogue.
        labels={"channel": pgettext("publicity", "Channel")},
        choices={"district_wide": [("true", _("District-wide only")), ("false", _("Parks only"))]},
    )
    bar["presets"] = _preset_links(data)
    return bar


# --- Pages ----------------------------------------------------------------------------------


@login_required
def ledger_overview(request):
    """One card per ledger with its totals for the chosen period and scope."""
    data = _with_period(request)
    # Only the scope and the period apply here; a list's own filters stay on the list.
    for name in ("q", "channel", "district_wide", "kind", "status"):
        data.pop(name, None)
    cards, bar = [], None
    for ledger in LEDGERS.values():
        row_filter, rows = filtered_ledger(request, ledger, data)
        if bar is None:
            bar = _filter_bar(row_filter, data)
        figures = _figures(ledger, selectors.ledger_totals(rows))
        headline = next(figure for figure in figures if figure["key"] == ledger.headline)
        cards.append(
            {
                "ledger": ledger,
                "headline": headline,
                "figures": [figure for figure in figures if figure is not headline],
                "url": f"{ledger.url('list')}?{data.urlencode()}",
                "new_url": ledger.url("create"),
            }
        )
    return render(
        request,
        "reforms/ledgers/overview.html",
        {
            "nav": "ledgers",
            "cards": cards,
            "bar": bar,
            "can_record": policy.may_record_ledgers(request.user),
        },
    )


@login_required
def ledger_list(request, kind):
    ledger = ledger_of(kind)
    data = _with_period(request)
    row_filter, rows = filtered_ledger(request, ledger, data)
    totals = _figures(ledger, selectors.ledger_totals(rows))
    months = [
        {
            "month": row["month"],
            "cells": [figure["text"] for figure in _figures(ledger, row)],
        }
        for row in selectors.ledger_by_month(rows)
    ]
    page = paginate(request, rows)
    page.object_list = list(page.object_list)
    for row in page.object_list:
        row.can_edit = policy.may_write_ledger(request.user, row.park)
        for field in ledger.money_fields:
            setattr(row, f"{field}_yuan", yuan(getattr(row, field)))
    return render(
        request,
        "reforms/ledgers/list.html",
        {
            "nav": "ledgers",
            "ledger": ledger,
            "rows_template": f"reforms/ledgers/_rows_{ledger.kind}.html",
            "bar": _filter_bar(row_filter, data, ledger),
            "totals": totals,
            "figure_labels": [figure["label"] for figure in totals],
            "months": months,
            "page": page,
            "query": data.urlencode(),
            "list_url": ledger.url("list"),
            "new_url": ledger.url("create"),
            "can_record": policy.may_record_ledgers(request.user),
        },
    )


# --- Recording and correcting -----------------------------------------------------------------


def _writable(request, ledger: Ledger, pk):
    entry = get_object_or_404(selectors.ledger_visible_to(ledger.model, request.user), pk=pk)
    if not policy.may_write_ledger(request.user, entry.park):
        raise PermissionDenied
    return entry


def _form_page(request, ledger: Ledger, entry, *, data=None, advance=None):
    is_new = entry.pk is None
    form = ledger.form_class(data, instance=entry, user=request.user)
    if data is not None and form.is_valid():
        saved = save_form(
            form,
            lambda: services.ledger_save(
                entry=form.save(commit=False),
                actor=request.user,
                fields=None if is_new else form.changed_data,
            ),
        )
        if saved:
            messages.success(request, _("“%(entry)s” saved.") % {"entry": saved})
            return redirect(ledger.url("list"))
    if is_new:
        title = _("New entry: %(ledger)s") % {"ledger": ledger.title}
    else:
        title = _("Edit “%(entry)s”") % {"entry": entry}
    context = {
        "nav": "ledgers",
        "ledger": ledger,
        "form": form,
        "entry": None if is_new else entry,
        "title": title,
        "list_url": ledger.url("list"),
        "delete_url": None if is_new else ledger.url("delete", entry.pk),
    }
    if isinstance(entry, Proposal) and not is_new:
        context["moves"] = _proposal_moves(request.user, entry, advance)
        # Errors of the step as a whole, and of the hidden status (a move that does not exist).
        context["advance_errors"] = (
            [*advance.non_field_errors(), *advance["to_status"].errors]
            if advance is not None and advance.errors
            else []
        )
    return render(request, "reforms/ledgers/form.html", context)


@login_required
def ledger_create(request, kind):
    ledger = ledger_of(kind)
    if not policy.may_record_ledgers(request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    return _form_page(request, ledger, ledger.model(), data=data)


@login_required
def ledger_edit(request, kind, pk):
    ledger = ledger_of(kind)
    entry = _writable(request, ledger, pk)
    data = request.POST if request.method == "POST" else None
    return _form_page(request, ledger, entry, data=data)


@login_required
def ledger_delete(request, kind, pk):
    """Remove a row recorded by mistake, after a confirmation page."""
    ledger = ledger_of(kind)
    entry = _writable(request, ledger, pk)
    if request.method == "POST":
        services.ledger_delete(entry=entry, actor=request.user)
        messages.success(request, _("“%(entry)s” deleted.") % {"entry": entry})
        return redirect(ledger.url("list"))
    return render(
        request,
        "reforms/ledgers/delete.html",
        {"nav": "ledgers", "ledger": ledger, "entry": entry, "list_url": ledger.url("list")},
    )


# --- The proposal workflow ------------------------------------------------------------------


def _move_label(to_status):
    return {
        ProposalStatus.EVALUATED: _("Mark evaluated"),
        ProposalStatus.ADOPTED: _("Adopt"),
        ProposalStatus.REWARDED: _("Record the reward"),
        ProposalStatus.NOT_ADOPTED: pgettext("proposal move", "Not adopted"),
    }[to_status]


def _move_id(to_status) -> str:
    # Each move's form has its own ids, so two forms on the page never share one.
    return f"id_{to_status if to_status in ProposalStatus.values else 'move'}_%s"


def _proposal_moves(user, proposal, advance=None) -> list[dict]:
    """The next statuses reforms.policy lets this user move the proposal to, each with its own
    small form; the one just refused keeps what was typed and its errors."""
    moves = []
    for to_status in policy.proposal_moves(user, proposal):
        form = ProposalAdvanceForm(
            initial={"to_status": to_status.value}, auto_id=_move_id(to_status.value)
        )
        if advance is not None and advance["to_status"].value() == to_status.value:
            form = advance
        moves.append({"to": to_status.value, "label": _move_label(to_status), "form": form})
    return moves


@login_required
@require_POST
def proposal_advance(request, pk):
    """Move a proposal on. A move its status does not allow is refused with the reason."""
    ledger = LEDGERS["proposal"]
    proposal = _writable(request, ledger, pk)
    form = ProposalAdvanceForm(request.POST, auto_id=_move_id(request.POST.get("to_status")))
    if form.is_valid():
        moved = save_form(
            form,
            lambda: services.proposal_advance(
                proposal=proposal,
                actor=request.user,
                to_status=form.cleaned_data["to_status"],
                **form.step_values(),
            ),
        )
        if moved:
            messages.success(
                request,
                _("“%(entry)s” is now “%(status)s”.")
                % {"entry": moved, "status": moved.get_status_display()},
            )
            return redirect(moved)
    return _form_page(request, ledger, proposal, advance=form)

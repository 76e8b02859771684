"""The briefing's second section, the handling of workers' grievances (职工诉求办理): the
grievances received, the three rates of 接诉即办 with their change, the same rates by handling
unit, and the survey funnel.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reforms.reporting import shape, spec
from reforms.reporting.briefing_figures import Figures
from reforms.reporting.briefing_words import (
    GRIEVANCES,
    Paragraph,
    Table,
    Words,
    figure_text,
)


def grievances(figures: Figures, words: Words, snapshot: dict) -> list:
    received = figures.now("grievances.received")
    change = words.change(received, figures.before("grievances.received"), unit=GRIEVANCES)
    if not received:
        text = _("%(period)s, no worker grievance was received, %(change)s.")
        return [Paragraph(text % {"period": words.this, "change": change})]
    blocks = [
        Paragraph(
            ngettext(
                "%(period)s, %(received)s worker grievance was received, %(change)s.",
                "%(period)s, %(received)s worker grievances were received, %(change)s.",
                received,
            )
            % {"period": words.this, "received": received, "change": change}
        )
    ]
    for key in spec.RATES:
        path = f"grievances.{key}"
        figure = spec.period_figure(path)
        now = figures.now(path)
        if now is None:
            text = _("%(name)s: no figure, there being nothing to count it over.") % {
                "name": figure.label
            }
        else:
            text = _("%(name)s: %(rate)s, %(change)s.") % {
                "name": figure.label,
                "rate": figure_text(now, shape.PERCENT),
                "change": words.change(now, figures.before(path), shape.PERCENT),
            }
        blocks.append(Paragraph(text))
    units = unit_table(snapshot)
    if units.rows:
        blocks.append(Paragraph(_("By handling unit, the grievances received and their rates:")))
        blocks.append(units)
    funnel = {
        key: figures.now(f"grievances.funnel.{key}") or 0
        for key in ("handed_out", "returned", "opinions", "rectified")
    }
    if funnel["handed_out"] or funnel["opinions"]:
        text = _(
            "Satisfaction surveys: forms handed out %(handed_out)s, returned %(returned)s; "
            "opinions gathered %(opinions)s, rectified %(rectified)s."
        )
        blocks.append(Paragraph(text % funnel))
    return blocks


# The handling units' table: each unit's grievances of the period and the three rates of 接诉即办
# (the snapshot's `grievances_by_unit`, spec.UNIT_GRIEVANCES), most received first.
UNIT_COLUMNS = ("received", *spec.RATES)


def unit_table(snapshot: dict) -> Table:
    """The table of handling units; no rows for a report without any (or built before the
    figures per unit were added)."""
    headers = (
        spec.UNIT_GRIEVANCES["unit_name"].label,
        *(spec.UNIT_GRIEVANCES[key].heading for key in UNIT_COLUMNS),
    )
    rows = tuple(
        (
            row.get("unit_name") or "",
            *(figure_text(row.get(key), spec.UNIT_GRIEVANCES[key].kind) for key in UNIT_COLUMNS),
        )
        for row in snapshot.get("grievances_by_unit") or []
    )
    return Table(tuple(str(header) for header in headers), rows)

"""The briefing's third and fourth sections: grid work (网格工作) — the activities logged, by
kind, and grid coverage — and the ledgers (台账) — care and subsidies, publicity, training,
proposals.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reforms.reporting import shape, spec
from reforms.reporting.briefing_figures import Figures
from reforms.reporting.briefing_words import (
    ACTIVITIES,
    ITEMS,
    PEOPLE,
    PIECES,
    YUAN,
    Paragraph,
    Words,
    figure_text,
    listed,
)


def grid_work(figures: Figures, words: Words, snapshot: dict) -> list:
    count = figures.now("activities.count")
    change = words.change(count, figures.before("activities.count"), unit=ACTIVITIES)
    if count:
        blocks = [
            Paragraph(
                ngettext(
                    "%(period)s, %(count)s grid activity was logged, with %(participants)s "
                    "participants, %(change)s.",
                    "%(period)s, %(count)s grid activities were logged, with %(participants)s "
                    "participants, %(change)s.",
                    count,
                )
                % {
                    "period": words.this,
                    "count": count,
                    "participants": figures.now("activities.participants"),
                    "change": change,
                }
            )
        ]
        by_kind = figures.now("activities.by_kind") or {}
        kinds = [
            _("%(kind)s: %(count)s") % {"kind": part.label, "count": by_kind[part.key]["count"]}
            for part in spec.period_figure("activities.by_kind").group.fields
            if (by_kind.get(part.key) or {}).get("count")
        ]
        if kinds:
            blocks.append(Paragraph(_("By kind: %(kinds)s.") % {"kinds": listed(kinds)}))
    else:
        text = _("%(period)s, no grid activity was logged, %(change)s.")
        blocks = [Paragraph(text % {"period": words.this, "change": change})]
    coverage = snapshot.get("coverage") or {}
    if coverage.get("zones"):
        rate = "coverage.rate"
        text = _(
            "Grid zones: %(zones)s, with a liaison %(with_liaison)s, with activity logged "
            "%(covered)s; grid coverage %(rate)s, %(change)s."
        ) % {
            "zones": coverage[spec.COVERAGE["zones"].key],
            "with_liaison": coverage.get(spec.COVERAGE["zones_with_liaison"].key),
            "covered": figures.now("coverage.covered"),
            "rate": figure_text(figures.now(rate), shape.PERCENT),
            "change": words.change(figures.now(rate), figures.before(rate), shape.PERCENT),
        }
        blocks.append(Paragraph(text))
    else:
        blocks.append(Paragraph(_("No grid zone has been set up yet.")))
    return blocks


def ledgers(figures: Figures, words: Words, snapshot: dict) -> list:
    def change(path: str, unit, kind: str = shape.COUNT) -> str:
        return words.change(figures.now(path), figures.before(path), kind, unit)

    blocks = []
    if figures.now("care.entries"):
        text = _(
            "Care and subsidies: payments %(entries)s, people paid %(recipients)s, amount "
            "%(amount)s yuan, %(change)s."
        ) % {
            "recipients": figures.now("care.recipients"),
            "amount": figures.now("care.amount"),
            "entries": figures.now("care.entries"),
            "change": change("care.amount", YUAN, shape.YUAN),
        }
    else:
        text = _("%(period)s, no care or subsidy payment was recorded, %(change)s.") % {
            "period": words.this,
            "change": change("care.amount", YUAN, shape.YUAN),
        }
    blocks.append(Paragraph(text))

    entries = figures.now("publicity.entries")
    if entries:
        channels = [
            _("%(channel)s: %(count)s")
            % {"channel": figure.label, "count": figures.now(f"publicity.{figure.key}")}
            for figure in _listed_figures(_ledger_section("publicity"), snapshot)
            if figures.now(f"publicity.{figure.key}")
        ]
        text = _("Publicity: %(entries)s pieces in all (%(channels)s), %(change)s.") % {
            "entries": entries,
            "channels": listed(channels),
            "change": change("publicity.entries", PIECES),
        }
    else:
        text = _("%(period)s, no publicity was recorded, %(change)s.") % {
            "period": words.this,
            "change": change("publicity.entries", PIECES),
        }
    blocks.append(Paragraph(text))

    if figures.now("training.entries"):
        text = _(
            "Skills training: courses %(entries)s, hours %(hours)s, trainees %(trainees)s, "
            "certificates earned %(certificates)s, %(change)s."
        ) % {
            "entries": figures.now("training.entries"),
            "hours": figures.now("training.hours"),
            "trainees": figures.now("training.trainees"),
            "certificates": figures.now("training.certificates"),
            "change": change("training.trainees", PEOPLE),
        }
    else:
        text = _("%(period)s, no training course was recorded, %(change)s.") % {
            "period": words.this,
            "change": change("training.trainees", PEOPLE),
        }
    blocks.append(Paragraph(text))

    if figures.now("proposals.entries"):
        text = _(
            "Proposals and innovations submitted: %(entries)s, technical innovations among "
            "them %(innovations)s, %(change)s."
        ) % {
            "entries": figures.now("proposals.entries"),
            "innovations": figures.now("proposals.innovations"),
            "change": change("proposals.entries", ITEMS),
        }
    else:
        text = _("%(period)s, no proposal or innovation was submitted, %(change)s.") % {
            "period": words.this,
            "change": change("proposals.entries", ITEMS),
        }
    blocks.append(Paragraph(text))
    return blocks


def _ledger_section(key: str) -> shape.Section:
    return next(section for section in spec.LEDGER_SECTIONS if section.key == key)


def _listed_figures(section: shape.Section, snapshot: dict) -> list[shape.Figure]:
    """A section's one-per-choice figures, in the order the snapshot lists them."""
    by_key = {figure.key: figure for figure in section.figures() if figure.choices is not None}
    order = snapshot.get(section.listed_in) or list(by_key)
    return [by_key[key] for key in order if key in by_key]

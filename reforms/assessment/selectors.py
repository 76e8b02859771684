"""What the assessment's API, the Excel ranking and the Word notice read: a period's ranking with
its 红榜 and 黑榜, a score's indicators as computed, and the shortfalls that cost a subject the
most points.

Every score comes through parks.access.assessment_scores_visible: the office sees all of them,
the assessed only their own published ones.

(h15out's minimal version, with the names and signatures of h15web's fuller module: the merge
keeps theirs.)"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, Q, QuerySet

from parks.access import AnyUser, assessment_scores_visible, is_district_office
from reforms.assessment.indicators import INDICATORS
from reforms.assessment.models import Scheme, Score

ZERO = Decimal("0")
SUBJECTS = ("unit", "subdistrict", "park")
# How many indicators a row of the ranking and the notice name as a subject's main shortfalls.
SHORTFALLS_SHOWN = 3


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator of a score, as Score.inputs keeps it."""

    key: str
    term: str
    applies: bool
    value: Decimal | None
    weight: Decimal
    weight_used: Decimal
    points: Decimal

    @property
    def lost(self) -> Decimal:
        """Points the indicator could have earned and did not (its weight after any
        redistribution, less its points); nothing for one that does not apply."""
        return max(self.weight_used - self.points, ZERO) if self.applies else ZERO


def _row(entry: dict) -> IndicatorRow:
    """One row of Score.inputs (reforms.assessment.scoring writes them: "applicable" and
    "effective_weight"; "applies" and "weight_used" are h15web's spelling of the same)."""
    key = str(entry.get("indicator", ""))
    known = INDICATORS.get(key)
    weight = _decimal(entry.get("weight")) or ZERO
    weight_used = _decimal(entry.get("effective_weight", entry.get("weight_used")))
    return IndicatorRow(
        key=key,
        term=known.term if known else key,
        applies=bool(entry.get("applicable", entry.get("applies", True))),
        value=_decimal(entry.get("value")),
        weight=weight,
        weight_used=weight if weight_used is None else weight_used,
        points=_decimal(entry.get("points")) or ZERO,
    )


def indicator_rows(score: Score) -> list[IndicatorRow]:
    """The score's indicators as it was computed, in the scheme's order."""
    return [_row(entry) for entry in score.inputs or [] if isinstance(entry, dict)]


def shortfalls(score: Score, *, limit: int = SHORTFALLS_SHOWN) -> list[IndicatorRow]:
    """The indicators that cost `score` the most points, most first (only those that lost
    some): the ranking's "main shortfalls" column and the notice's 黑榜 lines."""
    lost = [row for row in indicator_rows(score) if row.lost > 0]
    lost.sort(key=lambda row: (-row.lost, row.key))
    return lost[:limit]


@dataclass
class RankingRow:
    score: Score
    red: bool
    black: bool
    shortfalls: list[IndicatorRow]
    indicators: list[IndicatorRow]


@dataclass
class Ranking:
    """A scheme's period ranked. `rows` are the scores the user may see, best first; `size` is
    how many subjects the period ranks (what "rank r of n" counts)."""

    scheme: Scheme
    period_kind: str
    period_start: date
    period_end: date | None
    rows: list[RankingRow]
    size: int
    unpublished: int
    everyone: bool
    columns: list[IndicatorRow] = field(default_factory=list)

    @property
    def red_rows(self) -> list[RankingRow]:
        return [row for row in self.rows if row.red]

    @property
    def black_rows(self) -> list[RankingRow]:
        return [row for row in self.rows if row.black]


def period_scores(scheme: Scheme, period_kind: str, period_start: date) -> QuerySet[Score]:
    return Score.objects.filter(scheme=scheme, period_kind=period_kind, period_start=period_start)


PeriodKey = tuple[int, str, date]


@dataclass(frozen=True)
class Standing:
    """A rank among a period's ranked subjects: `ranks` counts the subjects at each rank."""

    rank: int | None
    ranks: dict[int, int]

    @property
    def size(self) -> int:
        return sum(self.ranks.values())

    @property
    def better(self) -> int:
        return sum(n for rank, n in self.ranks.items() if self.rank and rank < self.rank)

    @property
    def worse(self) -> int:
        return sum(n for rank, n in self.ranks.items() if self.rank and rank > self.rank)


def list_flags(scheme: Scheme, standing: Standing) -> tuple[bool, bool]:
    """Whether a subject is on the 红榜 (fewer than the scheme's `red_list_size` subjects rank
    above it) or the 黑榜 (fewer than `black_list_size` rank below it). Equal totals share a
    rank, so a tie at the edge of a list is on it whole; a subject is never on both lists (a
    small period fills the 红榜 first)."""
    if standing.rank is None or not standing.size:
        return False, False
    red = standing.better < scheme.red_list_size
    black = not red and standing.worse < scheme.black_list_size
    return red, black


def rank_counts(scores: list[Score], *, published: bool = True) -> dict[PeriodKey, dict[int, int]]:
    """For each (scheme, period kind, start) of `scores`, how many (published) scores hold each
    rank: what "rank r of n" and the 红榜 / 黑榜 of a subject who sees only its own score are
    counted from. One query."""
    if not scores:
        return {}
    keys = {(score.scheme_id, score.period_kind, score.period_start) for score in scores}
    condition = Q(pk__in=[])
    for scheme_id, kind, start in keys:
        condition |= Q(scheme_id=scheme_id, period_kind=kind, period_start=start)
    rows = (
        Score.objects.filter(condition, rank__isnull=False)
        .filter(Q(published_at__isnull=False) if published else Q())
        .values("scheme_id", "period_kind", "period_start", "rank")
        .annotate(count=Count("pk"))
    )
    counts: dict[PeriodKey, dict[int, int]] = {}
    for row in rows:
        key = (row["scheme_id"], row["period_kind"], row["period_start"])
        rank = row["rank"]
        if rank is not None:  # always, by the filter above
            counts.setdefault(key, {})[rank] = row["count"]
    return counts


def standing(score: Score, counts: dict[PeriodKey, dict[int, int]]) -> Standing:
    return Standing(
        score.rank, counts.get((score.scheme_id, score.period_kind, score.period_start), {})
    )


def ranking(scheme: Scheme, period_kind: str, period_start: date, *, user: AnyUser) -> Ranking:
    """The period's scores the user may see, in rank order, each flagged 红榜 / 黑榜 and with its
    main shortfalls. The office sees every subject, published or not; the assessed their own
    published rows only, ranked among all the period's published scores."""
    everyone = is_district_office(user)
    scores = list(
        assessment_scores_visible(user, period_scores(scheme, period_kind, period_start))
        .select_related(*SUBJECTS)
        .order_by("rank", "-total", "pk")
    )
    if everyone:
        ranks: dict[int, int] = {}
        for score in scores:
            if score.rank is not None:
                ranks[score.rank] = ranks.get(score.rank, 0) + 1
        unpublished = sum(1 for score in scores if score.published_at is None)
    else:
        # Ranked among the published scores of the period, which the user does not see.
        ranks = next(iter(rank_counts(scores).values()), {})
        unpublished = 0
    rows = []
    for score in scores:
        red, black = list_flags(scheme, Standing(score.rank, ranks))
        rows.append(
            RankingRow(
                score=score,
                red=red,
                black=black,
                shortfalls=shortfalls(score),
                indicators=indicator_rows(score),
            )
        )
    return Ranking(
        scheme=scheme,
        period_kind=period_kind,
        period_start=period_start,
        period_end=scores[0].period_end if scores else None,
        rows=rows,
        size=sum(ranks.values()),
        unpublished=unpublished,
        everyone=everyone,
        columns=rows[0].indicators if rows else [],
    )

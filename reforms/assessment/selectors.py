"""What the assessment's pages, the API, the Excel ranking and the Word notice read: a period's
ranking with its 红榜 and 黑榜, a scheme's year trend, a score explained indicator by indicator,
and the shortfalls that cost a subject the most points.

Every score comes through parks.access.assessment_scores_visible: the office sees all of them,
the assessed only their own published ones."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from parks.access import AnyUser, assessment_scores_visible, is_district_office
from reforms.assessment.choices import AssessedPeriod
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
    """One indicator of a score, read from Score.inputs, with its name from the registry."""

    key: str
    term: str
    label: str
    definition: str
    lower_is_better: bool
    applies: bool
    part: int | None
    whole: int | None
    value: Decimal | None
    weight: Decimal
    weight_used: Decimal
    points: Decimal

    @property
    def lost(self) -> Decimal:
        """Points the indicator could have earned and did not (its weight after any
        redistribution, less its points); nothing for one that does not apply."""
        return max(self.weight_used - self.points, ZERO) if self.applies else ZERO

    @property
    def redistributed(self) -> bool:
        return self.weight_used != self.weight


def _row(entry: dict) -> IndicatorRow:
    """One row of Score.inputs (reforms.assessment.services writes them)."""
    key = str(entry.get("indicator", ""))
    known = INDICATORS.get(key)
    weight = _decimal(entry.get("weight")) or ZERO
    weight_used = _decimal(entry.get("effective_weight"))
    return IndicatorRow(
        key=key,
        term=known.term if known else key,
        label=str(known.label) if known else key,
        definition=str(known.note) if known else "",
        lower_is_better=bool(known and known.lower_is_better),
        applies=bool(entry.get("applicable", True)),
        part=entry.get("part"),
        whole=entry.get("whole"),
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
    small period fills the 红榜 first). The notice names the same subjects."""
    if standing.rank is None or not standing.size:
        return False, False
    red = standing.better < scheme.red_list_size
    black = not red and standing.worse < scheme.black_list_size
    return red, black


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


def period_label(kind: str, start: date) -> str:
    """A scored period as the pages name it: 2026-11, 2026年第4季度, 2026年."""
    if kind == AssessedPeriod.MONTH:
        return f"{start:%Y-%m}"
    if kind == AssessedPeriod.QUARTER:
        return _("%(year)s Q%(quarter)s") % {
            "year": start.year,
            "quarter": (start.month - 1) // 3 + 1,
        }
    return _("year %(year)s") % {"year": start.year}


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date
    scored: int
    published: int

    @property
    def label(self) -> str:
        return period_label(self.kind, self.start)

    @property
    def all_published(self) -> bool:
        return self.scored > 0 and self.published == self.scored


def periods_scored(scheme: Scheme, *, user: AnyUser | None = None) -> list[Period]:
    """The periods the scheme has scores for (those the user may see), the latest first; with
    how many subjects are scored and published in each. One query."""
    scores = Score.objects.filter(scheme=scheme)
    if user is not None:
        scores = assessment_scores_visible(user, scores)
    rows = (
        scores.values("period_kind", "period_start")
        .annotate(
            end=Max("period_end"),
            scored=Count("pk"),
            published=Count("pk", filter=Q(published_at__isnull=False)),
        )
        .order_by("-period_start", "period_kind")
    )
    return [
        Period(row["period_kind"], row["period_start"], row["end"], row["scored"], row["published"])
        for row in rows
    ]


@dataclass
class TrendLine:
    """One subject's monthly totals and ranks over the scheme's year (None: not scored)."""

    subject: Any
    totals: list[Decimal | None]
    ranks: list[int | None]
    # The most a total can be (the total weight plus the bonus cap): the sparkline's top.
    top: Decimal = Decimal("100")

    @property
    def cells(self) -> list[tuple[Decimal | None, int | None]]:
        return list(zip(self.totals, self.ranks, strict=True))

    @property
    def spark_points(self) -> int:
        return sum(1 for total in self.totals if total is not None)

    @property
    def spark(self) -> str:
        """The totals as an SVG polyline's points in a 110 × 30 box (months 10 apart, the
        scheme's top score at the top), skipping months not scored."""
        top = self.top if self.top > 0 else Decimal("100")
        points = []
        for month, total in enumerate(self.totals):
            if total is not None:
                share = min(max(total / top, ZERO), Decimal("1"))
                points.append(f"{5 + month * 9},{28 - share * 26:.1f}")
        return " ".join(points)


def year_trend(scheme: Scheme, *, user: AnyUser) -> list[TrendLine]:
    """Each visible subject's monthly totals and ranks over the scheme's year, ordered by its
    latest rank. One query."""
    scores = (
        assessment_scores_visible(
            user, Score.objects.filter(scheme=scheme, period_kind=AssessedPeriod.MONTH)
        )
        .filter(period_start__year=scheme.year)
        .select_related(*SUBJECTS)
        .order_by("period_start", "rank", "pk")
    )
    lines: dict[tuple[str, int | None], TrendLine] = {}
    for score in scores:
        line = lines.setdefault(
            (score.subject_kind, score.subject_id),
            TrendLine(
                subject=score.subject,
                totals=[None] * 12,
                ranks=[None] * 12,
                top=scheme.total_weight + scheme.bonus_cap,
            ),
        )
        month = score.period_start.month - 1
        line.totals[month] = score.total
        line.ranks[month] = score.rank
    return sorted(lines.values(), key=_latest_rank)


def _latest_rank(line: TrendLine) -> tuple[int, int]:
    for rank in reversed(line.ranks):
        if rank is not None:
            return 0, rank
    return 1, 0


def own_scores(user: AnyUser) -> QuerySet[Score]:
    """The scores the user sees (the assessed: their own published ones), newest first."""
    return (
        assessment_scores_visible(user, Score.objects.all())
        .select_related("scheme", *SUBJECTS)
        .order_by("-period_start", "period_kind", "scheme_id", "pk")
    )


PeriodKey = tuple[int, str, date]


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
        if rank is not None:  # filtered out above; said again for the type checker
            counts.setdefault(key, {})[rank] = row["count"]
    return counts


def standing(score: Score, counts: dict[PeriodKey, dict[int, int]]) -> Standing:
    return Standing(
        score.rank, counts.get((score.scheme_id, score.period_kind, score.period_start), {})
    )


def latest_periods(schemes: list[Scheme]) -> dict[int, Period]:
    """Each scheme's latest scored period — its latest month, else quarter, else year. One
    query for all the schemes."""
    rows = (
        Score.objects.filter(scheme__in=schemes)
        .values("scheme_id", "period_kind")
        .annotate(start=Max("period_start"), end=Max("period_end"))
    )
    preference: list[str] = [AssessedPeriod.MONTH, AssessedPeriod.QUARTER, AssessedPeriod.YEAR]
    latest: dict[int, Period] = {}
    for row in sorted(rows, key=lambda row: preference.index(row["period_kind"]), reverse=True):
        latest[row["scheme_id"]] = Period(row["period_kind"], row["start"], row["end"], 0, 0)
    return latest

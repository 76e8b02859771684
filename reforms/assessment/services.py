"""Every write of the assessment (考核) goes through here: schemes (save, put in force, retire),
scoring a period (compute_period), the office's adjustments and their withdrawal, and publishing
a period. The pages, the API, the admin and the worker call these functions.

Each write runs in one transaction and locks the scheme's row first, so two computations of a
period, or an adjustment and a recomputation, run one after the other; every change to a score
writes its history (ScoreEvent) in the same transaction, and every change to a scheme its audit
row (parks.history.audit). Refusals are ValidationErrors with a translated message, and nothing
is saved.
How a score is worked out: reforms.assessment.scoring.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from parks.history import audit
from parks.structure.models import User
from reforms.assessment import indicators as registry
from reforms.assessment import policy
from reforms.assessment.choices import (
    AssessedPeriod,
    ItemKind,
    SchemeStatus,
    ScoreAction,
    SubjectKind,
)
from reforms.assessment.models import (
    Scheme,
    SchemeIndicator,
    SchemeItem,
    Score,
    ScoreAdjustment,
    ScoreEvent,
)
from reforms.assessment.scoring import round_points, score_inputs, stored_rules
from reforms.reporting.periods import period_containing

ZERO = Decimal("0")
SUBJECT_FIELD: dict[str, str] = {
    SubjectKind.UNIT: "unit",
    SubjectKind.SUBDISTRICT: "subdistrict",
    SubjectKind.PARK: "park",
}


# --- Schemes ----------------------------------------------------------------------------------


def scheme_problems(
    scheme: Scheme, indicators: Sequence[SchemeIndicator], items: Sequence[SchemeItem]
) -> list[str]:
    """What is wrong with `scheme` and its indicator and item rows (unsaved instances are
    fine), as messages: the one rule the scheme forms, the API and save_scheme apply."""
    problems = []
    if scheme.subject_kind not in SubjectKind.values:
        return [_("Choose who the scheme assesses.")]
    if not indicators:
        problems.append(_("A scheme weighs at least one indicator."))
    allowed = {indicator.key for indicator in registry.indicators_for(scheme.subject_kind)}
    seen: set[str] = set()
    for row in indicators:
        known = registry.INDICATORS.get(row.indicator)
        if known is None:
            problems.append(_("“%(key)s” is not an indicator.") % {"key": row.indicator})
            continue
        if row.indicator not in allowed:
            problems.append(
                _("%(indicator)s does not apply to %(subjects)s.")
                % {"indicator": known.term, "subjects": scheme.get_subject_kind_display()}
            )
        if row.indicator in seen:
            problems.append(_("%(indicator)s is listed twice.") % {"indicator": known.term})
        seen.add(row.indicator)
        if row.weight is None or row.weight <= 0:
            problems.append(
                _("%(indicator)s: the weight must be above 0.") % {"indicator": known.term}
            )
        problems.extend(_range_problems(known, row))
    total = sum((row.weight or ZERO for row in indicators), ZERO)
    if indicators and scheme.total_weight and total != scheme.total_weight:
        problems.append(
            _("The weights add up to %(sum)s; the scheme says %(total)s.")
            % {"sum": round_points(total), "total": round_points(scheme.total_weight)}
        )
    for item in items:
        if not (item.name or "").strip():
            problems.append(_("Every bonus or deduction item needs a name."))
        if item.points is None or item.points <= 0:
            problems.append(
                _("%(item)s: the points must be above 0 (the kind says added or taken).")
                % {"item": item.name}
            )
        elif item.kind == ItemKind.BONUS and item.points > scheme.bonus_cap:
            problems.append(
                _("%(item)s: %(points)s points is above the bonus cap of %(cap)s.")
                % {"item": item.name, "points": item.points, "cap": scheme.bonus_cap}
            )
        elif item.kind == ItemKind.DEDUCTION and item.points > scheme.deduction_cap:
            problems.append(
                _("%(item)s: %(points)s points is above the deduction cap of %(cap)s.")
                % {"item": item.name, "points": item.points, "cap": scheme.deduction_cap}
            )
    return problems


def _range_problems(known: registry.Indicator, row: SchemeIndicator) -> list[str]:
    if row.full_at is None or row.zero_at is None:
        return [
            _("%(indicator)s: give where full marks and no points begin.")
            % {"indicator": known.term}
        ]
    problems = []
    bounds = (row.full_at, row.zero_at)
    if any(bound < 0 or bound > 100 for bound in bounds):
        problems.append(
            _("%(indicator)s: the range is in percent, 0 to 100.") % {"indicator": known.term}
        )
    if known.lower_is_better and row.full_at >= row.zero_at:
        problems.append(
            _("%(indicator)s: lower is better, so full marks must be below the no-points value.")
            % {"indicator": known.term}
        )
    if not known.lower_is_better and row.full_at <= row.zero_at:
        problems.append(
            _("%(indicator)s: full marks must be above the no-points value.")
            % {"indicator": known.term}
        )
    return problems


def _summary(rules: dict[str, Any]) -> tuple[str, str]:
    """The rows as the audit log shows them."""
    return (
        "; ".join(f"{row['indicator']} {row['weight']}" for row in rules["indicators"]),
        "; ".join(f"{row['kind']} {row['name']} {row['points']}" for row in rules["items"]),
    )


def _same_rules(before: dict[str, Any], after: dict[str, Any]) -> bool:
    def comparable(rules: dict[str, Any]) -> dict[str, Any]:
        items = [{k: v for k, v in item.items() if k != "item"} for item in rules["items"]]
        return {**rules, "version": None, "items": items}

    return comparable(before) == comparable(after)


def _lock(scheme: Scheme) -> Scheme:
    return Scheme.objects.select_for_update().get(pk=scheme.pk)


@transaction.atomic
def save_scheme(
    scheme: Scheme,
    indicators: Sequence[SchemeIndicator],
    items: Sequence[SchemeItem],
    *,
    by: User,
) -> Scheme:
    """Create or update `scheme` with exactly these indicator and item rows (an item with a pk
    is that item changed; items left out are removed, unless a score's adjustment used one).
    A scheme in force whose rules change gets the next version; scores already computed keep
    the rules they were computed with. A retired scheme is refused."""
    if not policy.may_write_schemes(by):
        raise PermissionDenied(_("Only the district reform office writes assessment schemes."))
    before = None
    rules_before = None
    if scheme.pk is not None:
        stored = _lock(scheme)
        if stored.status == SchemeStatus.RETIRED:
            raise ValidationError(str(policy.RETIRED))
        moved = (scheme.year, scheme.subject_kind) != (stored.year, stored.subject_kind)
        if moved and stored.scores.exists():
            raise ValidationError(
                _("The scheme has scores: its year and the subjects it assesses stay as they are.")
            )
        before = audit.stored(scheme)
        rules_before = stored_rules(stored)
        scheme.status, scheme.version = stored.status, stored.version
    else:
        scheme.status, scheme.version, scheme.created_by = SchemeStatus.DRAFT, 1, by
    scheme.name = (scheme.name or "").strip()
    problems = scheme_problems(scheme, indicators, items)
    if not scheme.name:
        problems.insert(0, _("Give the scheme a name."))
    if problems:
        raise ValidationError(problems)
    scheme.full_clean(exclude=["created_by"])
    scheme.save()
    SchemeIndicator.objects.filter(scheme=scheme).delete()
    SchemeIndicator.objects.bulk_create(
        SchemeIndicator(
            scheme=scheme,
            indicator=row.indicator,
            weight=row.weight,
            full_at=row.full_at,
            zero_at=row.zero_at,
            position=position,
        )
        for position, row in enumerate(indicators)
    )
    _save_items(scheme, items)
    rules_after = stored_rules(scheme)
    if rules_before is not None and scheme.status == SchemeStatus.ACTIVE:
        if not _same_rules(rules_before, rules_after):
            scheme.version += 1
            scheme.save(update_fields=["version", "updated_at"])
    extra = None
    if rules_before is None or not _same_rules(rules_before, rules_after):
        old = _summary(rules_before) if rules_before else (None, None)
        new = _summary(rules_after)
        extra = {"indicators": (old[0], new[0]), "items": (old[1], new[1])}
    audit.record_save(actor=by, instance=scheme, before=before, extra=extra)
    return scheme


def _save_items(scheme: Scheme, items: Sequence[SchemeItem]) -> None:
    kept = [item.pk for item in items if item.pk is not None]
    try:
        with transaction.atomic():
            SchemeItem.objects.filter(scheme=scheme).exclude(pk__in=kept).delete()
    except ProtectedError:
        raise ValidationError(
            _("An item that has been applied to a score cannot be removed; rename it instead.")
        ) from None
    known = set(SchemeItem.objects.filter(scheme=scheme).values_list("pk", flat=True))
    for position, item in enumerate(items):
        if item.pk is not None and item.pk not in known:
            raise ValidationError(_("An item belongs to another scheme."))
        item.scheme, item.position = scheme, position
        item.name = item.name.strip()
        item.save()


@transaction.atomic
def activate_scheme(scheme: Scheme, *, by: User) -> Scheme:
    """Put a draft in force for its year: the worker scores every period with it from now."""
    locked = _lock(scheme)
    if not policy.may_write_schemes(by):
        raise PermissionDenied(_("Only the district reform office writes assessment schemes."))
    if not policy.may_activate_scheme(by, locked):
        raise ValidationError(str(policy.NOT_DRAFT))
    problems = scheme_problems(locked, list(locked.indicators.all()), list(locked.items.all()))
    if problems:
        raise ValidationError(problems)
    before = audit.stored(locked)
    locked.status = SchemeStatus.ACTIVE
    try:
        with transaction.atomic():
            locked.save(update_fields=["status", "updated_at"])
    except IntegrityError:
        raise ValidationError(
            _("Another scheme for this year and these subjects is already in force.")
        ) from None
    audit.record_save(actor=by, instance=locked, before=before, only=["status"])
    return locked


@transaction.atomic
def retire_scheme(scheme: Scheme, *, by: User) -> Scheme:
    """Take a scheme out of force: its scores stay, nothing new is scored with it."""
    locked = _lock(scheme)
    if not policy.may_write_schemes(by):
        raise PermissionDenied(_("Only the district reform office writes assessment schemes."))
    if not policy.may_retire_scheme(by, locked):
        raise ValidationError(_("Only a scheme in force can be retired."))
    before = audit.stored(locked)
    locked.status = SchemeStatus.RETIRED
    locked.save(update_fields=["status", "updated_at"])
    audit.record_save(actor=by, instance=locked, before=before, only=["status"])
    return locked


# --- Scores -----------------------------------------------------------------------------------


def _check_period(scheme: Scheme, period_kind: str, period_start: date, today: date) -> date:
    if period_kind not in AssessedPeriod.values:
        raise ValidationError(_("Choose a month, a quarter or a year."))
    start, end = period_containing(period_kind, period_start)
    if start != period_start:
        raise ValidationError(_("A period starts on its first day (%(day)s).") % {"day": start})
    if start.year != scheme.year:
        raise ValidationError(
            _("The scheme is for %(year)s: it scores that year's periods only.")
            % {"year": scheme.year}
        )
    if end >= today:
        raise ValidationError(_("The period has not ended yet: it is scored once it closes."))
    return end


def _period_scores(scheme: Scheme, period_kind: str, period_start: date) -> QuerySet[Score]:
    return Score.objects.filter(scheme=scheme, period_kind=period_kind, period_start=period_start)


def rerank(scheme: Scheme, period_kind: str, period_start: date) -> None:
    """Rank the period's scores by total, highest first; equal totals share a rank. Call with
    the scheme's row locked."""
    rows = list(_period_scores(scheme, period_kind, period_start).order_by("-total", "pk"))
    changed = []
    previous_total, rank = None, 0
    for position, score in enumerate(rows, start=1):
        if score.total != previous_total:
            rank, previous_total = position, score.total
        if score.rank != rank:
            score.rank = rank
            changed.append(score)
    Score.objects.bulk_update(changed, ["rank"])


@transaction.atomic
def compute_period(
    scheme: Scheme,
    period_kind: str,
    period_start: date,
    *,
    by: User | None = None,
    recompute: bool = False,
    reason: str = "",
    now: datetime | None = None,
) -> list[Score]:
    """Score every subject of the scheme's kind for the period, once, and rank them. `by` None:
    the worker. A period already scored is left as it is (its scores are returned) unless
    `recompute`, which needs a reason and applies the scheme's current rules to every score,
    keeping its adjustments, and records each score's old and new total (RECOMPUTED)."""
    if by is not None and not policy.may_write_schemes(by):
        raise PermissionDenied(_("Only the district reform office computes scores."))
    locked = _lock(scheme)
    if locked.status != SchemeStatus.ACTIVE:
        raise ValidationError(str(policy.NOT_IN_FORCE))
    now = now or timezone.now()
    end = _check_period(locked, period_kind, period_start, timezone.localdate(now))
    reason = (reason or "").strip()
    if recompute and not reason:
        raise ValidationError(_("Say why the period is recomputed."))
    existing = {
        score.subject_id: score
        for score in _period_scores(locked, period_kind, period_start).select_for_update()
    }
    if existing and not recompute:
        return _ranked(locked, period_kind, period_start)
    rules = stored_rules(locked)
    keys = [row["indicator"] for row in rules["indicators"]]
    counted = registry.measure(locked.subject_kind, keys, registry.Period(period_start, end, now))
    field = SUBJECT_FIELD[locked.subject_kind]
    new_scores, changed, events = [], [], []
    for subject_id in (
        registry.subjects(locked.subject_kind).order_by("pk").values_list("pk", flat=True)
    ):
        worked = score_inputs(
            rules,
            {
                key: figures.get(subject_id, registry.NOT_COUNTED)
                for key, figures in counted.items()
            },
        )
        score = existing.get(subject_id)
        if worked is None:
            continue  # nothing to score it on (a score already made keeps its figures)
        base, inputs = worked
        if score is None:
            new_scores.append(
                Score(
                    scheme=locked,
                    subject_kind=locked.subject_kind,
                    **{f"{field}_id": subject_id},
                    period_kind=period_kind,
                    period_start=period_start,
                    period_end=end,
                    base=base,
                    total=base,
                    inputs=inputs,
                    rules=rules,
                    scheme_version=locked.version,
                    computed_at=now,
                )
            )
            continue
        total_before = score.total
        score.base, score.inputs, score.rules = base, inputs, rules
        score.total = base + score.adjustment
        score.scheme_version, score.computed_at = locked.version, now
        changed.append(score)
        events.append(
            ScoreEvent(
                score=score,
                action=ScoreAction.RECOMPUTED,
                actor=by,
                total_before=total_before,
                total_after=score.total,
                note=_("Version %(version)s of the scheme. %(reason)s")
                % {"version": locked.version, "reason": reason},
            )
        )
    Score.objects.bulk_update(
        changed, ["base", "total", "inputs", "rules", "scheme_version", "computed_at"]
    )
    Score.objects.bulk_create(new_scores)
    events.extend(
        ScoreEvent(score=score, action=ScoreAction.COMPUTED, actor=by, total_after=score.total)
        for score in new_scores
    )
    ScoreEvent.objects.bulk_create(events)
    return _ranked(locked, period_kind, period_start)


def _ranked(scheme: Scheme, period_kind: str, period_start: date) -> list[Score]:
    rerank(scheme, period_kind, period_start)
    return list(_period_scores(scheme, period_kind, period_start).order_by("rank", "pk"))


@transaction.atomic
def publish_period(scheme: Scheme, period_kind: str, period_start: date, *, by: User) -> int:
    """Publish the period's unpublished scores: the assessed see them from now. How many."""
    if not policy.may_publish(by):
        raise PermissionDenied(_("Only the district reform office publishes scores."))
    locked = _lock(scheme)
    scores = list(
        _period_scores(locked, period_kind, period_start)
        .filter(published_at__isnull=True)
        .select_for_update()
    )
    now = timezone.now()
    for score in scores:
        score.published_at = now
    Score.objects.bulk_update(scores, ["published_at"])
    ScoreEvent.objects.bulk_create(
        ScoreEvent(score=score, action=ScoreAction.PUBLISHED, actor=by, total_after=score.total)
        for score in scores
    )
    return len(scores)


# --- Adjustments ------------------------------------------------------------------------------


def _lock_score(score: Score) -> tuple[Scheme, Score]:
    scheme = _lock(score.scheme)
    return scheme, Score.objects.select_for_update().get(pk=score.pk)


def _live_sums(score: Score) -> tuple[Decimal, Decimal]:
    """The live bonuses and (as a positive number) the live deductions of a score."""
    live = [a.points for a in score.adjustments.filter(withdrawn_at__isnull=True)]
    return (
        sum((p for p in live if p > 0), ZERO),
        -sum((p for p in live if p < 0), ZERO),
    )


def _adjustment_points(
    score: Score, points_given: Decimal | None, item: SchemeItem | None
) -> Decimal:
    if (points_given is None) == (item is None):
        raise ValidationError(_("Choose an item or give the points, not both."))
    if item is not None:
        rule = next((row for row in score.rules.get("items", []) if row["item"] == item.pk), None)
        if rule is None:
            raise ValidationError(_("This item is not one of the score's scheme."))
        value = Decimal(rule["points"])
        return value if rule["kind"] == ItemKind.BONUS else -value
    value = Decimal(points_given or 0)
    if value != round_points(value):
        raise ValidationError(_("Points have at most 2 decimal places."))
    if value == 0:
        raise ValidationError(_("An adjustment adds or takes points: 0 changes nothing."))
    return value


@transaction.atomic
def adjust(
    score: Score,
    *,
    points: Decimal | None = None,
    item: SchemeItem | None = None,
    reason: str,
    by: User,
) -> ScoreAdjustment:
    """Apply a bonus or deduction to `score`: one of its scheme's items, or points of the
    office's own, with a reason, within the caps of the score's rules (the live adjustments of
    the period added up). The total and the period's ranks follow; ADJUSTED in the history."""
    if not policy.may_adjust(by, score):
        raise PermissionDenied(_("Only the district reform office adjusts scores."))
    scheme, locked = _lock_score(score)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the adjustment."))
    value = _adjustment_points(locked, points, item)
    bonuses, deductions = _live_sums(locked)
    if value > 0:
        cap = Decimal(locked.rules["bonus_cap"])
        if bonuses + value > cap:
            raise ValidationError(
                _("That would bring the bonuses to %(sum)s points, above the cap of %(cap)s.")
                % {"sum": bonuses + value, "cap": cap}
            )
    else:
        cap = Decimal(locked.rules["deduction_cap"])
        if deductions - value > cap:
            raise ValidationError(
                _("That would bring the deductions to %(sum)s points, above the cap of %(cap)s.")
                % {"sum": deductions - value, "cap": cap}
            )
    adjustment = ScoreAdjustment.objects.create(
        score=locked, item=item, points=value, reason=reason, made_by=by
    )
    _move_total(locked, value, ScoreAction.ADJUSTED, by=by, note=reason)
    rerank(scheme, locked.period_kind, locked.period_start)
    score.refresh_from_db()
    return adjustment


def _move_total(score: Score, by_points: Decimal, action: str, *, by: User, note: str) -> None:
    before = score.total
    score.adjustment += by_points
    score.total = score.base + score.adjustment
    score.save(update_fields=["adjustment", "total"])
    ScoreEvent.objects.create(
        score=score,
        action=action,
        actor=by,
        total_before=before,
        total_after=score.total,
        note=note,
    )


@transaction.atomic
def withdraw_adjustment(adjustment: ScoreAdjustment, *, by: User, reason: str) -> None:
    """Withdraw an adjustment (kept, marked withdrawn): the total and ranks follow;
    ADJUSTMENT_WITHDRAWN in the history with the reason."""
    if not policy.may_adjust(by, adjustment.score):
        raise PermissionDenied(_("Only the district reform office adjusts scores."))
    scheme, score = _lock_score(adjustment.score)
    locked = ScoreAdjustment.objects.select_for_update().get(pk=adjustment.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for withdrawing the adjustment."))
    if locked.withdrawn_at is not None:
        raise ValidationError(_("This adjustment has already been withdrawn."))
    locked.withdrawn_at, locked.withdrawn_by = timezone.now(), by
    locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
    _move_total(score, -locked.points, ScoreAction.ADJUSTMENT_WITHDRAWN, by=by, note=reason)
    rerank(scheme, score.period_kind, score.period_start)
    adjustment.refresh_from_db()

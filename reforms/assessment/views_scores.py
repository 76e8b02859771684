"""A period's ranking (红黑榜) with the year's trend, a score explained indicator by indicator
with links to the lists it was counted from, and the office's steps: computing or recomputing
a period, publishing it, adjusting a score and withdrawing an adjustment.

Scores come through reforms.assessment.selectors (parks.access.assessment_scores_visible): a
score the user may not see is a 404 whether it exists or not. Changes go through
reforms.assessment.services; the buttons shown are reforms.assessment.policy's answers."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from parks import access
from reforms.assessment import policy, selectors, services
from reforms.assessment.choices import AssessedPeriod, SubjectKind
from reforms.assessment.forms import AdjustForm, ComputeForm, RecomputeForm, WithdrawForm
from reforms.assessment.indicators import INDICATORS
from reforms.assessment.models import Scheme, Score, ScoreAdjustment
from reforms.reporting.periods import period_containing

MONTHS = range(1, 13)


def _period(period_kind: str, period_start: str) -> tuple[date, date]:
    """The period named in a URL: a kind and its first day (YYYY-MM-DD); anything else is 404."""
    if period_kind not in AssessedPeriod.values:
        raise Http404
    try:
        start = date.fromisoformat(period_start)
    except ValueError:
        raise Http404 from None
    first, last = period_containing(period_kind, start)
    if first != start:
        raise Http404
    return first, last


def ranking_url(scheme_id: int, period_kind: str, period_start: date) -> str:
    return reverse(
        "reforms:assessment_ranking", args=[scheme_id, period_kind, period_start.isoformat()]
    )


def _download(name: str, args: list) -> str | None:
    """The Excel ranking's and the Word notice's addresses (reforms.assessment's downloads),
    None where they are not served."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@login_required
def ranking(request, pk, period_kind, period_start):
    if not access.sees_assessment(request.user):
        raise PermissionDenied
    scheme = get_object_or_404(Scheme, pk=pk)
    start, end = _period(period_kind, period_start)
    board = selectors.ranking(scheme, period_kind, start, user=request.user)
    if not board.everyone and not board.rows:
        raise Http404
    args = [scheme.pk, period_kind, start.isoformat()]
    may_compute = policy.may_compute(request.user, scheme)
    may_export = policy.may_export_ranking(request.user)
    return render(
        request,
        "reforms/assessment/ranking.html",
        {
            "nav": "assessment",
            "scheme": scheme,
            "board": board,
            "period_end": board.period_end or end,
            "period_label": selectors.period_label(period_kind, start),
            "periods": selectors.periods_scored(scheme, user=request.user),
            "trend": selectors.year_trend(scheme, user=request.user)
            if period_kind == AssessedPeriod.MONTH
            else None,
            "months": MONTHS,
            "may_compute": may_compute,
            "recompute_form": RecomputeForm() if may_compute and board.rows else None,
            "may_publish": policy.may_publish(request.user) and board.unpublished,
            "xlsx_url": _download("reforms:assessment_ranking_xlsx", args) if may_export else None,
            "notice_url": _download("reforms:assessment_notice", args) if may_export else None,
            "compute_url": reverse("reforms:assessment_compute", args=[scheme.pk]),
            "publish_url": reverse("reforms:assessment_publish", args=args),
        },
    )


@login_required
@require_POST
def compute(request, pk):
    """Score a period now (`period_kind` and a `day` in it), or recompute one already scored
    (`recompute` with a `reason`, recorded in each score's history)."""
    scheme = get_object_or_404(Scheme, pk=pk)
    if not policy.may_write_schemes(request.user):
        raise PermissionDenied
    form = ComputeForm(request.POST)
    recompute = request.POST.get("recompute") == "1"
    reason_form = RecomputeForm(request.POST) if recompute else None
    if not form.is_valid():
        messages.error(request, " ".join(m for error in form.errors.values() for m in error))
        return redirect(scheme)
    kind = form.cleaned_data["period_kind"]
    start, _end = period_containing(kind, form.cleaned_data["day"])
    if reason_form is not None and not reason_form.is_valid():
        # Back to the ranking the recompute form is on, with what is missing said.
        messages.error(request, _("Say why the period is recomputed."))
        return redirect(ranking_url(scheme.pk, kind, start))
    if not policy.may_compute(request.user, scheme):
        messages.error(request, str(policy.NOT_IN_FORCE))
        return redirect(scheme)
    try:
        scores = services.compute_period(
            scheme,
            kind,
            start,
            by=request.user,
            recompute=recompute,
            reason=reason_form.cleaned_data["reason"] if reason_form else "",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(scheme)
    count = len(scores)
    done = (
        ngettext("%(count)s score recomputed.", "%(count)s scores recomputed.", count)
        if recompute
        else ngettext("%(count)s score computed.", "%(count)s scores computed.", count)
    )
    messages.success(request, done % {"count": count})
    return redirect(ranking_url(scheme.pk, kind, start))


@login_required
@require_POST
def publish(request, pk, period_kind, period_start):
    scheme = get_object_or_404(Scheme, pk=pk)
    if not policy.may_publish(request.user):
        raise PermissionDenied
    start, _end = _period(period_kind, period_start)
    try:
        count = services.publish_period(scheme, period_kind, start, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        published = ngettext(
            "%(count)s score published: the assessed now see it.",
            "%(count)s scores published: the assessed now see them.",
            count,
        )
        messages.success(request, published % {"count": count})
    return redirect(ranking_url(scheme.pk, period_kind, start))


def _visible_score(request, pk) -> Score:
    if not access.sees_assessment(request.user):
        raise PermissionDenied
    scores = access.assessment_scores_visible(request.user, Score.objects.all())
    return get_object_or_404(scores.select_related("scheme", *selectors.SUBJECTS), pk=pk)


def list_links(score: Score) -> dict[str, str]:
    """Each indicator's underlying list, narrowed to the subject and the period with the
    filters the list already takes (for a subdistrict only the grid coverage: the task and
    grievance lists have no subdistrict filter)."""
    first, last = score.period_start.isoformat(), score.period_end.isoformat()
    if score.subject_kind == SubjectKind.UNIT:
        task, grievance = {"lead_unit": score.unit_id}, {"handling_unit": score.unit_id}
    elif score.subject_kind == SubjectKind.PARK:
        task = grievance = {"park": score.park_id}
    else:
        coverage = f"{reverse('parks:coverage')}?" + urlencode(
            {"subdistrict": score.subdistrict_id}
        )
        return {key: coverage for key, known in INDICATORS.items() if known.source == "zones"}
    tasks = f"{reverse('reforms:task_list')}?" + urlencode(
        {**task, "due_after": first, "due_before": last}
    )
    by_source = {
        "tasks": tasks,
        "milestones": tasks,
        "grievances": f"{reverse('grievances:inbox')}?"
        + urlencode(
            {**grievance, "group": "all", "received_after": first, "received_before": last}
        ),
    }
    if score.unit_id:
        by_source["orders"] = f"{reverse('reforms:order_list')}?" + urlencode(
            {"unit": score.unit_id}
        )
    if score.park_id:
        by_source["zones"] = f"{reverse('parks:coverage')}?" + urlencode({"park": score.park_id})
    return {
        key: by_source[indicator.source]
        for key, indicator in INDICATORS.items()
        if indicator.source in by_source
    }


def _detail(request, score, *, adjust_form=None, status=200):
    may_adjust = policy.may_adjust(request.user, score)
    if may_adjust and adjust_form is None:
        adjust_form = AdjustForm(scheme=score.scheme)
    # The office ranks a score among the period's drafts too; the assessed among what is out.
    office = access.is_district_office(request.user)
    standing = selectors.standing(score, selectors.rank_counts([score], published=not office))
    red, black = selectors.list_flags(score.scheme, standing)
    links = list_links(score)
    rows = selectors.indicator_rows(score)
    return render(
        request,
        "reforms/assessment/score_detail.html",
        {
            "nav": "assessment",
            "score": score,
            "scheme": score.scheme,
            "rows": [{"row": row, "link": links.get(row.key)} for row in rows],
            "shortfalls": selectors.shortfalls(score),
            "base_weight": sum((row.weight for row in rows), selectors.ZERO),
            "size": standing.size,
            "red": red,
            "black": black,
            "rules": score.rules or {},
            "adjustments": score.adjustments.select_related("item", "made_by", "withdrawn_by"),
            "events": score.events.select_related("actor").order_by("at", "pk"),
            "adjust_form": adjust_form if may_adjust else None,
            "withdraw_form": WithdrawForm() if may_adjust else None,
            "ranking_url": ranking_url(score.scheme_id, score.period_kind, score.period_start),
            "period_label": selectors.period_label(score.period_kind, score.period_start),
        },
        status=status,
    )


@login_required
def score_detail(request, pk):
    return _detail(request, _visible_score(request, pk))


@login_required
@require_POST
def score_adjust(request, pk):
    score = _visible_score(request, pk)
    if not policy.may_adjust(request.user, score):
        raise PermissionDenied
    form = AdjustForm(request.POST, scheme=score.scheme)
    if form.is_valid():
        try:
            services.adjust(
                score,
                points=form.cleaned_data["points"],
                item=form.cleaned_data["item"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Adjustment recorded; the ranks were updated."))
            return redirect(score)
    return _detail(request, score, adjust_form=form, status=400)


@login_required
@require_POST
def adjustment_withdraw(request, pk):
    if not policy.may_write_schemes(request.user):
        raise PermissionDenied
    adjustment = get_object_or_404(ScoreAdjustment.objects.select_related("score"), pk=pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason to withdraw the adjustment."))
        return redirect(adjustment.score)
    try:
        services.withdraw_adjustment(
            adjustment, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Adjustment withdrawn; the ranks were updated."))
    return redirect(adjustment.score)

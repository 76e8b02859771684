"""The assessment's landing page and the office's schemes (考核方案): the list, a scheme's page
with the periods it has scored, writing one (an indicator table and its bonus and deduction
items), putting it in force and retiring it.

Who may do what is reforms.assessment.policy's; every change goes through
reforms.assessment.services, whose refusals come back on the form or as a message. The
ranking and score pages are in views_scores.py."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parks import access
from reforms.assessment import policy, selectors, services
from reforms.assessment.choices import SubjectKind
from reforms.assessment.forms import (
    ComputeForm,
    IndicatorFormSet,
    ItemFormSet,
    SchemeForm,
    chosen_indicators,
    chosen_items,
    indicator_initial,
    item_initial,
)
from reforms.assessment.models import Scheme, Score
from reforms.assessment.views_scores import ranking_url


def _may_see(request):
    if not access.sees_assessment(request.user):
        raise PermissionDenied


@login_required
def home(request):
    """The office: every scheme and its latest period. The assessed: their own published scores,
    each with its rank among the period's subjects."""
    _may_see(request)
    if policy.may_write_schemes(request.user):
        schemes = list(Scheme.objects.order_by("-year", "subject_kind", "pk"))
        latest = selectors.latest_periods(schemes)
        rows = [
            {
                "scheme": scheme,
                "latest": latest.get(scheme.pk),
                "latest_url": ranking_url(
                    scheme.pk, latest[scheme.pk].kind, latest[scheme.pk].start
                )
                if scheme.pk in latest
                else None,
            }
            for scheme in schemes
        ]
        return render(
            request,
            "reforms/assessment/home_office.html",
            {"nav": "assessment", "schemes": rows, "may_write": True},
        )
    scores = list(selectors.own_scores(request.user)[:60])
    counts = selectors.rank_counts(scores)
    rows = []
    for score in scores:
        standing = selectors.standing(score, counts)
        red, black = selectors.list_flags(score.scheme, standing)
        rows.append(
            {
                "score": score,
                "period": selectors.period_label(score.period_kind, score.period_start),
                "size": standing.size,
                "red": red,
                "black": black,
            }
        )
    return render(
        request, "reforms/assessment/home_assessed.html", {"nav": "assessment", "rows": rows}
    )


def _office_scheme(request, pk):
    """A scheme's editing pages are the office's (the assessed may read its rules page:
    _visible_scheme)."""
    if not policy.may_write_schemes(request.user):
        raise PermissionDenied
    return get_object_or_404(Scheme, pk=pk)


def _visible_scheme(request, pk):
    """A scheme's rules page: the office's, and the assessed's whose published scores were
    computed with it (access.assessment_schemes_visible, as the API's); its actions stay the
    office's (policy)."""
    if not access.sees_assessment(request.user):
        raise PermissionDenied
    schemes = access.assessment_schemes_visible(
        request.user, Scheme.objects.all(), Score.objects.all()
    )
    return get_object_or_404(schemes, pk=pk)


@login_required
def scheme_detail(request, pk):
    scheme = _visible_scheme(request, pk)
    today = timezone.localdate()
    return render(
        request,
        "reforms/assessment/scheme_detail.html",
        {
            "nav": "assessment",
            "scheme": scheme,
            "indicators": [
                {"row": row, "info": selectors.INDICATORS.get(row.indicator)}
                for row in scheme.indicators.all()
            ],
            "items": scheme.items.all(),
            "periods": selectors.periods_scored(scheme, user=request.user),
            "may_edit": policy.may_edit_scheme(request.user, scheme),
            "may_activate": policy.may_activate_scheme(request.user, scheme),
            "may_retire": policy.may_retire_scheme(request.user, scheme),
            # Last month, the period an office most often scores again or for the first time.
            "compute_form": ComputeForm(
                initial={"period_kind": "month", "day": today.replace(day=1) - timedelta(days=1)}
            )
            if policy.may_compute(request.user, scheme)
            else None,
        },
    )


def _scheme_form(request, scheme):
    """The scheme's form and its two tables, bound on POST."""
    data = request.POST if request.method == "POST" else None
    kind = request.GET.get("kind", "")
    initial = (
        {"year": timezone.localdate().year, "subject_kind": kind or SubjectKind.UNIT}
        if scheme is None
        else None
    )
    return (
        SchemeForm(data, instance=scheme, initial=initial),
        IndicatorFormSet(data, initial=indicator_initial(scheme), prefix="indicators"),
        ItemFormSet(data, initial=item_initial(scheme), prefix="items"),
    )


def _save(request, form, indicator_rows, item_rows, *, scheme):
    """Check the scheme with services.scheme_problems (the API's rule too) and save it; every
    problem is shown on the form and nothing is saved."""
    if not (form.is_valid() and indicator_rows.is_valid() and item_rows.is_valid()):
        return None
    draft = form.save(commit=False)
    if scheme is None:
        draft.created_by = request.user
    indicators, items = chosen_indicators(indicator_rows), chosen_items(item_rows)
    problems = services.scheme_problems(draft, indicators, items)
    if problems:
        for problem in problems:
            form.add_error(None, problem)
        return None
    try:
        return services.save_scheme(draft, indicators, items, by=request.user)
    except ValidationError as error:
        form.add_error(None, error.messages)
        return None


def _form_page(request, scheme):
    form, indicator_rows, item_rows = _scheme_form(request, scheme)
    if request.method == "POST":
        saved = _save(request, form, indicator_rows, item_rows, scheme=scheme)
        if saved is not None:
            messages.success(request, _("Scheme “%(name)s” saved.") % {"name": saved.name})
            return redirect(saved)
    return render(
        request,
        "reforms/assessment/scheme_form.html",
        {
            "nav": "assessment",
            "scheme": scheme,
            "form": form,
            "indicator_rows": indicator_rows,
            "item_rows": item_rows,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def scheme_create(request):
    if not policy.may_write_schemes(request.user):
        raise PermissionDenied
    return _form_page(request, None)


@login_required
def scheme_edit(request, pk):
    scheme = _office_scheme(request, pk)
    if not policy.may_edit_scheme(request.user, scheme):
        messages.error(request, str(policy.RETIRED))
        return redirect(scheme)
    return _form_page(request, scheme)


@login_required
@require_POST
def scheme_status(request, pk):
    """Put a draft in force, or retire a scheme in force."""
    scheme = _office_scheme(request, pk)
    action = request.POST.get("action", "")
    steps = {
        "activate": (
            policy.may_activate_scheme,
            services.activate_scheme,
            policy.NOT_DRAFT,
            _("The scheme is in force: the worker scores every period with it."),
        ),
        "retire": (
            policy.may_retire_scheme,
            services.retire_scheme,
            policy.NOT_IN_FORCE,
            _("The scheme is retired; its scores stay."),
        ),
    }
    if action not in steps:
        raise Http404
    allowed, step, refused, done = steps[action]
    if not allowed(request.user, scheme):
        messages.error(request, str(refused))
        return redirect(scheme)
    try:
        step(scheme, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(scheme)

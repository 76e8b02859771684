"""Satisfaction survey campaigns (满意度调查) and the time-limit policy per category.

Surveys are logged by whoever may log grievances in their park; time limits are set by the
district office. Both are saved through grievances.services.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from grievances import policy, selectors, services
from grievances.choices import Category
from grievances.forms import PolicyForm, SurveyForm
from grievances.models import SurveyCampaign, TimeLimitPolicy
from grievances.views.common import can_log_somewhere, paginate, save_form
from parks import access


@login_required
def survey_list(request):
    surveys = (
        selectors.surveys_visible_to(request.user)
        .select_related("park")
        .annotate(
            opinion_count=Count("opinions"),
            rectified_count=Count("opinions", filter=Q(opinions__rectified=True)),
        )
        .order_by("-held_on", "-pk")
    )
    page = paginate(request, surveys)
    for survey in page:
        survey.can_edit = policy.may_write_survey(request.user, survey.park)
    return render(
        request,
        "grievances/survey_list.html",
        {"nav": "grievances", "page": page, "can_create": can_log_somewhere(request.user)},
    )


def _survey_form_page(request, survey):
    is_new = survey.pk is None
    form = SurveyForm(request.POST or None, instance=survey, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form, lambda: services.survey_save(survey=form.save(commit=False), actor=request.user)
        )
        if saved:
            messages.success(request, _("Survey “%(title)s” saved.") % {"title": saved.title})
            return redirect("grievances:survey_list")
    return render(
        request,
        "grievances/survey_form.html",
        {
            "nav": "grievances",
            "form": form,
            "title": _("New survey") if is_new else _("Edit survey"),
            "cancel_url": reverse("grievances:survey_list"),
        },
    )


@login_required
def survey_create(request):
    if not can_log_somewhere(request.user):
        raise PermissionDenied
    return _survey_form_page(request, SurveyCampaign())


@login_required
def survey_edit(request, pk):
    survey = get_object_or_404(
        selectors.surveys_visible_to(request.user).select_related("park"), pk=pk
    )
    if not policy.may_write_survey(request.user, survey.park):
        raise PermissionDenied
    return _survey_form_page(request, survey)


def _save_policies(forms, actor) -> bool:
    """Save the categories whose limits changed: every one or none."""
    if not all(form.is_valid() for form in forms):
        return False
    with transaction.atomic():
        for form in forms:
            if not form.has_changed():
                continue
            saved = save_form(
                form,
                lambda form=form: services.policy_save(policy=form.save(commit=False), actor=actor),
            )
            if saved is None:
                transaction.set_rollback(True)
                return False
    return True


@login_required
def policies(request):
    """Every category with its time limits; office staff edit them all in one form."""
    existing = {policy.category: policy for policy in TimeLimitPolicy.objects.all()}
    editable = access.may_edit_time_limits(request.user)
    post = request.method == "POST"
    if post and not editable:
        raise PermissionDenied
    rows = []
    for category in Category:
        policy = existing.get(category) or TimeLimitPolicy(
            category=category,
            respond_within_hours=settings.GRIEVANCE_DEFAULT_RESPOND_HOURS,
            resolve_within_days=settings.GRIEVANCE_DEFAULT_RESOLVE_DAYS,
        )
        form = (
            PolicyForm(request.POST if post else None, instance=policy, prefix=category.value)
            if editable
            else None
        )
        rows.append({"category": category, "policy": policy, "form": form})
    if post and _save_policies([row["form"] for row in rows], request.user):
        messages.success(
            request, _("Time limits saved. They apply to grievances received from now on.")
        )
        return redirect("grievances:policies")
    return render(
        request,
        "grievances/policies.html",
        {
            "nav": "grievances",
            "rows": rows,
            "editable": editable,
            "has_errors": post,
        },
    )

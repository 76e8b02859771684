"""The pages that take one step on a grievance, driven by one table.

Every such page has one shape: the grievance in the user's scope, 403 when the user's role
never allows the step (grievances.policy), the step's form, the step's service on a valid POST
(a refusal the state gives comes back on the form, never a 500), a message, and back to the
grievance. STEP_PAGES holds what differs: the nine workflow steps, asking for more time and
the three mediation steps. The detail page shows the same forms in modals and posts here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grievances import policy, services
from grievances import workflow as grievances_workflow
from grievances.choices import Action
from grievances.forms import (
    ExtensionRequestForm,
    MediationConcludeForm,
    MediationOpenForm,
    MediationSessionForm,
    action_form,
)
from grievances.models import Grievance, Mediation
from grievances.views.common import save_form, visible_grievance
from parks.structure.models import User


@dataclass(frozen=True)
class StepPage:
    """One step's page: its words, its form, who may open it and the service that takes it."""

    title: str | Promise
    submit: str | Promise
    # (data or None, grievance, user) -> the unbound or bound form.
    form: Callable[[Any, Grievance, User], forms.Form]
    # False: the user's role never allows this step on this grievance (403).
    may_open: Callable[[User, Grievance], bool]
    # Runs the service with the form's cleaned data; returns what it saved.
    save: Callable[[User, Grievance, dict[str, Any]], Any]
    # The message once saved.
    done: Callable[[Any], str]
    # Where on the grievance's page to come back to.
    anchor: str = ""
    # Set for the workflow steps: opened (GET) when the step is not offered now, the page says
    # so and goes back rather than show a form that would be refused.
    offered: Callable[[User, Grievance], bool] | None = None
    # The step works on the grievance's mediation, which must exist (404 otherwise).
    needs_mediation: bool = False


def _mediation_of(grievance: Grievance) -> Mediation:
    try:
        return grievance.mediation
    except Mediation.DoesNotExist as error:
        raise Http404 from error


def _moved(moved: Grievance) -> str:
    return _("%(code)s is now “%(status)s”.") % {
        "code": moved.tracking_code,
        "status": moved.get_status_display(),
    }


def _workflow_page(action: Action) -> StepPage:
    service = grievances_workflow.STEP_SERVICES[action]
    return StepPage(
        title=action.label,
        submit=action.label,
        form=lambda data, grievance, user: action_form(
            action, grievance=grievance, user=user, data=data
        ),
        may_open=lambda user, grievance: policy.takes_step_role(user, grievance, action),
        offered=lambda user, grievance: action in policy.offered_steps(user, grievance),
        save=lambda user, grievance, data: service(grievance=grievance, actor=user, **data),
        done=_moved,
    )


STEP_PAGES: dict[str, StepPage] = {
    **{action.value: _workflow_page(action) for action in Action},
    "extension_request": StepPage(
        title=gettext_lazy("Ask for more time"),
        submit=gettext_lazy("Send request"),
        form=lambda data, grievance, user: ExtensionRequestForm(data),
        may_open=policy.may_ask_for_more_time,
        save=lambda user, grievance, data: services.extension_request(
            grievance=grievance, actor=user, **data
        ),
        done=lambda _saved: _("The request for more time was sent to the office."),
    ),
    "mediation_open": StepPage(
        title=gettext_lazy("Open mediation"),
        submit=gettext_lazy("Open mediation"),
        form=lambda data, grievance, user: MediationOpenForm(data, grievance=grievance),
        may_open=policy.may_mediate,
        save=lambda user, grievance, data: services.mediation_open(
            grievance=grievance, actor=user, **data
        ),
        done=lambda _saved: _("Mediation opened."),
        anchor="#mediation",
    ),
    "mediation_session_add": StepPage(
        title=gettext_lazy("Record a mediation session"),
        submit=gettext_lazy("Save session"),
        form=lambda data, grievance, user: MediationSessionForm(data),
        may_open=policy.may_mediate,
        save=lambda user, grievance, data: services.mediation_session_add(
            mediation=grievance.mediation, actor=user, **data
        ),
        done=lambda _saved: _("Mediation session recorded."),
        anchor="#mediation",
        needs_mediation=True,
    ),
    "mediation_conclude": StepPage(
        title=gettext_lazy("Conclude the mediation"),
        submit=gettext_lazy("Conclude"),
        form=lambda data, grievance, user: MediationConcludeForm(data),
        may_open=policy.may_mediate,
        save=lambda user, grievance, data: services.mediation_conclude(
            mediation=grievance.mediation, actor=user, **data
        ),
        done=lambda saved: (
            _("Mediation concluded: %(outcome)s.") % {"outcome": saved.get_outcome_display()}
        ),
        anchor="#mediation",
        needs_mediation=True,
    ),
}


def step_page(
    request: HttpRequest, grievance: Grievance, key: str, action_url: str
) -> HttpResponse:
    """Serve the step `key` of STEP_PAGES on `grievance`: the form, or the step taken."""
    page = STEP_PAGES[key]
    user = request.user
    if not page.may_open(user, grievance):
        raise PermissionDenied
    if page.needs_mediation:
        _mediation_of(grievance)
    post = request.method == "POST"
    if not post and page.offered is not None and not page.offered(user, grievance):
        messages.info(request, _("This step is not open to you now."))
        return redirect(grievance)
    form = page.form(request.POST if post else None, grievance, user)
    if post and form.is_valid():
        saved = save_form(form, lambda: page.save(user, grievance, form.cleaned_data))
        if saved:
            messages.success(request, page.done(saved))
            return redirect(f"{grievance.get_absolute_url()}{page.anchor}")
    return render(
        request,
        "grievances/step_form.html",
        {
            "nav": "grievances",
            "grievance": grievance,
            "form": form,
            "title": page.title,
            "submit": page.submit,
            "action_url": action_url,
        },
    )


@login_required
def grievance_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow step. The detail page posts here; a refused step comes back with why."""
    grievance = visible_grievance(request, pk)
    if action not in Action.values:
        raise Http404
    url = reverse("grievances:grievance_act", args=[grievance.pk, action])
    return step_page(request, grievance, action, url)


def _served(key: str) -> Callable[[HttpRequest, int], HttpResponse]:
    """The view of the grievance step `key`, at grievances:`key` (<pk>)."""

    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        grievance = visible_grievance(request, pk)
        return step_page(request, grievance, key, reverse(f"grievances:{key}", args=[pk]))

    view.__name__ = view.__qualname__ = key
    return view


extension_request = _served("extension_request")
mediation_open = _served("mediation_open")
mediation_session_add = _served("mediation_session_add")
mediation_conclude = _served("mediation_conclude")

"""Supervision order pages: the list (with filters and Excel export), issuing an order about a
task or a grievance, an order's page with its timeline and replies, and the steps on it.

Orders come through reforms.supervision.selectors, so an order outside the user's scope is a
404 whether it exists or not; every change goes through reforms.supervision.services, and which
buttons and forms a user gets is read from reforms.supervision.policy.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grievances.selectors import grievances_visible_to
from parks.core.downloads import stored_file_response
from parks.core.filter_bar import filter_bar
from parks.core.view_helpers import paginate, save_form
from reforms.supervision import policy, selectors, services
from reforms.supervision.choices import OrderAction, OrderStatus
from reforms.supervision.excel import order_list_response
from reforms.supervision.filters import OrderFilter
from reforms.supervision.forms import OrderIssueForm, OrderReplyForm, SendBackForm
from reforms.supervision.models import OrderReplyFile
from reforms.tasks.selectors import tasks_visible_to

LIST_FILTERS = ("status", "colour", "unit", "subject", "overdue")
# Narrowings a related panel's or the workbench's count links with (reforms.supervision.panels)
# that the bar has no control for: kept through a new filter, named above the table.
LINK_ONLY = ("park", "grid_zone", "task", "grievance")


def _filtered_orders(request):
    order_filter = OrderFilter(
        request.GET,
        queryset=selectors.order_table(user=request.user, today=timezone.localdate()),
        request=request,
    )
    # A filter naming something unknown or hidden matches nothing rather than being ignored.
    orders = order_filter.qs.none() if order_filter.errors else order_filter.qs
    return order_filter, orders.order_by("-issued_at", "-pk")


def _narrowed(request, order_filter) -> dict | None:
    """What the list is narrowed to beyond the bar's controls (several statuses at once — the
    workbench's "to answer" —, a park, grid zone, task or grievance), with a link that drops
    it; None when nothing is."""
    statuses = request.GET.getlist("status")
    names = [name for name in LINK_ONLY if request.GET.get(name)]
    if order_filter.errors or (len(statuses) < 2 and not names):
        return None
    known = dict(OrderStatus.choices)
    labels = [str(known[value]) for value in statuses if value in known]
    park = order_filter.form.cleaned_data.get("park")
    if park is not None:
        labels.append(park.name)
    labels += [str(order_filter.form.fields[name].label) for name in names if name != "park"]
    query = request.GET.copy()
    for name in ("page", "status", *LINK_ONLY):
        query.pop(name, None)
    return {"labels": labels, "clear_url": f"?{query.urlencode()}"}


@login_required
def order_list(request):
    order_filter, orders = _filtered_orders(request)
    statuses = request.GET.getlist("status")
    several = len(statuses) > 1
    return render(
        request,
        "reforms/supervision/order_list.html",
        {
            "nav": "orders",
            "bar": filter_bar(
                order_filter,
                # Several statuses ride along hidden: the bar's status control picks one.
                selects=[name for name in LIST_FILTERS if not (several and name == "status")],
                dates=(),
                hidden={
                    **{name: request.GET.get(name, "") for name in LINK_ONLY},
                    "status": statuses if several else [],
                },
            ),
            "narrowed": _narrowed(request, order_filter),
            "page": paginate(request, orders),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def order_export(request):
    """The order list as Excel, with the page's filters."""
    _filter, orders = _filtered_orders(request)
    return order_list_response(orders)


def _subject(request):
    """The task or grievance named by ?task= or ?grievance=, if the user sees it; else 404."""
    for field, visible in (("task", tasks_visible_to), ("grievance", grievances_visible_to)):
        value = request.GET.get(field, "")
        if value:
            if not value.isascii() or not value.isdigit():
                raise Http404
            related = "lead_unit" if field == "task" else "handling_unit"
            return field, get_object_or_404(
                visible(request.user).select_related(related), pk=int(value)
            )
    raise Http404


@login_required
def order_issue(request):
    """The office issues an order about ?task=<id> or ?grievance=<id>, unit prefilled."""
    if not policy.may_issue(request.user):
        raise PermissionDenied
    field, subject = _subject(request)
    unit = services.default_unit(**{field: subject})
    form = OrderIssueForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        initial={"unit": unit, "colour": "yellow"},
    )
    if request.method == "POST" and form.is_valid():
        order = save_form(
            form,
            lambda: services.order_issue(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                colour=form.cleaned_data["colour"],
                requirement=form.cleaned_data["requirement"],
                reply_due=form.cleaned_data["reply_due"],
                **{field: subject},
            ),
        )
        if order:
            messages.success(
                request,
                _("%(code)s issued to %(unit)s.") % {"code": order.code, "unit": order.unit},
            )
            return redirect(order)
    return render(
        request,
        "reforms/supervision/order_issue.html",
        {"nav": "orders", "form": form, "subject": subject, "field": field},
    )


def _visible_order(request, pk):
    return get_object_or_404(
        selectors.order_table(user=request.user, today=timezone.localdate()), pk=pk
    )


def _detail(request, order, *, reply_form=None, send_back_form=None, status=200):
    actions = policy.order_actions(request.user, order)
    if OrderAction.REPLY in actions and reply_form is None:
        reply_form = OrderReplyForm()
    if OrderAction.SEND_BACK in actions and send_back_form is None:
        send_back_form = SendBackForm()
    return render(
        request,
        "reforms/supervision/order_detail.html",
        {
            "nav": "orders",
            "order": order,
            "events": order.events.select_related("actor").order_by("at", "pk"),
            "replies": order.replies.select_related("author")
            .prefetch_related("files")
            .order_by("created_at", "pk"),
            "actions": actions,
            "reply_form": reply_form if OrderAction.REPLY in actions else None,
            "send_back_form": send_back_form if OrderAction.SEND_BACK in actions else None,
            "one_click": [a for a in actions if a in (OrderAction.URGE, OrderAction.ACCEPT)],
        },
        status=status,
    )


@login_required
def order_detail(request, pk):
    return _detail(request, _visible_order(request, pk))


@login_required
@require_POST
def order_reply(request, pk):
    """The unit's reply, with files. A refused reply comes back on the page with its message."""
    order = _visible_order(request, pk)
    form = OrderReplyForm(request.POST, request.FILES)
    if form.is_valid():
        saved = save_form(
            form,
            lambda: services.order_act(
                order=order,
                action=OrderAction.REPLY,
                actor=request.user,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
            ),
        )
        if saved:
            messages.success(request, _("Reply sent to the district reform office."))
            return redirect(saved)
    order.refresh_from_db()
    if form.errors and not policy.may_take(request.user, order, OrderAction.REPLY):
        # The order moved on meanwhile (closed, or already answered): say so, keep nothing.
        messages.error(request, " ".join(form.non_field_errors()))
        return redirect(order)
    return _detail(request, order, reply_form=form, status=400)


STEP_MESSAGES = {
    OrderAction.URGE: gettext_lazy("%(code)s urged; the unit was told again."),
    OrderAction.ACCEPT: gettext_lazy("%(code)s accepted and closed."),
    OrderAction.SEND_BACK: gettext_lazy("%(code)s sent back to the unit."),
}


@login_required
@require_POST
def order_act(request, pk):
    """The office's steps: urge and accept (one click), send back (with a reason)."""
    order = _visible_order(request, pk)
    action = request.POST.get("action", "")
    if action not in STEP_MESSAGES:
        raise Http404
    form = SendBackForm(request.POST) if action == OrderAction.SEND_BACK else None
    if form is not None and not form.is_valid():
        return _detail(request, order, send_back_form=form, status=400)
    try:
        saved = services.order_act(
            order=order,
            action=action,
            actor=request.user,
            text=form.cleaned_data["text"] if form is not None else "",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(order)
    messages.success(request, str(STEP_MESSAGES[action]) % {"code": saved.code})
    return redirect(saved)


@login_required
def order_file_download(request, pk):
    """A reply's file, only for someone who may see its order; saved under its own name."""
    row = get_object_or_404(
        OrderReplyFile.objects.filter(reply__order__in=selectors.orders_visible_to(request.user)),
        pk=pk,
    )
    return stored_file_response(row.file, row.original_name)

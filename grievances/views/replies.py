"""The standard replies (标准答复) per category: everyone who handles grievances reads them,
the office writes them (grievances.replies)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from grievances import policy, replies
from grievances.choices import Category
from grievances.forms import ReplyTemplateForm
from grievances.models import ReplyTemplate
from grievances.views.common import save_form


@login_required
def reply_templates(request):
    """Every category's standard replies; the office adds one with the form below them."""
    editable = policy.may_keep_reply_templates(request.user)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    return _page(request, ReplyTemplate(), editable=editable)


@login_required
def reply_template_edit(request, pk):
    if not policy.may_keep_reply_templates(request.user):
        raise PermissionDenied
    return _page(request, get_object_or_404(ReplyTemplate, pk=pk), editable=True)


def _page(request, template, *, editable):
    post = request.method == "POST"
    form = (
        ReplyTemplateForm(request.POST if post else None, instance=template) if editable else None
    )
    if post and form.is_valid():
        saved = save_form(
            form,
            lambda: replies.reply_template_save(
                template=form.save(commit=False), actor=request.user
            ),
        )
        if saved:
            messages.success(
                request, _("Standard reply “%(title)s” saved.") % {"title": saved.title}
            )
            return redirect("grievances:reply_templates")
    by_category = {category: [] for category in Category}
    for row in ReplyTemplate.objects.order_by("category", "title", "pk"):
        by_category[Category(row.category)].append(row)
    return render(
        request,
        "grievances/reply_templates.html",
        {
            "nav": "grievances",
            "groups": [(category, rows) for category, rows in by_category.items()],
            "form": form,
            "editing": template if template.pk else None,
        },
    )

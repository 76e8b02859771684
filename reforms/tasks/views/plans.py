"""A plan's document, handed out only to signed-in users who see the plan."""

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404

from parks.core.downloads import stored_file_response
from reforms.tasks import selectors


@login_required
def plan_document(request, pk):
    """The plan's text as an attachment, never shown inline: whatever it holds runs nowhere."""
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    if not plan.document:
        raise Http404
    return stored_file_response(plan.document, Path(plan.document.name).name)

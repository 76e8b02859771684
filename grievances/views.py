"""Browser pages of the grievances app (being written)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def inbox(request):
    return HttpResponse("")


@login_required
def grievance_detail(request, pk):
    return HttpResponse("")

"""Browser pages of the reforms app (being written)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def task_list(request):
    return HttpResponse("")

"""Scheduled housekeeping for the parks app."""

from celery import shared_task
from django.utils import timezone
from knox.models import AuthToken


@shared_task(name="parks.tasks.purge_expired_api_tokens", ignore_result=True)
def purge_expired_api_tokens():
    """Delete API tokens past their expiry, so the token list shows only live ones."""
    deleted, _details = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted

"""A real Celery worker, on the test suite's Redis broker, runs the portal's scheduled jobs."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken

from parks.structure import services
from parks.structure.jobs import purge_expired_api_tokens


@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_purges_expired_tokens(office_user, worker_queue):
    live, _ = services.api_token_create(owner=office_user, actor=office_user, days=3)
    expired, _ = services.api_token_create(owner=office_user, actor=office_user, days=3)
    AuthToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - timedelta(seconds=1))

    purge_expired_api_tokens.apply_async(queue=worker_queue)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and AuthToken.objects.filter(pk=expired.pk).exists():
        time.sleep(0.5)
    assert list(AuthToken.objects.values_list("pk", flat=True)) == [live.pk]

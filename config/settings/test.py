"""Test suite: real PostgreSQL and Redis on this host unless the environment says otherwise."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

SECRET_KEY = "test-key"  # noqa: S105
DEBUG = False
DATABASES = {
    "default": env.db_url(
        "TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/park_reform"
    ),
}
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/15")
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_TRANSPORT_OPTIONS  # noqa: F405
# Test workers start often; the tests that need the catch-up at start turn it on.
REPORTS_CATCH_UP_ON_WORKER_START = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A test's worker may be pointed at the test's own SMTP receiver (DJANGO_EMAIL_BACKEND…).
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend"
)
# Retries come quickly and a hanging receiver gives up soon, so the tests need not wait.
NOTICES_RETRY_SECONDS = env.float("NOTICES_RETRY_SECONDS", default=0.2)
NOTICES_DELIVERY_ATTEMPTS = env.int("NOTICES_DELIVERY_ATTEMPTS", default=3)
NOTICES_HTTP_READ_TIMEOUT = env.float("NOTICES_HTTP_READ_TIMEOUT", default=1)
# The tests' own robots listen on 127.0.0.1.
NOTICES_WECOM_HOSTS = ["qyapi.weixin.qq.com", "127.0.0.1"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# On disk, not in memory: a test's worker process writes the files the test then downloads.
EXPORTS_ROOT = VAR_DIR / "test-exports"  # noqa: F405
AXES_FAILURE_LIMIT = 5
PORTAL_DEMO_DATA_ALLOWED = True
# Tests make many requests in a burst; throttling is tested where it matters, not everywhere.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
STATIC_ROOT = None  # static files come from the finders; nothing is collected

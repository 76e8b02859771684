"""Production: every secret comes from the environment; nothing insecure is defaulted."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import env, public_base_url, trusted_proxy_count

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 32 characters in production.")
if not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")
if not REDIS_URL:  # noqa: F405
    raise ImproperlyConfigured("REDIS_URL must be set in production (the Celery broker).")
PORTAL_PUBLIC_BASE_URL = public_base_url(default=None)

# Throttles (public intake, API) count in the cache: shared by every gunicorn worker via Redis.
# With Redis down the cache misses and throttles let requests through, with a warning in the
# log (parks/cache.py): pages, the API and the workers' QR form keep working.
CACHES = {
    "default": {
        "BACKEND": "parks.core.cache.FailOpenRedisCache",
        "LOCATION": REDIS_URL,  # noqa: F405
    }
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind the reverse proxy every request comes from the proxy's address; the lockout and the
# throttles must key on the client's address that the proxy reports, not on the proxy.
PORTAL_TRUSTED_PROXY_COUNT = trusted_proxy_count(default=1)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # EMAIL_HOST…: base.py

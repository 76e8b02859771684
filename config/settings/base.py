"""Settings shared by every environment. Values that differ come from the environment.

One typed reader (django-environ) reads them; a malformed value stops start-up with its name.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A developer's own .env file, if present, fills in what the real environment leaves unset.
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_celery_beat",
    "parks",
    "reforms",
    "grievances",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, the header built once per setting (parks/core/csp.py).
    "parks.core.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parks.core.middleware.ChosenLanguageMiddleware",
    "parks.core.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, the user's row read by a query compiled once (parks/core/signed_in.py).
    "parks.core.signed_in.AuthenticationMiddleware",
    # A subdistrict's park ids are read once per request for the scope filters (parks.access).
    "parks.access.scope.ScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the outcome of authentication on the login form.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Each domain folder keeps its templates beside its views (parks/gridlog/templates/parks/...);
# the names stay "<app>/<page>.html", so moving a domain never renames a template.
DOMAIN_TEMPLATE_DIRS = [
    folder
    for app in ("parks", "reforms", "grievances")
    for folder in sorted((BASE_DIR / app).glob("*/templates"))
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates", *DOMAIN_TEMPLATE_DIRS],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parks.access.context_processors.unread_notifications",
                "parks.access.context_processors.access",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Without DATABASE_URL the demo keeps everything in one SQLite file under var/.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web server, the worker and beat share the demo's file: wait for a lock rather than
    # fail, and take the write lock at the start of a transaction so two writers never deadlock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
# Behind PgBouncer in transaction mode a server-side cursor (what .iterator() opens on
# PostgreSQL: the exports read their rows through one) can land on another server connection
# between fetches; set this to read them client-side instead (docs/scaling.md).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
)

# The reads of SQL compiled once run as statements PostgreSQL plans once per connection
# (parks.core.server_plans); `false` behind PgBouncer in transaction mode older than 1.22.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _seconds(name, default):
    seconds = env.float(name, default=default)
    if seconds < 0:
        raise ImproperlyConfigured(f"{name} must be 0 (no limit) or a number of seconds.")
    return seconds


# A locked or slow table must not hold a web worker, and every request queued behind it: two
# requests waiting on a locked grid-log table used to stall even the login page. On PostgreSQL a
# web request's statement is cancelled after DATABASE_STATEMENT_TIMEOUT seconds, or after
# DATABASE_LOCK_TIMEOUT seconds waiting for a lock, and the request answers 503
# (parks.core.middleware). Keep both well under gunicorn's --timeout (30 s). The web server applies
# them as it starts (config/wsgi.py); the Celery worker builds district-wide reports and applies
# the WORKER_ limits instead (config/celery.py); management commands (migrate, backup) get none.
# 0 means no limit. SQLite has neither: the demo keeps its 20-second busy wait above.
DATABASE_STATEMENT_TIMEOUT = _seconds("DATABASE_STATEMENT_TIMEOUT", 10)
DATABASE_LOCK_TIMEOUT = _seconds("DATABASE_LOCK_TIMEOUT", 3)
WORKER_DATABASE_STATEMENT_TIMEOUT = _seconds("WORKER_DATABASE_STATEMENT_TIMEOUT", 600)
WORKER_DATABASE_LOCK_TIMEOUT = _seconds("WORKER_DATABASE_LOCK_TIMEOUT", 60)


# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "parks.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench:home"  # liaisons land on their grid zones, others on the workbench
LOGOUT_REDIRECT_URL = "login"

# Lockout: five wrong passwords for one username from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The lockout, every throttle and every log line take the client's address from one place.
AXES_CLIENT_IP_CALLABLE = "parks.core.client_ip.client_address"


def trusted_proxy_count(default: int) -> int:
    """Reverse proxies in front of the portal, each appending to X-Forwarded-For (see
    parks/client_ip.py). AXES_PROXY_COUNT is the variable's older name."""
    count = env.int(
        "PORTAL_TRUSTED_PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=default)
    )
    if count < 0:
        raise ImproperlyConfigured("PORTAL_TRUSTED_PROXY_COUNT must be 0 or more.")
    return count


# No proxy in the demo and the tests: the address is the connection's own.
PORTAL_TRUSTED_PROXY_COUNT = trusted_proxy_count(default=0)

# Django's database sessions, read by a query compiled once (parks.core.sessions).
SESSION_ENGINE = "parks.core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The browser runs only the portal's own files: no inline script, style or handler, no eval,
# no other origin. Scripts get their data from data- attributes and json_script islands, and
# set sizes through CSSOM (element.style), which the policy allows. tests/parks/test_csp.py
# scans the templates for anything inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for Bootstrap's inline SVG icons in its CSS; blob: for the grid log's photo
        # previews, drawn from the files the liaison picked before anything is uploaded.
        "img-src": [SELF, "data:", "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Front-end packages come from the npm registry (package.json) and are served by the portal.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Celery ---------------------------------------------------------------------------------
# With REDIS_URL the broker is Redis. Without it, kombu's filesystem transport: a real worker
# and beat on one host with no server to run, so scheduled work happens in the demo too.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "celery-broker")))
# A request that queues work (a report asked for) must not hang on a dead broker: connecting
# gives up after 2 s, a silent server after 5 s (the worker's BRPOP waits 1 s), and a publish is
# tried twice. The row is saved first; the hourly catch-up queues what could not be sent.
REDIS_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_TRANSPORT_OPTIONS
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
# A broker that restarts must not take the worker with it: reconnect, at start-up too, for as
# long as it takes (systemd restarts a worker that exits anyway; see config/deploy/systemd/).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task running when the connection drops is left to finish and acknowledges on the new
# connection; cancelling it would throw away a build whose lease then holds the report until it
# runs out (tests/faults/test_redis_restart.py).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Beat reads its schedules from the database (django-celery-beat), so office staff can change
# the report schedules in the browser. The fixed jobs below are written there when beat starts
# and finds them missing, never over a row that exists: a change saved in the admin stays.
CELERY_BEAT_SCHEDULER = "config.beat:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "purge-expired-api-tokens": {
        "task": "parks.tasks.purge_expired_api_tokens",
        "schedule": 60 * 60,  # hourly
    },
    "send-task-reminders": {
        "task": "reforms.tasks.send_task_reminders",
        "schedule": crontab(hour=8, minute=30),  # every morning, Asia/Shanghai
    },
    "send-milestone-reminders": {
        "task": "reforms.tasks.send_milestone_reminders",
        "schedule": crontab(hour=8, minute=35),  # once a day, after the task reminders
    },
    "send-supervision-order-reminders": {
        "task": "reforms.supervision.send_order_reminders",
        "schedule": crontab(hour=8, minute=40),  # every morning, after the task reminders
    },
    "score-closed-assessment-periods": {
        "task": "reforms.assessment.score_closed_periods",
        # The 1st of the month, early, Asia/Shanghai: last month (quarter, year) has closed.
        "schedule": crontab(day_of_month=1, hour=2, minute=30),
    },
    "catch-up-assessment-scores": {
        "task": "reforms.assessment.catch_up_scores",
        "schedule": crontab(hour=3, minute=15),  # nightly: periods missed while none ran
    },
    "catch-up-progress-reports": {
        "task": "reforms.tasks.catch_up_reports",
        "schedule": 60 * 60,  # hourly: missed scheduled reports, lost builds, orphan files
    },
    "requeue-lost-progress-report-builds": {
        "task": "reforms.tasks.requeue_lost_reports",
        "schedule": 60,  # a build whose worker died is rebuilt within a couple of minutes
    },
    "send-grievance-reminders": {
        "task": "grievances.tasks.send_grievance_reminders",
        "schedule": 15 * 60,  # time limits run in hours: check every quarter hour
    },
    "requeue-lost-notice-deliveries": {
        "task": "parks.notices.requeue_lost_deliveries",
        "schedule": 60,  # a notice whose message was lost goes out within a few minutes
    },
    "requeue-lost-exports": {
        "task": "parks.exports.requeue_lost_exports",
        "schedule": 60,  # an export whose worker died is written again within minutes
    },
    "delete-expired-exports": {
        "task": "parks.exports.delete_expired_exports",
        "schedule": crontab(hour=3, minute=10),  # nightly, Asia/Shanghai
    },
    "send-notice-digests": {
        "task": "parks.notices.send_digests",
        "schedule": crontab(hour=7, minute=30),  # before the working day, Asia/Shanghai
    },
}

# A worker that starts produces the scheduled reports missed while none was running.
REPORTS_CATCH_UP_ON_WORKER_START = True
# A report build holds its report this long without renewing (it renews every quarter of it);
# past it the build is taken as lost and the sweep above queues it again.
REPORTS_BUILD_LEASE_SECONDS = env.int("REPORTS_BUILD_LEASE_SECONDS", default=60)
# Exports (parks.exports): written by the worker into this folder, which nothing serves (the
# download view streams a file to its requester only); kept this many days, then deleted.
EXPORTS_ROOT = Path(env.str("DJANGO_EXPORTS_ROOT", default=str(VAR_DIR / "exports")))
EXPORTS_KEEP_DAYS = env.int("EXPORTS_KEEP_DAYS", default=7)
# A build holds its export this long without saving progress (it saves every 2,000 rows).
EXPORTS_BUILD_LEASE_SECONDS = env.int("EXPORTS_BUILD_LEASE_SECONDS", default=120)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "parks.core.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "parks.core.api.filtering.PortalFilterBackend",
        "parks.core.api.ordering.ChineseOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "parks.core.api.pagination.PortalPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's, its choice kept per Accept header (parks/core/api/negotiation.py).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "parks.core.api.negotiation.KeptNegotiation",
    # DRF's three, with a JSON parser that refuses absurdly deep nesting (a 400, not a 500).
    "DEFAULT_PARSER_CLASSES": [
        "parks.core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Generous for scripts pulling reports; stops a runaway client or a password-guessing one.
    "DEFAULT_THROTTLE_CLASSES": [
        "parks.core.api.throttling.AnonRateThrottle",
        "parks.core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
    },
    # Adds the error responses (401/403/404/429/5xx, 400/413/415 on writes) to every operation.
    "DEFAULT_SCHEMA_CLASS": "parks.core.api.schema.PortalAutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "EXCEPTION_HANDLER": "parks.core.api.errors.portal_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Tokens live 90 days unless made with another expiry; knox stores only their hash.
API_TOKEN_DEFAULT_DAYS = env.int("API_TOKEN_DEFAULT_DAYS", default=90)
API_TOKEN_MAX_DAYS = 365
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_DEFAULT_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Park reform portal API",
    "DESCRIPTION": (
        "Parks, grid zones, facilities and the organisations of the district's industrial-"
        "workforce reform. Authenticate with `Authorization: Token <key>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # No "valid" badge from validator.swagger.io: the docs stay on the portal, and the CSP's
    # img-src would refuse it anyway (Swagger UI skips it only on localhost).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Tasks and supervision orders both have a `status`: each choice set gets its own name
    # (the task's was "StatusEnum" while it was the only one).
    "ENUM_NAME_OVERRIDES": {
        "TaskStatusEnum": "reforms.tasks.choices.TaskStatus",
        "SupervisionOrderStatusEnum": "reforms.supervision.choices.OrderStatus",
    },
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# --- Portal ---------------------------------------------------------------------------------
# `load_demo` makes accounts with a published password: only settings that say so allow it.
PORTAL_DEMO_DATA_ALLOWED = False
PORTAL_DISTRICT_NAME = env.str("PORTAL_DISTRICT_NAME", default="梁溪区")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="portal@localhost")
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("DJANGO_EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.float("DJANGO_EMAIL_TIMEOUT", default=10)

# --- Notices by e-mail, WeCom group robots and SMS (parks.notices) -----------------------------
# Sent by the worker after the data commits; a transient failure (a timeout, a refused
# connection, a 5xx) is tried again after NOTICES_RETRY_SECONDS, doubling each time, until
# NOTICES_DELIVERY_ATTEMPTS tries are spent; then the delivery is failed, for the office's page.
NOTICES_DELIVERY_ATTEMPTS = env.int("NOTICES_DELIVERY_ATTEMPTS", default=5)
NOTICES_RETRY_SECONDS = env.float("NOTICES_RETRY_SECONDS", default=30)
NOTICES_HTTP_CONNECT_TIMEOUT = env.float("NOTICES_HTTP_CONNECT_TIMEOUT", default=5)
NOTICES_HTTP_READ_TIMEOUT = env.float("NOTICES_HTTP_READ_TIMEOUT", default=10)
# The only hosts a WeCom webhook may name (comma-separated): the worker posts from inside the
# network, so an address the office types must not reach anything else (parks.core.webhooks).
NOTICES_WECOM_HOSTS = env.list("NOTICES_WECOM_HOSTS", default=["qyapi.weixin.qq.com"])
# The SMS gateway: a POST of JSON {mobile, template, sign, content} with the key as a bearer
# token. Empty URL: SMS deliveries fail with that reason (shown to the office).
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_KEY = env.str("SMS_GATEWAY_KEY", default="")
SMS_GATEWAY_TEMPLATE = env.str("SMS_GATEWAY_TEMPLATE", default="")
SMS_GATEWAY_SIGN = env.str("SMS_GATEWAY_SIGN", default="")


def public_base_url(default: str | None) -> str:
    """PORTAL_PUBLIC_BASE_URL: where workers' phones reach the portal (scheme and host, e.g.
    https://portal.example.cn), what QR posters encode whatever host the office browses from.
    No default in production: a poster printed with the wrong address cannot be recalled."""
    value = env.str("PORTAL_PUBLIC_BASE_URL", default=default or "").strip()
    if not value:
        raise ImproperlyConfigured(
            "PORTAL_PUBLIC_BASE_URL must be set in production: the address workers' phones "
            "open from the QR posters, e.g. https://portal.example.cn"
        )
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ImproperlyConfigured(
            f"PORTAL_PUBLIC_BASE_URL must be http:// or https:// and a host, nothing after it "
            f"(e.g. https://portal.example.cn), not {value!r}."
        )
    return f"{parts.scheme}://{parts.netloc}"


# The demo and development serve the posters' address themselves.
PORTAL_PUBLIC_BASE_URL = public_base_url(default="http://127.0.0.1:8000")

# Reform task warnings (督查督办). Yellow: behind the scheduled pace (序时进度) by more than
# PACE_MARGIN percentage points, or due within DUE_SOON_DAYS and not done. Red: past due.
REFORM_PACE_MARGIN = env.int("REFORM_PACE_MARGIN", default=20)
REFORM_DUE_SOON_DAYS = env.int("REFORM_DUE_SOON_DAYS", default=7)
# Evidence attached to progress updates.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
TASK_IMPORT_MAX_ROWS = 1000

# Worker grievances: time limits come from the policy table; these apply to a category that
# has no policy row yet. Warnings go out this long before a limit; mediation runs 15 days.
GRIEVANCE_DEFAULT_RESPOND_HOURS = env.int("GRIEVANCE_DEFAULT_RESPOND_HOURS", default=24)
GRIEVANCE_DEFAULT_RESOLVE_DAYS = env.int("GRIEVANCE_DEFAULT_RESOLVE_DAYS", default=15)
GRIEVANCE_RESPONSE_WARN_HOURS = env.int("GRIEVANCE_RESPONSE_WARN_HOURS", default=4)
GRIEVANCE_RESOLUTION_WARN_DAYS = env.int("GRIEVANCE_RESOLUTION_WARN_DAYS", default=2)
GRIEVANCE_MEDIATION_DAYS = 15
GRIEVANCE_ATTACHMENT_MAX_BYTES = env.int("GRIEVANCE_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Likely duplicates (grievances.duplicates): same park, similar title (pg_trgm similarity of at
# least GRIEVANCE_DUPLICATE_SIMILARITY, or the same words), received within this many days of
# each other, neither closed.
GRIEVANCE_DUPLICATE_DAYS = env.int("GRIEVANCE_DUPLICATE_DAYS", default=14)
GRIEVANCE_DUPLICATE_SIMILARITY = env.float("GRIEVANCE_DUPLICATE_SIMILARITY", default=0.3)

# The liaison's grid log. A liaison may correct their own entry for this long after saving it;
# office staff and park managers may correct entries at any time.
ACTIVITY_EDIT_HOURS = env.int("ACTIVITY_EDIT_HOURS", default=72)
# Photos: refused above these limits before they are decoded, then re-encoded as JPEG no larger
# than ACTIVITY_PHOTO_MAX_SIDE pixels a side (which also drops EXIF, with any GPS position).
ACTIVITY_PHOTO_MAX_BYTES = env.int("ACTIVITY_PHOTO_MAX_BYTES", default=15 * 1024 * 1024)
ACTIVITY_PHOTO_MAX_PIXELS = env.int("ACTIVITY_PHOTO_MAX_PIXELS", default=50_000_000)
ACTIVITY_PHOTO_MAX_SIDE = 1600
ACTIVITY_PHOTO_THUMB_SIDE = 360
ACTIVITY_PHOTOS_PER_ENTRY = 9
# The bulk API takes at most this many activities in one request.
ACTIVITY_BULK_MAX = 500

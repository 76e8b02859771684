"""Settings shared by every environment. Values that differ come from the environment.

One typed reader (django-environ) reads them; a malformed value stops start-up with its name.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

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
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parks.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the outcome of authentication on the login form.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parks.context_processors.unread_notifications",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
LOGIN_REDIRECT_URL = "parks:home"  # liaisons land on their grid zones, others on the parks
LOGOUT_REDIRECT_URL = "login"

# Lockout: five wrong passwords for one username from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

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
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
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
# Beat reads its schedules from the database (django-celery-beat), so office staff can change
# the report schedules in the browser; the fixed jobs below are written there at start-up.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "purge-expired-api-tokens": {
        "task": "parks.tasks.purge_expired_api_tokens",
        "schedule": 60 * 60,  # hourly
    },
    "send-task-reminders": {
        "task": "reforms.tasks.send_task_reminders",
        "schedule": crontab(hour=8, minute=30),  # every morning, Asia/Shanghai
    },
    "catch-up-progress-reports": {
        "task": "reforms.tasks.catch_up_reports",
        "schedule": 60 * 60,  # hourly: missed scheduled reports and lost builds
    },
    "send-grievance-reminders": {
        "task": "grievances.tasks.send_grievance_reminders",
        "schedule": 15 * 60,  # time limits run in hours: check every quarter hour
    },
}

# A worker that starts produces the scheduled reports missed while none was running.
REPORTS_CATCH_UP_ON_WORKER_START = True

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "parks.api.ordering.ChineseOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "parks.api.pagination.PortalPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Generous for scripts pulling reports; stops a runaway client or a password-guessing one.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "EXCEPTION_HANDLER": "parks.api.errors.portal_exception_handler",
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
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
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

"""Settings for the D-8 SME Cooperation Portal, read from the environment.

With no variables at all the portal runs embedded: DEBUG on, SQLite and e-mail files under
var/, a secret key generated once into var/, background tasks run in-process.
"""

import secrets
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=True)


def _stop(message):
    # One readable line on stderr and a non-zero exit, instead of a traceback.
    raise SystemExit(f"d8portal: {message}")


def _embedded_secret_key():
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        _stop("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _embedded_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not DEBUG:
        _stop("ALLOWED_HOSTS must be set when DEBUG is off.")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "d8portal.admin_site.SecretariatAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_countries",
    "axes",
    "simple_history",
    "import_export",
    "django_celery_beat",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "memberstates",
    "taskforces",
    "meetings",
    "actionplans",
    "consultations",
    "knowledge",
    "partners",
    "linkages",
    "indicators",
    "d8portal",
]

MIDDLEWARE = [
    # First: the container's health check asks over plain HTTP without the public host name.
    "d8portal.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API answers compressed when the client accepts it (static files are compressed
    # ahead by WhiteNoise), with an ETag, and 304 to a client that has the same answer.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside the content policy (its pages get the header), outside CommonMiddleware's slash.
    "d8portal.errors.ErrorPagesMiddleware",
    # Before anything reads a request body, the CSRF check included.
    "core.uploads.UploadGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "d8portal.urls"
WSGI_APPLICATION = "d8portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "d8portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections in production: a request does not pay for opening one.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every process (API throttling counts requests in it): Redis in production.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# Dates for people as "29 April 2026" everywhere (d8portal/formats), ISO in machine places.
FORMAT_MODULE_PATH = ["d8portal.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("TIME_ZONE", default="UTC")
# Due dates are calendar dates in the Secretariat's time zone; the daily sweep runs there.
SECRETARIAT_TIME_ZONE = env("SECRETARIAT_TIME_ZONE", default="Europe/Istanbul")

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    # Uploaded files: any Django storage backend, e.g. one of django-storages for S3.
    "default": {
        "BACKEND": env("FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "after-login"
LOGOUT_REDIRECT_URL = "home"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses logins after repeated failures before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address by the trusted proxies (TRUSTED_PROXIES), as for API throttling and logs.
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Password reset links: at most this many per e-mail address and per client address in a
# window (counted in the shared cache).
PASSWORD_RESET_PER_ADDRESS = 3
PASSWORD_RESET_PER_CLIENT = 10
PASSWORD_RESET_WINDOW_SECONDS = 3600

# Admin import needs the model's change permission and export its view permission, so the
# Secretariat group needs no permissions of its own for them.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True

# E-mail: files under var/mail unless EMAIL_URL names an SMTP server (smtp+tls://user:pw@host:587).
EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# Every SMTP operation gives up after this many seconds, so that a mail server that accepts and
# never answers cannot hold a sweep (or its claim on the outbox rows) for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="D-8 SME Portal <portal@d8sme.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SECRETARIAT_EMAIL = env("SECRETARIAT_EMAIL", default="secretariat@d8sme.example.org")
# The portal's public address, for links in e-mails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Uploaded evidence and attachments: cap per file, and a hard cap on a request's body.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
REQUEST_MAX_BYTES = 64 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# Celery: Redis in production. Without a broker, tasks run in-process so the embedded
# portal works with nothing else installed.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = SECRETARIAT_TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# A task whose pool child dies (killed, out of memory) goes back to the queue and runs again;
# one that fails or passes its time limit is acknowledged (sweeps retry themselves).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_ACKS_ON_FAILURE_OR_TIMEOUT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Time limits: the hard one of every task (a task may set its own) ends its pool child; sweeps
# also have the soft one, which raises in the task and which they turn into a retry.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=20 * 60)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
SWEEP_SOFT_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT
del CELERY_TASK_SOFT_TIME_LIMIT  # not for every task: tasks with a shorter hard limit
# A broker that is down or hung costs a request a few seconds, never more: connecting, each
# socket operation and the retries of a publish are bounded. (Work that must follow a commit
# is recorded in the database, and the periodic sweeps do it when queueing failed.)
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
    "max_retries": 1,
    # An unacknowledged task (acks late) goes to another worker after this; longer than any
    # task may run.
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 10 * 60,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}

# Deadline reminders and the embedded broker.
# `make run` sets CELERY_BROKER_URL=filesystem:// : Celery's file-system transport under var/,
# so the embedded portal runs a real worker and beat without Redis.
if CELERY_BROKER_URL.startswith("filesystem://"):
    _celery_queue = VAR_DIR / "celery" / "queue"
    _celery_queue.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "data_folder_in": str(_celery_queue),
        "data_folder_out": str(_celery_queue),
        "store_processed": False,
        # Broadcast (remote control) messages too; kombu's default is ./control.
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
# The beat schedule is kept in the database, so the Secretariat sees and changes it in the admin.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Reminders to focal points this many days before a due date, then on it, then weekly overdue.
REMINDER_OFFSETS_DAYS = env.list("REMINDER_OFFSETS_DAYS", cast=int, default=[14, 7, 1])
# The hour (Secretariat's time zone) at which the daily sweep's schedule is first created.
REMINDER_SWEEP_HOUR = env.int("REMINDER_SWEEP_HOUR", default=7)
# A sender that has not finished within this lease is presumed dead; its reminders go again.
# Longer than one e-mail may take (EMAIL_TIMEOUT): a sender holds the rows it is sending.
REMINDER_CLAIM_LEASE_MINUTES = env.float("REMINDER_CLAIM_LEASE_MINUTES", default=15)
# Beat sends the notices no worker sent after their commit (the broker was down) this often.
PENDING_NOTICES_EVERY_MINUTES = env.int("PENDING_NOTICES_EVERY_MINUTES", default=10)

DEMO_PASSWORD = env("DEMO_PASSWORD", default="d8-demo-2026")

# The number of proxies in front of the portal that append the client's address to
# X-Forwarded-For (1 behind the documented TLS proxy). The client's address, for API
# throttling, login lock-out and logs, is that many entries from the right of the header; with
# 0 the header is ignored and the address is the connection's.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
if TRUSTED_PROXIES < 0:
    _stop("TRUSTED_PROXIES must be 0 or more.")

# Security. Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Everything the pages load comes from the portal itself: no CDN, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Logs go to stdout; JSON lines in production (LOG_FORMAT=json), plain text otherwise.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "filters": {"client_ip": {"()": "core.clientip.ClientIpLogFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": env("LOG_FORMAT", default="plain" if DEBUG else "json"),
            "filters": ["client_ip"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint.progress": {"level": "WARNING"}},
}

# The REST API under /api/v1/, its OpenAPI schema at /api/schema/ and its docs at /api/docs/.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token scheme first: an anonymous client is answered 401 with how to authenticate.
        "accounts.api.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api.SecretariatWritesOrReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api_defaults.AnonThrottle",
        "core.api_defaults.UserThrottle",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "core.api_defaults.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api_defaults.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "core.api_defaults.Ordering",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # The throttles take the client's address from core.clientip (TRUSTED_PROXIES); this is
    # for any other DRF code that asks.
    "NUM_PROXIES": TRUSTED_PROXIES,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Requests per client: anonymous ones by address, signed-in ones by account.
API_THROTTLE_ANON = env("API_THROTTLE_ANON", default="60/minute")
API_THROTTLE_USER = env("API_THROTTLE_USER", default="600/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "D-8 SME Cooperation Portal API",
    "DESCRIPTION": (
        "Member states, SME governmental bodies, focal points, task forces, meetings, MoU "
        "accession and action plans of the D-8 SME cooperation. Public records need no "
        "authentication; focal points post progress on their state's action items with a "
        "personal API token (`Authorization: Bearer <token>`)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",  # operations grouped by record: "meetings", …
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "MoUAccessionStatusEnum": "memberstates.models.MoUAccession.Status",
        "TaskForceStatusEnum": "taskforces.models.TaskForce.Status",
        "MeetingStatusEnum": "meetings.models.Meeting.Status",
        "MeetingKindEnum": "meetings.models.Meeting.Kind",
        "DelegationStatusEnum": "meetings.models.Attendance.Status",
        "OutcomeStatusEnum": "meetings.models.Outcome.Status",
        "OutcomeKindEnum": "meetings.models.Outcome.Kind",
        "ActionPlanStatusEnum": "actionplans.models.ActionPlan.Status",
        "ActionItemStatusEnum": "actionplans.models.ActionItem.Status",
        "ConsultationProcedureEnum": "consultations.models.Consultation.Procedure",
        "ConsultationResultEnum": "consultations.models.Consultation.Result",
        "ConsultationCommentResponseEnum": "consultations.models.ConsultationComment.Response",
        # Member states and partners share the ISO 3166 list of countries.
        "CountryEnum": "django_countries.countries",
        "OpportunityKindEnum": "linkages.models.Opportunity.Kind",
        "OpportunityStatusEnum": "linkages.models.Opportunity.Status",
        "EventKindEnum": "linkages.models.Event.Kind",
        "EventFormatEnum": "linkages.models.Event.Format",
        "MeetingFormatEnum": "meetings.models.Meeting.Format",
        "NominationStatusEnum": "linkages.models.Nomination.Status",
    },
}

# PDF reports (meeting outcome reports, action-plan progress reports): a render that takes
# longer than this many seconds is stopped.
PDF_RENDER_TIMEOUT = env.int("PDF_RENDER_TIMEOUT", default=60)

"""Settings, all from the environment (see .env.example).

With nothing set you get the embedded default: SQLite in the project folder, Celery tasks run
eagerly in-process, mail printed to the console, DEBUG on. A deployment sets ``DEBUG=0`` and
then must give a real ``SECRET_KEY``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}.")


def env_list(name, default):
    value = os.environ.get(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


DEBUG = env_bool("DEBUG", True)

INSECURE_DEV_KEY = "django-insecure-embedded-default-only-for-local-demo"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = INSECURE_DEV_KEY
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use 50 or more random characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

# How many reverse proxies in front of the portal append the client's address to
# X-Forwarded-For: the client is the N-th entry from the right (coop/clients.py). 0, the
# default, believes no X-Forwarded-For at all, since a client can write any it likes.
try:
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT") or 0)
except ValueError:
    TRUSTED_PROXY_COUNT = -1
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be a whole number, 0 or more.")
if "USE_X_FORWARDED_FOR" in os.environ:
    # Its old meaning (believe the first, client-written entry) is the hole it was replaced for.
    raise ImproperlyConfigured(
        "USE_X_FORWARDED_FOR is gone: set TRUSTED_PROXY_COUNT to the number of reverse proxies "
        "in front of the portal (1 with docker-compose's), or 0 for none."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "coop.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "csp",
    "coop",
    "members",
    "standards",
    "testing_fund",
    "credit",
    "exports",
    "brands",
    "consultation",
    "benchmarking",
    "chains",
    "supervision",
]

MIDDLEWARE = [
    # First: a public document asked for over its limit per address is refused before any
    # other work, as cheaply as can be (coop/public_documents.py).
    "coop.public_documents.LimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise, which answers static files itself: the policy is for pages.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "coop.authentication.TokenUserMiddleware",
    # Before the scope and any view: a NUL in a path, query, form or cookie is a 400 naming it.
    "coop.bad_input.BadInputMiddleware",
    # Anonymous public pages from the cache, before the scope's cooperative look-up.
    "coop.public_cache.PublicCacheMiddleware",
    # Staff lists from the cache for their person, before the scope's look-up too; they are
    # stored after the messages, inside the scope (coop/staff_cache.py).
    "coop.staff_cache.StaffCacheMiddleware",
    "coop.middleware.TenantScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "coop.staff_cache.StaffCacheStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a login refused for too many failures into the
    # lockout answer (coop.logins.lockout_response).
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins (pages, admin and the API's token endpoint) are counted per account and per
# client address; either reaching the limit within the cool-off refuses that account or address
# until the cool-off has passed since its last failure, or until staff unlock it.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT") or 10)
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES") or 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Tries while locked out are not counted, so the wait the message names is the wait there is.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "coop.clients.client_address"
AXES_LOCKOUT_CALLABLE = "coop.logins.lockout_response"
# Only failures are kept: a row per successful login would grow without end and make a session
# for every API client that asks for a token.
AXES_DISABLE_ACCESS_LOG = True
# Lockouts are logged as warnings; its start-up banner would only clutter every command's output.
AXES_VERBOSE = False

# The top floor assembles every app's URLs (coop/urls.py holds coop's own): coop imports no app.
ROOT_URLCONF = "supervision.urls"
WSGI_APPLICATION = "coop.wsgi.application"
AUTH_USER_MODEL = "coop.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff-home"
LOGOUT_REDIRECT_URL = "home"

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
                "supervision.navigation.header",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("TEST", {})["NAME"] = DATABASES["default"]["NAME"] + "_test"
# Statistics that may read from a replica (besides the public pages): views by URL name.
REPLICA_READ_VIEWS = ["statistics", "problem-map", "api-statistics", "api-region-statistics"]
# Opt-in: a PostgreSQL read replica for the public pages and the statistics
# (coop/db_routers.py; README, "When one machine is not enough"). Unset, nothing changes.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=60, conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read what they wrote
    DATABASE_ROUTERS = ["coop.db_routers.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("coop.middleware.TenantScopeMiddleware") + 1,
        "coop.db_routers.ReplicaReadsMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed names and their manifest (staticfiles.json) whatever DEBUG is, so the files that
# bin/setup collects with DEBUG on are the ones a server with DEBUG off looks up; with DEBUG on
# the pages still link the plain names, served from the source folders. Only production builds
# (the Dockerfile, DEBUG=0) also write compressed copies: that takes a minute, the hashing two
# seconds, and the proxy compresses on the fly anyway.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
# The largest file a person may attach (a photo of a sample or its seal, rectification
# evidence, a signature's scan): 5 MiB, as the other uploads, so one fits the reverse proxy's
# 8 MiB body (deploy/Caddyfile) beside the form's other fields.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES") or 5 * 1024 * 1024)

# Redis is the Celery broker and the cache when REDIS_URL is set; without it the embedded
# default runs tasks in-process, so the portal works on a laptop with no server installed.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# No task is lost with its worker. A task is acknowledged only once it has run (acks late), and
# one whose pool process died under it (SIGKILL, out of memory) goes back to the queue at once
# (rejected when the worker is lost). A worker that dies whole acknowledges nothing and rejects
# nothing: Redis hands its task to another worker once the visibility timeout has passed, and
# workers look for such tasks every TASK_RESTORE_SECONDS. The timeout must be longer than the
# longest task, or a task still running is handed out a second time: the longest is the annual
# report, 0.5-2.5 s at Haimen's size and under 2 s at 20,000 batches a year on a busy 2-core
# machine (bench/lost_task.py), so 5 minutes leaves a hundredfold margin, while a lost task is
# redone within about 5.5 minutes (measured: 306-309 s after the kill). No task is sent with a
# countdown or an ETA: one beyond the timeout would be handed out again before it is due.
# Every task can run twice (they are idempotent), and the sweep of supervision/tasks.py issues
# any document whose task was lost some other way. Prefetch one: a worker holds no task it is
# not running.
TASK_VISIBILITY_TIMEOUT = int(os.environ.get("TASK_VISIBILITY_TIMEOUT") or 300)
TASK_RESTORE_SECONDS = int(os.environ.get("TASK_RESTORE_SECONDS") or 30)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": TASK_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": TASK_RESTORE_SECONDS,
    "unacked_restore_throttle": 1,  # every look is a look (kombu skips 9 of 10 by default)
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CACHES = {
    "default": (
        # Django's, with one client per connection pool (coop/redis_cache.py).
        {"BACKEND": "coop.redis_cache.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")
# Days a mailed link to set up an account stays usable (an invitation, an applicant's link).
INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS") or 14)
# Seconds a password-reset link stays usable (Django's own; a day rather than its 3 days).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT") or 24 * 3600)

if not DEBUG:
    # HTTPS=0 only for a trial on a closed network served over plain http: no redirect to
    # https, no HSTS (a browser that saw it would refuse plain http for a year) and cookies
    # that travel over http.
    HTTPS = env_bool("HTTPS", True)
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # The reverse proxy (deploy/Caddyfile) says whether the client came over https; gunicorn
    # is published only to it, so no client can write this header itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_SSL_REDIRECT = HTTPS
    SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
    # Subdomains of the portal's own host name; the portal has none served over http.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
    # Preloading binds the whole registrable domain (the bureau's, as a rule) to https in every
    # browser and takes months to undo: the domain's owner decides it by submitting the domain,
    # not a portal by default. So no preload flag, and its deploy-check warning is silenced.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy (django-csp), with DEBUG on as well, so the browser journeys run under
# it: scripts and stylesheets only from the portal's own files, never inline, so markup that
# slips into a page cannot run; no plugins, no framing, forms post only to the portal. Images
# may also be data: URIs (Swagger UI's icons are, in its stylesheet).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

REST_FRAMEWORK = {
    # Token first: a token client must not be asked for a CSRF token by the session class.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "coop.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # The schema says every error an operation answers with (coop/schema.py).
    "DEFAULT_SCHEMA_CLASS": "coop.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "coop.api.exception_handler",
    # DRF's parsers, refusing deep nesting and characters the database cannot hold (a 400).
    "DEFAULT_PARSER_CLASSES": [
        "coop.parsers.JSONParser",
        "coop.parsers.FormParser",
        "coop.parsers.MultiPartParser",
    ],
    # DRF's throttles pick the client from X-Forwarded-For as coop.clients does.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# API tokens (django-rest-knox): one per login, stored hashed, dead after API_TOKEN_TTL_HOURS.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=float(os.environ.get("API_TOKEN_TTL_HOURS") or 10)),
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Quality cooperative portal API",
    "DESCRIPTION": "Members, free testing, standards and credit of quality cooperatives.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No validator badge: it is an image from validator.swagger.io that would send it the
    # schema's address (and break the no-CDN rule and the Content-Security-Policy).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # The same whoever asks: built in an empty tenant scope for an anonymous caller.
    "DEFAULT_GENERATOR_CLASS": "coop.schema.ScopedSchemaGenerator",
    "GET_MOCK_REQUEST": "coop.schema.mock_request",
    # What a client sends apart from what it reads (read-only fields are not asked for).
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for each set of choices that several models or fields share.
    "ENUM_NAME_OVERRIDES": {
        "SafetyCategoryEnum": "standards.models.Limit.Category",
        "MemberStatusEnum": "members.models.Member.Status",
        "MemberKindEnum": "members.models.Member.Kind",
        "ComplaintStatusEnum": "credit.models.Complaint.Status",
        "AssessmentStatusEnum": "credit.models.Assessment.Status",
        "AssessmentResultEnum": "credit.models.Assessment.Result",
        "GradeEnum": "credit.models.CreditGrade.Grade",
        "VerdictEnum": ["pass", "warn", "fail"],
        "BatchStatusEnum": "testing_fund.models.Batch.Status",
        "BatchKindEnum": "testing_fund.models.Batch.Kind",
        "BatchSafetyCategoryEnum": [("A", "A"), ("B", "B"), ("C", "C")],
        "AccountRoleEnum": "coop.models.Role",
        "InvitedRoleEnum": "coop.accounts_api.INVITED_ROLES",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every rendering step at INFO; only its warnings matter here.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# The portal's public address, printed on documents (the QR code of a certificate leads here).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# Public documents rendered on request (a cooperative's standards collection as PDF or XLSX)
# a client address may ask for per minute, all such URLs together (coop/public_documents.py).
PUBLIC_DOCUMENTS_PER_MINUTE = int(os.environ.get("PUBLIC_DOCUMENTS_PER_MINUTE") or 30)

# Seconds an anonymous public page stays in the cache at most (coop/public_cache.py): a safety
# net, since a change to what the pages show throws them away at once. 0 turns the cache off.
PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS") or 600)

# Seconds a staff list stays in the cache for its person at most (coop/staff_cache.py): a safety
# net, since any write in its cooperative throws it away at once. 0 turns the cache off.
STAFF_CACHE_SECONDS = int(os.environ.get("STAFF_CACHE_SECONDS") or 600)

"""Wenming settings: one file, read from the environment, with safe local defaults.

With no environment at all, Wenming runs in debug mode on a SQLite file in the project folder and
Celery tasks run in-process. Production (``DJANGO_DEBUG=0``) refuses to start without a secret
key and allowed hosts. See README.md for every variable.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-local-development-only"  # noqa: S105
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]", "testserver"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_DEBUG=0 needs DJANGO_SECRET_KEY to be set.")
    # .env.example's placeholder is public: a site signing with it has no secret at all.
    if SECRET_KEY.startswith("change-me"):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is still the placeholder from .env.example; generate one with "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_DEBUG=0 needs DJANGO_ALLOWED_HOSTS to be set.")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # HTTPS only, by default: plain http is redirected and browsers remember (HSTS) to never
    # try http again. Plain-http test setups (docker-compose.yml on localhost) turn both off.
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    # The browsers' preload list is a manual submission that takes months to undo: opt in.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "SECURE_HSTS_PRELOAD is not True"

# Public base URL for links that leave the site (QR codes, calendar feeds, SMS links, webhooks),
# read only through core.absolute_urls: unset, pages use the request's own host, and what is
# built outside a request needs it in production (a deploy check, and workers refuse to start).
SITE_URL = env("WENMING_SITE_URL").rstrip("/")
# Outside a request with no WENMING_SITE_URL: the dev server's address in debug, none in production.
SITE_URL_FALLBACK = "http://127.0.0.1:8000" if DEBUG else ""

INSTALLED_APPS = [
    "config.admin_site.WenmingAdminConfig",  # django.contrib.admin, labelled autocompletes
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: runserver leaves static files to WhiteNoise, as every server does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    # Ours, in dependency order: each depends only on those above it.
    "stations",
    "volunteers",
    "notifications",
    "orders",
    "events",
    "wishes",  # the wish wall (心愿墙): reads orders' categories and eligibility, makes events
    "reports",
    "portal",
    "joining",  # 成为志愿者 and its decisions, password reset (e-mail, SMS code)
    "privacy",  # residents' personal data across orders and events: retention, export, erasure
    "open311",  # partner systems place and follow orders (Open311 GeoReport v2)
    "config.apps.OpsConfig",  # health checks, deploy checks, `manage.py backup`
    "kiosk",  # the station's touch-screen kiosk: places orders (channel kiosk), shows events
    "posters",  # station posters (HTML, PDF): reads stations, orders' menu, events' calendar URLs
]

MIDDLEWARE = [
    # /healthz and /readyz, before host checks and redirects (config/health.py).
    "config.health.HealthMiddleware",
    # Request id in and out, one log line per request (config/logs.py).
    "config.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files in every mode (runserver, gunicorn with or without DEBUG): a styled site.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.headers.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After locale and auth: its 400 page is translated and extends base.html.
    "config.nul_bytes.RefuseNulBytesMiddleware",
    # Last: turns a login that axes refused into the lockout page (or the API's error shape).
    "axes.middleware.AxesMiddleware",
]

# --- Content-Security-Policy (django-csp), on every page, the admin and the API docs ------------
# Scripts and styles from this site only: no inline <script>, onclick= or style= anywhere. The
# one inline script (Swagger UI's start-up, templates/drf_spectacular/) carries the request's
# nonce. img/font data: URIs are Swagger UI's and ReDoc's icons; ReDoc's search runs in a blob:
# worker.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features no page here uses (residents scan QR codes with the phone's own camera app).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), magnetometer=(), "
    "gyroscope=(), accelerometer=()"
)

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
                "portal.context_processors.navigation",
                "notifications.context_processors.inbox",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# No DATABASE_URL: a SQLite file beside manage.py. DATABASE_URL=postgres://…: PostgreSQL through
# psycopg 3, with persistent connections that are health-checked before reuse.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            # Wait on a locked file instead of failing at once when the dev server and a
            # command write together.
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, report caches) ------------------------------------------------------
# Every process must see the same cache: a report cached by one gunicorn worker is invalidated
# by a write in another. Redis with CACHE_URL; else, in production, the database (the table is
# created by ``migrate``: reports/migrations/0004_cache_table.py); the per-process memory cache
# only for DEBUG (the embedded demo) and tests. With Redis down, the cache misses and drops
# writes instead of failing the request (core/cache.py; README "Operations").
CACHE_URL = env("CACHE_URL")
CACHE_TABLE = "wenming_cache"
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": CACHE_URL}}
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            # Report pages per area and month add up; culling past this drops the oldest third.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# --- Celery --------------------------------------------------------------------------------
# No broker: tasks run eagerly in the calling process. With a broker: real workers. Run one beat
# process (`celery -A config beat`); a second one started by mistake sends nothing twice (a lock
# per schedule slot, config/beat.py). README "Operations" › "Queues" lists every periodic task.
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or "cache+memory://")
CELERY_RESULT_EXPIRES = 24 * 3600
# JSON only: a pickled message from anyone who reaches Redis would run code in the worker.
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Asia/Shanghai"
# Every task here is idempotent (STYLE.md: running one twice, or after a crash half-way, leaves
# one result), so a task is acknowledged only once it has finished, and a task whose worker died
# under it goes back to the queue instead of being dropped.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Time limits: short tasks (a delivery, a sweep, a refresh) get a minute; the long ones (calendar
# compiles, rollup rebuilds, the retention sweep, digests) ten, in CELERY_TASK_ANNOTATIONS.
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
LONG_TASK_LIMITS = {"soft_time_limit": 10 * 60, "time_limit": 12 * 60}
CELERY_TASK_ANNOTATIONS = {
    name: LONG_TASK_LIMITS
    for name in (
        "events.tasks.compile_month",
        "events.tasks.compile_next_month",
        "events.tasks.compile_current_month",
        "reports.rebuild_rollups",
        "reports.rebuild_recent",
        "privacy.anonymise_expired",
        "orders.send_digests",
        "orders.remind_ratings",
        "orders.chase_follow_ups",
        "events.tasks.remind_plans",
        "events.tasks.remind_events",
    )
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers a task that was taken but never acknowledged (its worker was killed) after the
# visibility timeout: longer than the longest hard limit above, so a running task is never
# handed to a second worker, and far shorter than Redis's default hour.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 15 * 60)
# How often a worker looks for such tasks: kombu's own period (a call every 10 s, a scan on
# every tenth), as one call and one scan every 100 s; the killed-worker test sets 1.
CELERY_UNACKED_RESTORE_SECONDS = env_int("CELERY_UNACKED_RESTORE_SECONDS", 100)
# Publishing must never fail because the broker is down: give up quickly instead of hanging.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": CELERY_UNACKED_RESTORE_SECONDS,
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 2,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BEAT_SCHEDULER = "config.beat:LockingScheduler"
CELERY_BEAT_SCHEDULE: dict = {}  # apps add their entries below

# /readyz: a worker counts as gone, and beat as stopped, when not seen for this many seconds.
# Workers write a sign of life every few seconds; beat ticks at least once a minute.
WENMING_READY_WORKER_SECONDS = env_int("WENMING_READY_WORKER_SECONDS", 120)
WENMING_READY_BEAT_SECONDS = env_int("WENMING_READY_BEAT_SECONDS", 300)
CELERY_BEAT_MAX_LOOP_INTERVAL = 60

# --- Auth ----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "config.auth_backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:my_home"
LOGOUT_REDIRECT_URL = "portal:home"

# Proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For is believed; default none, so no
# client can pick its own address. core.client_ip is the one place that reads it.
WENMING_TRUSTED_PROXIES = env_list("WENMING_TRUSTED_PROXIES")
for _proxy in WENMING_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"WENMING_TRUSTED_PROXIES: {_proxy!r} is no IP or CIDR."
        ) from exc

# Login lockout (django-axes), one rule for the login page, the admin and POST /api/auth/token/:
# after WENMING_LOGIN_FAILURE_LIMIT wrong passwords for one username, or from one client address,
# further attempts for that username / from that address are refused for
# WENMING_LOGIN_COOLOFF_MINUTES, then allowed again (never a permanent lockout). Attempts live in
# the database (AccessAttempt, visible under 后台 › Axes), so every worker shares them.
AXES_FAILURE_LIMIT = env_int("WENMING_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("WENMING_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip_address"
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Failed attempts are kept as AccessFailureLog rows too (who, from where, which login form).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

# --- Language and time ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files (vendored: the app works on a closed network) -------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# WhiteNoise serves them in every mode. After `collectstatic` (the Dockerfile runs it) from
# STATIC_ROOT with hashed, compressed names that browsers cache forever; before it (a server
# started straight from a checkout) from the app folders, so a page is never unstyled and the
# admin's scripts (autocompletes) always load. In DEBUG, edits show without a restart.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "config.static.StaticStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))

# --- REST API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: DRF answers an anonymous request with the first class's challenge, and only
    # TokenAuthentication has one (401 + WWW-Authenticate); with Session first it would be 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api_tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        # django-filter's, skipped when the query string names none of the list's filters.
        "core.filters.FilterBackend",
        # DRF's, refusing a repeated ?search= / ?ordering= (the schema allows one of each).
        "core.filters.OrderingFilter",
        "core.filters.SearchFilter",
    ],
    # Request bodies are JSON only (415 otherwise), except a photo upload's multipart form
    # (events/api/photos.py). Why: a form cannot say null, nor a number from a string, so every
    # nullable or typed field the schema documents would have a second, looser meaning in forms
    # (schemathesis sent "null" as text and got 400s the schema did not foresee), and generated
    # clients picked the form encoding. DRF's JSON parser, answering 400 instead of 500 for
    # bodies nested too deeply to parse.
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "order_submit_ip": env("WENMING_ORDER_RATE_IP", "20/hour"),
        "order_submit_phone": env("WENMING_ORDER_RATE_PHONE", "5/hour"),
        # The wish wall's public form, per address.
        "wish_submit_ip": env("WENMING_WISH_RATE_IP", "10/hour"),
        # Orders from one station kiosk (its link), whoever stands at it.
        "kiosk_order": env("WENMING_KIOSK_RATE", "30/hour"),
        "auth_token": env("WENMING_AUTH_TOKEN_RATE", "20/minute"),
        # "Find my orders": SMS codes asked for and tried, per address and per phone.
        "phone_code_ip": env("WENMING_PHONE_CODE_RATE_IP", "20/hour"),
        "phone_code_phone": env("WENMING_PHONE_CODE_RATE_PHONE", "5/hour"),
        # Event check-in by residents: a venue's shared Wi-Fi is one IP for many residents.
        "checkin_ip": env("WENMING_CHECKIN_RATE_IP", "60/hour"),
        "checkin_phone": env("WENMING_CHECKIN_RATE_PHONE", "10/hour"),
        # Open311: per partner key, and per address for the public menu and discovery.
        "open311_key": env("WENMING_OPEN311_RATE_KEY", "600/hour"),
        "open311_ip": env("WENMING_OPEN311_RATE_IP", "300/hour"),
        # 成为志愿者 applications, and password reset e-mails asked for, per address.
        "volunteer_apply_ip": env("WENMING_JOIN_RATE_IP", "10/hour"),
        "password_reset_ip": env("WENMING_PASSWORD_RESET_RATE_IP", "10/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wenming API",
    "DESCRIPTION": (BASE_DIR / "config" / "api_description.md").read_text(encoding="utf-8"),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No online validator badge: the docs must work offline (templates/drf_spectacular/ also
    # drops Redoc's web fonts).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for a choice set used by several fields (menu target_group, event audience).
    # One name per choice set, wherever serializers use it (order statuses: list, timeline).
    "ENUM_NAME_OVERRIDES": {
        "TargetGroupEnum": "orders.models.TargetGroup",
        "OrderStatusEnum": "orders.models.Order.Status",
        "ServiceRecordStatusEnum": "volunteers.models.ServiceRecord.Status",
        "CertificateStatusEnum": "volunteers.models.Certificate.Status",
        "WishStatusEnum": "wishes.models.Wish.Status",
    },
    "TAGS": [
        {"name": "auth", "description": "令牌与当前登录者 (token and the caller)"},
        {"name": "places", "description": "市、镇（街道）、村（社区）与实践阵地 (public)"},
        {"name": "menu", "description": "七大平台、服务类别与实践菜单 (public)"},
        {"name": "volunteers", "description": "志愿服务队伍与志愿者 (login, scoped)"},
        {"name": "orders", "description": "点单、审单、派单、接单、完成、评单 (public + scoped)"},
        {"name": "notifications", "description": "站内消息与已读 (login: the caller's own)"},
        {
            "name": "wishes",
            "description": "心愿墙：许愿、审核、认领、实现、转办 (public + scoped)",
        },
        {
            "name": "hours",
            "description": "服务记录、志愿服务证明、积分与积分超市 (login, scoped)",
        },
    ],
}

# API tokens expire this many days after their last use (each use renews them; core/api_tokens.py).
WENMING_API_TOKEN_DAYS = env_int("WENMING_API_TOKEN_DAYS", 30)

# --- Domain settings -----------------------------------------------------------------------
# An order still waiting this many hours after it was received is overdue (Order.is_overdue,
# computed when read; no periodic task involved).
WENMING_ORDER_OVERDUE_HOURS = env_int("WENMING_ORDER_OVERDUE_HOURS", 48)
# The same phone, village and menu item within this many minutes is refused as a duplicate.
WENMING_ORDER_DUPLICATE_MINUTES = env_int("WENMING_ORDER_DUPLICATE_MINUTES", 30)
# PIPL: residents' names and phones on closed orders and past events' check-ins are erased this
# many days after the order closed / the event ended (privacy.services.anonymise_expired).
WENMING_RETENTION_DAYS = env_int("WENMING_RETENTION_DAYS", 365)
# The volunteer who served an order sees the resident's full phone until this many days after
# completing it (masked after); the area's admins keep it until the retention erases it.
WENMING_VOLUNTEER_PHONE_DAYS = env_int("WENMING_VOLUNTEER_PHONE_DAYS", 7)
# Day of the month by which stations submit next month's plan.
WENMING_PLAN_DUE_DAY = env_int("WENMING_PLAN_DUE_DAY", 20)
# Day of the month (08:00 Asia/Shanghai) on which next month's calendar is compiled.
WENMING_CALENDAR_COMPILE_DAY = env_int("WENMING_CALENDAR_COMPILE_DAY", 25)
# Webhook URLs that receive each published calendar's JSON, signed with HMAC-SHA256.
WENMING_CALENDAR_WEBHOOK_URLS = env_list("WENMING_CALENDAR_WEBHOOK_URLS")
WENMING_CALENDAR_WEBHOOK_SECRET = env("WENMING_CALENDAR_WEBHOOK_SECRET")
# Calendar beat entries (CELERY_TIMEZONE is Asia/Shanghai). Run exactly ONE beat process
# (`celery -A config beat`), e.g. as a single systemd unit or one replica: each beat sends every
# entry, so two beats compile twice. That would still publish one version (compiles are
# idempotent and serialised per month), but wastes work and doubles webhook checks.
CELERY_BEAT_SCHEDULE["events-compile-next-month"] = {
    "task": "events.tasks.compile_next_month",
    "schedule": crontab(minute=0, hour=8, day_of_month=WENMING_CALENDAR_COMPILE_DAY),
}
CELERY_BEAT_SCHEDULE["events-recompile-current-month"] = {
    "task": "events.tasks.compile_current_month",
    "schedule": crontab(minute=30, hour=2),
}
# Station heads who have not submitted next month's plan: reminded 3 days before the due day.
CELERY_BEAT_SCHEDULE["events-remind-plans"] = {
    "task": "events.tasks.remind_plans",
    "schedule": crontab(minute=0, hour=9),
}
# Volunteers of tomorrow's events are reminded at 18:00 (before the SMS quiet hours).
CELERY_BEAT_SCHEDULE["events-remind-events"] = {
    "task": "events.tasks.remind_events",
    "schedule": crontab(minute=0, hour=18),
}
# Reports: rebuild this month's and last month's rollups nightly, healing any refresh a crash lost
# and changes that happen without a transition (late hour confirmations).
CELERY_BEAT_SCHEDULE["privacy-anonymise-expired"] = {
    "task": "privacy.anonymise_expired",
    "schedule": crontab(minute=45, hour=3),
}
# The rollup refresh is queued after each change; this sweep drains what a broker outage or a
# failed refresh left marked (reports.models.RollupPending).
CELERY_BEAT_SCHEDULE["reports-refresh-pending"] = {
    "task": "reports.refresh_pending",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["reports-rebuild-recent"] = {
    "task": "reports.rebuild_recent",
    "schedule": crontab(minute=15, hour=3),
}
# Five standards: a "team" needs at least this many active volunteers in the village.
WENMING_TEAM_MIN_VOLUNTEERS = env_int("WENMING_TEAM_MIN_VOLUNTEERS", 5)
# Five standards: "results" needs an average rating of at least this.
WENMING_RESULTS_MIN_RATING = float(env("WENMING_RESULTS_MIN_RATING", "4.0"))
# Service records still pending after this many days are listed for the organiser.
WENMING_HOURS_PENDING_DAYS = env_int("WENMING_HOURS_PENDING_DAYS", 30)
# --- Notifications (README "Notifications") ---------------------------------------------------
# SMS backend: the console one logs the masked number; HttpSMSBackend POSTs signed JSON to the
# city's SMS platform at WENMING_SMS_GATEWAY_URL (HMAC-SHA256 with WENMING_SMS_GATEWAY_SECRET).
WENMING_SMS_BACKEND = env("WENMING_SMS_BACKEND", "notifications.backends.ConsoleSMSBackend")
WENMING_SMS_GATEWAY_URL = env("WENMING_SMS_GATEWAY_URL")
WENMING_SMS_GATEWAY_SECRET = env("WENMING_SMS_GATEWAY_SECRET")
# No SMS in these local hours (deferred to their end, not dropped); empty: no quiet hours.
WENMING_SMS_QUIET_HOURS = env("WENMING_SMS_QUIET_HOURS", "22:00-07:00")
# WeChat messages go, signed the same way, to the city's WeChat gateway; unset: no WeChat channel.
WENMING_WECHAT_WEBHOOK_URL = env("WENMING_WECHAT_WEBHOOK_URL")
WENMING_WECHAT_WEBHOOK_SECRET = env("WENMING_WECHAT_WEBHOOK_SECRET")
# E-mail: Django's backends (SMTP in production with EMAIL_HOST …; the console in debug).
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "wenming@localhost")
# The outbox sweep: whatever is due and undelivered (broker was down, backoff, quiet hours).
CELERY_BEAT_SCHEDULE["notifications-sweep"] = {
    "task": "notifications.sweep",
    "schedule": 60,  # seconds
}
# Orders' notices still to be written (each change queues this after its commit; the minute
# catches what a broker outage or a failure left).
CELERY_BEAT_SCHEDULE["orders-send-notices"] = {
    "task": "orders.send_notices",
    "schedule": 60,  # seconds
}
# Orders: one rating reminder 3 days after completion; low-rating follow-ups overdue after 3 days
# are reported to the town admin. Daily, at 10:00 (not in the SMS quiet hours).
CELERY_BEAT_SCHEDULE["orders-remind-ratings"] = {
    "task": "orders.remind_ratings",
    "schedule": crontab(minute=0, hour=10),
}
CELERY_BEAT_SCHEDULE["orders-chase-follow-ups"] = {
    "task": "orders.chase_follow_ups",
    "schedule": crontab(minute=5, hour=10),
}
# Town and city admins: one daily digest of their area (new, overdue, low ratings) at 08:30.
CELERY_BEAT_SCHEDULE["orders-send-digests"] = {
    "task": "orders.send_digests",
    "schedule": crontab(minute=30, hour=8),
}
# Escalation: an order nobody accepted this many hours after it was received is offered to the
# town detachment (town admin told), then to the city's matching characteristic detachment (city
# admin told). Checked every 15 minutes; each climb is a timeline row.
WENMING_ESCALATE_TOWN_HOURS = env_int("WENMING_ESCALATE_TOWN_HOURS", 24)
WENMING_ESCALATE_CITY_HOURS = env_int("WENMING_ESCALATE_CITY_HOURS", 48)
CELERY_BEAT_SCHEDULE["orders-escalate"] = {
    "task": "orders.escalate",
    "schedule": 15 * 60,  # seconds
}
# Event check-in opens this long before the start and closes this long after the end.
WENMING_CHECKIN_OPENS_MINUTES = env_int("WENMING_CHECKIN_OPENS_MINUTES", 60)
WENMING_CHECKIN_CLOSES_MINUTES = env_int("WENMING_CHECKIN_CLOSES_MINUTES", 120)
# The resident check-in code in the kiosk's QR rotates this often (seconds).
WENMING_CHECKIN_TOKEN_SECONDS = env_int("WENMING_CHECKIN_TOKEN_SECONDS", 300)
# The station kiosk goes back to its start screen after this many seconds without a touch.
WENMING_KIOSK_IDLE_SECONDS = env_int("WENMING_KIOSK_IDLE_SECONDS", 60)
# Points (积分) earned for confirmed hours, at most this many per day and per month of service.
WENMING_POINTS_DAILY_CAP = env_int("WENMING_POINTS_DAILY_CAP", 100)
WENMING_POINTS_MONTHLY_CAP = env_int("WENMING_POINTS_MONTHLY_CAP", 1000)
# Demo logins (manage.py demo) share this password; never created when DEBUG is off.
WENMING_DEMO_PASSWORD = "wenming-demo"  # noqa: S105

# --- Logging -------------------------------------------------------------------------------
# One JSON object per line in production (WENMING_LOG_FORMAT=json), readable lines in debug;
# every line carries the request (or Celery task) id, and phone numbers, tracking tokens, API
# tokens and SMS codes are masked in every line (config/logs.py; README "Operations" › "Logs").
WENMING_LOG_FORMAT = env("WENMING_LOG_FORMAT", "plain" if DEBUG else "json")
if WENMING_LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("WENMING_LOG_FORMAT is 'plain' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "config.logs.ContextFilter"}},
    "formatters": {
        "plain": {
            "()": "config.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "config.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": WENMING_LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Our request line says it all; Django's "Not Found: /…" would repeat each 4xx.
        "django.request": {"level": "ERROR"},
        # runserver's own access line repeats ours in development.
        "django.server": {"level": "WARNING"},
    },
}
# Celery workers log through the LOGGING above (JSON, masked) instead of their own handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

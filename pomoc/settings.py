"""Pomoc settings, driven by environment variables.

Safe unless told otherwise: without ``POMOC_ENV`` the site runs as production (DEBUG off, a
secret key required, secure cookies, HTTPS redirect, HSTS). ``POMOC_ENV=development``, which
`make run` and `make test` set, gives the development defaults that need no other variable
(the private PostGIS, a throw-away key, DEBUG on).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# A forgotten variable must not leave a public site in debug mode with a key everyone can read
# on GitHub, so production is the default and development has to be asked for by name.
POMOC_ENV = os.environ.get("POMOC_ENV", "production").strip().lower() or "production"
if POMOC_ENV not in {"production", "development"}:
    raise ImproperlyConfigured(
        f"POMOC_ENV must be 'production' or 'development', not {POMOC_ENV!r}."
    )
PRODUCTION = POMOC_ENV == "production"

# DJANGO_DEBUG can only turn DEBUG off in development; production never shows tracebacks.
DEBUG = not PRODUCTION and env_bool("DJANGO_DEBUG", default=True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set: without POMOC_ENV Pomoc runs as production. Set "
            "DJANGO_SECRET_KEY to a long random value, or POMOC_ENV=development on a "
            "developer's machine (make run and make test do)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
# A site for people in a crisis is HTTPS everywhere, subdomains included, and may be preloaded;
# set either to 0 when a subdomain still has to serve plain HTTP.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "django_q",
    "accounts",
    "places",
    "posts",
    "offers",
    "needs",
    "notifications",
    "catalogue",
    # The REST API (issue 3): tokens, GeoJSON, filters, OpenAPI schema and self-hosted docs.
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "matching",
    "moderation",
    "privacy",
    "phonenumber_field",
    "rights",
    "exports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",
    # Innermost, so that it sees a view's exception first: a database that cannot be reached
    # is a 503 with Retry-After, never a 500 (pomoc/unavailable.py).
    "pomoc.unavailable.DatabaseUnavailableMiddleware",
]

if not DEBUG:
    # In development runserver serves static files; in production whitenoise does, from
    # STATIC_ROOT filled by collectstatic.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
# /healthz and /readyz are answered before anything else (ops/middleware.py): no HTTPS redirect
# or host check for a load balancer probing an address over plain HTTP.
MIDDLEWARE.insert(0, "ops.middleware.HealthCheckMiddleware")

ROOT_URLCONF = "pomoc.urls"
WSGI_APPLICATION = "pomoc.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# The private cluster of `make run` / `make test`; point DATABASE_URL elsewhere for an
# external PostgreSQL with PostGIS (postgis://user:password@host:5432/name).
PG_PORT = os.environ.get("POMOC_PG_PORT", "54329")
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"postgis://postgres@127.0.0.1:{PG_PORT}/pomoc"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
# A streaming read replica for anonymous searches (ops/routers.py). Tests use the primary.
if os.environ.get("POMOC_REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["POMOC_REPLICA_DATABASE_URL"],
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["ops.routers.ReplicaRouter"]
    MIDDLEWARE.append("ops.routers.ReplicaReadsMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "cs"
LANGUAGES = [
    ("cs", _("Czech")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("pl", _("Polish")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Prague"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "ops.storage.StaticStorage"
    },
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Pomoc <noreply@pomoc.example>")

# Absolute links in emails (accept, decline, unsubscribe) start with this.
POMOC_BASE_URL = os.environ.get("POMOC_BASE_URL", "http://127.0.0.1:8000")
# Channels a notification can go out by, besides the inbox on the site. Add SMS or a messenger
# by writing a class like notifications.channels.log.LogChannel and naming it here.
POMOC_NOTIFICATION_CHANNELS = {
    "email": "notifications.channels.email.EmailChannel",
    "log": "notifications.channels.log.LogChannel",
}
POMOC_NOTIFICATION_DEFAULT_CHANNELS = ["email"]
# SMS through an HTTP gateway (notifications/channels/sms.py): offline by default, no SMS at
# all. With a URL the "sms" channel exists; people registered by an operator get it.
POMOC_SMS_GATEWAY_URL = os.environ.get("POMOC_SMS_GATEWAY_URL", "")
POMOC_SMS_GATEWAY_TOKEN = os.environ.get("POMOC_SMS_GATEWAY_TOKEN", "")
POMOC_SMS_GATEWAY_KIND = os.environ.get("POMOC_SMS_GATEWAY_KIND", "json")  # json | rapidpro
if POMOC_SMS_GATEWAY_KIND not in ("json", "rapidpro"):
    raise ImproperlyConfigured("POMOC_SMS_GATEWAY_KIND must be json or rapidpro.")
POMOC_SMS_GATEWAY_TIMEOUT = int(os.environ.get("POMOC_SMS_GATEWAY_TIMEOUT", "10"))
# The shared secret of the inbound webhook (replies such as "YES K7Q2"); empty: it is closed.
POMOC_SMS_INBOUND_SECRET = os.environ.get("POMOC_SMS_INBOUND_SECRET", "")
if POMOC_SMS_GATEWAY_URL:
    POMOC_NOTIFICATION_CHANNELS["sms"] = "notifications.channels.sms.SmsChannel"
# Operator intake: how long a claim code works, and failed claim attempts per client address
# within a window before more are refused.
POMOC_CLAIM_CODE_HOURS = int(os.environ.get("POMOC_CLAIM_CODE_HOURS", "72"))
POMOC_CLAIM_ATTEMPT_LIMIT = int(os.environ.get("POMOC_CLAIM_ATTEMPT_LIMIT", "5"))
POMOC_CLAIM_ATTEMPT_WINDOW_MINUTES = int(os.environ.get("POMOC_CLAIM_ATTEMPT_WINDOW_MINUTES", "15"))
# With retries 1, 2, 4... minutes apart (at most 6 h), 30 attempts cover about a week.
POMOC_NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("POMOC_NOTIFICATION_MAX_ATTEMPTS", "30"))
# A refusal for good (SMTP 5xx: no such mailbox, relay denied) is tried this many times only:
# a few minutes cover a mail server being reconfigured, a week of retries would help nobody.
POMOC_NOTIFICATION_PERMANENT_MAX_ATTEMPTS = int(
    os.environ.get("POMOC_NOTIFICATION_PERMANENT_MAX_ATTEMPTS", "3")
)

# GDAL 3.6 on Debian 12 is older than GeoDjango's recommended 3.9; it works for our use.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Shared state and scale-out (issue 14) ----------------------------------------------------
# Every process (gunicorn workers, queue workers, several machines) must see the same cache, or
# DRF's throttles and allauth's rate limits count per process. Without Redis the cache is a table
# in PostgreSQL (no extra service; `manage.py createcachetable`, run by scripts/run.sh). With
# POMOC_REDIS_URL, Redis holds the cache and is django-q2's broker. POMOC_Q_REDIS, the old name
# when only the broker could use Redis, still works as a deprecated alias.
POMOC_REDIS_URL = os.environ.get("POMOC_REDIS_URL") or os.environ.get("POMOC_Q_REDIS", "")
if os.environ.get("POMOC_Q_REDIS") and not os.environ.get("POMOC_REDIS_URL"):
    warnings.warn(
        "POMOC_Q_REDIS is deprecated: set POMOC_REDIS_URL (Redis then also holds the cache).",
        FutureWarning,
        stacklevel=1,
    )


def redis_cache_url(broker_url: str) -> str:
    """The cache's Redis database: the broker's number plus one, so that clearing the cache
    (FLUSHDB) never empties the task queue."""
    parts = urlsplit(broker_url)
    number = int(parts.path.strip("/") or 0)
    return parts._replace(path=f"/{number + 1}").geturl()


POMOC_CACHE_TABLE = "pomoc_cache"
# "database" or "redis" (the default when POMOC_REDIS_URL is set); "locmem" counts per process
# and is only for the test suite, whose pinned query counts must not include cache queries.
POMOC_CACHE = os.environ.get("POMOC_CACHE") or ("redis" if POMOC_REDIS_URL else "database")
if POMOC_CACHE == "redis":
    if not POMOC_REDIS_URL:
        raise ImproperlyConfigured("POMOC_CACHE=redis needs POMOC_REDIS_URL.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("POMOC_REDIS_CACHE_URL") or redis_cache_url(POMOC_REDIS_URL),
            "KEY_PREFIX": "pomoc",
            # A Redis that stops answering slows requests by seconds, not for ever.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
elif POMOC_CACHE == "database":
    CACHES = {
        "default": {
            # Django's, with each write one statement (pomoc/cache.py).
            "BACKEND": "pomoc.cache.DatabaseCache",
            "LOCATION": POMOC_CACHE_TABLE,
            # Culling scans the table; with throttle keys of 1-60 min it rarely needs to.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
elif POMOC_CACHE == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(
        f"POMOC_CACHE must be 'database', 'redis' or 'locmem', not {POMOC_CACHE!r}."
    )

# django-q2: the ORM broker by default, so nothing but PostgreSQL is needed; Redis with
# POMOC_REDIS_URL when several worker machines share the work.
Q_CLUSTER = {
    "name": "pomoc",
    "workers": int(os.environ.get("POMOC_Q_WORKERS", "2")),
    "timeout": 600,
    "retry": 900,
    "max_attempts": 3,
    "catch_up": False,
    "orm": "default",
    "label": "Django Q",
}
if POMOC_REDIS_URL:
    Q_CLUSTER.pop("orm")
    Q_CLUSTER["redis"] = POMOC_REDIS_URL

# Geocoding: "gazetteer" (offline, the default: production networks fail and tests have none)
# or a geopy provider name such as "nominatim" with its options.
# The countries Pomoc serves (ISO codes, lower case): each has an offline gazetteer in
# places/data/<code>_places.csv; the first one is the default region of phone numbers.
POMOC_COUNTRIES = [
    code.strip().lower()
    for code in os.environ.get("POMOC_COUNTRIES", "cz").split(",")
    if code.strip()
]
_KNOWN_COUNTRIES = {
    path.name.split("_")[0] for path in (BASE_DIR / "places" / "data").glob("*_places.csv")
}
if not POMOC_COUNTRIES or set(POMOC_COUNTRIES) - _KNOWN_COUNTRIES:
    raise ImproperlyConfigured(
        f"POMOC_COUNTRIES must name countries from {sorted(_KNOWN_COUNTRIES)}, "
        f"got {os.environ.get('POMOC_COUNTRIES')!r}"
    )

POMOC_GEOCODER = os.environ.get("POMOC_GEOCODER", "gazetteer")
POMOC_GEOCODER_OPTIONS = {
    "user_agent": os.environ.get("POMOC_GEOCODER_USER_AGENT", "pomoc-help-matching"),
    "domain": os.environ.get("POMOC_GEOCODER_DOMAIN", ""),
    "scheme": os.environ.get("POMOC_GEOCODER_SCHEME", "https"),
    "timeout": float(os.environ.get("POMOC_GEOCODER_TIMEOUT", "5")),
    "country_codes": os.environ.get("POMOC_GEOCODER_COUNTRY", ",".join(POMOC_COUNTRIES)),
}

# Logs go to stderr: plain lines for people, or one JSON object per line
# (POMOC_LOG_FORMAT=json, python-json-logger) for a log collector.
POMOC_LOG_FORMAT = os.environ.get("POMOC_LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            # ISO 8601 in UTC: Django switches a process's local time zone to Prague's.
            "timestamp": "time",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if POMOC_LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("POMOC_LOG_LEVEL", "INFO")},
}

# Errors to Sentry (or a compatible service such as GlitchTip) when SENTRY_DSN is set: unhandled
# exceptions in views and tasks, and ERROR log lines. No personal data is sent: Pomoc's users
# are people in a crisis, so neither IP addresses nor cookies nor request bodies leave the site.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", POMOC_ENV),
        release=os.environ.get("SENTRY_RELEASE") or None,
        send_default_pii=False,
        max_request_body_size="never",
        # Frame locals hold what the code was handling: session keys, emails, phone numbers.
        include_local_variables=False,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

# Readiness (/readyz, ops/checks.py): which checks run by default and when they fail.
POMOC_READY_CHECKS = env_list("POMOC_READY_CHECKS", ["database", "cache", "queue", "full_pass"])
POMOC_READY_MAX_QUEUE = int(os.environ.get("POMOC_READY_MAX_QUEUE", "1000"))
# The REST API at /api/v1/: session (browser) and token (apps, scripts) authentication, JSON
# errors naming the field (posts.api.exceptions), throttling per IP for anonymous clients, per
# user for signed-in ones and stricter for creating posts and obtaining tokens.
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a missing login a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "posts.api.pagination.PostPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "posts.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("POMOC_API_RATE_ANON", "120/min"),
        "user": os.environ.get("POMOC_API_RATE_USER", "600/min"),
        "post_create": os.environ.get("POMOC_API_RATE_CREATE", "30/hour"),
        "auth": os.environ.get("POMOC_API_RATE_AUTH", "10/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pomoc API",
    "DESCRIPTION": (
        "Offers of help and needs for help, their categories and places. Public answers never "
        "carry the owner's name or contacts, and coordinates are rounded to about 1 km except "
        "for the owner and coordinators."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate request and response components (OfferRequest / Offer): generated clients then
    # know which fields they send and which they only read.
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "PostStatusEnum": "posts.models.PostStatus",
        "NewPostStatusEnum": "posts.api.serializers.NEW_POST_STATUS_CHOICES",
        "PostKindEnum": "moderation.api.serializers.KIND_CHOICES",
        "FunderKindEnum": "catalogue.funders.FunderKind",
        "MatchAnswerEnum": "matching.models.Response",
        "OrganisationKindEnum": "accounts.models.Organisation.Kind",
    },
}
# Web sign-in (django-allauth): the email address is the login, there is no username.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# "optional": a new person can post at once (help is urgent), the confirmation mail still goes
# out and coordinators see who confirmed. POMOC_EMAIL_VERIFICATION=mandatory makes it a gate.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("POMOC_EMAIL_VERIFICATION", "optional")
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
# Slows down password guessing and sign-up bots; counted per IP and per account in the cache.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "5/m/ip,20/h/ip",
    "reset_password": "5/m/ip,5/h/key",
    "confirm_email": "1/3m/key",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "my_posts"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# Posting limit per user (see posts/ratelimit.py): at most this many new offers and needs
# together within the window, so a hijacked or bot account cannot flood the lists.
POMOC_POST_RATE_LIMIT = int(os.environ.get("POMOC_POST_RATE_LIMIT", "20"))
POMOC_POST_RATE_WINDOW_SECONDS = int(os.environ.get("POMOC_POST_RATE_WINDOW_SECONDS", "3600"))
# Responses to posts ("I need this", "I can help") per user per window (matching/respond.py).
POMOC_RESPOND_RATE_LIMIT = int(os.environ.get("POMOC_RESPOND_RATE_LIMIT", "10"))
POMOC_RESPOND_RATE_WINDOW_SECONDS = int(os.environ.get("POMOC_RESPOND_RATE_WINDOW_SECONDS", "3600"))

# Map tiles of the Leaflet maps (Leaflet itself is served from static/vendor). Any XYZ tile
# server; respect its usage policy or run your own.
POMOC_MAP_TILES = os.environ.get(
    "POMOC_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
POMOC_MAP_ATTRIBUTION = os.environ.get("POMOC_MAP_ATTRIBUTION", "© OpenStreetMap contributors")


def tile_origin(template: str) -> str:
    """The origin of a tile URL template for the CSP; a {s} subdomain becomes a wildcard."""
    parts = urlsplit(template)
    host = re.sub(r"\{[^}]*\}", "*", parts.netloc)
    return f"{parts.scheme}://{host}" if parts.scheme and host else ""


# Content-Security-Policy (django-csp): scripts and styles only from our own static files, never
# inline, so injected markup cannot run code or restyle a page; data for scripts travels in
# json_script blocks, which browsers do not execute. Images also from the map's tile server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *filter(None, [tile_origin(POMOC_MAP_TILES)])],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Matching (see README "Matching"). Weights of the score's factors; they need not sum to 1.
POMOC_MATCHING_WEIGHTS = {
    "distance": 3.0,
    "language": 1.0,
    "urgency": 2.0,
    "waiting": 1.5,
    "freshness": 0.5,
    "verified": 1.0,
    # How snugly the offer's capacity meets the need (matching.scoring.fit_factor).
    "fit": 1.5,
}
# Each need gets at most this many open proposals; each offer at most this many (and never more
# than its capacity left).
POMOC_MATCHING_PER_NEED = int(os.environ.get("POMOC_MATCHING_PER_NEED", "3"))
POMOC_MATCHING_PER_OFFER = int(os.environ.get("POMOC_MATCHING_PER_OFFER", "5"))
# Nearest candidates fetched per need before scoring (bounds the work of a full pass).
POMOC_MATCHING_CANDIDATES = int(os.environ.get("POMOC_MATCHING_CANDIDATES", "6"))
# The optimal (min-cost flow) assignment is used up to this many candidate pairs, greedy above
# (measured: 1.8 s for 650 000 pairs, 6 % more proposals than greedy's 0.4 s).
POMOC_MATCHING_OPTIMAL_MAX_PAIRS = int(
    os.environ.get("POMOC_MATCHING_OPTIMAL_MAX_PAIRS", "1000000")
)
# What saving an offer or need does: "async" queues an incremental pass after commit,
# "sync" runs it inline after commit, "off" leaves it to the scheduled full pass.
POMOC_MATCHING_ON_SAVE = os.environ.get("POMOC_MATCHING_ON_SAVE", "async")
# Connections the full pass uses side by side for candidates and inserting proposals (PostgreSQL
# does the work; one per core).
POMOC_MATCHING_WORKERS = int(os.environ.get("POMOC_MATCHING_WORKERS", "2"))
POMOC_MATCHING_FULL_PASS_MINUTES = int(os.environ.get("POMOC_MATCHING_FULL_PASS_MINUTES", "5"))
# /readyz fails when the last full pass finished longer ago than this (three missed passes, and
# at least half an hour: a pass at 10^5 posts takes about a minute under load).
POMOC_READY_MAX_PASS_AGE_MINUTES = int(
    os.environ.get(
        "POMOC_READY_MAX_PASS_AGE_MINUTES", str(max(30, 3 * POMOC_MATCHING_FULL_PASS_MINUTES))
    )
)

# Match lifecycle (issue 5): how long a proposal waits for a coordinator, when an approved match
# nobody answered is reminded once, and when it expires. Days.
POMOC_MATCH_PROPOSAL_TTL = dt.timedelta(
    days=int(os.environ.get("POMOC_MATCH_PROPOSAL_TTL_DAYS", "7"))
)
POMOC_MATCH_REMINDER_AFTER = dt.timedelta(
    days=int(os.environ.get("POMOC_MATCH_REMINDER_AFTER_DAYS", "3"))
)
POMOC_MATCH_ANSWER_TTL = dt.timedelta(days=int(os.environ.get("POMOC_MATCH_ANSWER_TTL_DAYS", "7")))
# Posts stay fresh (issue 12, part 4): a post lives for its category's lifetime
# (Category.lifetime_days; a category without one uses its parent's, else this default), its
# owner is asked "Is this still valid?" this many days before its end, and the one-click links
# in that message work this many days. Days.
POMOC_POST_LIFETIME_DAYS = int(os.environ.get("POMOC_POST_LIFETIME_DAYS", "30"))
POMOC_POST_REMINDER_DAYS = int(os.environ.get("POMOC_POST_REMINDER_DAYS", "3"))
POMOC_POST_LINK_DAYS = int(os.environ.get("POMOC_POST_LINK_DAYS", "14"))
# "How did it go?" (issue 12, part 6): both sides of a connected match are asked this many days
# after the connection, once more this many days later while the match is still open, and the
# one-click answers work this many days. Days.
POMOC_MATCH_FOLLOW_UP_DAYS = int(os.environ.get("POMOC_MATCH_FOLLOW_UP_DAYS", "14"))
POMOC_MATCH_FOLLOW_UP_AGAIN_DAYS = int(os.environ.get("POMOC_MATCH_FOLLOW_UP_AGAIN_DAYS", "14"))
POMOC_MATCH_FOLLOW_UP_LINK_DAYS = int(os.environ.get("POMOC_MATCH_FOLLOW_UP_LINK_DAYS", "30"))
# Moderation: reports per user per window (moderation/ratelimit.py).
# A concern raised on a match must be answered within this many hours, or the platform
# coordinators are alerted (moderation.services.concerns_escalate, every 15 minutes).
POMOC_CONCERN_ANSWER_HOURS = int(os.environ.get("POMOC_CONCERN_ANSWER_HOURS", "48"))
POMOC_REPORT_RATE_LIMIT = int(os.environ.get("POMOC_REPORT_RATE_LIMIT", "10"))
POMOC_REPORT_RATE_WINDOW_SECONDS = int(os.environ.get("POMOC_REPORT_RATE_WINDOW_SECONDS", "3600"))


# Retention (issue 11, item 4): how long what people leave behind is kept, applied daily by the
# "privacy-retention" schedule and by `manage.py retention`. The privacy page reads the same
# values, so what it promises is what the code does. Each is an environment variable of the
# same name.
def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


# Fulfilled, withdrawn and expired posts: exact point, title, description and details erased.
POMOC_RETENTION_CLOSED_POST_DAYS = env_int("POMOC_RETENTION_CLOSED_POST_DAYS", 90)
# The "you are connected" messages, which carry the other side's name, email and phone.
POMOC_RETENTION_CONTACT_NOTIFICATION_DAYS = env_int("POMOC_RETENTION_CONTACT_NOTIFICATION_DAYS", 30)
# A mail server's error text names addresses; kept only while someone may need to debug it.
POMOC_RETENTION_DELIVERY_ERROR_DAYS = env_int("POMOC_RETENTION_DELIVERY_ERROR_DAYS", 30)
# Typed place names sent to a network geocoder (the offline gazetteer keeps no cache).
POMOC_RETENTION_GEOCODER_CACHE_DAYS = env_int("POMOC_RETENTION_GEOCODER_CACHE_DAYS", 30)
# Free-text comments of reports a coordinator has handled (the report itself stays).
POMOC_RETENTION_REPORT_COMMENT_DAYS = env_int("POMOC_RETENTION_REPORT_COMMENT_DAYS", 180)
# Accounts nobody logged into for this long are anonymised, after a warning this many days
# before.
POMOC_RETENTION_INACTIVE_ACCOUNT_MONTHS = env_int("POMOC_RETENTION_INACTIVE_ACCOUNT_MONTHS", 18)
POMOC_RETENTION_INACTIVE_WARNING_DAYS = env_int("POMOC_RETENTION_INACTIVE_WARNING_DAYS", 30)
# Whom people write to about their data (the privacy page names it). Empty: the page names the
# sender address of the site's emails instead.
POMOC_DPO_EMAIL = os.environ.get("POMOC_DPO_EMAIL", "")

# --- Authentication hardening (issue 10, attacks 2, 6 and 8) -------------------------------------
# Kept in one block on purpose: it adjusts lists and dicts defined above (apps, middleware,
# backends, DRF, allauth) so the whole change reads, and merges, in one place.
#
# Behind how many reverse proxies of our own the site runs. 0 (the default): X-Forwarded-For is
# ignored and the client is REMOTE_ADDR, so an attacker cannot pick their own address. With n > 0
# the n-th address from the right of X-Forwarded-For (the one our outermost proxy saw) is the
# client. DRF's throttles, allauth's rate limits and django-axes all follow this one number.
POMOC_TRUSTED_PROXIES = int(os.environ.get("POMOC_TRUSTED_PROXIES", "0"))
REST_FRAMEWORK["NUM_PROXIES"] = POMOC_TRUSTED_PROXIES
ALLAUTH_TRUSTED_PROXY_COUNT = POMOC_TRUSTED_PROXIES

# Failed log-ins (web, admin and the API token endpoint) are counted by django-axes in the
# database, per account and, separately, per client address: either reaching the limit within
# the cool-off locks that account or address until the cool-off has passed, right password or
# not. A success does not reset the count (AXES_RESET_ON_SUCCESS stays False): otherwise an
# attacker with an account of their own could log into it now and then to keep guessing others.
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # turns a lockout into the 429 page
AUTHENTICATION_BACKENDS.insert(0, "axes.backends.AxesStandaloneBackend")  # must come first
AXES_FAILURE_LIMIT = int(os.environ.get("POMOC_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("POMOC_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The web form says "login", the admin "username", the API "email": one normalised address.
AXES_USERNAME_CALLABLE = "accounts.security.login_identifier"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
# Only failures are needed; a log of every successful log-in would keep addresses for ever.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# One mechanism for failed log-ins: allauth's own counter (in the cache) is switched off.
ACCOUNT_RATE_LIMITS["login_failed"] = None

# Sign-up answers the same whether or not the address is registered (the owner of an existing
# account gets an email instead), so it never signs the new person in: they land on "check your
# inbox" and log in with their password (or the link in the email) like anyone else.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_FORMS = {"signup": "accounts.signup.EnumerationSafeSignupForm"}
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True

# API tokens expire, are deleted when the password changes and, with mandatory verification,
# are given only to confirmed addresses (accounts/api/authentication.py, accounts/services.py).
POMOC_API_TOKEN_LIFETIME = dt.timedelta(
    days=int(os.environ.get("POMOC_API_TOKEN_LIFETIME_DAYS", "30"))
)
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"][0] = (
    "accounts.api.authentication.ExpiringTokenAuthentication"
)
# --- end of the authentication hardening block ----------------------------------------------------

# --- People's rights over their data (issue 11: profile, download, deletion, access log) --------
# Phones are stored in E.164; a number typed without "+country" is read in the first country's
# region (Czech by default).
PHONENUMBER_DEFAULT_REGION = os.environ.get("POMOC_PHONE_REGION", POMOC_COUNTRIES[0].upper())
PHONENUMBER_DEFAULT_FORMAT = "E164"
# Private files (data downloads): outside STATIC_ROOT and never served by the web server, only
# by rights.views.data_export_download to their owner behind a signed link (rights/storage.py).
POMOC_PRIVATE_ROOT = Path(os.environ.get("POMOC_PRIVATE_ROOT", BASE_DIR / "var" / "private"))
# A download with more rows than this is built by the django-q2 worker; smaller ones at once.
POMOC_DATA_EXPORT_INLINE_MAX_ROWS = int(os.environ.get("POMOC_DATA_EXPORT_INLINE_MAX_ROWS", "500"))
# How long the signed link to a download works (and the file is kept).
POMOC_DATA_EXPORT_LINK_HOURS = int(os.environ.get("POMOC_DATA_EXPORT_LINK_HOURS", "24"))

# Coordinators' and organisations' CSV/XLSX exports (exports/): one file holds at most this
# many rows, built in the request; a funder's report narrows by dates or region.
POMOC_EXPORT_MAX_ROWS = int(os.environ.get("POMOC_EXPORT_MAX_ROWS", "50000"))

# --- Public statistics, directory, newsletter, catalogue submissions (issue 16) ------------------
INSTALLED_APPS += ["stats", "newsletter"]
# How long the public statistics are cached (they are counted over every post and match).
POMOC_STATS_CACHE_SECONDS = env_int("POMOC_STATS_CACHE_SECONDS", 300)
# How long an anonymous search answer of the API (offers, needs, GeoJSON) is served from the
# shared cache: a new, closed or hidden post shows in them at most this late (0: no cache).
POMOC_SEARCH_CACHE_SECONDS = env_int("POMOC_SEARCH_CACHE_SECONDS", 30)
# How many weeks, this one included, the statistics count by week.
POMOC_STATS_WEEKS = env_int("POMOC_STATS_WEEKS", 12)
# Newsletter: a confirmation link works this long; unconfirmed subscriptions are then deleted.
POMOC_NEWSLETTER_CONFIRM_HOURS = env_int("POMOC_NEWSLETTER_CONFIRM_HOURS", 48)
# Subscription requests per client address per hour (then 429).
POMOC_NEWSLETTER_RATE_LIMIT = env_int("POMOC_NEWSLETTER_RATE_LIMIT", 5)
# An issue goes out through the outbox this many emails at a time, one batch a minute.
POMOC_NEWSLETTER_BATCH_SIZE = env_int("POMOC_NEWSLETTER_BATCH_SIZE", 200)
POMOC_NEWSLETTER_BATCH_INTERVAL_SECONDS = env_int("POMOC_NEWSLETTER_BATCH_INTERVAL_SECONDS", 60)

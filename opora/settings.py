"""Settings of «Опора», read from the environment.

Every value comes from an environment variable through a small typed helper that
fails loudly on a bad value (the Healthchecks way). The defaults serve a team on
one machine safely: DEBUG off, SQLite under var/ tuned for concurrent users, a
secret key generated into var/ on first start, plain HTTP on loopback. A developer
asks for DEBUG (OPORA_DEBUG=1, `make dev`); production behind HTTPS sets
OPORA_HTTPS=1, ALLOWED_HOSTS and usually DATABASE_URL (PostgreSQL).
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OPORA_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def generated_secret(path: Path) -> str:
    """The key kept in ``path``, made on first use (readable by the owner only).

    Several server processes may start at once: the key is written to a private temporary
    file and linked into place, so that every process reads the same complete key.
    """
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(50))
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process was first: its key wins
    finally:
        temporary.unlink()
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise ImproperlyConfigured(f"{path} is empty: delete it or set SECRET_KEY")
    return key


# Off unless a developer asks for it (`make dev`): nobody ever sees a traceback.
DEBUG = env_bool("OPORA_DEBUG", False)
# The test suite (pytest) finds static files in place and needs no `collectstatic` first.
RUNNING_TESTS = "pytest" in sys.modules

# SECRET_KEY from the environment, else the key generated into var/ on the first start.
SECRET_KEY = os.environ.get("SECRET_KEY", "") or generated_secret(VAR_DIR / "secret_key")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "axes",
    "opora.core",
    "opora.org",
    "opora.registry",
    "opora.support",
    "opora.assessment",
    "opora.docs",
]
# Development-only: the demo region and the benchmark (manage.py load_demo, bench). On by default,
# because `make run` loads the demo; the product apps import nothing from it.
if env_bool("OPORA_DEMO_APP", True):
    INSTALLED_APPS.append("opora.demo")

MIDDLEWARE = [
    "opora.core.http.RequestIdMiddleware",  # first: every answer and log line carries the request id
    "django.middleware.security.SecurityMiddleware",
    "opora.core.uploads.UploadCleanupMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files keep their long cache): 413, error pages, no-store, CSP.
    "opora.core.http.HttpPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "opora.core.middleware.SessionIdleRefreshMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "opora.core.middleware.AccessDeniedAuditMiddleware",
    # Runs the view of a write in one transaction: the last middleware with a process_view.
    "opora.core.middleware.AtomicWritesMiddleware",
    # AxesMiddleware must be the last one.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "opora.urls"
WSGI_APPLICATION = "opora.wsgi.application"
AUTH_USER_MODEL = "org.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "opora" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "opora.core.context_processors.navigation",
                "opora.support.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)


def database_settings(url: str) -> dict:
    """The connection settings for ``url``, tuned so that a team of users can share it.

    SQLite (the embedded default): WAL lets readers go on while one writer writes;
    IMMEDIATE transactions take the write lock when they begin, so two writers queue for
    it (busy timeout) instead of one of them failing with «database is locked» when a
    read transaction tries to turn into a write. PostgreSQL: persistent connections that
    are checked before reuse, and timeouts so that an unreachable or hung database gives
    an error in seconds instead of holding every server thread.
    """
    config = dj_database_url.parse(url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True)
    options = config.setdefault("OPTIONS", {})
    if config["ENGINE"] == "django.db.backends.sqlite3":
        busy_seconds = env_int("OPORA_SQLITE_BUSY_TIMEOUT", 20)
        options.setdefault("timeout", busy_seconds)
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault(
            "init_command",
            f"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={busy_seconds * 1000}",
        )
    elif config["ENGINE"] == "django.db.backends.postgresql":
        options.setdefault("connect_timeout", env_int("OPORA_DB_CONNECT_TIMEOUT", 5))
        statement_seconds = env_int("OPORA_DB_STATEMENT_TIMEOUT", 30)
        options.setdefault("options", f"-c statement_timeout={statement_seconds * 1000}")
    # No transaction around a whole request: reads run without one (their audit rows are
    # written in a short transaction of their own before the response leaves), and
    # opora.core.middleware.AtomicWritesMiddleware runs POST/PUT/PATCH/DELETE in one.
    config["ATOMIC_REQUESTS"] = False
    return config


DATABASES = {"default": database_settings(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'opora.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and security --------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions live in a file cache under var/ (shared by every server process, no database
# write per request; a logout deletes the file). Idle timeout: the session lives
# OPORA_SESSION_IDLE_MINUTES after the last request; SessionIdleRefreshMiddleware pushes
# the expiry forward at most once every OPORA_SESSION_REFRESH_SECONDS, not on every request.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "sessions": {
        "BACKEND": "opora.core.cache.SessionFileCache",
        # The suite keeps its sessions apart from those of a server running on the same checkout.
        "LOCATION": str(VAR_DIR / ("test-sessions" if RUNNING_TESTS else "sessions")),
        "OPTIONS": {"MAX_ENTRIES": env_int("OPORA_SESSION_MAX", 20000)},
    },
}
SESSION_ENGINE = "django.contrib.sessions.backends.cache"
SESSION_CACHE_ALIAS = "sessions"
SESSION_COOKIE_AGE = env_int("OPORA_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False
OPORA_SESSION_REFRESH_SECONDS = env_int("OPORA_SESSION_REFRESH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "opora.core.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Login throttling: lock a (username, address) pair after AXES_FAILURE_LIMIT failures for a
# cool-off period; never a permanent lock-out that a stranger could trigger for a colleague.
AXES_FAILURE_LIMIT = env_int("OPORA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("OPORA_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "opora.core.errors.login_locked_out"  # the template, or JSON; Retry-After
AXES_VERBOSE = False
# Behind a reverse proxy REMOTE_ADDR is the proxy's: set OPORA_TRUST_X_FORWARDED_FOR=1 there, or
# the audit log records the proxy's address and the throttle locks a username for everyone.
# The login throttle and the audit log take the client's address from the same place.
OPORA_TRUST_X_FORWARDED_FOR = env_bool("OPORA_TRUST_X_FORWARDED_FOR", False)
AXES_CLIENT_IP_CALLABLE = "opora.core.audit.client_ip"

# Behind HTTPS (OPORA_HTTPS=1): secure cookies, redirect to https, HSTS. Off by default so that
# `make run` works over plain HTTP on loopback; each part can also be switched on its own.
OPORA_HTTPS = env_bool("OPORA_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("OPORA_SECURE_COOKIES", OPORA_HTTPS)
if OPORA_HTTPS:
    SECURE_SSL_REDIRECT = env_bool("OPORA_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("OPORA_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("OPORA_HSTS_PRELOAD", True)
# X-Forwarded-Proto says «https» only when a proxy we trust sets it (and strips what the client
# sent); trusted blindly, any client could make a plain-http request look secure.
if env_bool("OPORA_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Localisation --------------------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "opora" / "locale"]
FORMAT_MODULE_PATH = ["opora.formats"]

# --- Static files and uploads ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from the npm registry at set-up time (npm ci) and are served
# from here; nothing is fetched from a CDN at run time.
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    BASE_DIR / "opora" / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or RUNNING_TESTS)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("OPORA_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 15 * 1024 * 1024
OPORA_MAX_PHOTO_MB = env_int("OPORA_MAX_PHOTO_MB", 5)
OPORA_MAX_SCAN_MB = env_int("OPORA_MAX_SCAN_MB", 10)
# A document template (.docx) as uploaded, and everything inside it unpacked (a zip bomb is refused).
OPORA_MAX_TEMPLATE_MB = env_int("OPORA_MAX_TEMPLATE_MB", 5)
OPORA_MAX_TEMPLATE_UNPACKED_MB = env_int("OPORA_MAX_TEMPLATE_UNPACKED_MB", 50)
# Uploads past the largest limit stop being written at once (opora.core.uploads); big ones go to
# temporary files under var/tmp (created on start), never left behind by a failed request.
FILE_UPLOAD_TEMP_DIR = str(VAR_DIR / "tmp")
FILE_UPLOAD_HANDLERS = [
    "opora.core.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- API -----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "opora.org.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "opora.core.filters.FilterBackend",  # django-filter's, with integer filters bounded
        "rest_framework.filters.OrderingFilter",
    ],
    # JSON nested deeper than opora.core.parsers.MAX_DEPTH is a 400, not a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "opora.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "opora.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "opora.core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["opora.core.throttling.ApiRateThrottle"],
    "DATE_INPUT_FORMATS": ["iso-8601", "%d.%m.%Y"],
}
# Requests to the API one user may make (DRF's «N/second|minute|hour|day»; empty: no limit). The
# suite runs without it (the schema walk sends thousands); test_api_throttle.py turns it on.
OPORA_API_RATE = env_str("OPORA_API_RATE", "" if RUNNING_TESTS else "600/minute")
# API tokens are stored hashed and expire this many days after they are issued (opora.org.tokens).
OPORA_TOKEN_DAYS = env_int("OPORA_TOKEN_DAYS", 90)
if OPORA_TOKEN_DAYS < 1:
    raise ImproperlyConfigured(f"OPORA_TOKEN_DAYS must be at least 1, got {OPORA_TOKEN_DAYS}")
SPECTACULAR_SETTINGS = {
    "TITLE": "«Опора» API",
    "DESCRIPTION": "API системы постинтернатного сопровождения выпускников. "
    "Аутентификация: заголовок `Authorization: Token <ключ>` или сессия.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc files come from the drf-spectacular-sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a «status» or a «kind»: each choice set gets its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "opora.support.models.SupportCase.Status",
        "PlanStatusEnum": "opora.support.models.SupportPlan.Status",
        "MeasureStatusEnum": "opora.support.models.PlanMeasure.Status",
        "TransferStatusEnum": "opora.support.models.Transfer.Status",
        "ServiceKindEnum": "opora.org.models.Service.Kind",
        "JournalKindEnum": "opora.support.models.JournalEntry.Kind",
        "AssessmentKindEnum": "opora.assessment.models.Assessment.Kind",
        "SeverityEnum": "opora.assessment.models.Severity",
        "LifeEventKindEnum": "opora.assessment.models.LifeEvent.Kind",
        "AssessmentTaskStatusEnum": "opora.assessment.models.AssessmentTask.Status",
        "ConsiliumKindEnum": "opora.assessment.models.Consilium.Kind",
        "ConsiliumStatusEnum": "opora.assessment.models.Consilium.Status",
    },
}

# --- Demo data -------------------------------------------------------------------------------------
OPORA_DEMO_PASSWORD = env_str("OPORA_DEMO_PASSWORD", "opora-demo-2026")


# --- Logging and error mail -----------------------------------------------------------------------
# Every line carries the request id (opora.core.http.RequestIdFilter), the one an error page shows.
# Server errors (5xx) go by e-mail to ADMINS when OPORA_ADMINS names them; the 500 page says the
# administrator was told only then.
def env_admins(name: str) -> list[tuple[str, str]]:
    """«Имя <a@b.ru>, b@c.ru» -> [("Имя", "a@b.ru"), ("", "b@c.ru")]."""
    raw = os.environ.get(name, "")
    admins = [(person, address) for person, address in getaddresses([raw]) if person or address]
    for person, address in admins:
        if "@" not in address:
            raise ImproperlyConfigured(f"{name}: not an e-mail address: {person or address!r}")
    return admins


ADMINS = env_admins("OPORA_ADMINS")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = (
    Path(os.environ["EMAIL_HOST_PASSWORD_FILE"]).read_text().strip()
    if os.environ.get("EMAIL_HOST_PASSWORD_FILE")
    else env_str("EMAIL_HOST_PASSWORD", "")
)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # an unreachable mail server must not hold a request long
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "opora@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = env_str("EMAIL_SUBJECT_PREFIX", "[«Опора»] ")

LOG_LEVEL = env_str("LOG_LEVEL", "WARNING")
# Seconds between two letters to ADMINS about the same kind of error (opora.core.http.MailThrottleFilter).
ERROR_MAIL_INTERVAL = env_int("OPORA_ERROR_MAIL_INTERVAL", 600)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "opora.core.http.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "mail_throttle": {"()": "opora.core.http.MailThrottleFilter"},
    },
    "formatters": {
        "console": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "mail": {"format": "Номер запроса: %(request_id)s\n%(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "console"},
        # Sends nothing while ADMINS is empty.
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "request_id", "mail_throttle"],
            "formatter": "mail",
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # In place of Django's own «django» logger, so that an error is mailed once, with the id.
        "django": {"handlers": ["console", "mail_admins"], "level": LOG_LEVEL, "propagate": False},
        # A too-large upload is the user's mistake, answered 413: logged, not mailed.
        "django.security.RequestDataTooBig": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}
# In development static files are found in place (npm's node_modules, app folders);
# production serves the collected, hashed copies from STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG or RUNNING_TESTS
WHITENOISE_AUTOREFRESH = DEBUG
# Source maps (several MB each, for a developer's browser tools) are not worth compressing at
# every collectstatic; everything else is served gzip- and brotli-compressed.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

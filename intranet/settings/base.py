"""One env-driven settings module (DESIGN §6).

Without any environment variable the platform runs on the embedded default: SQLite in WAL
mode, the Whoosh index, media and the Celery broker under ``var/``, console e-mail.
``DATABASE_URL``, ``CELERY_BROKER_URL``, ``REDIS_URL``, ``SEARCH_URL``, ``EMAIL_URL``,
``SECRET_KEY`` and ``ALLOWED_HOSTS`` switch to the production parts.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

import dj_database_url
import dj_email_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env(name, default=None):
    return os.environ.get(name, default)


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_bool(name, default=False):
    return env(name, str(default)).lower() in {"1", "true", "yes", "on"}


SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_ID = 1

INSTALLED_APPS = [
    "intranet.core",
    "intranet.accounts",
    "intranet.notifications",
    "intranet.events",
    "intranet.steering",
    "networks",
    "board",
    "knowledge",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "guardian",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # haystack before wagtail.search: both ship update_index/rebuild_index (DESIGN §4).
    "haystack",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside WhiteNoise and the X-Frame-Options middleware: it sees every response.
    "intranet.core.security_headers.SecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "intranet.accounts.middleware.GermanFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Messages before the idle timeout, which tells on the sign-in page why one was signed out.
    "django.contrib.messages.middleware.MessageMiddleware",
    "intranet.accounts.middleware.IdleTimeoutMiddleware",
    "intranet.accounts.middleware.UserLanguageMiddleware",
    "intranet.accounts.middleware.VisitMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "intranet.accounts.middleware.RequireSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "intranet.urls"
WSGI_APPLICATION = "intranet.wsgi.application"

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
                "intranet.core.context_processors.navigation",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short queries only: PostgreSQL's JIT compiled the board's queries for 0.3–0.8 s each
    # at a million posts (make bench) and never paid that back.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web process read while the worker writes; the pragmas run per connection.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"IGNORE_EXCEPTIONS": False},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts and sign-in ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "intranet.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "intranet.accounts.forms.SignInForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Klima.Werk] "
# Rates of attempts keyed by action names, not passwords (bandit reads "password" in a key).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "reset_password": "5/m/ip,3/m/key"}  # nosec B105
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Klima.Werk"
# Roles that may not work without a second factor (issue 2, item 4).
ROLES_REQUIRING_SECOND_FACTOR = {"admin", "service"}

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Lock the pair (person, address): one city hall behind one NAT address is not locked out
# because one colleague mistyped their password.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "intranet.accounts.security.login_identifier"
AXES_LOCKOUT_CALLABLE = "intranet.accounts.security.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = int(env("PROXY_COUNT", "0"))
# X-Forwarded-For only behind a proxy that sets it: otherwise anyone could name a new
# address per attempt and never be locked. allauth's limits read the same address.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"])
ALLAUTH_TRUSTED_PROXY_COUNT = AXES_IPWARE_PROXY_COUNT

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
# No anonymous user row: everything requires login (DESIGN §3.7).
ANONYMOUS_USER_NAME = None

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Signed out after this long without a request (IdleTimeoutMiddleware).
SESSION_IDLE_TIMEOUT_MINUTES = int(env("SESSION_IDLE_TIMEOUT_MINUTES", "120"))
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_NAME = "kw_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Our pages: no inline script or style, nothing from another host (DESIGN §7), never
# framed. The admin and file responses get their own (intranet/core/security_headers.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing directory
STATICFILES_DIRS = [BASE_DIR / "intranet" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"


def media_storage(bucket: str | None) -> dict:
    """Uploads on the file system (MEDIA_ROOT, shared by every host that runs the web or a
    worker) or, with ``S3_BUCKET``, in a private S3-compatible bucket. Either way files
    leave only through the checked views: no public ACL, and the signed URLs the storage
    could make are never put in a page (DESIGN §3)."""
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {"BACKEND": "intranet.core.storage.PrivateS3Storage", "OPTIONS": {
        "bucket_name": bucket,
        "endpoint_url": env("S3_ENDPOINT_URL") or None,
        "region_name": env("S3_REGION") or None,
        "access_key": env("S3_ACCESS_KEY_ID") or None,
        "secret_key": env("S3_SECRET_ACCESS_KEY") or None,
        "default_acl": None,  # the bucket's own, which must be private
        "querystring_auth": True,
        "file_overwrite": False,  # a second "protokoll.pdf" gets its own name, as on disk
    }}


STORAGES = {
    "default": media_storage(env("S3_BUCKET")),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# nginx's internal location for MEDIA_ROOT (deploy/nginx): when set, checked downloads are
# answered with X-Accel-Redirect and nginx sends the bytes. Empty: Django streams them.
DOWNLOADS_ACCEL_PREFIX = env("DOWNLOADS_ACCEL_PREFIX", "")
SENDFILE_BACKEND = "intranet.core.downloads"  # Wagtail's documents make the same choice
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # form fields; file uploads stream to disk
LOGO_MAX_BYTES = 1 * 1024 * 1024
NETWORK_DOCUMENT_MAX_BYTES = int(env("NETWORK_DOCUMENT_MAX_BYTES", str(25 * 1024 * 1024)))

# --- E-mail -----------------------------------------------------------------------------
EMAIL_URL = env("EMAIL_URL")
if EMAIL_URL:
    vars().update(dj_email_url.parse(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Klima.Werk <noreply@klimawerk.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery (DESIGN §5) -----------------------------------------------------------------
# A request that queues work must not hang on a broker that is away: one quick attempt
# (kombu otherwise retries for the whole connect timeout), the outbox sweeps catch up.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0,
                                   "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", f"sqla+sqlite:///{VAR_DIR / 'broker.sqlite3'}")
CELERY_RESULT_BACKEND = None
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "intranet.accounts.tasks.send_invitation_email": {"queue": "email"},
    "intranet.core.tasks.send_email": {"queue": "email"},
    # The single writer of the Whoosh index (DESIGN §4): one worker, concurrency 1.
    "intranet.core.tasks.drain_search_updates": {"queue": "search"},
}
CELERY_TASK_ACKS_LATE = True
# A task whose worker process died (killed, out of memory) goes back to the queue and runs
# again, instead of being acknowledged as failed; tasks are idempotent (DESIGN §2).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "unpin-expired-pins": {"task": "board.tasks.unpin_expired_pins", "schedule": 15 * 60},
    # The outbox sweeps: whatever could not be queued when it was written goes out now.
    "fan-out-post-events": {"task": "board.tasks.fan_out_post_events", "schedule": 60},
    "dispatch-notifications": {"task": "intranet.notifications.tasks.dispatch_notifications",
                               "schedule": 60},
    "drain-search-updates": {"task": "intranet.core.tasks.drain_search_updates",
                             "schedule": 60},
    # Files whose text was never read (their upload's task could not be queued).
    "sweep-file-texts": {"task": "intranet.core.tasks.sweep_file_texts", "schedule": 5 * 60},
    "daily-digest": {"task": "intranet.notifications.tasks.send_digests",
                     "schedule": crontab(hour=7, minute=0), "args": ("daily",)},
    "weekly-digest": {"task": "intranet.notifications.tasks.send_digests",
                      "schedule": crontab(hour=7, minute=0, day_of_week=1),
                      "args": ("weekly",)},
    "archive-stale-ideas": {"task": "networks.tasks.archive_stale_ideas",
                            "schedule": 24 * 60 * 60},
    # Hourly; each reminder window is a day wide and every reminder is written once.
    "event-reminders": {"task": "intranet.events.tasks.send_event_reminders",
                        "schedule": crontab(minute=5)},
    # The activity chart of process steering reads these; yesterday is counted at night.
    "steering-daily-figures": {"task": "intranet.steering.tasks.store_daily_figures",
                               "schedule": crontab(hour=2, minute=30)},
    # The dashboard's figures per network and city (seconds of counting at a nation's size).
    "steering-figures": {"task": "intranet.steering.tasks.count_steering_figures",
                         "schedule": crontab(minute=40)},
    # Data protection: what is older than its retention period goes (settings below).
    "retention-periods": {"task": "intranet.accounts.tasks.apply_retention_periods",
                          "schedule": crontab(hour=3, minute=15)},
}
IDEA_STALE_DAYS = int(env("IDEA_STALE_DAYS", "120"))
# A network with no activity for this many days is on steering's attention list.
STEERING_QUIET_DAYS = int(env("STEERING_QUIET_DAYS", "60"))
# Retention periods in days (docs/verarbeitungsverzeichnis.md names the same numbers).
LOGIN_LOG_RETENTION_DAYS = int(env("LOGIN_LOG_RETENTION_DAYS", "90"))
AUDIT_LOG_RETENTION_DAYS = int(env("AUDIT_LOG_RETENTION_DAYS", "730"))
NOTIFICATION_RETENTION_DAYS = int(env("NOTIFICATION_RETENTION_DAYS", "180"))
DATA_EXPORT_RETENTION_DAYS = int(env("DATA_EXPORT_RETENTION_DAYS", "7"))

# --- Search (DESIGN §4) -----------------------------------------------------------------
SEARCH_URL = env("SEARCH_URL")


def haystack_connections(search_url):
    """The search engine ``SEARCH_URL`` names. Empty: the Whoosh index under ``VAR_DIR``;
    ``whoosh:///abs/path`` or an absolute path: a Whoosh index there (on a volume every
    instance mounts, one search worker writing it); ``solr://host:port/solr/core``;
    ``elasticsearch://host:port/index`` (index ``klimawerk`` when the path is empty).
    Anything else stops the start with a message, rather than searching somewhere else."""
    search_url = (search_url or "").strip()
    if not search_url:
        return _whoosh_connection(VAR_DIR / "whoosh")
    if search_url.startswith("/"):
        return _whoosh_connection(search_url)
    parsed = urlparse(search_url)
    if parsed.scheme == "whoosh" and not parsed.netloc and parsed.path.startswith("/"):
        return _whoosh_connection(unquote(parsed.path))
    if parsed.scheme == "solr" and parsed.netloc and parsed.path.strip("/"):
        return {"default": {"ENGINE": "haystack.backends.solr_backend.SolrEngine",
                            "URL": f"http://{parsed.netloc}{parsed.path.rstrip('/')}"}}
    index_name = parsed.path.strip("/") or "klimawerk"
    if parsed.scheme == "elasticsearch" and parsed.netloc and "/" not in index_name:
        return {"default": {
            "ENGINE": "haystack.backends.elasticsearch7_backend.Elasticsearch7SearchEngine",
            "URL": f"http://{parsed.netloc}", "INDEX_NAME": index_name}}
    raise ImproperlyConfigured(
        f"SEARCH_URL {search_url!r} names no search engine we know. Use an absolute path or "
        "whoosh:///absolute/path (Whoosh), solr://host:port/solr/core (Solr) or "
        "elasticsearch://host:port/index (Elasticsearch), or leave it empty for the "
        "Whoosh index under VAR_DIR.")


def _whoosh_connection(path):
    # haystack's Whoosh backend with a long-lived searcher (core.search_backend).
    return {"default": {"ENGINE": "intranet.core.search_backend.WhooshEngine",
                        "PATH": os.path.normpath(str(path))}}


HAYSTACK_CONNECTIONS = haystack_connections(SEARCH_URL)
HAYSTACK_LIMIT_TO_REGISTERED_MODELS = False
HAYSTACK_SILENTLY_FAIL = False

# --- Wagtail ----------------------------------------------------------------------------
# Wagtail's admin would load avatars from gravatar.com, telling it each editor's e-mail hash.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_SITE_NAME = "Klima.Werk"
WAGTAILADMIN_BASE_URL = env("BASE_URL", "http://127.0.0.1:8000")
WAGTAILADMIN_LOGIN_URL = "/konto/login/"
# Switches shared page passwords off (one permission system, DESIGN §3.8); no password here.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}  # nosec B105
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_DOCUMENT_MODEL = "knowledge.LibraryDocument"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "txt", "csv", "xlsx", "ods", "pptx", "odp"]
# Checks the content too, like every other upload door (no HTML named .pdf).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "knowledge.document_forms.LibraryDocumentForm"
# Building projects on the map. Empty: no tiles, so no request leaves for a tile host;
# the map then shows the projects' positions on a plain background.
MAP_TILE_URL = env("MAP_TILE_URL", "")
if MAP_TILE_URL:  # the tile host is the one other origin a page loads images from
    _tiles = urlparse(MAP_TILE_URL.replace("{s}", "*"))  # {s}.tile.… is any subdomain
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "")
# Every document downloads (a sandboxed PDF would not open in the browser's viewer anyway).
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Our notifications tell the network's leads of a review; Wagtail's own mails to every
# platform admin would be a second, unchosen channel.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False

# --- JSON API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "intranet.accounts.api_auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "intranet.core.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": "1200/hour"},
    "EXCEPTION_HANDLER": "intranet.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Klima.Werk API",
    "DESCRIPTION": "JSON-API des Klima.Werk-Intranets (siehe API.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["intranet.core.api.only_our_api"],
    # Several apps have a "kind", "audience" or "status" of their own: one name each.
    "ENUM_NAME_OVERRIDES": {
        "EventKindEnum": "intranet.events.models.Kind",
        "EventAudienceEnum": "intranet.events.models.Audience",
        "RegistrationStatusEnum": "intranet.events.models.RegistrationStatus",
        "PostAudienceEnum": "board.models.Audience",
        "NetworkStatusEnum": "networks.models.Status",
        "RegistrationOutcomeEnum": ["registered", "waitlisted"],
    },
}

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

INVITATION_VALID_DAYS = 14

# The operator named in the imprint (Impressum) and the accessibility statement.
OPERATOR = {
    "name": env("OPERATOR_NAME", "Serviceorganisation der Zukunftsinitiative Klima.Werk"),
    "address": env("OPERATOR_ADDRESS", "Emschergenossenschaft und Lippeverband, "
                                       "Kronprinzenstraße 24, 45128 Essen"),
    "email": env("OPERATOR_EMAIL", "klimawerk@example.org"),
    "accessibility_email": env("ACCESSIBILITY_EMAIL", "barrierefreiheit@example.org"),
}

"""One settings module; every value that varies by machine comes from the environment.

A fresh checkout runs on the defaults (SQLite, no other service). ``DGOV_ENV=production``
turns on the production checks: the process refuses to start with the default secret key,
with DEBUG on, or without ALLOWED_HOSTS.
"""

import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from dgov.lib.env import env_bool, env_int, env_list, env_str
from dgov.lib.links import problem as public_url_problem

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DGOV_VAR_DIR", str(BASE_DIR / "var")))

DEFAULT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET_KEY)
# Rotation: the previous keys, still accepted for sessions and signed links until they expire.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
PRODUCTION = env_str("DGOV_ENV", "development") == "production"
TESTING = env_bool("DGOV_TESTING", False) or "pytest" in sys.modules

if PRODUCTION:
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Production needs a real SECRET_KEY (50+ characters).")
    if DEBUG:
        raise ImproperlyConfigured("Production refuses to start with DEBUG on.")
    if not env_str("ALLOWED_HOSTS"):
        raise ImproperlyConfigured("Production needs ALLOWED_HOSTS.")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "dgov.accounts",
    "dgov.audit",
    "dgov.workdays",
    "dgov.services",
    "dgov.documents",
    "dgov.notifications",
    "dgov.applications",
    "dgov.certificates",
    "dgov.bundles",
    "dgov.notices",
    "dgov.ratings",
    "dgov.investment",
    "dgov.secretaries",
    "dgov.campaigns",
    "dgov.evaluation",
    "dgov.cockpit",
    "dgov.exports",
    "dgov.policies",
    "dgov.funds",
    "dgov.financing",
    "dgov.talent",
    "dgov.hall",
    "dgov.training",
    "dgov.events",
    "dgov.api",
    "dgov.portal",
    "dgov.ops",
]

MIDDLEWARE = [
    # First: health probes answered before host checks and redirects; request metrics.
    "dgov.ops.middleware.OpsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "dgov.documents.middleware.RequestSizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dgov.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dgov.accounts.middleware.SessionExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dgov.lib.conflicts.ConflictMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dgov.urls"
WSGI_APPLICATION = "dgov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dgov" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dgov.portal.context_processors.shell",
            ],
        },
    },
]

# Databases -------------------------------------------------------------------------
DB_ENGINE = env_str("DB_ENGINE", "sqlite")
if DB_ENGINE == "postgres":
    PREPARE_THRESHOLD = env_int("DB_PREPARE_THRESHOLD", 5)
    DATABASES = {
        "default": {
            "ENGINE": "dgov.lib.postgres",  # Django's, with psycopg's timestamp loader
            "NAME": env_str("DB_NAME", "dgov"),
            "USER": env_str("DB_USER", "dgov"),
            "PASSWORD": env_str("DB_PASSWORD", ""),
            "HOST": env_str("DB_HOST", "127.0.0.1"),
            "PORT": env_str("DB_PORT", "5432"),
            # Persistent connections: without them the stack loses two thirds of its
            # throughput on this machine (shared/PERFORMANCE.md).
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # Parameters bound on the server, so that psycopg prepares a statement after
                # DB_PREPARE_THRESHOLD uses on a connection and PostgreSQL keeps its plan: the
                # ORM's queries and the hot path's literal statements alike (decision 0011).
                # Behind a transaction-mode pooler without prepared-statement support
                # (PgBouncer before 1.21) set DB_PREPARE_THRESHOLD=-1 (never prepare).
                "server_side_binding": True,
                "prepare_threshold": None if PREPARE_THRESHOLD < 0 else PREPARE_THRESHOLD,
            },
        }
    }
    # A streaming replica for the views marked @reads_from_replica (dgov/ops/replica.py).
    if env_str("DB_REPLICA_HOST"):
        DATABASES["replica"] = {
            **DATABASES["default"],
            "HOST": env_str("DB_REPLICA_HOST"),
            "PORT": env_str("DB_REPLICA_PORT", env_str("DB_PORT", "5432")),
            "TEST": {"MIRROR": "default"},
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("DB_NAME", str(VAR_DIR / "dgov.sqlite3")),
            "OPTIONS": {
                # WAL lets readers run beside the one writer; IMMEDIATE takes the write
                # lock at BEGIN so two writers queue instead of failing on upgrade.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                " PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASE_ROUTERS = ["dgov.ops.replica.ReplicaRouter"]
DB_REPLICA_MAX_LAG = float(env_int("DB_REPLICA_MAX_LAG_SECONDS", 30))

# People ----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:index"
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

# Lock-out (dgov/accounts/lockout.py): 5 failures lock the (account, address) pair; an
# account tried from DGOV_LOGIN_ACCOUNT_ADDRESSES addresses is locked everywhere and its
# owner and the administrators are alerted. The address is the client's, read from
# X-Forwarded-For only behind the trusted proxies (DGOV_TRUSTED_PROXIES: addresses or
# CIDRs; nginx on this host: 127.0.0.1), by dgov.lib.addresses.client_address.
TRUSTED_PROXIES = env_list("DGOV_TRUSTED_PROXIES", "")
AXES_FAILURE_LIMIT = env_int("DGOV_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DGOV_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "dgov.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "dgov.lib.addresses.client_address"
AXES_HANDLER = "dgov.accounts.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
LOGIN_ACCOUNT_ADDRESSES = env_int("DGOV_LOGIN_ACCOUNT_ADDRESSES", 10)

# Sessions: staff 15 minutes idle / 12 hours absolute; applicants 30 minutes idle.
STAFF_SESSION_IDLE = timedelta(minutes=env_int("DGOV_STAFF_IDLE_MINUTES", 15))
STAFF_SESSION_ABSOLUTE = timedelta(hours=env_int("DGOV_STAFF_ABSOLUTE_HOURS", 12))
APPLICANT_SESSION_IDLE = timedelta(minutes=env_int("DGOV_APPLICANT_IDLE_MINUTES", 30))
SESSION_COOKIE_AGE = int(STAFF_SESSION_ABSOLUTE.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Security headers ------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Prometheus may scrape a node directly on the private network, without TLS.
    SECURE_REDIRECT_EXEMPT = [r"^metrics$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Languages -------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

# The same flash message is never queued twice (dgov/lib/messages.py).
MESSAGE_STORAGE = "dgov.lib.messages.OnceStorage"

# Static files: every asset is served by the app itself (WhiteNoise), never a CDN.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "dgov" / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Audit trail -----------------------------------------------------------------------
# Signed checkpoints of the hash chain are written outside the database; the signing
# key and the key that seals each entry live outside the repository and the database
# (in production off the database host: dgov/audit/checks.py, decision 0013).
AUDIT_CHECKPOINT_DIR = Path(env_str("DGOV_AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints")))
AUDIT_SIGNING_KEY_FILE = Path(env_str("DGOV_AUDIT_KEY_FILE", str(VAR_DIR / "keys" / "audit-ed25519.pem")))
AUDIT_SEAL_KEY_FILE = Path(env_str("DGOV_AUDIT_SEAL_KEY_FILE", str(VAR_DIR / "keys" / "audit-seal.key")))
AUDIT_CHECKPOINT_INTERVAL = timedelta(minutes=env_int("DGOV_AUDIT_CHECKPOINT_MINUTES", 1))
AUDIT_CHECKPOINT_ENTRIES = env_int("DGOV_AUDIT_CHECKPOINT_ENTRIES", 1000)
# The first checkpoint must follow the first entry within this: a checkpoint file that
# starts later was replaced.
AUDIT_CHECKPOINT_GRACE = timedelta(minutes=env_int("DGOV_AUDIT_CHECKPOINT_GRACE_MINUTES", 60))
# A copy of every checkpoint line: udp://host:514, tcp://host:514 or /dev/log (empty: none).
AUDIT_SYSLOG = env_str("DGOV_AUDIT_SYSLOG", "")
# Entries up to this number were written before entries were sealed (an upgraded database).
AUDIT_UNSEALED_UPTO = env_int("DGOV_AUDIT_UNSEALED_UPTO", 0)

# Uploads: the largest file accepted (MB). A request body may hold ten such files and
# a megabyte of form; a larger one is refused from its Content-Length, unread.
UPLOAD_MAX_MB = env_int("DGOV_UPLOAD_MAX_MB", 20)

# The public address (scheme and host, no path) of every link the platform sends out: QR
# codes, verification addresses printed in certificates, notifications, e-mails
# (``dgov.lib.links.public_url``). A certificate carries it inside its signature, so it must
# be right before the first one is issued: production refuses to start without https.
DGOV_PUBLIC_URL = env_str("DGOV_PUBLIC_URL", "" if PRODUCTION else "http://127.0.0.1:8000")
if PRODUCTION and public_url_problem(DGOV_PUBLIC_URL, production=True):
    # Also a system check (dgov.E001); raised here too because gunicorn runs no checks.
    raise ImproperlyConfigured(public_url_problem(DGOV_PUBLIC_URL, production=True))

# E-certificates (decision 0012). The district CA's private key lives in DGOV_CA_KEY_DIR,
# read only by the offline management commands (create_seal, issue_crl, revoke_seal); the
# web process holds the seal keys and the local TSA key in SEAL_KEY_DIR. DGOV_TSA_URL names
# an RFC 3161 timestamp authority; empty: the local TSA under the district CA.
SEAL_KEY_DIR = Path(env_str("DGOV_SEAL_KEY_DIR", str(VAR_DIR / "keys" / "seals")))
SEAL_CA_DIR = Path(env_str("DGOV_CA_KEY_DIR", str(VAR_DIR / "keys" / "ca")))
DGOV_TSA_URL = env_str("DGOV_TSA_URL", "")
DGOV_CRL_URL = env_str("DGOV_CRL_URL", "")  # where the CA's CRL is published; empty: under DGOV_PUBLIC_URL
DGOV_CRL_DAYS = env_int("DGOV_CRL_DAYS", 30)
# Archival timestamps (PAdES B-LTA) are renewed this many days before the certificate of
# the TSA that made the latest one ends (dgov.certificates.archive).
DGOV_ARCHIVE_RENEW_DAYS = env_int("DGOV_ARCHIVE_RENEW_DAYS", 365)
DGOV_VERIFY_RATE = env_str("DGOV_VERIFY_RATE", "60/60")  # verifications per client address / seconds
# How long a process keeps a district's document templates and settings (decision 0020).
DGOV_NOTICE_CACHE_SECONDS = env_int("DGOV_NOTICE_CACHE_SECONDS", 60)
# The deadline light (dgov/workdays/lights.py): working days left when a deadline of each
# kind turns yellow. DGOV_YELLOW_DAYS="campaign=3,application=1" overrides single kinds.
DGOV_YELLOW_DAYS: dict[str, int] = {
    "default": 1,
    "application": 1,  # a common local rule: 1 working day before the limit
    "bundle": 1,
    "rating": 1,
    "secretary": 1,
    "green_channel": 1,
    "campaign": 3,  # published practice for task tables: 3 days or less left
    "financing": 1,  # a bank's answer to a financing need
    **{k.strip(): int(v) for k, _sep, v in (pair.partition("=") for pair in env_list("DGOV_YELLOW_DAYS")) if v},
}

# The district a fresh public visitor sees first (several districts may share one instance).
DEFAULT_DISTRICT_CODE = env_str("DGOV_DEFAULT_DISTRICT", "220103")

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
SMS_BACKEND = env_str("SMS_BACKEND", "dgov.notifications.sms.ConsoleBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@dgov.local")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (development, drills).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# Operations (dgov/ops/, docs/operations.md) ----------------------------------------
# Where files live (dgov/lib/files.py, decision 0032): "local" — DGOV_VAR_DIR on this
# machine or on a POSIX mount every node shares (NFS, CephFS); "s3" — a private bucket of an
# S3-compatible object store, through django-storages (STORAGES["default"] below); "object"
# — such a bucket mounted as a filesystem. Neither kind of bucket has hard links: the
# document locker copies instead of linking.
FILE_STORAGE = env_str("DGOV_FILE_STORAGE", "local")
if FILE_STORAGE not in {"local", "s3", "object"}:
    raise ImproperlyConfigured("DGOV_FILE_STORAGE is local, s3 or object.")
if FILE_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("DGOV_S3_BUCKET", ""),
            "endpoint_url": env_str("DGOV_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("DGOV_S3_REGION", "") or None,
            # Empty: boto3's own chain (instance role, AWS_* variables, ~/.aws).
            "access_key": env_str("DGOV_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("DGOV_S3_SECRET_ACCESS_KEY", "") or None,
            "location": env_str("DGOV_S3_PREFIX", ""),
            # Private data: no ACL of our own (the bucket's, private), never a public URL,
            # names kept as given (the rows hold them), reads spooled to disk over 2 MB.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": True,
            "max_memory_size": 2 * 1024 * 1024,
            "addressing_style": env_str("DGOV_S3_ADDRESSING_STYLE", "") or None,
        },
    }
RUNNER_STALE_AFTER = timedelta(seconds=env_int("DGOV_RUNNER_STALE_SECONDS", 60))
MIN_FREE_DISK_MB = env_int("DGOV_MIN_FREE_DISK_MB", 2048)
METRICS_TOKEN = env_str("DGOV_METRICS_TOKEN", "")
METRICS_DB_CACHE_SECONDS = env_int("DGOV_METRICS_DB_CACHE_SECONDS", 10)
# Periodic jobs: a lease outlives a runner that died by this much at most (SQLite; on
# PostgreSQL the job's advisory lock goes with the runner's connection at once).
JOB_LEASE = timedelta(seconds=env_int("DGOV_JOB_LEASE_SECONDS", 300))
# A notification claimed by a runner that died is sent by another after this long.
OUTBOX_CLAIM_TIMEOUT = timedelta(seconds=env_int("DGOV_OUTBOX_CLAIM_SECONDS", 300))
LOCK_DIR = Path(env_str("DGOV_LOCK_DIR", str(VAR_DIR / "locks")))

# Exports (dgov/lib/exports.py): a list longer than DGOV_EXPORT_JOB_ROWS is written by the job
# runner to DGOV_EXPORTS_DIR (shared by every node, as the uploads) and kept DGOV_EXPORT_KEEP_DAYS.
EXPORTS_ROOT = Path(env_str("DGOV_EXPORTS_DIR", str(VAR_DIR / "exports")))
EXPORT_JOB_ROWS = env_int("DGOV_EXPORT_JOB_ROWS", 10_000)
EXPORT_KEEP_DAYS = env_int("DGOV_EXPORT_KEEP_DAYS", 7)

# Logs: JSON lines with the request id in production, plain text on a developer's machine.
LOG_FORMAT = env_str("DGOV_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_personal_data": {"()": "dgov.lib.personal.MaskPersonalDataFilter"},
        "request_id": {"()": "dgov.ops.logs.RequestIdFilter"},
    },
    "formatters": {
        "json": {"()": "dgov.ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_personal_data", "request_id"],
            "formatter": LOG_FORMAT,
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

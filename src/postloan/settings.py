"""One settings module, fed by environment variables."""

from pathlib import Path

import dj_database_url

from postloan.core.envconfig import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parents[1]
VAR_DIR = Path(env_str("POSTLOAN_VAR_DIR", str(CHECKOUT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("POSTLOAN_DEBUG", False)
SECRET_KEY = env_str("POSTLOAN_SECRET_KEY") or "insecure-dev-key-only-for-the-embedded-demo"
ALLOWED_HOSTS = env_list("POSTLOAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs' Swagger UI from our static files, not a CDN
    "postloan.core",
    "postloan.org",
    "postloan.portfolio",
    "postloan.ingest",
    "postloan.demo",
    "postloan.risk",
    "postloan.portfolio_risk",
    "postloan.worklist",
    "postloan.meetings",
    "postloan.units",
    "postloan.reports",
    "postloan.documents",
    "postloan.web",
    "postloan.api",
    "postloan.ops",
    "postloan.day",
    "postloan.accounts",
    "postloan.analytics",
    "postloan.forecast",
]

MIDDLEWARE = [
    "postloan.ops.logs.RequestIdMiddleware",  # first: every log line of a request carries its id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "postloan.ops.throttling.LoginThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "postloan.accounts.sessions.IdleTimeoutMiddleware",
    "postloan.accounts.sessions.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "postloan.web.views.errors.ErrorPageMiddleware",  # a 405 in the app frame, in Chinese
]

ROOT_URLCONF = "postloan.urls"
WSGI_APPLICATION = "postloan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "postloan.web.context.shell",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'postloan.sqlite3'}"),
        conn_max_age=env_int("POSTLOAN_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-postloan.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Figures over a whole visible portfolio (工作台 counters and inbox, list totals, signal counts)
# are cached per process under their query and the data version (postloan.core.cache): a
# change — an import, a screening, any action — changes the key, so nothing stale is served.
# TIMEOUT and MAX_ENTRIES only bound the memory kept by keys no longer asked for. Local memory
# needs no server; each gunicorn process fills its own (docs/performance.md, "Web pages at M").
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "postloan-figures",
        "TIMEOUT": env_int("POSTLOAN_CACHE_SECONDS", 600),
        "OPTIONS": {"MAX_ENTRIES": env_int("POSTLOAN_CACHE_ENTRIES", 2000)},
    }
}

# Identification and authentication (等保三级, postloan.accounts, docs/security.md): one
# normalised user name for login and lock-out; the password policy below for every password
# set through a form; a required change after an administrator sets a password; expiry.
AUTHENTICATION_BACKENDS = ["postloan.accounts.backends.NormalizedUsernameBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "postloan.accounts.passwords.UserAttributeSimilarityValidator"},
    {
        "NAME": "postloan.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {
        "NAME": "postloan.accounts.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": 3},
    },
    {"NAME": "postloan.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "postloan.accounts.passwords.NumericPasswordValidator"},
    {"NAME": "postloan.accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
POSTLOAN_PASSWORD_MAX_AGE_DAYS = env_int("POSTLOAN_PASSWORD_MAX_AGE_DAYS", 90)  # 0: no expiry
POSTLOAN_SESSION_IDLE_MINUTES = env_int("POSTLOAN_SESSION_IDLE_MINUTES", 30)
POSTLOAN_AUTH_LOG_DAYS = env_int("POSTLOAN_AUTH_LOG_DAYS", 180)  # never less than 180

# The UI is Chinese whatever the browser asks: no LocaleMiddleware negotiation, one language.
# Django's own messages come from its zh_Hans catalogue, ours from locale/zh_Hans (docs/
# architecture.md, "Language"); there is no complete English catalogue to offer.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# DuckDB memory of a screening before it spills to the scratch dir (a DuckDB size, e.g. "4GB").
POSTLOAN_DUCKDB_MEMORY = env_str("POSTLOAN_DUCKDB_MEMORY", "4GB")
# Where imports stage and DuckDB spills (core.scratch): a local disk of each worker, not the
# shared VAR_DIR (an NFS mount); empty = VAR_DIR/tmp.
POSTLOAN_SCRATCH_DIR = env_str("POSTLOAN_SCRATCH_DIR", "")
POSTLOAN_UPLOAD_MAX_BYTES = env_int("POSTLOAN_UPLOAD_MAX_BYTES", 512 * 1024 * 1024)
# Import hardening (postloan.ingest.archives / readers): an .xlsx unpacks to at most this many
# bytes and cells; no part of a ZIP or .xlsx may unpack to more than 100 times its packed size;
# a web or API upload larger than POSTLOAN_IMPORT_INLINE_MAX_BYTES always runs in the database
# task queue, never in the request (also under the immediate backend).
POSTLOAN_XLSX_MAX_UNPACKED_BYTES = env_int("POSTLOAN_XLSX_MAX_UNPACKED_BYTES", 512 * 1024 * 1024)
POSTLOAN_XLSX_MAX_CELLS = env_int("POSTLOAN_XLSX_MAX_CELLS", 10_000_000)
POSTLOAN_ZIP_MAX_RATIO = env_int("POSTLOAN_ZIP_MAX_RATIO", 100)
POSTLOAN_IMPORT_INLINE_MAX_BYTES = env_int("POSTLOAN_IMPORT_INLINE_MAX_BYTES", 20 * 1024 * 1024)
# Evidence files (core.evidence): largest accepted; stored files readable by the service only.
POSTLOAN_EVIDENCE_MAX_BYTES = env_int("POSTLOAN_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

# Passwords: PBKDF2-SHA256 at Django 5.2's 1,000,000 iterations (no extra package; see
# docs/security.md). Sessions end after a working day or when the browser closes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
SESSION_COOKIE_AGE = env_int("POSTLOAN_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "postloan.web.views.errors.csrf_failure"  # in the app frame, in Chinese
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Login throttling (postloan.ops.throttling): failures per username + address within a window;
# per account from any address, and per address for any user name.
POSTLOAN_LOGIN_MAX_FAILURES = env_int("POSTLOAN_LOGIN_MAX_FAILURES", 5)
POSTLOAN_LOGIN_ACCOUNT_MAX_FAILURES = env_int("POSTLOAN_LOGIN_ACCOUNT_MAX_FAILURES", 10)
POSTLOAN_LOGIN_ADDRESS_MAX_FAILURES = env_int("POSTLOAN_LOGIN_ADDRESS_MAX_FAILURES", 20)
POSTLOAN_LOGIN_WINDOW_MINUTES = env_int("POSTLOAN_LOGIN_WINDOW_MINUTES", 15)
POSTLOAN_TRUST_X_FORWARDED_FOR = env_bool("POSTLOAN_TRUST_X_FORWARDED_FOR", False)

# Background work (django-tasks): run at once in the calling process by default (development,
# tests, commands); POSTLOAN_TASK_BACKEND=db queues jobs in the database for `postloan db_worker`
# (production, and `postloan demo` when it serves: it starts one worker beside the server).
# The "db" alias always exists, so workers and tests can address the database queue directly.
_IMMEDIATE = {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
_DATABASE = {"BACKEND": "django_tasks_db.DatabaseBackend"}
TASKS = {
    "default": _DATABASE if env_str("POSTLOAN_TASK_BACKEND", "immediate") == "db" else _IMMEDIATE,
    "db": _DATABASE,
}
POSTLOAN_JOB_HEARTBEAT_SECONDS = env_int("POSTLOAN_JOB_HEARTBEAT_SECONDS", 30)
# An import batch or screening run still 运行中 whose heartbeat is older than this is closed as
# 已中断 by `postloan recover-jobs` (ops.stale_runs); keep it above the longest phase on SQLite.
POSTLOAN_STALE_RUN_MINUTES = env_int("POSTLOAN_STALE_RUN_MINUTES", 15)
# Uploaded import files are deleted this many days after their import finished (clean-uploads).
POSTLOAN_UPLOAD_KEEP_DAYS = env_int("POSTLOAN_UPLOAD_KEEP_DAYS", 7)

# The REST API (postloan.api): largest upload of one import batch through the API.
POSTLOAN_API_UPLOAD_MAX_BYTES = env_int("POSTLOAN_API_UPLOAD_MAX_BYTES", 200 * 1024 * 1024)
# API tokens: days a new token is valid unless `--days` says otherwise, and the most allowed.
POSTLOAN_API_TOKEN_DAYS = env_int("POSTLOAN_API_TOKEN_DAYS", 90)
POSTLOAN_API_TOKEN_MAX_DAYS = env_int("POSTLOAN_API_TOKEN_MAX_DAYS", 365)

# Logs (postloan.ops.logs): time, level, logger, request id and user on every line; one JSON
# object per line with POSTLOAN_LOG_FORMAT=json (for the bank's log collector).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "postloan.ops.logs.ContextFilter"}},
    "formatters": {
        "text": {"()": "postloan.ops.logs.TextFormatter"},
        "json": {"()": "postloan.ops.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": "json" if env_str("POSTLOAN_LOG_FORMAT", "text") == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("POSTLOAN_LOG_LEVEL", "WARNING")},
}

# The analytical copy (postloan.analytics): the import keeps a columnar copy of the big fact
# tables under VAR_DIR/analytics and the screening reads it; off = the screening reads the
# database as before. A copy behind the last committed batch is rebuilt from the database
# before the screening reads it (AUTO_REBUILD) — off: the screening refuses it with an error.
POSTLOAN_ANALYTICS_COPY = env_bool("POSTLOAN_ANALYTICS_COPY", True)
POSTLOAN_ANALYTICS_AUTO_REBUILD = env_bool("POSTLOAN_ANALYTICS_AUTO_REBUILD", True)

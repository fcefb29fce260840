"""Production settings: the base settings, hardened. Everything secret comes from the environment.

    DJANGO_SETTINGS_MODULE=postloan.settings_production
    POSTLOAN_SECRET_KEY=<50+ random characters>        (required — there is no default)
    POSTLOAN_ALLOWED_HOSTS=postloan.bank.example        (required)
    DATABASE_URL=postgres://postloan:…@db.bank.example:5432/postloan
    POSTLOAN_TASK_BACKEND=db                            (jobs run in `postloan db_worker`s)

See docs/deployment.md and docs/security.md.
"""

from django.core.exceptions import ImproperlyConfigured

from postloan.core.envconfig import env_bool, env_int, env_list, env_str
from postloan.settings import *  # noqa: F403
from postloan.settings import DATABASES, LOGGING

DEBUG = False
POSTLOAN_PRODUCTION = True  # e.g. `postloan demo` refuses to run (postloan.demo.guard)

SECRET_KEY = env_str("POSTLOAN_SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "生产环境必须通过环境变量 POSTLOAN_SECRET_KEY 提供至少 50 个字符的随机密钥"
    )
ALLOWED_HOSTS = env_list("POSTLOAN_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("生产环境必须设置 POSTLOAN_ALLOWED_HOSTS（逗号分隔的域名）")
CSRF_TRUSTED_ORIGINS = env_list(
    "POSTLOAN_CSRF_TRUSTED_ORIGINS", ",".join(f"https://{h}" for h in ALLOWED_HOSTS)
)

# Database connections are reused by each web process (PgBouncer optional).
DATABASES["default"]["CONN_MAX_AGE"] = env_int("POSTLOAN_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# HTTPS everywhere; the TLS-terminating proxy sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("POSTLOAN_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the load balancer probes over plain HTTP
SECURE_HSTS_SECONDS = env_int("POSTLOAN_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("POSTLOAN_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("POSTLOAN_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-postloan-session"
CSRF_COOKIE_NAME = "__Host-postloan-csrftoken"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Static files: `postloan collectstatic` once per release, then whitenoise serves the hashed,
# compressed copies from STATIC_ROOT (no finders at run time).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
STATIC_ROOT = env_str("POSTLOAN_STATIC_ROOT", str(STATIC_ROOT))  # noqa: F405
MEDIA_ROOT = env_str("POSTLOAN_MEDIA_ROOT", str(MEDIA_ROOT))  # noqa: F405

LOGGING = {
    **LOGGING,
    "root": {"handlers": ["console"], "level": env_str("POSTLOAN_LOG_LEVEL", "INFO")},
}
ADMINS = [("PostLoan", a) for a in env_list("POSTLOAN_ADMIN_EMAILS")]
SERVER_EMAIL = env_str("POSTLOAN_SERVER_EMAIL", "postloan@localhost")

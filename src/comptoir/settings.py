"""Django settings. Everything that differs between machines comes from the environment."""

import os
from pathlib import Path

from comptoir.database import database_config

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("COMPTOIR_VAR_DIR", Path.cwd() / "var")).resolve()

DEBUG = os.environ.get("COMPTOIR_DEBUG", "0") == "1"
SECRET_KEY = os.environ.get("COMPTOIR_SECRET_KEY", "dev-insecure-comptoir-secret-change-me")
ALLOWED_HOSTS = os.environ.get("COMPTOIR_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("COMPTOIR_CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000").split(",") if o
]

INSTALLED_APPS = [
    "unfold",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "ninja",
    "procrastinate.contrib.django",
    "comptoir.platform.apps.PlatformConfig",
    "comptoir.identity.apps.IdentityConfig",
    "comptoir.desk.apps.DeskConfig",
    "comptoir.accounting.apps.AccountingConfig",
    "comptoir.parties.apps.PartiesConfig",
    "comptoir.catalog.apps.CatalogConfig",
    "comptoir.inventory.apps.InventoryConfig",
    "comptoir.purchasing.apps.PurchasingConfig",
    "comptoir.sales.apps.SalesConfig",
    "comptoir.logistics.apps.LogisticsConfig",
    "comptoir.hr.apps.HrConfig",
    "comptoir.invoicing.apps.InvoicingConfig",
    "comptoir.payroll.apps.PayrollConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "comptoir.platform.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "comptoir.platform.middleware.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "comptoir.identity.middleware.TenantAuthenticationMiddleware",
    "comptoir.platform.middleware.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "comptoir.urls"
WSGI_APPLICATION = "comptoir.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "comptoir.desk.chrome.desk_context",
            ],
        },
    },
]

DATABASES = {"default": database_config(VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The role the application runs as after connecting: not a superuser, not the table owner, no BYPASSRLS,
# so PostgreSQL row-level security applies to every query (DESIGN §4). Migrations run as the connecting user.
COMPTOIR_APP_ROLE = os.environ.get("COMPTOIR_APP_ROLE", "comptoir_app")

AUTH_USER_MODEL = "identity.User"
# E-mail is unique case-insensitively (a functional unique index), which the check cannot see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AUTHENTICATION_BACKENDS = ["comptoir.identity.backends.MemberPermissionBackend"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "comptoir.identity.passwords.PersonalDataValidator"},
]
LOGIN_URL = "desk:sign-in"
LOGIN_REDIRECT_URL = "home"

# Transport security. Session and CSRF cookies are `Secure` (sent over HTTPS only; browsers also keep them on
# http://localhost) unless COMPTOIR_DEBUG=1 or COMPTOIR_SECURE_COOKIES=0; with them, HSTS is sent on HTTPS responses.
# Behind a proxy that terminates TLS, COMPTOIR_BEHIND_TLS_PROXY=1 trusts its X-Forwarded-Proto header.
SECURE_COOKIES = os.environ.get("COMPTOIR_SECURE_COOKIES", "0" if DEBUG else "1") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_HSTS_SECONDS = int(os.environ.get("COMPTOIR_HSTS_SECONDS", 365 * 24 * 3600)) if SECURE_COOKIES else 0
if os.environ.get("COMPTOIR_BEHIND_TLS_PROXY", "0") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTML pages load scripts, styles and fonts from this site only (platform/csp.py); JSON answers carry no policy.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
CONTENT_SECURITY_POLICY_BY_PATH = {
    # The operators' admin (django-unfold) evaluates Alpine.js expressions and writes inline styles.
    "/admin/": CONTENT_SECURITY_POLICY + "; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'",
}

# Tokens and lockout (catalogue §2).
ACCESS_TOKEN_TTL_SECONDS = int(os.environ.get("COMPTOIR_ACCESS_TOKEN_TTL", 900))
REFRESH_TOKEN_TTL_SECONDS = int(os.environ.get("COMPTOIR_REFRESH_TOKEN_TTL", 30 * 24 * 3600))
LOCKOUT_THRESHOLD = 5
LOCKOUT_MINUTES = 15

# Request limits: bodies above this size are refused with 413 problem+json before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("COMPTOIR_MAX_BODY_BYTES", 2 * 1024 * 1024))
IDEMPOTENCY_TTL_HOURS = 24

# Background jobs (DESIGN §1): procrastinate keeps its jobs in PostgreSQL; `comptoir worker` runs them. Tasks live
# in each app's `tasks` module (autodiscovered); enqueue them with `comptoir.platform.worker.defer_job`.
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "tasks"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"

EMAIL_BACKEND = os.environ.get("COMPTOIR_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("COMPTOIR_FROM_EMAIL", "Comptoir <no-reply@comptoir.local>")

UNFOLD = {
    "SITE_TITLE": "Comptoir",
    "SITE_HEADER": "Comptoir",
    "SITE_FAVICONS": "comptoir.platform.views.favicon_links",
    # The organization the admin works in, and the user's other organizations (admin_site.py).
    "SITE_SUBHEADER": "comptoir.platform.admin_site.current_organization_label",
    "SITE_DROPDOWN": "comptoir.platform.admin_site.organization_dropdown",
    "ACCOUNT": {
        "navigation": [
            {"title": "Switch organization", "link": "comptoir.platform.admin_site.switch_organization_url"},
        ],
    },
    "SHOW_HISTORY": True,
}

# One JSON object per line, carrying the request id, organization and user (platform/logging.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "comptoir.platform.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("COMPTOIR_LOG_LEVEL", "WARNING")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# Secrets (webhook keys, secret settings, bank account numbers) are encrypted with a key derived from this
# (or from SECRET_KEY when empty); see docs/encryption.md.
COMPTOIR_ENCRYPTION_KEY = os.environ.get("COMPTOIR_ENCRYPTION_KEY", "")
# Keyed hashes that find equal secrets without decrypting them (e.g. bank account numbers); from SECRET_KEY when
# empty. Changing it breaks the uniqueness checks of the rows already stored.
COMPTOIR_BLIND_INDEX_KEY = os.environ.get("COMPTOIR_BLIND_INDEX_KEY", "")

# Webhook delivery (docs/webhooks.md).
WEBHOOK_TIMEOUT_SECONDS = 5
WEBHOOK_MAX_ATTEMPTS = 5
WEBHOOK_RETRY_BASE_SECONDS = 60
WEBHOOK_RETRY_MAX_SECONDS = 3600
WEBHOOK_AUTO_DISABLE_AFTER = 5

# Attachments: the largest accepted file (multipart bodies may exceed DATA_UPLOAD_MAX_MEMORY_SIZE by this much).
COMPTOIR_MAX_UPLOAD_BYTES = int(os.environ.get("COMPTOIR_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))

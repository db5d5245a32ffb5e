"""Settings for forum-portal, driven by environment variables.

Every value has an embedded default that needs no server (SQLite and a filesystem Celery broker under
`var/`), so `make run` works on a fresh machine. `DATABASE_URL` switches to PostgreSQL and `REDIS_URL` to
Redis (broker and cache). `DJANGO_ENV=production` refuses to start with unsafe values.

The `.env` file (or the file `ENV_FILE` names) is read first, so every value below may come from it; real
environment variables win over it. Importing this module creates nothing on disk: the processes that need local
folders create them at start (see `LOCAL_DIRS` and forum_portal.local_dirs).
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

_DEV_SECRET_KEY = "dev-only-insecure-secret-key-never-use-in-production"  # noqa: S105 - refused in production below
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION:
    # Fail closed: a misconfigured production server must not start at all.
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production.")
    if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Set a unique SECRET_KEY of 50+ characters when DJANGO_ENV=production.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set ALLOWED_HOSTS when DJANGO_ENV=production.")
    if "EMAIL_URL" not in env:
        raise ImproperlyConfigured("Set EMAIL_URL (smtp://...) when DJANGO_ENV=production.")

SITE_NAME = env.str("SITE_NAME", default="Social Security Forums")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # Before the admin: it registers each app's translation.py so the admin and forms see both languages.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "accounts",
    "audit",
    "events",
    "participants",
    "feedback",
    "notifications",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffSessionMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "audit.middleware.AccessAuditMiddleware",
    "forum_portal.middleware.NoStoreForPersonalDataMiddleware",
    "forum_portal.middleware.ClearSiteDataOnLogoutMiddleware",
]

ROOT_URLCONF = "forum_portal.urls"
WSGI_APPLICATION = "forum_portal.wsgi.application"
ASGI_APPLICATION = "forum_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "forum_portal.context_processors.site",
                "forum_portal.context_processors.privacy",
            ],
            "builtins": ["forum_portal.templatetags.text"],
        },
    },
]

# Database: SQLite under var/ by default; DATABASE_URL=postgres://... for PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
# A new PostgreSQL connection per request costs several times the page; keep them, checked.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if PRODUCTION and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite on one disk loses every registration and concern with that disk; production needs PostgreSQL.
    raise ImproperlyConfigured("Set DATABASE_URL (postgres://...) when DJANGO_ENV=production; SQLite is refused.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; wait instead of failing when the worker and the web server write at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            # Redis errors are cache misses and dropped writes, logged (forum_portal.cache): an outage costs
            # speed, never a request. Give up fast, not after the operating system's TCP timeout.
            "BACKEND": "forum_portal.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    # The file cache is shared by every local process, so rate limits hold across web workers.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, loading with the user whether two factors are required and enrolled.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "events:home"

# allauth: email login, no public sign-up (administrators create organizer and staff accounts).
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Security keys (WebAuthn) beside authenticator apps: a key cannot be phished. Browsers allow WebAuthn only on
# HTTPS or localhost; plain HTTP elsewhere is allowed only while developing.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = SITE_NAME
# Two factors are required for NSSF staff, supervisors, programme officers and administrators (accounts.roles);
# this makes them required for organizers too.
ACCOUNTS_MFA_REQUIRED_FOR_ORGANIZERS = env.bool("ACCOUNTS_MFA_REQUIRED_FOR_ORGANIZERS", default=False)
# A logged-in session ends after this long without a request, and when the browser closes.
ACCOUNTS_SESSION_IDLE_SECONDS = env.int("ACCOUNTS_SESSION_IDLE_SECONDS", default=30 * 60)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Internationalisation: every string is translatable; URLs carry the language (/en/, /km/).
LANGUAGE_CODE = "en"
LANGUAGES = [("km", _("Khmer")), ("en", _("English"))]
# Content organizers and staff write for the public (titles, venues, agendas, commitments) is stored in both
# languages by django-modeltranslation (`<field>_km`, `<field>_en`); a missing one falls back to the other.
MODELTRANSLATION_DEFAULT_LANGUAGE = "km"
MODELTRANSLATION_LANGUAGES = ("km", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("km", "en"), "km": ("en",), "en": ("km",)}
# locale/ is the project's catalogue (makemessages); locale_upstream/ adds the Khmer that Django's and allauth's
# own catalogues lack for the pages the portal shows (edited by hand, never regenerated).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_upstream"]
# Day-first or spelled-out dates and a 24-hour clock in both languages (no 03/01/2027, no "7 p.m.").
FORMAT_MODULE_PATH = ["forum_portal.formats"]
USE_I18N = True
TIME_ZONE = "Asia/Phnom_Penh"
USE_TZ = True

STATIC_URL = "/static/"
# The container image collects static files at build time, outside the VAR_DIR volume (STATIC_ROOT there).
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
# Uploads (concern attachments) are private: they live outside any public path and are served by views.
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Forum materials (slides, documents, photos): the largest file an organizer may attach.
EVENTS_MATERIAL_MAX_BYTES = env.int("EVENTS_MATERIAL_MAX_BYTES", default=25 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

# Email: the console by default so a new user sees every message; EMAIL_URL (smtp://...) in production.
if "EMAIL_URL" in env:
    _email = env.email_url("EMAIL_URL")
    _smtp_options = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"],
        "password": _email["EMAIL_HOST_PASSWORD"],
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        "timeout": 10,
    }
    MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _smtp_options}}
else:
    MAILERS = {
        "default": {"BACKEND": env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")}
    }
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="forums@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set, otherwise Kombu's filesystem transport under var/ (no server needed).
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A web request that enqueues while Redis is away gives up within a second (the sweep sends later). The
    # socket timeout stays above the worker's 1 s BRPOP poll; the visibility timeout, after which a task a killed
    # worker held is handed out again, is longer than any task's hard time limit.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        "socket_connect_timeout": 0.5,
        "socket_timeout": 2,
        "retry_on_timeout": False,
    }
elif PRODUCTION:
    # The filesystem broker drops queued messages when the disk goes; production needs Redis.
    raise ImproperlyConfigured(
        "Set REDIS_URL (redis://...) when DJANGO_ENV=production; the filesystem broker is refused."
    )
else:
    _broker_dir = VAR_DIR / "celery-broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Without this the transport writes its control exchange into the current directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 0.5
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task stuck on a gateway that never answers is interrupted (soft) and then killed (hard); tasks are
# idempotent, so the outbox's sweep finishes what an interrupted one left.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Local folders that the processes write to and that nothing else creates: the SQLite database's folder and the
# filesystem broker's. manage.py, the WSGI/ASGI applications and Celery create them at start (and only the ones
# this configuration uses); with PostgreSQL and Redis the list is empty.
LOCAL_DIRS: list[Path] = []
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and DATABASES["default"]["NAME"] != ":memory:":
    LOCAL_DIRS.append(Path(DATABASES["default"]["NAME"]).parent)
if not REDIS_URL:
    LOCAL_DIRS += [Path(CELERY_BROKER_TRANSPORT_OPTIONS[key]) for key in ("data_folder_in", "processed_folder")]
    LOCAL_DIRS.append(Path(CELERY_BROKER_TRANSPORT_OPTIONS["control_folder"]))
# Periodic tasks; each app's tasks are idempotent, so a beat that runs twice does no harm.
CELERY_BEAT_SCHEDULE: dict = {}

# Content-Security-Policy: no inline scripts or styles anywhere; every asset is self-hosted.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "media-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
# Staff sessions end at browser close as well as after ACCOUNTS_SESSION_IDLE_SECONDS without a request.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# `make run-prod` runs the production process set on this machine, where there is no TLS proxy: only this
# explicit variable lets production settings answer plain HTTP (`check --deploy` then warns, as it should).
ALLOW_PLAIN_HTTP = PRODUCTION and env.bool("ALLOW_PLAIN_HTTP", default=False)

if PRODUCTION and not ALLOW_PLAIN_HTTP:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Health probes (the load balancer's, the container's) speak plain HTTP to the server itself.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Secure-sessionid"
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_NAME = "__Secure-csrftoken"

# Logging: structured enough to operate, never with personal data (no request bodies, no phone numbers).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django logs every 404 with its path, and a path may be a signed link to a person's registration.
        "django.request": {"level": "ERROR"},
    },
}

# Domain settings.
# Behind a proxy that sets X-Forwarded-For, rate limits must key on the real client address.
RATELIMIT_TRUST_FORWARDED_FOR = env.bool("RATELIMIT_TRUST_FORWARDED_FOR", default=False)

# Notifications: delivery channels, retries and the periodic tasks (see notifications/ and the README).
# SMS: "console" prints, "file" writes one file per message under NOTIFICATIONS_SMS_FILE_DIR, "http" posts to
# a gateway (URL, credentials and sender id below); a dotted path selects any other backend class.
NOTIFICATIONS_SMS_BACKEND = env.str("SMS_BACKEND", default="console")
NOTIFICATIONS_SMS_FILE_DIR = env.str("SMS_FILE_DIR", default=str(VAR_DIR / "sms"))
NOTIFICATIONS_SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
NOTIFICATIONS_SMS_GATEWAY_USERNAME = env.str("SMS_GATEWAY_USERNAME", default="")
NOTIFICATIONS_SMS_GATEWAY_PASSWORD = env.str("SMS_GATEWAY_PASSWORD", default="")
NOTIFICATIONS_SMS_SENDER_ID = env.str("SMS_SENDER_ID", default="NSSF-FORUM")
NOTIFICATIONS_HTTP_TIMEOUT = env.float("NOTIFICATIONS_HTTP_TIMEOUT", default=10.0)
# Telegram: the bot's token and username (for the deep link); the API base is configurable for tests.
TELEGRAM_BOT_TOKEN = env.str("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_BOT_USERNAME = env.str("TELEGRAM_BOT_USERNAME", default="")
TELEGRAM_API_BASE = env.str("TELEGRAM_API_BASE", default="https://api.telegram.org")
# With a webhook secret, production receives updates at /hooks/telegram/ (`manage.py telegram_webhook set`)
# and every request must carry it; without one, beat polls getUpdates (development).
TELEGRAM_WEBHOOK_SECRET = env.str("TELEGRAM_WEBHOOK_SECRET", default="")
# Telegram's own limit is about 30 messages a second for a bot; the outbox keeps under it.
TELEGRAM_MAX_PER_SECOND = env.int("TELEGRAM_MAX_PER_SECOND", default=25)
# The SMS gateway's callbacks (inbound texts at /hooks/sms/inbound/, delivery receipts at /hooks/sms/receipts/)
# must carry this secret (X-Webhook-Secret header, or an X-Signature HMAC-SHA256 of the body); empty = off.
SMS_WEBHOOK_SECRET = env.str("SMS_WEBHOOK_SECRET", default="")
# What one SMS part costs, for the cost estimate on the message log (in SMS_COST_CURRENCY).
SMS_COST_PER_PART = env.float("SMS_COST_PER_PART", default=0.02)
SMS_COST_CURRENCY = env.str("SMS_COST_CURRENCY", default="USD")
# Bounded retries with exponential backoff: attempt n waits BASE * 2**(n-1) seconds (capped) before the next.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.int("NOTIFICATIONS_RETRY_MAX_SECONDS", default=1800)
# The sweep re-enqueues messages still queued this long after their last enqueue (broker down, task lost),
# and reclaims messages stuck in "sending" this long (a worker killed mid-send).
NOTIFICATIONS_SWEEP_AFTER_SECONDS = env.int("NOTIFICATIONS_SWEEP_AFTER_SECONDS", default=180)
NOTIFICATIONS_SENDING_STALE_SECONDS = env.int("NOTIFICATIONS_SENDING_STALE_SECONDS", default=900)
# While the broker is down, fail the enqueue fast (the sweep delivers later) instead of stalling the request.
# One immediate retry replaces a pooled connection that died with a Redis restart; two half-second connection
# timeouts keep a request's wait on an unreachable Redis near a second.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Message tasks have their own queue, so a slow SMS gateway or mail relay cannot hold up reminders, digests and
# the rest. A worker started without -Q consumes both queues (the Procfile's does); at scale, run one worker
# per queue (`-Q messages` and `-Q celery`) and replicate the one that falls behind.
NOTIFICATIONS_QUEUE = env.str("NOTIFICATIONS_QUEUE", default="messages")
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = {"celery": {}, NOTIFICATIONS_QUEUE: {}}
CELERY_TASK_ROUTES = {"notifications.message_deliver": {"queue": NOTIFICATIONS_QUEUE}}
CELERY_BEAT_SCHEDULE["notifications-sweep"] = {"task": "notifications.message_sweep", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["notifications-chat-states"] = {"task": "notifications.chat_states_expire", "schedule": 86400.0}
CELERY_BEAT_SCHEDULE["participants-reminders"] = {"task": "participants.reminders_queue", "schedule": 600.0}
CELERY_BEAT_SCHEDULE["participants-thank-you"] = {"task": "participants.thank_you_queue", "schedule": 1800.0}
CELERY_BEAT_SCHEDULE["feedback-staff-digest"] = {"task": "feedback.staff_digest_queue", "schedule": 1800.0}
if TELEGRAM_BOT_TOKEN and not TELEGRAM_WEBHOOK_SECRET:
    CELERY_BEAT_SCHEDULE["notifications-telegram-updates"] = {
        "task": "notifications.telegram_updates_poll",
        "schedule": 30.0,
    }

# Feedback (concerns): service levels in working days, attachment limits, public-form rate limits.
FEEDBACK_SLA_ACKNOWLEDGE_DAYS = env.int("FEEDBACK_SLA_ACKNOWLEDGE_DAYS", default=2)
FEEDBACK_SLA_RESPONSE_DAYS = env.int("FEEDBACK_SLA_RESPONSE_DAYS", default=10)
FEEDBACK_SLA_RESOLVE_DAYS = env.int("FEEDBACK_SLA_RESOLVE_DAYS", default=30)
FEEDBACK_SENSITIVE_TRIAGE_HOURS = 24
FEEDBACK_RESOLUTION_CHECK_DAYS = 14
FEEDBACK_ATTACHMENT_MAX_BYTES = env.int("FEEDBACK_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)
# Public-form limits (attempts, seconds) are kept twice: per client address, generous because a whole venue or
# a mobile carrier's NAT shares one address, and per phone number or tracking code, tight because one person
# has one. See forum_portal/ratelimit.py.
FEEDBACK_SUBMIT_RATE = (env.int("FEEDBACK_SUBMIT_LIMIT", default=300), 3600)
FEEDBACK_SUBMIT_PER_PHONE_RATE = (env.int("FEEDBACK_SUBMIT_PER_PHONE_LIMIT", default=10), 3600)
FEEDBACK_TRACK_RATE = (env.int("FEEDBACK_TRACK_LIMIT", default=300), 3600)
FEEDBACK_TRACK_PER_CODE_RATE = (env.int("FEEDBACK_TRACK_PER_CODE_LIMIT", default=10), 600)
# "Not resolved" within this many days of closing reopens the concern; later it becomes an appeal.
FEEDBACK_REOPEN_WINDOW_DAYS = env.int("FEEDBACK_REOPEN_WINDOW_DAYS", default=30)
# Supervisors decide an appeal within this many working days.
FEEDBACK_APPEAL_DAYS = env.int("FEEDBACK_APPEAL_DAYS", default=10)
# The external route named to a person whose appeal closes unresolved: the social security regulator.
FEEDBACK_EXTERNAL_ROUTE = {
    "name_en": env.str("FEEDBACK_EXTERNAL_ROUTE_NAME_EN", default="Social Security Regulator"),
    "name_km": env.str("FEEDBACK_EXTERNAL_ROUTE_NAME_KM", default="និយ័តករសន្តិសុខសង្គម"),
    "phone": env.str("FEEDBACK_EXTERNAL_ROUTE_PHONE", default=""),
    "email": env.str("FEEDBACK_EXTERNAL_ROUTE_EMAIL", default=""),
    "website": env.str("FEEDBACK_EXTERNAL_ROUTE_WEBSITE", default="https://nbfsa.gov.kh"),
}
CELERY_BEAT_SCHEDULE["feedback-resolution-checks"] = {
    "task": "feedback.resolution_checks_queue",
    "schedule": 3600.0,
}

# Participants: public-form rate limits (attempts, seconds). Per address, registration lets a venue's Wi-Fi or
# a carrier's NAT register 200 people in an hour with room for mistyped forms; per phone number it is tight.
PARTICIPANTS_REGISTER_RATE = (env.int("PARTICIPANTS_REGISTER_LIMIT", default=600), 3600)
PARTICIPANTS_REGISTER_PER_PHONE_RATE = (env.int("PARTICIPANTS_REGISTER_PER_PHONE_LIMIT", default=10), 3600)
# TEST ONLY: false registers without locking the forum row, so concurrent registrations can oversell. It
# exists for the fault tests' control run (tests/faults/), which proves the seat-race test can fail.
PARTICIPANTS_REGISTRATION_LOCK = env.bool("PARTICIPANTS_REGISTRATION_LOCK", default=True)
PARTICIPANTS_RESEND_RATE = (env.int("PARTICIPANTS_RESEND_LIMIT", default=5), 600)
PARTICIPANTS_CERTIFICATE_VERIFY_RATE = (env.int("PARTICIPANTS_CERTIFICATE_VERIFY_LIMIT", default=20), 600)
# Privacy: how long personal data is kept. The privacy notices read these values (forum_portal.privacy), so
# the promise and the daily erasure (participants.retention, feedback.retention) cannot drift apart.
PRIVACY_REGISTRATION_RETENTION_MONTHS = env.int("PRIVACY_REGISTRATION_RETENTION_MONTHS", default=12)
PRIVACY_CONCERN_CONTACT_RETENTION_MONTHS = env.int("PRIVACY_CONCERN_CONTACT_RETENTION_MONTHS", default=24)
CELERY_BEAT_SCHEDULE["participants-retention"] = {
    "task": "participants.registrations_anonymise_expired",
    "schedule": 24 * 3600.0,
}
CELERY_BEAT_SCHEDULE["feedback-retention"] = {
    "task": "feedback.concern_contacts_erase_expired",
    "schedule": 24 * 3600.0,
}
CELERY_BEAT_SCHEDULE["feedback-commitment-followers-retention"] = {
    "task": "feedback.commitment_followers_erase_expired",
    "schedule": 24 * 3600.0,
}
# WeasyPrint (PDF sign-in sheets and badges) and fontTools report every step at INFO; keep warnings only.
LOGGING["loggers"]["weasyprint"] = {"level": "WARNING"}
LOGGING["loggers"]["fontTools"] = {"level": "WARNING"}

# Public pages for anonymous visitors come from the cache (forum_portal.pagecache): a copy lives this long at most,
# and seats taken or freed show within PUBLIC_PAGE_SEATS_LAG_SECONDS plus that. 0 turns the cache off.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=5)
PUBLIC_PAGE_SEATS_LAG_SECONDS = env.int("PUBLIC_PAGE_SEATS_LAG_SECONDS", default=3)
# Each web process keeps the copies it served this long, so a hit needs no round trip to Redis.
PUBLIC_PAGE_LOCAL_SECONDS = env.int("PUBLIC_PAGE_LOCAL_SECONDS", default=1)
# `make bench` mounts a bare view at /bench/bare/ to compare the pages with; never on in a real deployment.
BENCH_BARE_VIEW = env.bool("BENCH_BARE_VIEW", default=False)

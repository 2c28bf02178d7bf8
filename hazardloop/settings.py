"""hazardloop settings: one module, read from the environment (see README "Configuration")."""

import hashlib
import secrets
from pathlib import Path

import dj_database_url

from hazardloop.lib.env import ConfigError, env_bool, env_int, env_int_list, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
PRODUCTION = env_bool("HAZARDLOOP_PRODUCTION", False)


def _secret_key() -> str:
    """The environment's SECRET_KEY; outside production, a key generated once into .secret_key."""
    key = env_str("SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        raise ConfigError("SECRET_KEY must be set in the environment when HAZARDLOOP_PRODUCTION=1.")
    path = BASE_DIR / ".secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _audit_key() -> str:
    """The audit chain's HMAC key: held outside the database. Production names it explicitly
    (rotating SECRET_KEY must not make the existing chain unverifiable)."""
    key = env_str("AUDIT_HMAC_KEY", "")
    if key:
        return key
    if PRODUCTION:
        raise ConfigError(
            "AUDIT_HMAC_KEY must be set in the environment when HAZARDLOOP_PRODUCTION=1."
        )
    return hashlib.sha256(b"hazardloop.audit:" + SECRET_KEY.encode()).hexdigest()


AUDIT_HMAC_KEY = _audit_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "hazardloop.core",
    "hazardloop.regions",
    "hazardloop.accounts",
    "hazardloop.audit",
    "hazardloop.notifications",
    "hazardloop.units",
    "hazardloop.evidence",
    "hazardloop.checklists",
    "hazardloop.hazards",
    "hazardloop.supervision",
    "hazardloop.inspections",
    "hazardloop.obligations",
    "hazardloop.training",
    "hazardloop.campaigns",
    "hazardloop.drills",
    "hazardloop.publicity",
    "hazardloop.permits",
    "hazardloop.accidents",
    "hazardloop.tips",
    "hazardloop.accountability",
    "hazardloop.duty",
    "hazardloop.reports",
    "hazardloop.workbench",
    "hazardloop.demo",
    "hazardloop.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise and the redirecting middleware, so that every response carries it.
    "hazardloop.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The idle expiry is renewed at most once a minute, not written on every request.
    "hazardloop.core.sessions.RenewingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A temporary password is replaced before anything else (accounts/middleware.py).
    "hazardloop.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "hazardloop.core.middleware.RequestContextMiddleware",
    "hazardloop.api.middleware.ApiInputMiddleware",
]

ROOT_URLCONF = "hazardloop.urls"
WSGI_APPLICATION = "hazardloop.wsgi.application"

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
                "django.template.context_processors.i18n",
                "hazardloop.accounts.context_processors.shell",
                "hazardloop.workbench.context_processors.counts",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'hazardloop.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that reads the socket instead of sending
    # `SELECT 1` on every request (core/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "hazardloop.core.postgresql"
    # The hot paths' statements run on cursors that PostgreSQL keeps prepared per connection
    # (core/prepared.py `prepared_cursor`) from their second run on: planning them was most
    # of their cost. Every other query binds its values client-side, unprepared, as Django
    # does by default. Set DB_PREPARED_STATEMENTS=false behind a pooler that cannot keep
    # prepared statements (PgBouncer before 1.21, or without max_prepared_statements, in
    # transaction mode) or that refuses the `options` startup parameter below.
    # Those statements are, by design, the ones whose best plan does not depend on the values
    # (rows by key, inserts): PostgreSQL is told to keep their generic plan rather than weigh
    # a custom one at every run, which it did for the unit's hazard count (0.25 ms of a
    # verify). Only they carry parameters: Django's cursors send their values inline, and a
    # statement without parameters is planned for what it says, whatever this setting.
    prepared = env_bool("DB_PREPARED_STATEMENTS", True)
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["prepare_threshold"] = 1 if prepared else None
    if prepared:  # after any `options` the DATABASE_URL gives
        given = options.get("options", "")
        options["options"] = f"{given} -c plan_cache_mode=force_generic_plan".lstrip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the single writer work side by side; IMMEDIATE avoids the
    # "database is locked" upgrade deadlock between two writers.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "hazardloop.accounts.bootstrap.KnownDefaultPasswordValidator"},
]
# A web worker's collector (core/worker.py): how many new objects start a pass of each of its
# three generations, set once the worker has loaded what it serves and frozen that out of the
# passes. Empty (the default): Python's own, 700,10,10 (docs/performance.md, "Session 19").
GC_THRESHOLD = env_int_list("WEB_GC_THRESHOLD", [])
if GC_THRESHOLD and (len(GC_THRESHOLD) != 3 or min(GC_THRESHOLD) < 1):
    raise ConfigError(
        "Environment variable WEB_GC_THRESHOLD must be three whole numbers above 0 "
        f"separated by commas (e.g. 10000,10,10), or empty, not {GC_THRESHOLD!r}."
    )
# Sign-in throttle (accounts/throttle.py): this many failures in a row from one address lock
# that address out of the username for LOGIN_LOCK_MINUTES; LOGIN_SLOWDOWN_AFTER failures of a
# username from anywhere within that time allow it one attempt per LOGIN_SLOWDOWN_SECONDS;
# attempts per minute from one address and on the whole site are refused before hashing.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCK_MINUTES = env_int("LOGIN_LOCK_MINUTES", 15)
LOGIN_SLOWDOWN_AFTER = env_int("LOGIN_SLOWDOWN_AFTER", 20)
LOGIN_SLOWDOWN_SECONDS = env_int("LOGIN_SLOWDOWN_SECONDS", 10)
LOGIN_ADDRESS_PER_MINUTE = env_int("LOGIN_ADDRESS_PER_MINUTE", 20)
LOGIN_GLOBAL_PER_MINUTE = env_int("LOGIN_GLOBAL_PER_MINUTE", 300)

# Sessions end after 30 idle minutes: a request pushes the expiry forward (at most once a minute).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False  # renewed by core/sessions.py
SESSION_RENEW_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", BASE_DIR / "static_vendor")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("HAZARDLOOP_STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not env_bool("HAZARDLOOP_STATIC_MANIFEST", False)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# The audit chain's head is appended here at most every AUDIT_HEAD_MINUTES (outside the database:
# point it at storage the database's administrators cannot rewrite); `verify_audit` checks it.
AUDIT_HEAD_FILE = Path(env_str("AUDIT_HEAD_FILE", str(MEDIA_ROOT / "audit" / "heads.jsonl")))
AUDIT_HEAD_MINUTES = env_int("AUDIT_HEAD_MINUTES", 60)
MEDIA_URL = "/media/"

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Seconds between two runs of the periodic sweeps in the worker loop.
SWEEP_INTERVAL_SECONDS = env_int("SWEEP_INTERVAL_SECONDS", 60)
# Statistics read maintained aggregates (reports/aggregates.py); a reader refreshes them first
# when the last refresh is older than this.
STATS_MAX_AGE_SECONDS = env_int("STATS_MAX_AGE_SECONDS", 300)
# After a refresh that changed the aggregates, the sweep answers the dashboards' usual question
# (a region's children, no campaign) ahead for the periods of the last N days ending today, for
# every region with children (reports/ahead.py): the first request after the refresh reads it.
STATS_AHEAD_DAYS = env_int_list("STATS_AHEAD_DAYS", [30, 365])
# The workbench's figures (overdue by rung, a region at a glance) that count more hazards than
# this are kept a minute for the same scope and say when they were counted (a province's).
WORKBENCH_FIGURES_KEEP_ABOVE = env_int("WORKBENCH_FIGURES_KEEP_ABOVE", 10_000)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "hazardloop@localhost")

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "hazardloop-demo")

# Units: the address printed in door QR codes (e.g. https://hazardloop.example.gov.cn); empty:
# the address the page was opened with. UNIT_RISK overrides weights of units/risk.py.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "")
UNIT_RISK: dict = {}

# The API: tokens are refreshed in the database at most this often when used.
API_TOKEN_TOUCH_SECONDS = 60
# A token works this many days after it was made, and stops after this many days unused.
API_TOKEN_LIFETIME_DAYS = env_int("API_TOKEN_LIFETIME_DAYS", 90)
API_TOKEN_IDLE_DAYS = env_int("API_TOKEN_IDLE_DAYS", 30)
# How many reverse proxies in front of the app append to X-Forwarded-For (0: trust none).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

if PRODUCTION:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    # Browsers that once reached the site over HTTPS never use plain HTTP for it (or its
    # subdomains) again for a year. Django sends the header on HTTPS responses only.
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Redirect plain-HTTP requests to HTTPS here (off by default: the TLS proxy usually does it).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Behind a TLS proxy, the request reaches Django over HTTP: trust the proxy's
# X-Forwarded-Proto (which it must set, overwriting the client's) to know it was HTTPS.
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


# Idempotent periodic steps run by `manage.py run_sweeps` (each takes `now`, returns a count).
SWEEP_STEPS = [
    "hazardloop.accounts.jobs.clear_expired_sessions_once",
    "hazardloop.audit.services.publish_head_once",
    "hazardloop.accounts.throttle.summarise_refusals_once",
    "hazardloop.notifications.jobs.warn_attacked_accounts_once",
    "hazardloop.evidence.jobs.delete_unclaimed_photos_once",
    "hazardloop.units.jobs.delete_old_job_files_once",
    "hazardloop.units.jobs.merge_search_indexes_once",
    "hazardloop.hazards.jobs.notify_deadlines_once",
    "hazardloop.hazards.exports.delete_old_export_files_once",
    "hazardloop.hazards.jobs.notify_digest_once",
    "hazardloop.supervision.jobs.sweep_deadlines_once",
    "hazardloop.campaigns.jobs.frequency_tasks_once",
    "hazardloop.accidents.jobs.chain_overdue_once",
    "hazardloop.accidents.jobs.follow_ups_once",
    "hazardloop.obligations.jobs.refresh_lapsed_once",
    "hazardloop.tips.throttle.forget_counters_once",
    "hazardloop.permits.jobs.expire_permits_once",
    "hazardloop.accountability.jobs.propose_cases_once",
    "hazardloop.duty.jobs.remind_shifts_once",
    "hazardloop.training.certificates_jobs.remind_certificates_once",
    "hazardloop.duty.jobs.delete_old_export_files_once",
    "hazardloop.reports.aggregates.refresh_once",
    "hazardloop.reports.ahead.answer_ahead_once",
    "hazardloop.reports.scheduling.send_daily_reports_once",
    "hazardloop.notifications.services.retry_emails_once",
]
# Accident reporting (accidents/rules.py): the national limits of 493号令 unless a province's
# own rules are stricter, e.g. {"unit_minutes": 30, "level_minutes": 60}; a longer setting is
# ignored. Keys: unit_minutes, level_minutes, routes {grade: [levels]}, follow_up_hours.
ACCIDENT_REPORTING: dict = {}
# Notification e-mails still unsent (worker down, mail server refusing) are retried by the
# sweep for this many hours after the notification, at most this many tries each.
NOTIFICATION_EMAIL_RETRY_HOURS = env_int("NOTIFICATION_EMAIL_RETRY_HOURS", 24)
NOTIFICATION_EMAIL_ATTEMPTS = env_int("NOTIFICATION_EMAIL_ATTEMPTS", 5)
# Files attached to a notification's e-mail, by the notified object's type: a function of the
# object id returning [(filename, bytes, mimetype)].
# Whether a user may record work at a unit for a campaign (core/references.py).
CAMPAIGN_REFERENCE_CHECK = "hazardloop.campaigns.references.campaign_covers_unit"
NOTIFICATION_EMAIL_ATTACHMENTS = {
    "reports.scheduledreport": "hazardloop.reports.scheduling.email_attachments",
}

# Accountability: a campaign that missed its coverage target is proposed for accountability
# when the sweep finds it within this many days after it ended (no rule fixes it: configuration).
ACCOUNTABILITY_CAMPAIGN_LOOKBACK_DAYS = env_int("ACCOUNTABILITY_CAMPAIGN_LOOKBACK_DAYS", 30)
# "An accident at a unit that had an open hazard of the same category": which hazard categories
# count as the same kind as each accident type. A judgement, not law: configuration. Types not
# listed (road traffic, mining, construction, drowning, other) have no hazard category here.
ACCOUNTABILITY_ACCIDENT_CATEGORIES = {
    "fire": ["evacuation", "fire_facilities", "electrical", "hot_work", "materials", "gas"],
    "gas_explosion": ["gas"],
    "hazardous_chemicals": ["hazchem"],
}

# Evidence photos: upload size limit, decoded-pixel limit (decompression bombs), thumbnail edge,
# and how long a stored photo may stay unreferenced before the sweep deletes it.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# The largest picture a phone's main camera makes in its full-resolution mode (50 MP sensors);
# decoding is bounded by it (and JPEGs decode at thumbnail scale).
EVIDENCE_MAX_PIXELS = env_int("EVIDENCE_MAX_PIXELS", 50_000_000)
# Spreadsheet imports (units): refused before parsing past these, so no import can take a
# worker's memory: file size, rows, the workbook's unpacked size, its shared strings (which
# openpyxl loads whole) and the inflation ratio of any part (zip bombs).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 600 * 1024 * 1024)
IMPORT_MAX_SHARED_STRINGS = env_int("IMPORT_MAX_SHARED_STRINGS", 64 * 1024 * 1024)
IMPORT_MAX_ZIP_RATIO = env_int("IMPORT_MAX_ZIP_RATIO", 100)
EVIDENCE_THUMB_PX = env_int("EVIDENCE_THUMB_PX", 480)
EVIDENCE_UNCLAIMED_HOURS = env_int("EVIDENCE_UNCLAIMED_HOURS", 24)

# Unit imports and exports: days the uploaded and exported files of a finished job are kept
# (the sweep deletes them after; the job rows and their audit events stay).
UNIT_JOB_FILE_DAYS = env_int("UNIT_JOB_FILE_DAYS", 7)
# The direct download of the unit register (/units/export.xlsx) serves at most this many rows
# in the request; a larger list is exported by the worker (the Export button).
UNIT_EXPORT_INLINE_MAX_ROWS = env_int("UNIT_EXPORT_INLINE_MAX_ROWS", 5_000)

# Hazards. The default rectification deadline in days per grade when no DeadlinePolicy row of
# the region applies (no national figure is verified: regulations.md §2.2 — configuration).
HAZARD_DEFAULT_DEADLINE_DAYS = {"general": env_int("HAZARD_GENERAL_DAYS", 15), "major": 90}
# A found hazard's rectification is ordered within this many working days of the finding
# (公安部令第120号 Art. 19 and 21 [V], regulations.md §10.2); the categories listed after it are
# ordered on the spot (责令立即改正), by the end of the finding's day. Which violations are
# corrected on the spot is configuration: the default lists blocked escape routes and exits and
# open flames, the commonly cited on-the-spot cases.
HAZARD_ORDER_WORKDAYS = env_int("HAZARD_ORDER_WORKDAYS", 3)
HAZARD_ORDER_ON_SPOT_CATEGORIES = env_list(
    "HAZARD_ORDER_ON_SPOT_CATEGORIES", ["evacuation", "hot_work"]
)
# A major hazard's acceptance is an on-site check within this many days of the unit's request
# (regulations.md §2.2, Art. 23 [V-2]), with at least this many people on the team.
HAZARD_ACCEPTANCE_DAYS = env_int("HAZARD_ACCEPTANCE_DAYS", 10)
HAZARD_ACCEPTANCE_MIN_TEAM = env_int("HAZARD_ACCEPTANCE_MIN_TEAM", 2)
# A unit's submission needs at least this many after-photos.
HAZARD_SUBMIT_MIN_PHOTOS = env_int("HAZARD_SUBMIT_MIN_PHOTOS", 1)
# Notify the unit this many days before its deadline.
HAZARD_DUE_SOON_DAYS = env_int("HAZARD_DUE_SOON_DAYS", 3)
# Ledger exports (written by the worker): most rows, and days their files are kept.
HAZARD_EXPORT_MAX_ROWS = env_int("HAZARD_EXPORT_MAX_ROWS", 200_000)
HAZARD_EXPORT_FILE_DAYS = env_int("HAZARD_EXPORT_FILE_DAYS", 7)

# Duty (docs/duty.md). No national text fixes these numbers: they are configuration.
# Check-in opens this many minutes before a shift; later than the grace after its start is late.
DUTY_CHECK_IN_EARLY_MINUTES = env_int("DUTY_CHECK_IN_EARLY_MINUTES", 30)
DUTY_CHECK_IN_GRACE_MINUTES = env_int("DUTY_CHECK_IN_GRACE_MINUTES", 10)
# People on a shift are reminded this many minutes before it starts (sweep step).
DUTY_REMINDER_MINUTES = env_int("DUTY_REMINDER_MINUTES", 60)
DUTY_EXPORT_FILE_DAYS = env_int("DUTY_EXPORT_FILE_DAYS", 7)
# Which department of a region answers "who is on duty" when several keep a roster, first first.
DUTY_DEPARTMENT_KINDS = ["emergency", "safety_committee", "fire"]
# The address of this site in e-mailed links.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# The supervision ladder's thresholds per region-code prefix ("22": Jilin), over the defaults in
# hazardloop/supervision/ladder.py; documented in docs/workflows.md. No law fixes them.
SUPERVISION_LADDER: dict = {}

# Campaigns. How often a regulator inspects a unit of each risk level, in days (configuration:
# no national figure is verified; FrequencyPolicy rows override per region), and how far ahead
# the frequency sweep creates the due inspection tasks.
CAMPAIGN_FREQUENCY_DAYS = {"red": 30, "orange": 90, "yellow": 180, "blue": 365}
CAMPAIGN_FREQUENCY_LOOKAHEAD_DAYS = env_int("CAMPAIGN_FREQUENCY_LOOKAHEAD_DAYS", 14)
# The daily scheduling report goes out once a day from this local hour on (Asia/Shanghai);
# the weekly notice on this ISO weekday (1 = Monday).
SCHEDULING_REPORT_HOUR = env_int("SCHEDULING_REPORT_HOUR", 7)
SCHEDULING_NOTICE_WEEKDAY = env_int("SCHEDULING_NOTICE_WEEKDAY", 1)

# Public tips (群众举报, docs/tips.md). Submissions allowed per client address and per unit in
# a window of so many minutes (refused beyond: 429); the authority's time to answer a tip in
# working days (no national figure is verified: configuration); what the page behind a unit's
# door QR code publishes of its fire-safety status (any of "open_major", "listed",
# "last_inspection").
TIP_ADDRESS_LIMIT = env_int("TIP_ADDRESS_LIMIT", 5)
TIP_ADDRESS_WINDOW_MINUTES = env_int("TIP_ADDRESS_WINDOW_MINUTES", 60)
TIP_UNIT_LIMIT = env_int("TIP_UNIT_LIMIT", 30)
TIP_UNIT_WINDOW_MINUTES = env_int("TIP_UNIT_WINDOW_MINUTES", 60)
TIP_MAX_PHOTOS = 3
TIP_RESPONSE_WORKDAYS = env_int("TIP_RESPONSE_WORKDAYS", 3)
TIP_PUBLIC_STATUS = env_list("TIP_PUBLIC_STATUS", ["open_major", "listed", "last_inspection"])
# Extra panels of the public unit page behind the door QR code: functions (request, unit) → HTML.
UNIT_PUBLIC_PANELS = ["hazardloop.tips.views.unit_panel"]
# Extra panels of a campaign's page from later apps: functions (request, campaign) → HTML.
CAMPAIGN_PANELS = ["hazardloop.publicity.views.campaign_panel"]
# The hazard page's link to where a hazard came from, by the kind in its source reference
# ("tip:12"): functions (user, id) -> (text, url) or None (the app decides who may see it).
HAZARD_SOURCE_LINKS = {"tip": "hazardloop.tips.views.hazard_source_link"}

# The unit's duty calendar (docs/obligations.md). Evidence that a duty was done, by duty kind:
# each a function (unit_ids, start, end) -> {unit_id: [datetimes done]}.
UNIT_DUTY_EVIDENCE = {
    "patrol": "hazardloop.obligations.evidence.patrols",
    "inspection": "hazardloop.obligations.evidence.self_inspections",
    "training": "hazardloop.training.evidence.trainings",
    "drill": "hazardloop.drills.evidence.drills",
}
# Configuration, not law: the hours assumed for a unit that has none readable.
DUTY_DEFAULT_HOURS = "09:00-21:00"
# 机关、团体、事业单位 (61号令 Art. 26 quarterly inspection) read from the USCC (GB 32100):
# 11 机关, 12 事业单位, 13 群众团体 (registration authority 1, regulations.md §12.5), 51 社会团体.
DUTY_PUBLIC_BODY_USCC_PREFIXES = ("11", "12", "13", "51")
# Lapsed duties are counted over this many days up to the sweep (configuration).
DUTY_LAPSED_DAYS = 30
# ... and recounted at most this often (minutes): a count is at most this stale.
DUTY_LAPSED_REFRESH_MINUTES = env_int("DUTY_LAPSED_REFRESH_MINUTES", 60)
# A staff member counts as trained for this many months after a training they attended
# (configuration: 61号令 Art. 36 asks yearly training, half-yearly at public gathering places).
TRAINING_VALID_MONTHS = env_int("TRAINING_VALID_MONTHS", 12)
# Configuration: how long the phone link of a training (signing) or a quiz stays valid, how many
# questions a quiz asks and the share of right answers that passes, rows in a staff import.
TRAINING_LINK_MINUTES = env_int("TRAINING_LINK_MINUTES", 180)
TRAINING_QUIZ_QUESTIONS = env_int("TRAINING_QUIZ_QUESTIONS", 5)
TRAINING_QUIZ_PASS_PERCENT = env_int("TRAINING_QUIZ_PASS_PERCENT", 80)
TRAINING_STAFF_IMPORT_MAX_ROWS = env_int("TRAINING_STAFF_IMPORT_MAX_ROWS", 1000)

# Hot-work permits (动火作业, docs/permits.md). GB 30871-2022 could not be read (regulations.md
# §6): every value here is configuration with the commonly cited defaults, never quoted as law.
# The grading questions: a "yes" puts the work in the grade named (the highest wins; none: 二级).
PERMIT_GRADING_QUESTIONS = [
    {"code": "running_unit", "grade": "special"},
    {"code": "hot_tapping", "grade": "special"},
    {"code": "tank_farm", "grade": "special"},
    {"code": "explosive_place", "grade": "level1"},
    {"code": "pipe_rack", "grade": "level1"},
]
# The measures the applicant confirms; a required one must be confirmed before submitting.
PERMIT_MEASURES = [
    {"code": "combustibles_cleared", "required": True},
    {"code": "no_flammable_discharge", "required": True},
    {"code": "extinguishers", "required": True},
    {"code": "isolation", "required": False},
    {"code": "openings_covered", "required": False},
    {"code": "cylinders_apart", "required": False},
    {"code": "fire_watch_present", "required": True},
]
# Longest validity per grade in hours: the sweep ends a permit at its end.
PERMIT_VALID_HOURS = {"special": 8, "level1": 8, "level2": 72}
# Who signs the approval per grade, in order: unit roles (a unit manager may sign a safety
# officer's step); each step by another person, never the applicant.
PERMIT_APPROVERS = {
    "level2": ["unit_safety_officer"],
    "level1": ["unit_manager"],
    "special": ["unit_safety_officer", "unit_manager"],
}
# The certificate the worker holds through the window (training CertificateKind values).
PERMIT_WORKER_CERTIFICATES = ["welding"]
# A gas test counts for this many minutes before the work starts; an interruption needs a new one.
PERMIT_GAS_TEST_MINUTES = env_int("PERMIT_GAS_TEST_MINUTES", 30)
# A reading above this share of the lower explosive limit (% LEL) refuses the permit.
PERMIT_GAS_LEL_LIMIT = env_int("PERMIT_GAS_LEL_LIMIT", 10)
# An open major hazard of one of these categories at the unit refuses every permit there.
PERMIT_BLOCKING_HAZARD_CATEGORIES = env_list(
    "PERMIT_BLOCKING_HAZARD_CATEGORIES", ["hot_work", "fire_facilities", "evacuation", "gas"]
)
# Photos the after-check needs to close a permit.
PERMIT_CLOSE_MIN_PHOTOS = env_int("PERMIT_CLOSE_MIN_PHOTOS", 1)
# Certificates (docs/certificates.md). The unit's manager is reminded once per certificate when
# it comes within each of these many days of expiry; regulators' "expiring" list looks this far
# ahead. A fire-control-room shift needs this many people holding a valid fire-facility-operator
# certificate ("≥ 2 per shift" is a provincial rule [V-2], not national law: configuration).
CERTIFICATE_REMIND_DAYS = [int(d) for d in env_list("CERTIFICATE_REMIND_DAYS", ["30"])]
CERTIFICATE_EXPIRING_DAYS = env_int("CERTIFICATE_EXPIRING_DAYS", 30)
CONTROL_ROOM_MIN_CERTIFIED = env_int("CONTROL_ROOM_MIN_CERTIFIED", 2)

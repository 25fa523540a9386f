"""Settings shared by every environment. Environment files import from here and override."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

INSTALLED_APPS = [
    "cms.home",
    "cms.articles",
    "cms.translation",
    # Before publishing: apps connect their signal handlers in this order, and an article's
    # compliance verdict must be recorded before the export its publication queues can start
    # (the export gate would otherwise check the article again, racing the publish).
    "cms.compliance",
    "cms.lifecycle",
    "cms.publishing",
    "cms.delivery",
    "cms.editorial",
    "django_tasks_db",
    "wagtail.api.v2",
    "wagtail.contrib.forms",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.redirects",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "rest_framework",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: it runs the admin's writes in a transaction, which a refused publication undoes.
    "cms.lifecycle.middleware.PublishGateMiddleware",
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"


def database(default_sqlite_file: Path) -> dict:
    """DATABASE_URL's database, else SQLite in ``default_sqlite_file``."""
    config = dj_database_url.config(default=f"sqlite:///{default_sqlite_file}", conn_max_age=60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        options = config.setdefault("OPTIONS", {})
        # Write-ahead logging: readers (the site, the API, export workers) never wait for the
        # writer (an editor, the task worker) nor it for them, and a commit appends to the log
        # instead of syncing a rollback journal and the database file every time.
        options["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"
        # A transaction takes the write lock when it begins, waiting for it if another
        # process (the task worker) holds it. Taken later, on its first write, it cannot
        # wait: an editor's publish would fail with "database is locked".
        options["transaction_mode"] = "IMMEDIATE"
    return config


# SQLite for one editor's machine; DATABASE_URL (PostgreSQL) for a clinic group.
DATABASES = {"default": database(BASE_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail's search index uses PostgreSQL's GIN indexes there, which need this app.
    INSTALLED_APPS.append("django.contrib.postgres")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Korean is the source language of the content; the admin follows each user's preference.
LANGUAGE_CODE = "ko"
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True
LANGUAGES = [("ko", "한국어"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = BASE_DIR / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Long StreamField forms exceed Django's default of 1,000 fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "Clinic articles"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The machines this runs on have no internet access.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

# API v2 returns rich text with internal links expanded to real URLs.
WAGTAILAPI_RICH_TEXT_FORMAT = "html"
WAGTAILAPI_LIMIT_MAX = 100

# Where the translation catalogs and the channel exports live.
TRANSLATION_SOURCE_LOCALE = "ko"
# The language of the notes (#.) that tell translators where a text is: one language that
# every translator of the team reads.
TRANSLATION_NOTES_LANGUAGE = "en"
TRANSLATION_CATALOG_DIR = BASE_DIR / "locale"
EXPORT_ROOT = Path(os.environ.get("EXPORT_ROOT", BASE_DIR / "exports"))

# Channel exports (cms.publishing; contract in docs/export-contract.md). Channels are data.
EXPORT_CHANNELS_FILE = PROJECT_DIR / "publishing" / "channels.json"
# Where exports are stored: None for the filesystem under EXPORT_ROOT; or a dict like an entry
# of STORAGES; or a URL such as s3://bucket/prefix?endpoint_url=https://…&region_name=auto
# (the environment variable EXPORT_STORAGE does the same). See cms/publishing/store.py.
EXPORT_STORAGE: dict | str | None = None
# Dotted paths to provider(channel) -> [(path, bytes)]: files other apps add to every export.
EXPORT_FILE_PROVIDERS: list[str] = []
# Tombstones stay in changes.json this long; a client whose cursor is older re-reads index.json.
EXPORT_TOMBSTONE_RETENTION_DAYS = 30
# changes.json keeps at most this many entries (the newest); a client further behind re-reads
# index.json. Keeps the journal small for every poll and every run, however large the site.
EXPORT_JOURNAL_MAX_ENTRIES = 1000
# Filesystem storage: flush each file and its folder before it replaces the old one, so the
# export survives power loss, not just a killed process.
EXPORT_FSYNC = True

# How often the task worker publishes what is scheduled and unpublishes what has expired.
SCHEDULE_INTERVAL_SECONDS = 60

# Background tasks. "default" is Wagtail's own queue (reference index updates), run inline as
# Wagtail ships it; Wagtail uses the django-tasks backport, which reads this same setting.
# "exports" is ours: re-exporting after a publish runs in a database-backed worker
# (manage.py db_worker --backend exports --queue-name exports) so editors never wait; the same
# worker sends the webhooks and CDN purges that follow a published export (cms.delivery).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "exports": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["exports"]},
}

# Webhooks (cms.delivery; docs/webhooks.md). Endpoints are configured per channel in
# EXPORT_CHANNELS_FILE. A failed POST is tried again after each of these delays (seconds):
# about 9 hours in all, then the delivery is marked failed in the admin.
WEBHOOK_RETRY_DELAYS: list[int] = [30, 120, 600, 3600, 7200, 21600]
WEBHOOK_TIMEOUT_SECONDS = 10
# A run that changed more documents lists none of them in its webhook (truncated: true).
WEBHOOK_MAX_PATHS = 500
# Delivered and failed deliveries are kept this long for the admin, then dropped.
WEBHOOK_DELIVERY_RETENTION_DAYS = 30
# CDN purges after each published export (cms.delivery.cdn) go through Wagtail's frontend cache
# backends: set WAGTAILFRONTENDCACHE (Cloudflare, CloudFront, …) as Wagtail documents it.

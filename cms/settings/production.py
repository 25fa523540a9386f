"""Production: everything that differs from development comes from the environment.

Required: ``DJANGO_SECRET_KEY`` and ``WAGTAILADMIN_BASE_URL`` (the public address of the site,
e.g. ``https://clinic.example``). The base URL goes into every exported document's ``url``, its
alternates and every schema's ``$id``: starting without it would publish the development
address to every channel, so the settings refuse to load instead.
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def required_environment(name: str, why: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"cms.settings.production: set the environment variable {name}: {why}"
        )
    return value


def public_base_url(value: str) -> str:
    """``value`` checked as the site's absolute public address (scheme and host, no query)."""
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"cms.settings.production: WAGTAILADMIN_BASE_URL={value!r} is not an absolute "
            "http(s) address such as https://clinic.example"
        )
    return value.rstrip("/")


def environment_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    if value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if value.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(
        f"cms.settings.production: {name}={value!r} is not a yes/no value (1/0, true/false)"
    )


DEBUG = False
SECRET_KEY = required_environment("DJANGO_SECRET_KEY", "a long random string kept secret")
WAGTAILADMIN_BASE_URL = public_base_url(
    required_environment(
        "WAGTAILADMIN_BASE_URL",
        "the site's public address (https://clinic.example); exported documents, their "
        "alternates and schema $ids are absolute URLs built from it",
    )
)
# The public host is always allowed; DJANGO_ALLOWED_HOSTS adds others (comma-separated).
_public = urlsplit(WAGTAILADMIN_BASE_URL)
ALLOWED_HOSTS = [
    _public.hostname,
    *filter(None, map(str.strip, os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(","))),
]
CSRF_TRUSTED_ORIGINS = [f"{_public.scheme}://{_public.netloc}"]

# HTTPS only. Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from
# clients), set DJANGO_BEHIND_TLS_PROXY=1 so Django knows the request was secure.
SECURE_SSL_REDIRECT = environment_flag("DJANGO_SECURE_SSL_REDIRECT", True)
if environment_flag("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# HSTS: browsers refuse plain HTTP for a year once they have seen the site over HTTPS.
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31_536_000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = environment_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = environment_flag("DJANGO_HSTS_PRELOAD", True)

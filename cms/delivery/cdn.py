"""CDN purges of an export's short-lived files, through Wagtail's frontend cache backends.

Which CDN (Cloudflare, CloudFront, Azure, a purging HTTP cache such as Varnish) is a matter of
``settings.WAGTAILFRONTENDCACHE``, as for the site's pages; nothing here knows any of them.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

from .config import ChannelTargets


def cdn_configured() -> bool:
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def short_lived_urls(target: ChannelTargets, changed_paths: list[str]) -> list[str]:
    """The URLs whose content a run can change in place: what a CDN must forget after it.

    The manifest, the journal, each locale's index, and the documents the run wrote or
    deleted (a document's path stays, its bytes change). Delta-feed answers
    (``changes?since=``) are not listed: their query strings are endless, and they are served
    ``no-cache``. Immutable objects never need a purge.
    """
    names = [
        "manifest.json",
        "changes.json",
        *(f"{locale}/index.json" for locale in target.locales),
        *changed_paths,
    ]
    return [target.export_url + quote(name) for name in dict.fromkeys(names)]


def purge_short_lived(urls: list[str]) -> None:
    """Purge ``urls`` from every configured frontend cache (none configured: nothing happens)."""
    purge_urls_from_cache(urls)

"""Check an article when it is published, so the export that follows finds the verdict ready.

The export gate answers unchanged pages from their ``ComplianceVerdict`` and checks the
others; checking at publish time moves that work (and, in a fresh process, compiling the rules)
out of the export on publish, which then only renders. The admin's publish gate has checked
the same content moments before, so editors wait for nothing new.
"""

from __future__ import annotations

import logging

from wagtail.signals import page_published

from cms.articles.models import ArticlePage

logger = logging.getLogger(__name__)


def _record_verdict(sender, instance, **kwargs) -> None:
    from .gate import export_blockers

    try:
        export_blockers([instance])
    except Exception:
        # A cache, never a reason to refuse a publication: the export gate checks the page
        # itself (and reports a broken rules file) when the verdict is missing.
        logger.exception("could not record the compliance verdict of page %s", instance.pk)


def connect() -> None:
    """Connect the handler for article pages (called once, from the app config)."""
    page_published.connect(_record_verdict, sender=ArticlePage, dispatch_uid="compliance-verdict")

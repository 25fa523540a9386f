"""The one compliance gate: every route by which an article's revision becomes live passes here.

Wagtail has several roads to "live" (the editor's publish, workflow approval, scheduled go-live,
bulk publish, revert, copy with "keep live", the admin API's publish action, and
``revision.publish()`` from code), and they do not share a view or a hook. They do share the
model: each ends in saving the page with ``live`` set and, except a page created live by code,
a new ``live_revision``. So the gate is a ``pre_save`` receiver on articles:

- a save that makes a revision live (``live_revision`` changes, or a page that was not live
  becomes live) with compliance errors raises ``PublishRefused``; the caller's transaction
  (Wagtail's workflow actions are atomic, and the admin's unsafe requests run in one through
  ``cms.lifecycle.middleware``) rolls back, so the revision stays a draft and the page keeps
  what was live before;
- a new page saved live (``add_child(instance=ArticlePage(...))`` in code, the first save of
  Wagtail's create view, the first save of a copy that keeps the original live) is saved as a
  draft instead: there is no earlier state to keep, the create view goes on to its publish
  step, where the editor is told why, and a copy is made but not published.

Edits behind Wagtail's back (``QuerySet.update()``, raw SQL) are not publications and are not
seen; ``check_compliance`` lists live articles that fail the current rules.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db.models.signals import pre_save
from django.utils.translation import gettext as _

from cms.articles.models import ArticlePage
from cms.compliance.checker import Finding, errors_of
from cms.compliance.gate import page_findings

logger = logging.getLogger(__name__)


class PublishRefused(Exception):
    """A revision of ``page`` was not made live because of compliance ``errors``.

    Deliberately not a ``PermissionDenied``: the admin turns those into "no permission"
    redirects inside the view, where the transaction the refusal must undo would commit.
    """

    def __init__(self, page: ArticlePage, errors: Sequence[Finding]):
        self.page = page
        self.errors = list(errors)
        super().__init__(
            _(
                "Not published: “%(title)s” breaks the medical advertising rules "
                "(%(errors)d error(s)): %(findings)s"
            )
            % {
                "title": page.title,
                "errors": len(self.errors),
                "findings": "; ".join(finding_summary(finding) for finding in self.errors),
            }
        )


def finding_summary(finding: Finding) -> str:
    """One line for logs and plain-text messages: rule, place and the words found."""
    words = f" “{finding.excerpt}”" if finding.excerpt else ""
    return f"{finding.rule.id} ({finding.location()}){words}"


class RulesUnavailable(PublishRefused):
    """The rules could not be read, so nothing can be checked: nothing goes live (fail closed)."""

    def __init__(self, page: ArticlePage, problem: str):
        self.page = page
        self.errors = []
        self.problem = problem
        Exception.__init__(
            self,
            _("Not published: the medical advertising rules could not be read (%(problem)s).")
            % {"problem": problem},
        )


def blocking_errors(page: ArticlePage) -> list[Finding]:
    """The compliance errors that keep ``page``'s current content from going live."""
    return errors_of(page_findings(page))


def _errors_or_refusal(page: ArticlePage) -> list[Finding]:
    try:
        return blocking_errors(page)
    except (OSError, ValueError) as exc:  # a missing or broken rules file (RulesError is one)
        logger.error("publish refused: compliance rules unavailable: %s", exc)
        raise RulesUnavailable(page, str(exc)) from exc


def _stored_state(page: ArticlePage) -> tuple[bool, int | None] | None:
    """(live, live_revision_id) as stored, or None for a page not saved yet."""
    if page.pk is None:
        return None
    return ArticlePage.objects.filter(pk=page.pk).values_list("live", "live_revision_id").first()


def _check_before_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or not isinstance(instance, ArticlePage) or not instance.live:
        return
    if update_fields is not None and not {"live", "live_revision"} & set(update_fields):
        return  # Wagtail's own bookkeeping saves (latest revision, draft title, locks)
    stored = _stored_state(instance)
    if stored == (True, instance.live_revision_id):
        return  # already live as it is: nothing new goes live
    errors = _errors_or_refusal(instance)
    if not errors:
        return
    findings = "; ".join(finding_summary(finding) for finding in errors)
    if stored is None:
        instance.live = False
        instance.has_unpublished_changes = True
        logger.warning(
            "saved as a draft, not live: article %r (%s) has compliance errors: %s",
            instance.slug,
            instance.locale_id,
            findings,
        )
        return
    logger.warning(
        "publish refused: article %r (page %s, revision %s) has compliance errors: %s",
        instance.slug,
        instance.pk,
        instance.live_revision_id,
        findings,
    )
    raise PublishRefused(instance, errors)


def connect() -> None:
    """Connect the gate (called once, from the app config). Every article class, subclasses too."""
    pre_save.connect(_check_before_save, dispatch_uid="lifecycle-compliance-gate")


REFUSAL_LOG_ACTION = "cms.publish_refused"


def record_refusal(refusal: PublishRefused, *, user=None, route: str = "") -> None:
    """Keep the refusal in the page's history (Wagtail's audit log), after the rollback.

    Called by whoever caught the refusal, outside the transaction it undid, so the record
    survives it. A page that was never saved (a refused creation) has no history to add to.
    """
    from wagtail.log_actions import log

    page = refusal.page
    stored_page = ArticlePage.objects.filter(pk=page.pk).first() if page.pk else None
    if stored_page is None:
        return
    log(
        instance=stored_page,
        action=REFUSAL_LOG_ACTION,
        user=user if getattr(user, "is_authenticated", False) else None,
        data={
            "route": route,
            "revision": page.live_revision_id,
            "findings": [
                {
                    "rule": finding.rule.id,
                    "path": finding.path,
                    "match": finding.match,
                    "location": str(finding.location()),
                }
                for finding in refusal.errors
            ],
        },
    )

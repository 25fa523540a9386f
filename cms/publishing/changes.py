"""The page facts of a run, from the previous run's facts and the pages noted as changed since.

Reading the facts of every visible page is the one part of an incremental export that grows
with the site. The page signals (``signals.py``) note every page saved, deleted or re-translated
in ``PageChange``; a run takes the newest facts a channel's state holds, re-reads the
translation groups of the pages noted since (and of the pages whose expiry date has passed),
and splices their lines in. The result is the same text ``facts.load_facts`` would return.

When the notes cannot be trusted to be complete, the run reads every page instead: a
structural change (a move, a view restriction, a renamed or deleted page with children), a
snapshot older than the notes kept, a clock that went back, or a count of visible pages that
does not add up (pages inserted or deleted in bulk, past the signals). Edits that bypass
Django's signals and keep the count (``QuerySet.update``, raw SQL) need ``--full``.
"""

from __future__ import annotations

import re
from bisect import insort
from datetime import datetime, timedelta

from django.db.models import CharField
from django.db.models.functions import Cast
from wagtail.models import Page

from .directory import Visibility
from .facts import load_facts
from .models import PageChange

# A note is made inside the transaction that changes the page, so one still open when the
# previous run read its facts commits later with an earlier time; clocks of several app servers
# also differ a little. A run re-reads the notes of this long before its base snapshot.
MARGIN = timedelta(minutes=1)
RETENTION = timedelta(days=30)  # how long notes are kept


def refresh_facts(previous: str, previous_at: datetime, visibility: Visibility) -> str | None:
    """The facts of every visible page now, or None when only reading them all can tell."""
    now = visibility.now
    if previous_at > now or previous_at < now - RETENTION + MARGIN:
        return None
    notes = PageChange.objects.filter(recorded_at__gte=previous_at - MARGIN)
    page_ids: set[int] = set()
    for page_id, structural in notes.values_list("page_id", "structural"):
        if structural:
            return None
        page_ids.add(page_id)
    expired = Page.objects.filter(expire_at__gt=previous_at, expire_at__lte=now)
    page_ids.update(expired.values_list("id", flat=True))
    pages = previous.count("\n") + 1 if previous else 0
    if len(page_ids) > max(64, pages // 4):
        return None  # a change this big: reading every page costs less
    facts = _replace_groups(previous, page_ids, visibility) if page_ids else previous
    pages = facts.count("\n") + 1 if facts else 0
    if pages != Page.objects.filter(visibility.filter()).count():
        return None  # pages came or went without a note
    return facts


def _replace_groups(facts: str, page_ids: set[int], visibility: Visibility) -> str:
    """``facts`` with the translation groups of ``page_ids`` read again (two small queries).

    The text is searched with patterns, not split into lines and parsed: it has a line per
    page of the site, and only a few change.
    """
    # The groups as the previous facts had them (a deleted page is only there), and as the
    # database has them now. Keys are compared as the facts write them (the database's text).
    ids = "|".join(str(page_id) for page_id in sorted(page_ids))
    keys = set(re.findall(rf"^([^\t\n]*)\t(?:{ids})\t", facts, re.MULTILINE))
    keys.update(
        Page.objects.filter(id__in=sorted(page_ids))
        .annotate(_key=Cast("translation_key", output_field=CharField()))
        .values_list("_key", flat=True)
    )
    pattern = "|".join(re.escape(key) for key in sorted(keys))
    kept = re.sub(rf"^(?:{pattern})\t[^\n]*(?:\n|$)", "", facts, flags=re.MULTILINE)
    lines = kept.rstrip("\n").split("\n") if kept.strip("\n") else []
    fresh = load_facts(visibility, keys=keys)
    for line in fresh.split("\n") if fresh else []:
        insort(lines, line, key=_page_id)  # lines are in page id order
    return "\n".join(lines)


def _page_id(line: str) -> int:
    return int(line.split("\t", 2)[1])


def prune_changes(now: datetime) -> None:
    """Forget notes no run will need (one query)."""
    PageChange.objects.filter(recorded_at__lt=now - RETENTION).delete()

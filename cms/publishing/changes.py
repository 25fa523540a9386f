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

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import sql
from .directory import Visibility
from .facts import FactChanges, changes_in_lines, load_facts
from .models import PageChange

# A note is made inside the transaction that changes the page, so one still open when the
# previous run read its facts commits later with an earlier time; clocks of several app servers
# also differ a little. A run re-reads the notes of this long before its base snapshot.
MARGIN = timedelta(minutes=1)
RETENTION = timedelta(days=30)  # how long notes are kept


@dataclass(frozen=True)
class RefreshedFacts:
    """The facts now, and the lines that differ from the snapshot they were refreshed from."""

    text: str
    removed: frozenset[str]  # lines of the snapshot taken out
    added: frozenset[str]  # lines read again (some may equal one taken out)

    def changes(self) -> FactChanges:
        """What ``compare_facts(snapshot, text)`` says, without comparing every line again."""
        return changes_in_lines(self.removed ^ self.added)


def refresh_facts(
    previous: str, previous_at: datetime, visibility: Visibility
) -> RefreshedFacts | None:
    """The facts of every visible page now, or None when only reading them all can tell."""
    now = visibility.now
    if previous_at > now or previous_at < now - RETENTION + MARGIN:
        return None
    noted = _noted_pages(previous_at, visibility)
    if noted is None:
        return None
    page_ids, visible = noted
    pages = previous.count("\n") + 1 if previous else 0
    if len(page_ids) > max(64, pages // 4):
        return None  # a change this big: reading every page costs less
    refreshed = _replace_groups(previous, page_ids, visibility)
    if pages - len(refreshed.removed) + len(refreshed.added) != visible:
        return None  # pages came or went without a note
    return refreshed


def _noted_pages(previous_at: datetime, visibility: Visibility) -> tuple[set[int], int] | None:
    """The pages noted since ``previous_at`` (less the margin) or expired since, and how many
    pages are visible now; None when a note is structural.

    One query: the notes; the live pages whose expiry passed since (the first is named;
    several, rare, take a query more); and the count of visible pages. The last two read the
    partial index ``publishing_page_visibility`` (migration 0003), not every row of the page
    table. Pages that are not live have no facts: their expiry changes nothing, and a page
    unpublished by Wagtail is noted.
    """
    page_ids: set[int] = set()
    count = expiries = 0
    for part, page_id, value in sql.fetch_all(*_notes_query(previous_at, visibility)):
        if part == 0 and value:
            return None  # a structural note
        if page_id is not None:
            page_ids.add(page_id)
        if part == 1:
            expiries = value
        elif part == 2:
            count = value
    if expiries > 1:
        expired, params = _expired_since(previous_at, visibility.now)
        rows = sql.fetch_all(f"SELECT p.id FROM wagtailcore_page p WHERE {expired}", params)
        page_ids.update(page_id for (page_id,) in rows)
    return page_ids, count


def _notes_query(previous_at: datetime, visibility: Visibility) -> tuple[str, sql.Params]:
    """The query of ``_noted_pages``: rows of (part, page id, value)."""
    expired, expired_params = _expired_since(previous_at, visibility.now)
    visible, visible_params = sql.visible(
        "p", visibility.now, visibility.restricted_paths, by_index=True
    )
    query = (
        "SELECT 0, page_id, CASE WHEN structural THEN 1 ELSE 0 END"
        " FROM publishing_pagechange WHERE recorded_at >= %s"
        f" UNION ALL SELECT 1, MIN(p.id), COUNT(*) FROM wagtailcore_page p WHERE {expired}"
        f" UNION ALL SELECT 2, NULL, COUNT(*) FROM wagtailcore_page p WHERE {visible}"
    )
    return query, [sql.datetime_param(previous_at - MARGIN), *expired_params, *visible_params]


def _expired_since(previous_at: datetime, now: datetime) -> tuple[str, sql.Params]:
    """The live pages whose expiry passed after ``previous_at`` (``live`` as the index has it)."""
    condition = "p.live AND p.expire_at > %s AND p.expire_at <= %s"
    return condition, [sql.datetime_param(previous_at), sql.datetime_param(now)]


def _replace_groups(facts: str, page_ids: set[int], visibility: Visibility) -> RefreshedFacts:
    """``facts`` with the translation groups of ``page_ids`` read again (one query).

    The text is searched and spliced, not split into lines: it has a line per page of the
    site, and only a few change.
    """
    if not page_ids:
        return RefreshedFacts(facts, frozenset(), frozenset())
    # The groups as the previous facts had them (a deleted page is only there), and as the
    # database has them now. Keys are compared as the facts write them (the database's text).
    keys = {key for page_id in page_ids for key in _keys_of_page(facts, page_id)}
    fresh = load_facts(visibility, keys=keys, groups_of=page_ids)
    added = fresh.split("\n") if fresh else []
    keys.update(line.partition("\t")[0] for line in added)
    cuts = sorted(line for key in keys for line in _lines_of_group(facts, key))
    removed = frozenset(facts[start:end] for start, end in cuts)
    return RefreshedFacts(_spliced(facts, cuts, added), removed, frozenset(added))


def _spliced(facts: str, cuts: list[tuple[int, int]], added: list[str]) -> str:
    """``facts`` without the lines at ``cuts`` (start, end) and with the ``added`` lines, each
    where its page id puts it (lines are in page id order)."""
    # Every line ends with a newline here, so a line is cut with its own and inserted with one.
    text = facts + "\n" if facts else ""
    edits = [(start, end + 1, 0, "") for start, end in cuts]
    for line in added:
        page_id = _page_id(line)
        position = _first_line_after(text, page_id)
        edits.append((position, position, page_id, line + "\n"))
    pieces, position = [], 0
    for start, end, _order, inserted in sorted(edits):
        pieces += [text[position:start], inserted]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)[:-1]


def _first_line_after(text: str, page_id: int) -> int:
    """Where the first line of ``text`` (each ending with a newline) with a page id above
    ``page_id`` starts; the end of the text if none (a binary search over the lines)."""
    low, high = 0, len(text)
    while low < high:
        start = text.rfind("\n", 0, (low + high) // 2) + 1
        end = text.index("\n", start)
        if _page_id(text[start:end]) <= page_id:
            low = end + 1
        else:
            high = start
    return low


def _line_around(facts: str, position: int) -> tuple[int, int]:
    """Start and end (its newline, or the end of the text) of the line at ``position``."""
    end = facts.find("\n", position)
    return facts.rfind("\n", 0, position) + 1, len(facts) if end < 0 else end


def _keys_of_page(facts: str, page_id: int) -> Iterator[str]:
    """The translation key of the line of ``page_id`` (its second field), if it has one."""
    needle = f"\t{page_id}\t"
    position = facts.find(needle)
    while position >= 0:
        start, _end = _line_around(facts, position)
        if facts.find("\t", start) == position:
            yield facts[start:position]
            return
        position = facts.find(needle, position + 1)


def _lines_of_group(facts: str, key: str) -> Iterator[tuple[int, int]]:
    """Where the lines of translation key ``key`` (their first field) are."""
    needle = f"{key}\t"
    position = facts.find(needle)
    while position >= 0:
        if position == 0 or facts[position - 1] == "\n":
            yield _line_around(facts, position)
        position = facts.find(needle, position + 1)


def _page_id(line: str) -> int:
    return int(line.split("\t", 2)[1])


def prune_changes(now: datetime) -> None:
    """Forget notes no run will need (one query)."""
    PageChange.objects.filter(recorded_at__lt=now - RETENTION).delete()

"""translate-toolkit's checks (the library behind pofilter and Weblate) that fit Korean sources.

Our own checks (``checks``) cover what needs to know our markup: tags and link ids, numbers,
URLs, whitespace, unsafe markup and characters. From translate-toolkit we take the linguistic
checks that mean something when the source is Korean, and run them on the text a reader sees
(tags stripped). Left out, and why:

* ``startcaps``, ``simplecaps``, ``acronyms``: Korean has no letter case;
* ``long``, ``short``: Korean is far shorter than English, Japanese or Chinese for the same
  meaning, so length ratios say nothing;
* ``numbers``, ``urls``, ``xmltags``, ``doublespacing``, ``startwhitespace``,
  ``endwhitespace``, ``newlines``: ours, aware of link ids and number formats;
* ``accelerators``, ``variables``, ``printf``, ``pythonbraceformat``, ``functions``,
  ``kdecomments``, ``credits``: no such syntax in articles;
* ``spellcheck`` (needs dictionaries), ``puncspacing`` and ``validchars`` (wrong for CJK
  targets), ``untranslated``, ``unchanged``, ``blank`` (apply and status count those).
"""

from __future__ import annotations

import re
from functools import cache

from translate.filters import checks as tt_checks
from translate.storage import po as tt_po

from cms.translation.catalog import gettext_language

USED_CHECKS: tuple[str, ...] = (
    "brackets",
    "doublequoting",
    "doublewords",
    "emails",
    "endpunc",
    "escapes",
    "filepaths",
    "notranslatewords",
    "sentencecount",
    "singlequoting",
    "tabs",
)
_TAG = re.compile(r"<[^<>]*>")


@cache
def _checker(language: str, keep_as_is: tuple[str, ...]) -> tt_checks.StandardChecker:
    config = tt_checks.CheckerConfig(
        targetlanguage=gettext_language(language), notranslatewords=list(keep_as_is)
    )
    return tt_checks.StandardChecker(checkerconfig=config, limitfilters=list(USED_CHECKS))


def toolkit_problems(
    source: str, translation: str, language: str, *, keep_as_is: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """translate-toolkit's findings for one pair as ``(check name, message)``, sorted.

    ``keep_as_is`` are terms that must appear unchanged (the glossary's, such as PDO).
    """
    unit = tt_po.pounit(_TAG.sub("", source))
    unit.target = _TAG.sub("", translation)
    failures = _checker(language, keep_as_is).run_filters(unit)
    found = []
    for name, info in failures.items():
        message = info.get("message") if isinstance(info, dict) else info
        found.append((name, str(message)))
    return sorted(found)

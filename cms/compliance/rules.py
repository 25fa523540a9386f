"""The compliance rules: read from ``rules.toml``, validated, and compiled for matching.

The rules are data so that someone who knows the law, not the code, can review and extend them.
This module only turns that file into value objects; it does not know about pages or Django, so
the documentation generator and the tests can load it anywhere.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

RULES_FILE = Path(__file__).resolve().parent / "rules.toml"

Severity = Literal["error", "warning"]
SEVERITIES: tuple[str, ...] = ("error", "warning")
LANGUAGES: tuple[str, ...] = ("ko", "en")
STRUCTURE_CONDITIONS: tuple[str, ...] = ("always", "procedure")

# Written as ``{josa}`` in Korean patterns: an optional particle after a noun, so that
# "부작용{josa} 없" matches 부작용 없, 부작용이 없 and 부작용은 없.
JOSA = "(?:이|가|은|는|을|를|의|도|만|과|와|에|에는|로|으로|이라|라)?"


class RulesError(ValueError):
    """The rules file is unusable; the message names the file, the rule id and the field."""


@dataclass(frozen=True)
class Subparagraph:
    """One subparagraph of Medical Service Act Article 56(2), as the rules cite it."""

    number: int
    text_ko: str
    text_en: str


@dataclass(frozen=True)
class BaseRule:
    """What every rule has: identity, weight, legal basis and what to tell the editor."""

    id: str
    severity: Severity
    subparagraph: int
    message_ko: str
    message_en: str
    suggestion_ko: str
    suggestion_en: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def message(self, language: str) -> str:
        """The message in ``language`` (Korean for ``ko``, English otherwise)."""
        return self.message_ko if language.startswith("ko") else self.message_en

    def suggestion(self, language: str) -> str:
        """The suggested rewording in ``language`` (Korean for ``ko``, English otherwise)."""
        return self.suggestion_ko if language.startswith("ko") else self.suggestion_en


@dataclass(frozen=True)
class TextRule(BaseRule):
    """A pattern that must not appear in the text of an article written in ``language``."""

    language: str
    pattern: str
    regex: re.Pattern[str] = field(compare=False, repr=False)
    negatable: bool = False
    examples: tuple[str, ...] = ()
    near_misses: tuple[str, ...] = ()


@dataclass(frozen=True)
class StructureRule(BaseRule):
    """A block that every article (or every procedure article) must contain."""

    requires_block: str
    when: str
    text_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Negation:
    """How a sentence around a match can take the claim back ("부작용이 없는 것은 아닙니다")."""

    before: re.Pattern[str] | None
    after: re.Pattern[str] | None


@dataclass(frozen=True)
class ProcedureDefinition:
    """The words that make an article "describe a procedure", per language."""

    keywords: Mapping[str, tuple[str, ...]]
    ignore_blocks: tuple[str, ...]
    regexes: Mapping[str, re.Pattern[str]] = field(compare=False, repr=False)


@dataclass(frozen=True)
class RuleSet:
    """Everything ``rules.toml`` says, validated and compiled."""

    path: Path
    subparagraphs: Mapping[int, Subparagraph]
    text_rules: tuple[TextRule, ...]
    structure_rules: tuple[StructureRule, ...]
    negations: Mapping[str, Negation]
    procedure: ProcedureDefinition

    def rules_for(self, language: str) -> tuple[TextRule, ...]:
        """The text rules that apply to text written in ``language``."""
        return tuple(rule for rule in self.text_rules if rule.language == language)

    def get(self, rule_id: str) -> BaseRule:
        """The rule called ``rule_id``; ``KeyError`` if there is none."""
        for rule in (*self.text_rules, *self.structure_rules):
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def compile_pattern(pattern: str, language: str) -> re.Pattern[str]:
    """Compile a rule pattern, applying the conventions documented in ``rules.toml``.

    In Korean patterns a space matches any spacing, including none (Korean spacing varies
    between writers: 최고 수준 and 최고수준), and ``{josa}`` matches an optional particle. Every
    pattern is matched case-insensitively.
    """
    if language == "ko":
        # Spaces, but not line breaks: a phrase never runs across two paragraphs.
        pattern = pattern.replace("{josa}", JOSA).replace(" ", r"[^\S\n]*")
    return re.compile(pattern, re.IGNORECASE)


@lru_cache(maxsize=8)
def _load_cached(path: Path, mtime_ns: int, size: int) -> RuleSet:
    return parse_rules(path.read_text(encoding="utf-8"), path)


def load_rules(path: Path = RULES_FILE) -> RuleSet:
    """Read and validate the rules file (cached until the file changes)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise RulesError(f"{path}: cannot read the rules file: {exc.strerror}") from exc
    return _load_cached(path, stat.st_mtime_ns, stat.st_size)


def parse_rules(text: str, path: Path = RULES_FILE) -> RuleSet:
    """Validate the TOML ``text`` of a rules file; errors name ``path``, the rule and the field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path}: not valid TOML: {exc}") from exc
    reader = _Reader(path)
    subparagraphs = reader.subparagraphs(data.get("subparagraph"))
    negations = reader.negations(data.get("negation", {}))
    procedure = reader.procedure(data.get("procedure"))
    text_rules = tuple(
        reader.text_rule(index, raw, subparagraphs)
        for index, raw in enumerate(reader.table_list(data, "rule"))
    )
    structure_rules = tuple(
        reader.structure_rule(index, raw, subparagraphs)
        for index, raw in enumerate(reader.table_list(data, "structure"))
    )
    seen: set[str] = set()
    for rule in (*text_rules, *structure_rules):
        if rule.id in seen:
            raise RulesError(f"{path}: rule {rule.id!r}: the id is used twice")
        seen.add(rule.id)
    return RuleSet(
        path=path,
        subparagraphs=subparagraphs,
        text_rules=text_rules,
        structure_rules=structure_rules,
        negations=negations,
        procedure=procedure,
    )


class _Reader:
    """Field-by-field validation with error messages that say where the problem is."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, message: str) -> RulesError:
        return RulesError(f"{self.path}: {where}: {message}")

    def table_list(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        tables = data.get(key, [])
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            raise self.fail(key, f"write each entry as a [[{key}]] table")
        return tables

    def string(self, raw: dict[str, Any], key: str, where: str, *, required=True) -> str:
        value = raw.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            problem = "missing field" if value is None else "must be a non-empty text"
            raise self.fail(where, f"field {key!r}: {problem}")
        return value

    def strings(self, raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(where, f"field {key!r}: must be a list of non-empty texts")
        return tuple(value)

    def regex(self, pattern: str, language: str, where: str, key: str) -> re.Pattern[str]:
        try:
            return compile_pattern(pattern, language)
        except re.error as exc:
            raise self.fail(where, f"field {key!r}: not a valid regular expression: {exc}") from exc

    def subparagraphs(self, raw: Any) -> dict[int, Subparagraph]:
        if not isinstance(raw, dict) or not raw:
            raise self.fail("[subparagraph]", "missing table of Article 56(2) subparagraphs")
        result = {}
        for key, entry in raw.items():
            where = f"subparagraph {key!r}"
            if not key.isdigit() or not isinstance(entry, dict):
                raise self.fail(where, 'write it as [subparagraph.N] with ko = "…", en = "…"')
            result[int(key)] = Subparagraph(
                number=int(key),
                text_ko=self.string(entry, "ko", where),
                text_en=self.string(entry, "en", where),
            )
        return dict(sorted(result.items()))

    def negations(self, raw: Any) -> dict[str, Negation]:
        if not isinstance(raw, dict):
            raise self.fail("[negation]", "must be a table per language")
        result = {}
        for language, entry in raw.items():
            where = f"negation {language!r}"
            if language not in LANGUAGES or not isinstance(entry, dict):
                raise self.fail(where, f"language must be one of {', '.join(LANGUAGES)}")
            patterns = {}
            for key in ("before", "after"):
                text = self.string(entry, key, where, required=False)
                patterns[key] = self.regex(text, language, where, key) if text else None
            result[language] = Negation(**patterns)
        return result

    def procedure(self, raw: Any) -> ProcedureDefinition:
        where = "[procedure]"
        if not isinstance(raw, dict):
            raise self.fail(where, "missing table that defines what describes a procedure")
        keywords = {}
        regexes = {}
        for language in LANGUAGES:
            words = self.strings(raw, language, where)
            if not words:
                raise self.fail(where, f"field {language!r}: list at least one keyword")
            keywords[language] = words
            alternatives = "|".join(re.escape(word) for word in words)
            # English keywords match at the start of a word ("procedure" also finds
            # "procedures"); Korean words are matched wherever they occur (시술자, 시술은).
            pattern = rf"\b(?:{alternatives})" if language == "en" else f"(?:{alternatives})"
            regexes[language] = re.compile(pattern, re.IGNORECASE)
        return ProcedureDefinition(
            keywords=keywords,
            ignore_blocks=self.strings(raw, "ignore_blocks", where),
            regexes=regexes,
        )

    def common(
        self, index: int, raw: dict[str, Any], kind: str, subparagraphs: Mapping[int, Subparagraph]
    ) -> dict[str, Any]:
        rule_id = raw.get("id")
        if not isinstance(rule_id, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule_id):
            raise self.fail(
                f"{kind} #{index + 1}",
                f"field 'id': missing or not lowercase-with-hyphens (got {rule_id!r})",
            )
        where = f"rule {rule_id!r}"
        severity = raw.get("severity")
        if severity not in SEVERITIES:
            raise self.fail(
                where,
                f"field 'severity': must be one of {', '.join(SEVERITIES)} (got {severity!r})",
            )
        subparagraph = raw.get("subparagraph")
        if not isinstance(subparagraph, int) or subparagraph not in subparagraphs:
            raise self.fail(
                where,
                "field 'subparagraph': must be the number of an Article 56(2) subparagraph "
                f"listed under [subparagraph] (got {subparagraph!r})",
            )
        return {
            "id": rule_id,
            "severity": severity,
            "subparagraph": subparagraph,
            **{
                key: self.string(raw, key, where)
                for key in ("message_ko", "message_en", "suggestion_ko", "suggestion_en")
            },
        }

    def text_rule(
        self, index: int, raw: dict[str, Any], subparagraphs: Mapping[int, Subparagraph]
    ) -> TextRule:
        common = self.common(index, raw, "[[rule]]", subparagraphs)
        where = f"rule {common['id']!r}"
        language = raw.get("language")
        if language not in LANGUAGES:
            raise self.fail(
                where,
                f"field 'language': must be one of {', '.join(LANGUAGES)} (got {language!r})",
            )
        pattern = self.string(raw, "pattern", where)
        negatable = raw.get("negatable", False)
        if not isinstance(negatable, bool):
            raise self.fail(where, "field 'negatable': must be true or false")
        return TextRule(
            **common,
            language=language,
            pattern=pattern,
            regex=self.regex(pattern, language, where, "pattern"),
            negatable=negatable,
            examples=self.strings(raw, "examples", where),
            near_misses=self.strings(raw, "near_misses", where),
        )

    def structure_rule(
        self, index: int, raw: dict[str, Any], subparagraphs: Mapping[int, Subparagraph]
    ) -> StructureRule:
        common = self.common(index, raw, "[[structure]]", subparagraphs)
        where = f"rule {common['id']!r}"
        when = raw.get("when", "always")
        if when not in STRUCTURE_CONDITIONS:
            raise self.fail(
                where,
                f"field 'when': must be one of {', '.join(STRUCTURE_CONDITIONS)} (got {when!r})",
            )
        return StructureRule(
            **common,
            requires_block=self.string(raw, "requires_block", where),
            when=when,
            text_fields=self.strings(raw, "text_fields", where),
        )

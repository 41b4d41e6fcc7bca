"""Domains of standards and drafting projects: the plan's 领域 labels, and the rules (ICS / CCS
prefixes, title keywords) that give catalogue standards a domain. Pure logic: the rules are data
(the ``domain_rule`` table, seeded from adoption/data/domain_rules.csv)."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from adoption.errors import InvalidFieldError
from adoption.vocab import Domain

DEFAULT_RULES = Path(__file__).resolve().parent / "data" / "domain_rules.csv"


class RuleField(StrEnum):
    """What a domain rule looks at."""

    ICS = "ics"  # an ICS code prefix: 03.080 matches 03.080.20
    CCS = "ccs"  # a CCS prefix: A16, or a whole class: B
    KEYWORD = "keyword"  # a word in the Chinese (or English) title


DOMAIN_LABELS: dict[str, Domain] = {
    "服务业": Domain.SERVICE,
    "服务": Domain.SERVICE,
    "现代服务业": Domain.SERVICE,
    "农业": Domain.AGRICULTURE,
    "现代农业": Domain.AGRICULTURE,
    "农业农村": Domain.AGRICULTURE,
    "工业": Domain.INDUSTRY,
    "工业和信息化": Domain.INDUSTRY,
    "社会事业": Domain.SOCIAL,
    "社会管理和公共服务": Domain.SOCIAL,
    "社会管理": Domain.SOCIAL,
    "公共服务": Domain.SOCIAL,
    "文化": Domain.CULTURE,
    "文化产业": Domain.CULTURE,
    "特色资源": Domain.SPECIAL_RESOURCE,
    "特色资源产业": Domain.SPECIAL_RESOURCE,
    "生态环境": Domain.ECOLOGY,
    "环境保护": Domain.ECOLOGY,
    "生态": Domain.ECOLOGY,
}
"""Labels of a plan's 领域 column (English values are accepted as they are)."""

DOMAIN_NAMES_ZH: dict[Domain, str] = {
    Domain.SERVICE: "服务业",
    Domain.AGRICULTURE: "农业",
    Domain.INDUSTRY: "工业",
    Domain.SOCIAL: "社会事业",
    Domain.CULTURE: "文化产业",
    Domain.SPECIAL_RESOURCE: "特色资源产业",
    Domain.ECOLOGY: "生态环境",
}

_SEPARATORS = re.compile(r"[;；,，、/|]+")


def _clean(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def parse_domain(raw: str, field: str = "domain") -> Domain:
    """One domain from a Chinese label (服务业, 社会管理和公共服务) or its English value.

    Raises:
        InvalidFieldError: an unknown label (the message lists the accepted ones).
    """
    text = _clean(raw)
    found = DOMAIN_LABELS.get(text)
    if found is not None:
        return found
    try:
        return Domain(text.casefold())
    except ValueError:
        accepted = ", ".join(f"{zh} {d.value}" for d, zh in DOMAIN_NAMES_ZH.items())
        raise InvalidFieldError(field, raw, f"未知领域 unknown domain (accepted: {accepted})"
                                ) from None


def parse_domains(raw: str | None, field: str = "domain") -> list[Domain]:
    """Domains of a cell: ``服务业；文化产业`` -> [service, culture] (sorted, no repeats)."""
    if raw is None:
        return []
    parts = [part for part in _SEPARATORS.split(str(raw)) if part.strip()]
    return sorted({parse_domain(part, field) for part in parts}, key=lambda d: d.value)


@dataclass(frozen=True, slots=True)
class Rule:
    """One enabled domain rule."""

    field: RuleField
    pattern: str
    domain: Domain


def check_rule(field: str, pattern: str, domain: str) -> Rule:
    """A rule as staff typed it, validated.

    Raises:
        InvalidFieldError: unknown field or domain, or an empty pattern.
    """
    try:
        rule_field = RuleField(field.strip().casefold())
    except ValueError:
        raise InvalidFieldError("field", field, "应为 ics、ccs 或 keyword (must be ics, ccs or "
                                "keyword)") from None
    text = _clean(pattern)
    if not text or len(text) > 100:
        raise InvalidFieldError("pattern", pattern, "不能为空，最多 100 字 (empty or too long)")
    if rule_field is RuleField.CCS:
        text = text.upper()
    return Rule(rule_field, text, parse_domain(domain))


def load_default_rules(path: Path = DEFAULT_RULES) -> list[tuple[Rule, str]]:
    """The shipped default rules and their notes (what the migration seeds)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [(check_rule(row["field"], row["pattern"], row["domain"]), row["note"])
                for row in csv.DictReader(handle)]


class RuleSet:
    """Rules compiled for matching many standards: ICS and CCS prefixes by value, title
    keywords in one regular expression."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.ics: dict[str, set[Domain]] = {}
        self.ccs: dict[str, set[Domain]] = {}
        words: dict[str, set[Domain]] = {}
        for rule in rules:
            table = {RuleField.ICS: self.ics, RuleField.CCS: self.ccs,
                     RuleField.KEYWORD: words}[rule.field]
            table.setdefault(rule.pattern, set()).add(rule.domain)
        self.words = words
        self.folded = {word.casefold(): found for word, found in words.items()
                       if word.isascii()}
        ordered = sorted(words, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        self.ccs_lengths = sorted({len(p) for p in self.ccs})
        self.word_lengths = sorted({len(w) for w in words})

    def match(self, *, ics: Sequence[str], ccs: str | None, title_zh: str | None,
              title_en: str | None = None, stated: Iterable[str] = ()) -> list[Domain]:
        found: set[Domain] = set()
        for label in stated:
            try:
                found.add(parse_domain(label))
            except InvalidFieldError:
                continue
        for code in ics:
            parts = code.split(".")
            for depth in range(1, len(parts) + 1):
                found |= self.ics.get(".".join(parts[:depth]), set())
        ccs_text = (ccs or "").strip().upper()
        for length in self.ccs_lengths:
            if len(ccs_text) >= length:
                found |= self.ccs.get(ccs_text[:length], set())
        if self.pattern is not None:
            title = _clean(title_zh or "")
            # overlapping words (林木 in 林木种苗, 镁 in 镁合金) all count: scan each start
            position = 0
            while (hit := self.pattern.search(title, position)) is not None:
                start = hit.start()
                for length in self.word_lengths:
                    found |= self.words.get(title[start : start + length], set())
                position = hit.start() + 1
            if title_en and self.folded:
                english = title_en.casefold()
                for word, domains in self.folded.items():
                    if word in english:
                        found |= domains
        return sorted(found, key=lambda d: d.value)


def domains_of(rules: Iterable[Rule], *, ics: Sequence[str], ccs: str | None,
               title_zh: str | None, title_en: str | None = None,
               stated: Iterable[str] = ()) -> list[Domain]:
    """The domains a catalogue standard gets: those its source stated (mapped like a 领域 cell;
    unknown labels are skipped) plus every rule that matches its ICS codes, CCS or title."""
    return RuleSet(rules).match(ics=ics, ccs=ccs, title_zh=title_zh, title_en=title_en,
                                stated=stated)

"""Which standards a watch (关注) follows: pure rules over a standard's indexed facts
(:class:`standards.queries.IndexSource`), one per watch kind.

- code: the family of the code given (every edition of GB/T 19001);
- prefix: the issuer prefix itself (``QC/T``, ``DB22/T``, ``GB`` without ``GB/T``), or a
  prefix and the start of the number (``GB/T 77``: spaces ignored);
- ics: an ICS code equal to it or inside it (``43`` holds ``43.040.20``); ccs: starts with it;
- region: a local standard of the region or inside it (``22`` holds ``2201``);
- organisation: the words appear in a drafting organisation, the committee or the department;
- query: every word appears in the Chinese or English title or the scope (case ignored).

A drafting project (制修订项目) reaching a stage is followed by the kinds that can name it:
region (the project's region), organisation (its proposer or drafting organisations), query
(its title), code and prefix (the standard it will publish, once it has a number, or the one a
revision replaces). ICS and CCS watches do not follow projects (plans carry neither).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from adoption.schemas import WatchRead
from adoption.vocab import DraftingStage, WatchEvent, WatchKind
from standards.codes import try_parse_code
from standards.queries import IndexSource


def _squeezed(text: str) -> str:
    return "".join(text.split()).upper()


def family_of(value: str) -> str:
    """The family a code watch follows (its value as typed when it is no code)."""
    parsed = try_parse_code(value)
    return parsed.family_key if parsed is not None else " ".join(value.split()).upper()


def _words(value: str) -> list[str]:
    return [word.casefold() for word in value.split()]


def matches(watch: WatchRead, source: IndexSource) -> bool:
    """Whether ``watch`` follows the standard ``source``."""
    value = watch.value.strip()
    if watch.kind is WatchKind.CODE:
        return source.family_key == family_of(value)
    if watch.kind is WatchKind.PREFIX:
        wanted, prefix = _squeezed(value), _squeezed(source.prefix)
        if wanted == prefix:
            return True  # "GB" is the mandatory national prefix: it holds no GB/T
        return (wanted.startswith(prefix) and len(wanted) > len(prefix)
                and _squeezed(source.normalized_code).startswith(wanted))
    if watch.kind is WatchKind.ICS:
        return any(ics == value or ics.startswith(f"{value}.") for ics in source.ics)
    if watch.kind is WatchKind.CCS:
        return bool(source.ccs) and str(source.ccs).upper().startswith(value.upper())
    if watch.kind is WatchKind.REGION:
        return bool(source.region_code) and str(source.region_code).startswith(value)
    if watch.kind is WatchKind.ORGANISATION:
        places = [*source.drafters, source.technical_committee or "", source.department or ""]
        text = " ".join(places).casefold()
        return all(word in text for word in _words(value))
    text = " ".join([source.title_zh or "", source.title_en or "", source.scope or ""])
    folded = text.casefold()
    return all(word in folded for word in _words(value))


@dataclass(frozen=True, slots=True)
class ProjectStage:
    """A stage entry of a drafting project's history, with the project facts watches match."""

    entry_id: int
    project_id: int
    plan_no: str
    title: str
    region_code: str
    proposer: str
    drafters: str
    code: str | None  # the published standard's code (as written), once known
    revises: str | None  # the code a revision replaces (as written)
    stage: DraftingStage
    stage_on: dt.date
    deadline: dt.date | None  # a postponement's new deadline
    recorded_at: dt.datetime


def _code_matches(watch: WatchRead, code: str | None) -> bool:
    parsed = try_parse_code(code) if code else None
    if parsed is None:
        return False
    value = watch.value.strip()
    if watch.kind is WatchKind.CODE:
        return parsed.family_key == family_of(value)
    wanted, prefix = _squeezed(value), _squeezed(parsed.prefix)
    if wanted == prefix:
        return True
    return (wanted.startswith(prefix) and len(wanted) > len(prefix)
            and _squeezed(parsed.normalized).startswith(wanted))


def matches_project(watch: WatchRead, project: ProjectStage) -> bool:
    """Whether ``watch`` follows the drafting project of ``project`` (module docstring)."""
    value = watch.value.strip()
    if watch.kind in (WatchKind.CODE, WatchKind.PREFIX):
        return _code_matches(watch, project.code) or _code_matches(watch, project.revises)
    if watch.kind is WatchKind.REGION:
        return bool(project.region_code) and project.region_code.startswith(value)
    if watch.kind is WatchKind.ORGANISATION:
        text = f"{project.proposer} {project.drafters}".casefold()
        return all(word in text for word in _words(value))
    if watch.kind is WatchKind.QUERY:
        folded = project.title.casefold()
        return all(word in folded for word in _words(value))
    return False


def wants(watch: WatchRead, event: WatchEvent) -> bool:
    """Whether the watch asked for this kind of event (none named: every kind)."""
    return not watch.events or event in watch.events

"""Answer the codes a text cites (:mod:`standards.citations`) from the catalogue: the edition
each resolves to, its status on a day, what replaced it and the family's edition in force,
and a verdict (现行, 已被代替, 已废止, 即将实施, 未收录, 编号有误).

A dated code is looked up as that edition; an undated one means the family's edition in
force on the check date, as GB/T 1.1 reads undated normative references. All lookups are
batched (three queries per thousand distinct codes, whatever the text's length).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from standards import repository
from standards.citations import Citation
from standards.prepare import catalogue_key
from standards.repository import Standing
from standards.schemas import CatalogueVersion, CheckedCitation, CheckReport
from standards.tables import Standard
from standards.vocab import VERDICT_LABELS, CheckVerdict, Status

MAX_LOCATIONS = 10


@dataclass(slots=True)
class _Group:
    first: Citation
    occurrences: int = 0
    locations: list[str] = field(default_factory=list)


def _grouped(citations: Sequence[Citation]) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}
    for citation in citations:
        key = (catalogue_key(citation.parsed) if citation.parsed is not None
               else f"!{' '.join(citation.written.split())}")
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(citation)
        group.occurrences += 1
        if len(group.locations) < MAX_LOCATIONS and citation.location not in group.locations:
            group.locations.append(citation.location)
    return groups


def _verdict(standing: Standing | None) -> CheckVerdict:
    if standing is None:
        return CheckVerdict.NOT_FOUND
    if standing.status is Status.CURRENT:
        return CheckVerdict.CURRENT
    if standing.status is Status.UPCOMING:
        return CheckVerdict.UPCOMING
    return CheckVerdict.REPLACED if standing.successors else CheckVerdict.WITHDRAWN


async def check_citations(citations: Sequence[Citation], as_of: dt.date
                          ) -> list[CheckedCitation]:
    """One answer per distinct code of ``citations`` (in order of first occurrence)."""
    groups = _grouped(citations)
    parsed = {key: g.first.parsed for key, g in groups.items() if g.first.parsed is not None}
    undated = {key: p.family_key for key, p in parsed.items() if p.year is None}
    found = await repository.resolve_keys(list(parsed), undated, as_of)
    families = {p.family_key: p.family_key for p in parsed.values()}
    in_force = await repository.resolve_keys(list(families), families, as_of)
    ids = list(dict.fromkeys([*found.values(), *in_force.values()]))
    standings = await repository.standings_of(ids, as_of) if ids else {}
    answers: list[CheckedCitation] = []
    for key, group in groups.items():
        code = group.first.parsed
        if code is None:
            answers.append(CheckedCitation(
                written=group.first.written, occurrences=group.occurrences,
                locations=group.locations, code=None, undated=False,
                verdict=CheckVerdict.MALFORMED, verdict_zh=VERDICT_LABELS[CheckVerdict.MALFORMED],
                standard_id=None, resolved_code=None, title_zh=None, status=None,
                effective_on=None, withdrawn_on=None, successors=[], edition_in_force=None,
                problem=group.first.error))
            continue
        standard_id = found.get(key)
        standing = standings.get(standard_id) if standard_id is not None else None
        family_id = in_force.get(code.family_key)
        family = standings.get(family_id) if family_id is not None else None
        if family is not None and family.status is not Status.CURRENT:
            family = None  # the family's newest edition, but none is in force that day
        verdict = _verdict(standing)
        answers.append(CheckedCitation(
            written=group.first.written, occurrences=group.occurrences,
            locations=group.locations, code=key, undated=code.year is None,
            adopted_ref=code.adopted_ref, verdict=verdict, verdict_zh=VERDICT_LABELS[verdict],
            standard_id=standing.standard_id if standing else None,
            resolved_code=standing.code if standing else None,
            title_zh=standing.title_zh if standing else None,
            status=standing.status if standing else None,
            effective_on=standing.effective_on if standing else None,
            withdrawn_on=standing.withdrawn_on if standing else None,
            successors=list(standing.successors) if standing else [],
            edition_in_force=family.code if family else None,
            edition_in_force_title=family.title_zh if family else None))
    return answers


async def catalogue_version() -> CatalogueVersion:
    """The catalogue's size and newest finished import: what a report was answered from."""
    count = await Standard.raw("SELECT COUNT(*) AS n FROM standard")
    batch = await Standard.raw(
        "SELECT id, finished_at FROM import_batch WHERE state = 'finished' AND NOT dry_run "
        "ORDER BY id DESC LIMIT 1")
    n = int(count[0]["n"])
    batch_id = batch[0]["id"] if batch else None
    finished = batch[0]["finished_at"] if batch else None
    if isinstance(finished, str):
        finished = dt.datetime.fromisoformat(finished)
    day = finished.date().isoformat() if finished else "-"
    label = f"b{batch_id} · {day} · {n} 项" if batch_id is not None else f"{n} 项"
    return CatalogueVersion(standards=n, last_batch_id=batch_id, last_import_at=finished,
                            label=label)


async def check_report(citations: Sequence[Citation], *, as_of: dt.date, source: str,
                       truncated: bool, now: dt.datetime | None = None) -> CheckReport:
    """The whole report: answers, counts per verdict, the catalogue version, the dates."""
    items = await check_citations(citations, as_of)
    counts = {verdict.value: 0 for verdict in CheckVerdict}
    for item in items:
        counts[item.verdict.value] += 1
    return CheckReport(
        checked_at=now or dt.datetime.now(dt.UTC), as_of=as_of,
        catalogue=await catalogue_version(), source=source, found=len(citations),
        distinct=len(items), truncated=truncated, counts=counts, items=items)

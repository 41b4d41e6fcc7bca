"""An enterprise declares its own enterprise standard (Q/...) with its indicators: the standard
enters the catalogue (standards package) owned by that enterprise, the indicators are kept by
adoption, the search index learns the code, and declarations waiting for it resolve.

It spans the standards catalogue, adoption and search, so it lives in api/ (adoption never
writes the standards package's tables).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from adoption import declarations_repository, enterprise_standards_repository, repository
from adoption.enterprise_standards import check_indicators, enterprise_code
from adoption.errors import InvalidFieldError, OwnershipError
from adoption.fields import clean_label
from adoption.schemas import EnterpriseStandardRead
from api import search_service
from standards import repository as standards_repository
from standards.repository import catalogue_key
from standards.schemas import StandardInput
from standards.settings import Settings


def source_of(uscc: str) -> str:
    """The catalogue source of an enterprise's own standards: the same source updates its
    fields on the next save (a catalogue import is another source and only fills blanks)."""
    return f"企业自我声明 {uscc}"


async def save_enterprise_standard(
    uscc: str,
    *,
    code: str,
    title_zh: str,
    indicators: Sequence[Mapping[str, Any]],
    published_on: dt.date | None = None,
    implemented_on: dt.date | None = None,
    settings: Settings,
    now: dt.datetime | None = None,
) -> EnterpriseStandardRead:
    """Create or change the enterprise standard ``code`` of the enterprise ``uscc``.

    Dates default to today (an enterprise standard is in force from its declaration unless it
    says otherwise); the indicators given replace the current ones.

    Raises:
        InvalidFieldError: not a dated enterprise standard code, an empty title, a bad
            indicator (each naming the field and the value).
        RecordNotFound: the enterprise is not registered.
        OwnershipError: another enterprise owns the code, or the catalogue holds it from an
            import (staff decide who owns it).
    """
    now = now or dt.datetime.now(dt.UTC)
    parsed = enterprise_code(code)
    title = clean_label(title_zh, "title_zh", 500, required=True)
    checked = check_indicators(indicators)
    await repository.get_enterprise(uscc)  # registered, or RecordNotFound
    key = catalogue_key(parsed)
    found = await standards_repository.owned_standards([key])
    existing = found[0] if found else None
    if existing is not None and existing.owner_uscc != uscc:
        whose = (f"enterprise {existing.owner_uscc}" if existing.owner_uscc
                 else "a catalogue import")
        raise OwnershipError(f"{key} 已由其他来源登记 belongs to {whose}: it cannot be changed "
                             "here")
    published = published_on or implemented_on or now.date()
    implemented = implemented_on or published
    if implemented < published:
        raise InvalidFieldError("implemented_on", implemented.isoformat(),
                                "早于发布日期 is before the publication date")
    outcome = (await standards_repository.upsert_standards([StandardInput(
        code=parsed.normalized, source=source_of(uscc), title_zh=title,
        published_on=published, implemented_on=implemented)], now=now))[0]
    if outcome.action == "rejected" or outcome.id is None:
        raise InvalidFieldError("code", code, outcome.reason or "was not accepted")
    if not await standards_repository.claim_standard(outcome.id, uscc):
        raise OwnershipError(f"{key} belongs to another enterprise")
    await enterprise_standards_repository.replace_indicators(outcome.id, uscc, checked, now)
    await search_service.reindex_standards([outcome.id], settings)
    await declarations_repository.resolve_waiting(outcome.id, key, parsed.family_key, now)
    return await enterprise_standards_repository.enterprise_standard(outcome.id, now.date())


async def update_enterprise_standard(
    standard_id: int, uscc: str | None, *, title_zh: str, indicators: Sequence[Mapping[str, Any]],
    published_on: dt.date | None, implemented_on: dt.date | None, settings: Settings,
) -> EnterpriseStandardRead:
    """Change an enterprise standard by id: its owner (``uscc``), or staff (``uscc`` None).

    Raises:
        RecordNotFound: no enterprise standard has this id.
        OwnershipError: it belongs to another enterprise (or, for staff, to none: an import).
    """
    current = await enterprise_standards_repository.enterprise_standard(standard_id)
    owner = current.owner_uscc
    if owner is None or (uscc is not None and owner != uscc):
        raise OwnershipError(f"{current.code} 不属于本企业 does not belong to your enterprise")
    return await save_enterprise_standard(
        owner, code=current.code, title_zh=title_zh, indicators=indicators,
        published_on=published_on or current.published_on,
        implemented_on=implemented_on or current.implemented_on, settings=settings)


"""After staff change standards by hand (an edit, a conflict resolved, a preference applied):
the search index, alerts, domains, drafting links and, when dates changed, the indicator facts
follow, as they do after an import."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from adoption.domains_repository import follow_catalogue
from adoption.indicator_queries import rebuild_facts
from adoption.repository import refresh_alerts
from api import search_service
from standards.settings import Settings

DATED_FIELDS = frozenset({"published_on", "implemented_on", "withdrawn_on",
                          "withdrawn_undated", "upcoming_undated"})


async def after_curation(settings: Settings, standard_ids: Sequence[int],
                         fields: Collection[str]) -> None:
    """Bring derived data in step with hand changes of ``fields`` on ``standard_ids``."""
    ids = sorted(set(standard_ids))
    if not ids or not fields:
        return
    await search_service.reindex_standards(ids, settings)
    await follow_catalogue(ids)
    if DATED_FIELDS & set(fields):
        await refresh_alerts()
        await rebuild_facts()

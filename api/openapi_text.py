"""The words of the OpenAPI document beyond what each route's decorator says: longer
descriptions of the main operations, a description for every parameter (by name, with the
meanings that differ by path), and request and response examples for the main routes.

:func:`api.openapi.describe` puts them in the document when the app is built, and adds to
every operation who may call it and how to authorize (the bearer scheme);
``tests/api/test_openapi_doc.py`` fails on an operation without a description or a
parameter without one.
"""

from __future__ import annotations

from typing import Any

OPERATIONS: dict[str, str] = {
    "GET /api/standards": (
        "Without `code`: a page of standards filtered by level, status (as of today), issuer "
        "prefix, industry code, ICS, CCS and publication years, ordered by code (bytewise). "
        "With `code`: the one standard that spelling names (`ＧＢ／Ｔ７７１４－２０１５`, "
        "`GBT7714-2015`, `gb/t 7714`; an undated code gives the edition in force today)."),
    "GET /api/standards/{standard_id}": (
        "The standard's fields (docs/json.md), its status derived from its dates, the "
        "editions of its family, what it replaces and what replaces it, the international "
        "or foreign standards it adopts with the degree, and its change log."),
    "GET /api/search": (
        "Full-text search over codes and Chinese or English titles (jieba words), best "
        "first, with facets; `total` is an estimate above a few thousand hits. Filters are "
        "the list's."),
    "GET /api/indicators/{name}": (
        "`name` is coverage (产品标准覆盖率), adoption (主要产品采标率), standard-adoption "
        "(标准采标率) or conversion (国际标准转化率). The answer states its rules, counts "
        "what was not counted by reason and, with `group_by`, gives a row per city, county, "
        "province, sector or key field. As of today it reads the kept facts; a past day is "
        "computed from the declarations and the catalogue and then kept until the data "
        "changes."),
    "GET /api/indicators/{name}/series": (
        "The indicator as of each of `dates`, or each month end from `start` to `end`; "
        "each point is the whole indicator answer (groups too, with `group_by`). Points of "
        "past days are kept until an import or a declaration changes the data."),
    "GET /api/goals/{goal}/progress": (
        "Value, target, gap, status (achieved, on_track, at_risk, behind) with the rule that "
        "gave it, share of time elapsed, forecast completion date at the last 12 months' "
        "pace, and for count goals the pipeline by stage and the overdue projects. Past the "
        "deadline, ask with `as_of` set to the deadline for the value the goal ended with."),
    "GET /api/goals/{goal}/series": (
        "The goal's value at every month end from its start to its deadline (or `as_of` "
        "when earlier), with the straight target line, for a burn-up chart."),
    "POST /api/declarations": (
        "Declares that a product follows a standard (执行标准), by code in any spelling. A "
        "withdrawn, replaced or not-yet-in-force edition answers 409 with the warnings unless "
        "`confirm` is true; a code the catalogue lacks is kept as unresolved and resolved "
        "when a later import brings it."),
    "POST /api/imports": (
        "Multipart upload of one or more catalogue files (CSV, TSV, XLSX, HTML, XML, JSON, "
        "JSONL, gzip); the format is detected. Answers the import report (docs/json.md): "
        "created, updated, unchanged, rejected rows with file and location, conflicts."),
    "POST /api/goals": (
        "A goal names a metric (`local-standards`, a count, or an indicator name, a rate "
        "target in (0, 1]) and a scope. Saving a goal of the same name updates it."),
    "POST /api/session": (
        "Checks a username and password (throttled per username and per address) and sets "
        "the session cookie; the answer carries the CSRF token that cookie-borne unsafe "
        "requests must send as `X-CSRF-Token`. Scripts use bearer tokens instead."),
}

PARAMETERS: dict[str, str] = {
    "as_of": "the day to answer for (YYYY-MM-DD); today when absent",
    "ccs": "Chinese standard classification (CCS) code or its first letters: J04, J",
    "code": "a standard code in any spelling (full-width, no spaces, lower case)",
    "count_eqv": "count legacy EQV (equivalent) adoptions (default no)",
    "count_foreign": "count foreign-advanced standards (ANSI, ASTM, DIN, JIS…) (default yes "
                     "for product adoption)",
    "count_neq": "count NEQ (non-equivalent) adoptions (default no)",
    "cursor": "where the previous page ended (the `next_cursor` it answered)",
    "domain": "drafting domain: service, special-resource, culture, agriculture (or 服务…)",
    "end": "last day of the trend (YYYY-MM-DD); today when absent",
    "enterprise": "统一社会信用代码 of one enterprise: only its products",
    "format": "file format: xlsx or csv",
    "goal": "a goal's id or its exact name",
    "group_by": "one row per city, county, province, sector, key-field (products) or prefix "
                "(standards)",
    "highlight": "mark the matched words in titles (<em>)",
    "ics": "ICS field, group or sub-group: 43, 43.040, 43.040.20",
    "include_discontinued": "also the products the enterprise discontinued",
    "industry": "industry-standard code (the prefix's letters): QC, JB, SH",
    "key_field": "重点领域 key field: automotive, petrochemical… (or 汽车, 石化)",
    "kind": "kind: new or revision (drafting), or the alert kind",
    "kinds": "project kinds, comma-separated: new,revision",
    "level": "international, foreign, national, industry, local, group or enterprise",
    "limit": "how many items at most",
    "name": "indicator: coverage, adoption, standard-adoption or conversion",
    "overdue": "only projects past their deadline as of the day (true) or only on time",
    "page": "page number, from 1",
    "page_size": "items per page (at most 500)",
    "plan_year": "plan year of the drafting projects",
    "prefix": "issuer prefix as printed: GB/T, QC/T, DB22/T, ISO",
    "preview_id": "the preview's id, as the preview answered it",
    "product": "a product's id",
    "q": "words or a code to look for",
    "reason": "one not-counted reason: no_standard, standard_withdrawn, "
              "standard_not_yet_implemented, unresolved_code or not_adopting",
    "region": "GB/T 2260 region code prefix: 22 (province), 2201 (city), 220102 (county)",
    "role": "account role: enterprise, staff or leader",
    "sector": "行业 as declared (its first characters match): C36, 汽车",
    "stage": "drafting stage: initiated, drafting, consultation, review, approval, "
             "published, filed, postponed, cancelled",
    "standard": "a catalogue standard's id",
    "start": "first month of the trend (YYYY-MM-DD): one point per month end from it",
    "status": "status to keep: current, upcoming or withdrawn (as of today)",
    "unresolved": "only declarations whose code the catalogue lacks (true) or only resolved",
    "uscc": "统一社会信用代码 (18 characters, check digit verified), or 'me' for your own",
    "year_from": "published in or after this year",
    "year_to": "published in or before this year",
    "dates": "the trend on these days, comma-separated (YYYY-MM-DD,YYYY-MM-DD)",
    "lang": "page language: zh or en",
}
# a parameter whose meaning differs on some paths: (path prefix, name) -> description
PARAMETER_OVERRIDES: dict[tuple[str, str], str] = {
    ("/api/declarations", "status"): "declarations to keep: active or withdrawn",
    ("/api/declarations", "reason"): "why the declaration is withdrawn (kept in its history)",
    ("/api/alerts", "status"): "alerts to keep: open or cleared",
    ("/api/exports/alerts", "status"): "alerts to keep: open or cleared",
    ("/api/registrations", "status"): "registrations to keep: pending, approved or rejected",
    ("/api/conflicts", "status"): "conflicts to keep: open (default), resolved or all",
    ("/api/conflicts", "field"): "only conflicts about this field (title_zh, published_on…)",
    ("/api/conflicts", "source"): "only conflicts a source offered (as named in the batch)",
    ("/api/conflicts", "batch_id"): "only conflicts the import batch of this id reported",
    ("/api/source-preferences", "field"): "the record field the preference is for (title_zh…)",
    ("/api/jobs", "status"): "jobs to keep: queued, running, done, failed or cancelled",
    ("/api/jobs", "kind"): "jobs of one kind: catalogue-import, declarations-import, "
                           "plans-import, index-rebuild, indicator-recompute, export",
    ("/api/feedback", "status"): "feedback to keep: pending, accepted or rejected",
    ("/api/evaluation", "grade"): "standards of one grade: strong (强), medium (中) or weak (弱)",
    ("/api/triage", "action"): "candidates with this suggested action: keep (保留), revise (修订), "
                               "convert (转化为团体标准), merge (整合) or abolish (废止)",
    ("/api/indicators/foreign-bodies", "code"): "the body's code: the first word of the "
                                                "codes it issues (ASTM, DIN)",
    ("/api/standards/suggest", "limit"): "how many suggestions at most",
    ("/api/changes", "limit"): "how many changes at most",
}

STANDARD_EXAMPLE: dict[str, Any] = {
    "id": 101, "code": "GB/T 19001-2016", "normalized_code": "GB/T 19001-2016",
    "level": "national", "nature": "recommended", "prefix": "GB/T", "region_code": None,
    "industry_code": None, "title_zh": "质量管理体系 要求",
    "title_en": "Quality management systems—Requirements", "status": "current",
    "published_on": "2016-12-30", "implemented_on": "2017-07-01", "withdrawn_on": None,
    "ics": ["03.120.10"], "ccs": "A00", "replaces": ["GB/T 19001-2008"], "replaced_by": [],
    "adopts": [{"code": "ISO 9001:2015", "degree": "IDT"}],
    "editions": ["GB/T 19001-2008", "GB/T 19001-2016"],
}
INDICATOR_EXAMPLE: dict[str, Any] = {
    "indicator": "coverage", "as_of": "2025-12-31",
    "rules": {"count_neq": False, "count_eqv": False, "count_foreign": True},
    "numerator": 761, "denominator": 978, "rate": 0.7781,
    "groups": [{"key": "2201", "label": "长春市", "numerator": 184, "denominator": 254,
                "rate": 0.7244}],
    "not_counted": {"no_standard": 45, "standard_withdrawn": 107,
                    "standard_not_yet_implemented": 0, "unresolved_code": 64},
}
PROGRESS_EXAMPLE: dict[str, Any] = {
    "goal": "吉林省产品标准覆盖率98%以上", "goal_id": 5, "metric": "coverage",
    "as_of": "2025-12-31", "value": 0.7781, "target": 0.98, "gap": 0.2019,
    "status": "behind", "time_elapsed": 1.0, "forecast_date": None,
    "pipeline": {}, "overdue": 0,
}
SEARCH_EXAMPLE: dict[str, Any] = {
    "total": 1, "hits": [{"code": "GB/T 19001-2016", "title_zh": "质量管理体系 要求",
                          "title_en": "Quality management systems—Requirements",
                          "status": "current", "score": 12.4, "highlights": {}}],
}

RESPONSE_EXAMPLES: dict[str, Any] = {
    "GET /api/standards/{standard_id}": STANDARD_EXAMPLE,
    "GET /api/search": SEARCH_EXAMPLE,
    "GET /api/indicators/{name}": INDICATOR_EXAMPLE,
    "GET /api/indicators/{name}/series": [INDICATOR_EXAMPLE],
    "GET /api/goals/{goal}/progress": PROGRESS_EXAMPLE,
}
REQUEST_EXAMPLES: dict[str, Any] = {
    "POST /api/declarations": {"product_id": 12, "code": "GB/T 19001-2016",
                               "declared_on": "2025-03-01", "confirm": False},
    "POST /api/goals": {"name": "吉林省产品标准覆盖率98%以上", "metric": "coverage",
                        "target": 0.98, "region": "22", "start_on": "2026-01-01",
                        "deadline": "2030-12-31"},
    "POST /api/session": {"username": "li.ming", "password": "a long passphrase"},
}

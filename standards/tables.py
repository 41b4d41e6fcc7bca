"""Piccolo tables of the standards library. They never leave this package: see repository.py."""

from piccolo.columns import (
    Boolean,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table


class ImportBatch(Table, tablename="import_batch"):
    """One run of `stdtrack import` or one upload: files, checksums, who, when, counts, report."""

    id = Serial(primary_key=True)
    files = Text(default="[]")  # JSON list of {"name", "sha256", "archived_as", "format"}
    checksum = Varchar(length=64, default="")
    actor = Varchar(length=200, default="")
    dry_run = Boolean(default=False)
    strict = Boolean(default=False)
    started_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
    created = Integer(default=0)
    updated = Integer(default=0)
    unchanged = Integer(default=0)
    rejected = Integer(default=0)
    report = Text(default="{}")  # the full import report as JSON
    state = Varchar(length=20, default="running")  # running / finished / failed
    pid = Integer(null=True, default=None)  # the importing process, to tell a dead one
    host = Varchar(length=255, default="")
    heartbeat_at = Timestamptz(null=True, default=None)  # refreshed while it writes
    indexed_at = Timestamptz(null=True, default=None)  # the search index took in its rows
    message = Text(default="")  # why it failed, or which files stopped


class Standard(Table, tablename="standard"):
    """One edition of a standard; ``normalized_code`` is the catalogue key and ``code`` its
    official print (the same text); sources' own spellings are kept in ``extra``.

    Indexes are few on purpose: every one costs on bulk imports; low-selectivity filters
    (level, year, CCS, industry) scan, and full-text search serves faceted browsing.
    """

    id = Serial(primary_key=True)
    code = Varchar(length=200)
    normalized_code = Varchar(length=200, unique=True)
    family_key = Varchar(length=200, index=True)
    level = Varchar(length=20)
    kind = Varchar(length=40, default="")
    nature = Varchar(length=20, null=True, default=None)
    prefix = Varchar(length=60, index=True)
    base_prefix = Varchar(length=60, default="")
    region_code = Varchar(length=6, null=True, default=None, index=True)
    industry_code = Varchar(length=10, null=True, default=None)
    org_code = Varchar(length=60, null=True, default=None)
    number = Varchar(length=60, default="")
    part = Varchar(length=20, null=True, default=None)
    year = Integer(null=True, default=None)
    amendment = Varchar(length=60, null=True, default=None)
    edition_note = Varchar(length=60, null=True, default=None)
    # amendments a source says this edition includes ("含第1号修改单2016" -> "XG1-2016")
    amendment_note = Varchar(length=60, null=True, default=None)
    title_zh = Text(null=True, default=None)
    title_en = Text(null=True, default=None)
    status_text = Varchar(length=40, null=True, default=None)
    withdrawn_undated = Boolean(default=False)
    # a source says upcoming (即将实施) and no implementation date is known
    upcoming_undated = Boolean(default=False)
    published_on = Date(null=True, default=None)
    implemented_on = Date(null=True, default=None)
    withdrawn_on = Date(null=True, default=None)
    effective_on = Date(null=True, default=None)  # implemented, else published: validity starts
    ics = Text(default="")  # space-separated ICS codes, display order kept
    ccs = Varchar(length=20, null=True, default=None)
    scope = Text(null=True, default=None)
    department = Varchar(length=200, null=True, default=None)
    technical_committee = Varchar(length=300, null=True, default=None)
    drafters = Text(default="[]")  # JSON list
    domains = Text(default="[]")  # JSON list
    source = Varchar(length=100, null=True, default=None)
    source_url = Text(null=True, default=None)
    field_sources = Text(default="{}")  # JSON {field: source}: who said each value
    extra = Text(default="{}")  # JSON of source fields kept verbatim
    # the enterprise (USCC) that declared an enterprise standard (Q/...) through the portal;
    # only it (or staff) may change it. Null for everything imported from a catalogue.
    owner_uscc = Varchar(length=18, null=True, default=None, index=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class StandardIcs(Table, tablename="standard_ics"):
    """ICS codes of a standard, one row each, for filtering by field or group (unique pair)."""

    id = Serial(primary_key=True)
    standard = ForeignKey(Standard, on_delete=OnDelete.cascade)
    ics = Varchar(length=20, index=True)


class Relation(Table, tablename="relation"):
    """``subject kind object``: GB/T 20223-2018 replaces GB/T 20223-2006; X adopts ISO 9001:2015.

    Both ends are kept as normalized codes so that a relation may name a standard the catalogue
    does not hold yet; the ids are filled in when it arrives.
    """

    id = Serial(primary_key=True)
    subject_code = Varchar(length=200)
    kind = Varchar(length=30)
    object_code = Varchar(length=200, index=True)
    # indexed where set (migration 2026-12-27T00:00:00: partial indexes relation_subject and
    # relation_object), so that filling the ids of unresolved ends is driven by their codes
    subject = ForeignKey(Standard, null=True, default=None, on_delete=OnDelete.cascade)
    object = ForeignKey(Standard, null=True, default=None, on_delete=OnDelete.set_null)
    degree = Varchar(length=10, null=True, default=None)
    marker = Varchar(length=60, null=True, default=None)
    source = Varchar(length=100, null=True, default=None)


class ChangeLog(Table, tablename="change_log"):
    """What an import changed on a standard: one row per field."""

    id = Serial(primary_key=True)
    standard = ForeignKey(Standard, on_delete=OnDelete.cascade, index=True)
    batch = ForeignKey(ImportBatch, null=True, default=None, on_delete=OnDelete.set_null)
    field = Varchar(length=60)
    old_value = Text(null=True, default=None)
    new_value = Text(null=True, default=None)
    changed_at = Timestamptz(index=True)
    actor = Varchar(length=200, default="")  # who edited by hand or resolved a conflict
    note = Text(default="")  # why: 手工编辑, 冲突 #12 ... (imports leave it blank)


class Job(Table, tablename="job"):
    """Long work done in the background (an import, an index rebuild, a recompute, an export):
    its state, progress, report, and the worker that holds it (id, host, heartbeat)."""

    id = Serial(primary_key=True)
    kind = Varchar(length=40)
    state = Varchar(length=20, default="queued", index=True)  # queued/running/done/failed/cancelled
    params = Text(default="{}")  # JSON
    read_count = Integer(default=0)
    created_count = Integer(default=0)
    rejected_count = Integer(default=0)
    total = Integer(null=True, default=None)  # records to read, where the size is known
    report = Text(default="{}")  # JSON, once done
    error = Text(default="")
    attempts = Integer(default=0)
    cancel_requested = Boolean(default=False)
    worker = Varchar(length=200, default="")
    host = Varchar(length=255, default="")
    heartbeat_at = Timestamptz(null=True, default=None)
    batch_id = Integer(null=True, default=None)  # the import batch it wrote
    created_by = Varchar(length=200, default="")
    created_at = Timestamptz()
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)


class JobFile(Table, tablename="job_file"):
    """A file of a job, kept in the database so that a worker on any host can read it: the
    uploads it imports (``input``) and what it produced (``output``, an export)."""

    id = Serial(primary_key=True)
    job = Integer(index=True)
    role = Varchar(length=10, default="input")
    position = Integer(default=0)
    name = Varchar(length=300)
    sha256 = Varchar(length=64, index=True)
    size = Integer(default=0)
    content = Bytea()
    created_at = Timestamptz()


class ScheduleRun(Table, tablename="schedule_run"):
    """One day's run of a daily task; (name, day) is unique, so one host runs it per day."""

    id = Serial(primary_key=True)
    name = Varchar(length=80)
    day = Date()
    state = Varchar(length=20, default="running")  # running / done / failed
    worker = Varchar(length=200, default="")
    started_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
    outcome = Text(default="")


class MergeConflict(Table, tablename="merge_conflict"):
    """A disagreement an import reported: ``offered_source`` offers ``offered_value`` for a
    field whose ``kept_value`` another source (or a hand edit) owns. Open until staff choose;
    then ``chosen_value`` records the decision, so the same disagreement imported again does
    not reopen it. Values are JSON text."""

    id = Serial(primary_key=True)
    standard = ForeignKey(Standard, on_delete=OnDelete.cascade, index=True)
    batch = ForeignKey(ImportBatch, null=True, default=None, on_delete=OnDelete.set_null)
    field = Varchar(length=60, index=True)
    kept_value = Text(null=True, default=None)
    kept_source = Varchar(length=100, null=True, default=None)
    offered_value = Text(null=True, default=None)
    offered_source = Varchar(length=100, index=True)
    state = Varchar(length=20, default="open", index=True)  # open / resolved
    chosen_value = Text(null=True, default=None)
    resolution = Varchar(length=20, default="")  # kept / offered / preference
    resolved_by = Varchar(length=200, default="")
    times = Integer(default=1)
    first_seen_at = Timestamptz()
    last_seen_at = Timestamptz()
    resolved_at = Timestamptz(null=True, default=None)


class SourcePreference(Table, tablename="source_preference"):
    """"Always prefer source X for field Y": a later merge takes X's value for Y over the
    owner's (never over a hand edit)."""

    id = Serial(primary_key=True)
    field = Varchar(length=60, unique=True)
    source = Varchar(length=100)
    actor = Varchar(length=200, default="")
    created_at = Timestamptz()


TABLES: tuple[type[Table], ...] = (ImportBatch, Standard, StandardIcs, Relation, ChangeLog, Job,
                                   JobFile, ScheduleRun, MergeConflict, SourcePreference)

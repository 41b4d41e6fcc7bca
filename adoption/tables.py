"""Piccolo tables of the adoption package. They never leave it: see repository.py.

Nothing here is hard-deleted: accounts are disabled, products discontinued, declarations
withdrawn and alerts cleared, each with the day or moment it happened.
"""

from piccolo.columns import (
    Boolean,
    Bytea,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from standards.tables import Standard


class Account(Table, tablename="account"):
    """Who signs in or calls the API: staff, leader, or an enterprise bound to one USCC.

    A person signs in with ``username`` and a password (argon2id hash); a script or an
    integration calls the API with a token (only its SHA-256 is kept). An account has either or
    both. ``must_change_password`` holds after an invitation or a reset: the temporary password
    only opens the page that replaces it.
    """

    id = Serial(primary_key=True)
    role = Varchar(length=20)
    name = Varchar(length=200, default="")
    uscc = Varchar(length=18, null=True, default=None, index=True)
    token_hash = Varchar(length=64, unique=True, null=True, default=None)  # sha256 hex
    token_hint = Varchar(length=12, default="")  # its first characters, to tell tokens apart
    created_at = Timestamptz()
    disabled_at = Timestamptz(null=True, default=None)
    username = Varchar(length=64, null=True, default=None)  # lower case; unique index
    password_hash = Varchar(length=200, null=True, default=None)
    must_change_password = Boolean(default=False)
    password_changed_at = Timestamptz(null=True, default=None)


class AccountSession(Table, tablename="account_session"):
    """A signed-in browser: the cookie holds a random id, this row only its SHA-256.

    It ends at ``expires_at`` (absolute), after ``IDLE`` without a request (``last_seen_at``),
    at sign-out, or when its account is disabled or its password reset. ``csrf_token`` is the
    synchronizer token every unsafe request of this session must echo.
    """

    id = Serial(primary_key=True)
    account = ForeignKey(Account, null=False, on_delete=OnDelete.cascade, index=True)
    id_hash = Varchar(length=64, unique=True)
    csrf_token = Varchar(length=64)
    via = Varchar(length=20, default="password")  # password / token
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    expires_at = Timestamptz()


class SignInThrottle(Table, tablename="sign_in_throttle"):
    """Failed sign-ins of one username or one client address (``key``) in the current window;
    at the fifth failure within the window the key is locked until ``locked_until``."""

    id = Serial(primary_key=True)
    key = Varchar(length=200, unique=True)  # "username:alice", "address:203.0.113.9"
    failures = Integer(default=0)
    window_started_at = Timestamptz()
    locked_until = Timestamptz(null=True, default=None)


class Registration(Table, tablename="registration"):
    """An enterprise's application for an account (企业注册), pending until staff decide.

    The password hash waits here; approval creates the enterprise (when new) and its account
    with that username and hash, rejection keeps the reason the applicant is shown.
    """

    id = Serial(primary_key=True)
    uscc = Varchar(length=18, index=True)
    name = Varchar(length=300)
    region_code = Varchar(length=6)
    contact_name = Varchar(length=100)
    contact_phone = Varchar(length=40)
    username = Varchar(length=64, index=True)
    password_hash = Varchar(length=200)
    status = Varchar(length=20, default="pending", index=True)
    reason = Varchar(length=500, default="")
    submitted_at = Timestamptz()
    decided_at = Timestamptz(null=True, default=None)
    decided_by = Varchar(length=200, default="")
    account = ForeignKey(Account, null=True, default=None, on_delete=OnDelete.set_null)


class Enterprise(Table, tablename="enterprise"):
    """An enterprise by its USCC (check characters verified) and GB/T 2260 region."""

    id = Serial(primary_key=True)
    uscc = Varchar(length=18, unique=True)
    name = Varchar(length=300)
    region_code = Varchar(length=6, index=True)
    sector = Varchar(length=100, default="")
    key_fields = Varchar(length=300, default="")  # KeyField values joined with ';', sorted
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Product(Table, tablename="product"):
    """A product or service of an enterprise; (enterprise, name, model) is unique."""

    id = Serial(primary_key=True)
    enterprise = ForeignKey(Enterprise, on_delete=OnDelete.restrict)
    name = Varchar(length=300)
    model = Varchar(length=200, default="")
    category = Varchar(length=200, default="")
    main = Boolean(default=False)
    sector = Varchar(length=100, default="")
    registered_on = Date(null=True, default=None)  # its first 公开日期
    discontinued_on = Date(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Declaration(Table, tablename="declaration"):
    """A product follows a standard (执行标准), from ``declared_on`` until ``withdrawn_on``.

    ``code_key`` is the catalogue key of the declared code; ``standard`` is the edition it
    resolves to, or null while the catalogue does not hold it (*unresolved*). An undated code
    resolves to the edition in force and follows later editions.
    """

    id = Serial(primary_key=True)
    product = ForeignKey(Product, on_delete=OnDelete.restrict, index=True)
    enterprise = ForeignKey(Enterprise, on_delete=OnDelete.restrict, index=True)
    declared_code = Varchar(length=200)
    code_key = Varchar(length=200)
    undated = Boolean(default=False)
    standard = ForeignKey(Standard, null=True, default=None, on_delete=OnDelete.set_null,
                          index=True)
    declared_on = Date()
    withdrawn_on = Date(null=True, default=None)
    withdrawn_reason = Varchar(length=300, null=True, default=None)
    source = Varchar(length=60, default="")  # "api", "import 12"
    created_at = Timestamptz()
    updated_at = Timestamptz()
    # the declaration that took its place (a newer edition, a re-declared successor)
    superseded_by = Integer(null=True, default=None)


class Alert(Table, tablename="alert"):
    """An active declaration whose standard needs attention; open while ``cleared_at`` is null.

    At most one open alert per declaration (a unique index on open alerts).
    """

    id = Serial(primary_key=True)
    declaration = ForeignKey(Declaration, on_delete=OnDelete.cascade)
    enterprise = ForeignKey(Enterprise, on_delete=OnDelete.restrict, index=True)
    product = ForeignKey(Product, on_delete=OnDelete.restrict)
    kind = Varchar(length=40)
    standard = ForeignKey(Standard, null=True, default=None, on_delete=OnDelete.set_null)
    code = Varchar(length=200)  # the edition concerned (catalogue key)
    successors = Text(default="[]")  # JSON list of codes that replace it
    effective_on = Date(null=True, default=None)  # when a not-yet-implemented standard starts
    raised_at = Timestamptz()
    cleared_at = Timestamptz(null=True, default=None)


class DeclarationImport(Table, tablename="declaration_import"):
    """One bulk declaration import: files, who, when, counts and the report."""

    id = Serial(primary_key=True)
    files = Text(default="[]")
    actor = Varchar(length=200, default="")
    started_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
    created = Integer(default=0)
    updated = Integer(default=0)
    unchanged = Integer(default=0)
    rejected = Integer(default=0)
    report = Text(default="{}")


class StandardIndicator(Table, tablename="standard_indicator"):
    """A functional, performance or safety indicator (功能指标、性能指标、安全指标) an
    enterprise declared for its own enterprise standard. Changing the indicators retires the
    current rows (``retired_at``) and adds new ones: earlier declarations stay readable."""

    id = Serial(primary_key=True)
    standard = ForeignKey(Standard, on_delete=OnDelete.cascade, index=True)
    enterprise = ForeignKey(Enterprise, on_delete=OnDelete.restrict)
    kind = Varchar(length=20)
    position = Integer(default=0)
    name = Varchar(length=200)
    value = Varchar(length=200, default="")  # a value or a limit as written: ≥ 95, 0.5～1.2
    unit = Varchar(length=50, default="")
    test_method = Varchar(length=300, default="")
    created_at = Timestamptz()
    retired_at = Timestamptz(null=True, default=None)


class DeclarationUpload(Table, tablename="declaration_upload"):
    """A bulk declaration file between its preview and its commit: a draft, kept in the
    database so that any app host can commit what another previewed. ``token`` is the preview
    id the client holds; the content is emptied once committed (the import archives it)."""

    id = Serial(primary_key=True)
    token = Varchar(length=64, index=True)
    position = Integer(default=0)  # the file's place among the preview's files
    account = Integer(null=True, default=None)  # who previewed it: only they may commit it
    uscc = Varchar(length=18, null=True, default=None)  # an enterprise: rows must be its own
    name = Varchar(length=300)
    sha256 = Varchar(length=64)
    size = Integer(default=0)
    content = Bytea(null=True, default=None)
    created_at = Timestamptz()
    committed_at = Timestamptz(null=True, default=None)
    import_id = Integer(null=True, default=None)


class DraftingProject(Table, tablename="drafting_project"):
    """A local-standard drafting plan item (地方标准制修订计划项目), by its plan number.

    ``stage`` / ``stage_on`` cache the latest stage of ``drafting_stage`` (the history decides
    every as-of question); ``deadline`` is the plan's 完成期限 (postponements keep theirs in the
    history). ``standard`` is the published standard once the catalogue holds it;
    ``revises_standard`` the one a revision replaces.
    """

    id = Serial(primary_key=True)
    plan_no = Varchar(length=100, unique=True)
    plan_year = Integer(null=True, default=None)
    title = Text(default="")
    kind = Varchar(length=20, default="new")
    revises = Varchar(length=200, null=True, default=None)  # as written
    revises_key = Varchar(length=200, null=True, default=None, index=True)
    revises_standard = ForeignKey(Standard, null=True, default=None,
                                  on_delete=OnDelete.set_null)
    region_code = Varchar(length=6, index=True)
    domains = Text(default="[]")  # JSON list of Domain values
    domain_label = Varchar(length=200, default="")  # the 领域 cell as written
    proposer = Varchar(length=300, default="")
    drafters = Text(default="")
    deadline = Date(null=True, default=None)
    stage = Varchar(length=20, default="initiated")
    stage_on = Date(null=True, default=None)
    code = Varchar(length=200, null=True, default=None)  # 标准号 as written
    code_key = Varchar(length=200, null=True, default=None, index=True)
    standard = ForeignKey(Standard, null=True, default=None, on_delete=OnDelete.set_null,
                          index=True)
    source = Varchar(length=60, default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()


class DraftingStageEntry(Table, tablename="drafting_stage"):
    """One step of a project's history: a stage reached on a day (延期 carries the new deadline).
    (project, stage, stage_on) is unique: re-importing the same row adds nothing."""

    id = Serial(primary_key=True)
    project = ForeignKey(DraftingProject, on_delete=OnDelete.cascade, index=True)
    stage = Varchar(length=20)
    stage_on = Date()
    deadline = Date(null=True, default=None)
    note = Text(default="")
    source = Varchar(length=60, default="")  # "import 3", "http:name", "catalogue"
    recorded_at = Timestamptz()


class DraftingImport(Table, tablename="drafting_import"):
    """One drafting-plan import: files, who, when, counts and the report."""

    id = Serial(primary_key=True)
    files = Text(default="[]")
    actor = Varchar(length=200, default="")
    started_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
    created = Integer(default=0)
    updated = Integer(default=0)
    unchanged = Integer(default=0)
    rejected = Integer(default=0)
    report = Text(default="{}")


class DomainRule(Table, tablename="domain_rule"):
    """A rule giving catalogue standards a domain: an ICS or CCS prefix, or a title keyword.
    Staff change them; the shipped defaults come from adoption/data/domain_rules.csv."""

    id = Serial(primary_key=True)
    field = Varchar(length=20)  # ics / ccs / keyword
    pattern = Varchar(length=100)
    domain = Varchar(length=40)
    note = Text(default="")
    builtin = Boolean(default=False)
    enabled = Boolean(default=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class StandardDomain(Table, tablename="standard_domain"):
    """Domains of a catalogue standard derived by the rules (rebuilt when rules change)."""

    id = Serial(primary_key=True)
    standard = ForeignKey(Standard, on_delete=OnDelete.cascade, index=True)
    domain = Varchar(length=40, index=True)


class Goal(Table, tablename="goal"):
    """A target leadership is held to: a metric over a scope, a target value, a window."""

    id = Serial(primary_key=True)
    name = Varchar(length=300, unique=True)
    name_en = Varchar(length=300, default="")
    metric = Varchar(length=40)  # local-standards, or an indicator name
    target = DoublePrecision(default=0.0)
    region = Varchar(length=6, null=True, default=None)  # code prefix: 22, 2201
    domain = Varchar(length=40, null=True, default=None)
    kinds = Varchar(length=40, default="new,revision")
    sector = Varchar(length=100, null=True, default=None)
    key_field = Varchar(length=40, null=True, default=None)
    start_on = Date(null=True, default=None)
    deadline = Date()
    note = Text(default="")
    source = Varchar(length=60, default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()
    archived_at = Timestamptz(null=True, default=None)  # archived: off the dashboard


class ProductFact(Table, tablename="product_fact"):
    """What the indicators need of one product on a day, kept current (see
    adoption/indicator_queries.py): scope columns copied from the product and its enterprise,
    and whether it was in scope, covered (and if not why), with the adoption bits of the
    standards valid that day (``valid_from``). The row holds from ``valid_since`` (the last
    day on or before it that any of the product's dates changed something) until the day
    before ``valid_until``: as of today it is a scan, and a past day inside that span needs
    no recomputation.
    """

    product = Integer(primary_key=True)
    enterprise = Integer(default=0, index=True)
    region_code = Varchar(length=6, default="")
    sector = Varchar(length=100, default="")
    key_fields = Varchar(length=300, default="")
    main = Integer(default=0)
    in_scope = Integer(default=0)
    covered = Integer(default=0)
    reason = Varchar(length=40, default="")  # empty when counted or out of scope
    mask = Integer(default=0)  # adoption bits (adoption/indicators.py AdoptionBit)
    valid_from = Date(null=True, default=None, index=True)
    valid_until = Date(null=True, default=None, index=True)
    valid_since = Date(null=True, default=None)  # facts hold back to this day (null: always)


class IndicatorCube(Table, tablename="indicator_cube"):
    """In-scope products counted by every combination the product indicators group and filter
    by: the sum of ``product_fact`` kept up to date with it, read instead of 300,000 rows."""

    id = Serial(primary_key=True)
    region_code = Varchar(length=6, default="")
    sector = Varchar(length=100, default="")
    key_fields = Varchar(length=300, default="")
    main = Integer(default=0)
    covered = Integer(default=0)
    reason = Varchar(length=40, default="")
    mask = Integer(default=0)
    products = Integer(default=0)


class ProductFactStale(Table, tablename="product_fact_stale"):
    """Products whose facts a write made stale (``product`` null: all of them); the next
    indicator query recomputes them."""

    id = Serial(primary_key=True)
    product = Integer(null=True, default=None)


class ForeignBody(Table, tablename="foreign_body"):
    """A body whose standards count as foreign-advanced (国外先进标准) for product adoption:
    data staff can change (defaults seeded by the migration; docs/indicators.md §3)."""

    id = Serial(primary_key=True)
    body = Varchar(length=40, unique=True)  # the code's first word: ASTM, DIN, JIS
    name = Varchar(length=200, default="")
    created_at = Timestamptz()


class Watch(Table, tablename="watch"):
    """A person's 关注: standards of a kind (code family, prefix, ICS, CCS, region, drafting
    organisation, keywords) whose changes become notices (``watch_notice``)."""

    id = Serial(primary_key=True)
    account = ForeignKey(Account, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20)
    value = Varchar(length=200)
    label = Varchar(length=200, default="")
    events = Varchar(length=200, default="")  # comma-separated WatchEvent values; "" = all
    upcoming_days = Integer(default=30)
    digest = Varchar(length=20, default="daily")
    email_to = Varchar(length=254, null=True, default=None)  # null: in the app only
    webhook_url = Varchar(length=500, null=True, default=None)  # JSON POSTs, HMAC-signed
    webhook_secret = Varchar(length=100, null=True, default=None)
    created_at = Timestamptz()


class WatchNotice(Table, tablename="watch_notice"):
    """One change a watch matched: kept (read or not) until the watch is deleted. Unique per
    watch, standard (or drafting project), event and day, so runs may repeat. A notice is of a
    standard or, for a drafting project reaching a stage, of a project (the other is null)."""

    id = Serial(primary_key=True)
    watch = ForeignKey(Watch, on_delete=OnDelete.cascade, index=True)
    standard = ForeignKey(Standard, null=True, default=None, on_delete=OnDelete.cascade,
                          index=True)
    project = ForeignKey(DraftingProject, null=True, default=None, on_delete=OnDelete.cascade,
                         index=True)
    code = Varchar(length=200)
    title = Text(null=True, default=None)
    event = Varchar(length=20)
    detail = Text(default="")
    occurred_on = Date()
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)
    emailed_at = Timestamptz(null=True, default=None)
    queued_at = Timestamptz(null=True, default=None)  # put in a webhook delivery


class WebhookDelivery(Table, tablename="webhook_delivery"):
    """One POST of a watch's new notices to its webhook, and what became of it (the delivery
    log): pending until a 2xx answer, retried with backoff, failed after the last attempt."""

    id = Serial(primary_key=True)
    watch = ForeignKey(Watch, on_delete=OnDelete.cascade, index=True)
    url = Varchar(length=500)
    payload = Text(default="")
    status = Varchar(length=20, default="pending")  # pending / delivered / failed
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz()
    last_status_code = Integer(null=True, default=None)
    last_error = Text(default="")
    created_at = Timestamptz()
    delivered_at = Timestamptz(null=True, default=None)


class WatchCursor(Table, tablename="watch_cursor"):
    """How far the watch runs have read: the last change-log id and standard id seen."""

    id = Serial(primary_key=True)
    name = Varchar(length=40, unique=True)
    position = Integer(default=0)
    updated_at = Timestamptz()


class StandardReview(Table, tablename="standard_review"):
    """复审: a local standard reviewed on a day with a conclusion (continue / revise / abolish).
    One review per standard and day (unique index): re-recording it updates it."""

    id = Serial(primary_key=True)
    standard = ForeignKey(Standard, on_delete=OnDelete.cascade, index=True)
    code = Varchar(length=200)  # 标准号 as written
    reviewed_on = Date()
    conclusion = Varchar(length=20)
    note = Text(default="")
    source = Varchar(length=60, default="")  # "api", "web", "import 3"
    recorded_by = Varchar(length=200, default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ReviewReminder(Table, tablename="review_reminder"):
    """A reminder raised by the daily run: a standard due for review soon, or overdue; raised
    once per standard, kind and due date (unique), cleared when the standard is reviewed."""

    id = Serial(primary_key=True)
    standard = ForeignKey(Standard, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20)  # due / overdue
    due_on = Date()
    raised_on = Date()
    cleared_on = Date(null=True, default=None)


class ReviewImport(Table, tablename="review_import"):
    """One review-file import: files, who, when, counts and the report."""

    id = Serial(primary_key=True)
    files = Text(default="[]")
    actor = Varchar(length=200, default="")
    started_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
    created = Integer(default=0)
    updated = Integer(default=0)
    unchanged = Integer(default=0)
    rejected = Integer(default=0)
    report = Text(default="{}")


class StandardFeedback(Table, tablename="standard_feedback"):
    """Implementation feedback on a standard from the public form, moderated by staff. The
    sender's address is kept only as a salted hash, for the rate limit."""

    id = Serial(primary_key=True)
    standard = ForeignKey(Standard, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20)
    text = Text(default="")
    contact = Varchar(length=200, default="")
    status = Varchar(length=20, default="pending", index=True)
    address_hash = Varchar(length=64, default="", index=True)
    submitted_at = Timestamptz(index=True)
    moderated_at = Timestamptz(null=True, default=None)
    moderated_by = Varchar(length=200, default="")


class StandardViewCount(Table, tablename="standard_view_count"):
    """Views of a standard's page and its appearances in search results, per month: counts
    only, nobody's identity (unique standard and month)."""

    id = Serial(primary_key=True)
    standard = ForeignKey(Standard, on_delete=OnDelete.cascade, index=True)
    month = Varchar(length=7)  # 2026-12
    views = Integer(default=0)
    searches = Integer(default=0)


class TriageDecision(Table, tablename="triage_decision"):
    """A staff decision on a local standard in the cutting-and-merging triage (the latest
    per standard is in force; earlier ones are kept)."""

    id = Serial(primary_key=True)
    standard = ForeignKey(Standard, on_delete=OnDelete.cascade, index=True)
    action = Varchar(length=20)
    note = Text(default="")
    decided_on = Date()
    decided_by = Varchar(length=200, default="")
    created_at = Timestamptz()


TABLES: tuple[type[Table], ...] = (
    Account, AccountSession, SignInThrottle, Registration,
    Enterprise, Product, Declaration, Alert, DeclarationImport,
    DraftingProject, DraftingStageEntry, DraftingImport, DomainRule, StandardDomain, Goal,
    ProductFact, IndicatorCube, ProductFactStale, ForeignBody, StandardIndicator,
    DeclarationUpload, Watch, WatchNotice, WebhookDelivery, WatchCursor,
    StandardReview, ReviewReminder, ReviewImport, StandardFeedback, StandardViewCount,
    TriageDecision)

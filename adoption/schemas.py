"""Shapes that cross the adoption package's boundary: what the API and the bulk import hand in,
what readers get back. Bulk-import rows are slotted dataclasses (300,000 of them per file)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from adoption.fields import DeclaredCode, PickledByValues
from adoption.vocab import (
    AccountRole,
    AlertKind,
    IndicatorKind,
    KeyField,
    RegistrationStatus,
    WatchDigest,
    WatchEvent,
    WatchKind,
)
from standards.vocab import Status

# ---------------------------------------------------------------- accounts


class AccountRead(BaseModel):
    id: int
    role: AccountRole
    name: str
    uscc: str | None
    username: str | None = Field(default=None, description="for signing in with a password")
    token_hint: str = Field(description="the token's first characters, to tell tokens apart "
                            "('' when the account has no API token)")
    has_password: bool = False
    must_change_password: bool = Field(
        default=False, description="a temporary password: it must be replaced at sign-in")
    created_at: dt.datetime
    disabled_at: dt.datetime | None


class AccountCredential(BaseModel):
    """An active account with its token hash, for the authentication check only."""

    id: int
    role: AccountRole
    name: str
    uscc: str | None
    token_hash: str
    username: str | None = None


class PasswordLogin(BaseModel):
    """What signing in with a username needs to know of an account (never leaves the sign-in
    code: it carries the password hash)."""

    id: int
    role: AccountRole
    name: str
    uscc: str | None
    username: str
    password_hash: str | None
    must_change_password: bool
    disabled: bool


class SessionAccount(BaseModel):
    """The account behind a live browser session, with the session's CSRF token."""

    session_id: int
    csrf_token: str
    via: str
    account_id: int
    role: AccountRole
    name: str
    uscc: str | None
    username: str | None
    must_change_password: bool


# ---------------------------------------------------------------- registrations


class RegistrationInput(BaseModel):
    """A validated enterprise registration (``adoption.registrations.check_registration``)."""

    uscc: str
    name: str
    region_code: str
    contact_name: str
    contact_phone: str
    username: str


class RegistrationRead(BaseModel):
    id: int
    uscc: str
    name: str
    region_code: str
    region_name: str
    contact_name: str
    contact_phone: str
    username: str
    status: RegistrationStatus
    reason: str = Field(description="why staff rejected it ('' otherwise)")
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str
    account_id: int | None


class RegistrationPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[RegistrationRead]


class RegistrationLogin(BaseModel):
    """A registration not (or not yet) approved, as sign-in sees it: its status and reason,
    and the password hash that proves the person asking is the applicant."""

    id: int
    status: RegistrationStatus
    reason: str
    password_hash: str


# ---------------------------------------------------------------- enterprises and products


class EnterpriseInput(BaseModel):
    """A validated enterprise (see :func:`adoption.repository.check_enterprise`)."""

    uscc: str
    name: str
    region_code: str
    sector: str = ""
    key_fields: list[KeyField] = Field(default_factory=list)


class EnterpriseRead(BaseModel):
    id: int
    uscc: str
    name: str
    region_code: str
    region_name: str = Field(description="province, city and county names of the region code")
    sector: str
    key_fields: list[KeyField]
    created_at: dt.datetime
    updated_at: dt.datetime


class EnterprisePage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[EnterpriseRead]


class ProductInput(BaseModel):
    """A validated product (see :func:`adoption.repository.check_product`)."""

    name: str
    model: str = ""
    category: str = ""
    main: bool = False
    sector: str = ""


class ProductRead(BaseModel):
    id: int
    uscc: str
    enterprise_name: str
    name: str
    model: str
    category: str
    main: bool
    sector: str
    registered_on: dt.date | None
    discontinued_on: dt.date | None
    active_declarations: int
    created_at: dt.datetime
    updated_at: dt.datetime


class ProductPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[ProductRead]


# ---------------------------------------------------------------- declarations and alerts


class DeclaredStandard(BaseModel):
    """The catalogue edition a declaration resolves to, as of today."""

    id: int
    code: str
    title_zh: str | None
    status: Status


class DeclarationRead(BaseModel):
    id: int
    product_id: int
    product_name: str
    product_model: str
    uscc: str
    enterprise_name: str
    declared_code: str = Field(description="the code as the enterprise wrote it")
    code: str = Field(description="the catalogue key it means (normalized)")
    undated: bool = Field(description="an undated code follows the edition in force")
    resolved: bool = Field(description="false while the catalogue does not hold the code")
    standard: DeclaredStandard | None
    declared_on: dt.date
    withdrawn_on: dt.date | None
    withdrawn_reason: str | None
    active: bool
    alert: AlertKind | None = Field(default=None, description="kind of its open alert, if any")


class DeclarationPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[DeclarationRead]


class DeclarationOutcome(BaseModel):
    """What declaring did: the new declaration and the ones it superseded (older editions)."""

    declaration: DeclarationRead
    superseded: list[DeclarationRead]


class AlertRead(BaseModel):
    id: int
    kind: AlertKind
    message: str = Field(description="what happened and what to do, Chinese first")
    declaration_id: int
    product_id: int
    product_name: str
    product_model: str
    uscc: str
    enterprise_name: str
    declared_code: str
    code: str = Field(description="the edition concerned")
    standard_id: int | None
    successors: list[str] = Field(description="codes of the editions that replace it")
    effective_on: dt.date | None = Field(description="start of a not-yet-implemented standard")
    raised_at: dt.datetime
    cleared_at: dt.datetime | None


class AlertPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[AlertRead]


class DeclarationWarning(BaseModel):
    """Why a choice deserves a second look before it is saved."""

    kind: AlertKind = Field(description="the alert the declaration would raise")
    message: str = Field(description="Chinese first, English beside it")


class CheckedStandard(BaseModel):
    """The catalogue edition a code resolves to, with the dates its status comes from."""

    id: int
    code: str
    title_zh: str | None
    status: Status
    effective_on: dt.date | None = Field(description="in force from (implemented, else "
                                         "published)")
    withdrawn_on: dt.date | None


class DeclarationCheck(BaseModel):
    """What declaring a code would mean today, said before anything is saved."""

    declared_code: str = Field(description="the code as written, spaces collapsed")
    code: str = Field(description="the catalogue key it means")
    undated: bool
    resolved: bool = Field(description="false: the catalogue does not hold the code (yet)")
    standard: CheckedStandard | None
    successors: list[str] = Field(description="editions that replace it")
    warnings: list[DeclarationWarning]
    needs_confirmation: bool = Field(description="withdrawn, replaced or not yet in force: "
                                     "declaring it needs confirm=true")


class DeclarationEvent(BaseModel):
    """One step in a declaration's life."""

    event: str = Field(description="declared, alert_raised, alert_cleared, superseded, "
                       "withdrawn")
    on: dt.date | None = Field(description="the day it took effect")
    at: dt.datetime | None = Field(description="when it was recorded")
    detail: str = ""
    alert: AlertKind | None = None
    related_declaration: int | None = Field(default=None, description="the declaration that "
                                            "took its place")


class DeclarationHistory(BaseModel):
    declaration: DeclarationRead
    source: str = Field(description="how it was made: api, portal, import N")
    events: list[DeclarationEvent] = Field(description="oldest first")


class SuccessorChoice(BaseModel):
    """An edition that replaces the declared one, as a re-declaration choice."""

    code: str
    standard_id: int | None
    title_zh: str | None
    status: Status | None = Field(description="null: the catalogue does not hold it")
    effective_on: dt.date | None


class InboxItem(AlertRead):
    """An alert as the enterprise's inbox shows it: when the edition stopped being the one in
    force, and what it may re-declare in one step."""

    replaced_on: dt.date | None = Field(description="withdrawn on, else the day its first "
                                        "successor came into force")
    choices: list[SuccessorChoice]
    redeclare_code: str | None = Field(description="the successor a one-click re-declare "
                                       "takes (the only one in force), or null")


class InboxPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[InboxItem]


# ---------------------------------------------------------------- enterprise standards


class IndicatorInput(BaseModel):
    """A validated indicator (see :func:`adoption.enterprise_standards.check_indicators`)."""

    kind: IndicatorKind
    name: str
    value: str = ""
    unit: str = ""
    test_method: str = ""


class IndicatorRead(IndicatorInput):
    position: int


class EnterpriseStandardRead(BaseModel):
    """An enterprise standard (Q/...) in the catalogue, owned by the enterprise that declared
    it, with its current indicators."""

    id: int
    code: str
    title_zh: str | None
    status: Status
    published_on: dt.date | None
    implemented_on: dt.date | None
    withdrawn_on: dt.date | None
    owner_uscc: str | None
    owner_name: str | None
    indicators: list[IndicatorRead]


# ---------------------------------------------------------------- public pages


class PublicDeclaration(BaseModel):
    id: int
    declared_code: str
    code: str
    declared_on: dt.date
    standard: DeclaredStandard | None = Field(description="null while unresolved")


class PublicProduct(BaseModel):
    id: int
    name: str
    model: str
    category: str
    registered_on: dt.date | None
    declarations: list[PublicDeclaration]


class PublicEnterprise(BaseModel):
    """What anyone may see of an enterprise (as the national platform publishes it): its
    active products, the standards they are declared to follow and their status today, and
    its own enterprise standards with their indicators."""

    uscc: str
    name: str
    region_code: str
    region_name: str
    as_of: dt.date
    products_total: int
    page: int
    page_size: int
    products: list[PublicProduct]
    standards: list[EnterpriseStandardRead]


# ---------------------------------------------------------------- bulk import rows


@dataclass(frozen=True, slots=True)
class EnterpriseFacts(PickledByValues):
    """What one import row says about its enterprise; ``None`` means the row does not say."""

    uscc: str
    name: str | None
    region_code: str | None
    sector: str | None
    key_fields: tuple[KeyField, ...] | None


@dataclass(frozen=True, slots=True)
class ProductFacts(PickledByValues):
    name: str
    model: str
    category: str | None
    main: bool | None
    sector: str | None


@dataclass(frozen=True, slots=True)
class DeclarationRow(PickledByValues):
    """One validated row of a bulk self-declaration file (docs/formats.md §2)."""

    location: str
    enterprise: EnterpriseFacts
    product: ProductFacts
    codes: tuple[DeclaredCode, ...]
    declared_on: dt.date | None


# ---------------------------------------------------------------- indicators (docs/indicators.md)


class IndicatorGroup(BaseModel):
    key: str = Field(description="group key: a GB/T 2260 code (220100), a sector, a key field")
    label: str = Field(description="Chinese name, e.g. 长春市")
    numerator: int
    denominator: int
    rate: float | None = Field(description="numerator / denominator; null when it is 0")
    not_counted: dict[str, int] = Field(default_factory=dict)


class IndicatorReport(BaseModel):
    """An indicator as of a day (docs/json.md): what was counted, of what, and what was not and
    why; the rules it was computed under."""

    indicator: str
    title: str = ""
    as_of: dt.date
    rules: dict[str, Any]
    scope: dict[str, str | None] = Field(default_factory=dict)
    group_by: str | None = None
    numerator: int
    denominator: int
    rate: float | None
    groups: list[IndicatorGroup] = Field(default_factory=list)
    not_counted: dict[str, int]
    reason_labels: dict[str, str] = Field(default_factory=dict)
    computed_from: str = Field(default="", description="facts (kept current), stored (a past "
                               "day's cube stored in the database), facts+declarations or "
                               "declarations (computed for a past day) or catalogue")


class NotCountedItem(BaseModel):
    """A product (coverage, adoption) or a standard (standard-adoption, conversion) that was
    not counted, and why."""

    reason: str
    uscc: str | None = None
    enterprise_name: str | None = None
    product_id: int | None = None
    product_name: str | None = None
    product_model: str | None = None
    main: bool | None = None
    region_code: str | None = None
    region_name: str | None = None
    declared_codes: list[str] = Field(default_factory=list)
    standard_id: int | None = None
    code: str | None = None
    title_zh: str | None = None


class NotCountedPage(BaseModel):
    indicator: str
    as_of: dt.date
    reason: str | None
    rules: dict[str, Any]
    total: int
    page: int
    page_size: int
    items: list[NotCountedItem]


class ForeignBodyRead(BaseModel):
    body: str = Field(description="first word of the codes it issues: ASTM, DIN, JIS")
    name: str


EMAIL_PATTERN = r"^[^@\s<>,;]{1,64}@[^@\s<>,;]{1,189}\.[^@\s<>,;.]{1,63}$"


class WatchCreate(BaseModel):
    """A watch to save (关注): what it follows, which events, how it is told."""

    kind: WatchKind
    value: str = Field(min_length=1, max_length=200, description=(
        "code: any spelling of a code (its family: every edition); prefix: QC/T, DB22/T, "
        "GB/T 7714; ics: 43.040; ccs: T24; region: 22 or 2201; organisation: words of a "
        "drafting organisation, committee or department; query: words all found in the "
        "title or scope"))
    label: str = Field(default="", max_length=200)
    events: list[WatchEvent] = Field(default_factory=list, max_length=10,
                                     description="empty: every event")
    upcoming_days: int = Field(default=30, ge=1, le=365,
                               description="tell of implementation this many days ahead")
    digest: WatchDigest = WatchDigest.DAILY
    email_to: str | None = Field(default=None, max_length=254, pattern=EMAIL_PATTERN)
    webhook_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://[^\s]+$",
                                    description="new notices are POSTed here as JSON")
    webhook_secret: str | None = Field(default=None, min_length=16, max_length=100,
                                       description="signs each POST: X-Stdtrack-Signature: "
                                       "sha256=HMAC-SHA256(secret, body) in hex")


class WatchRead(WatchCreate):
    id: int
    created_at: dt.datetime
    webhook_secret: str | None = Field(default=None, exclude=True)  # never shown again
    has_webhook_secret: bool = False


class WebhookDeliveryRead(BaseModel):
    """One POST of new notices to a watch's webhook (the delivery log)."""

    id: int
    watch_id: int
    url: str
    status: str = Field(description="pending, delivered or failed (after the last attempt)")
    attempts: int
    notices: int
    next_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None


class WatchNoticeRead(BaseModel):
    """A change a watch matched."""

    id: int
    watch_id: int
    watch_label: str
    standard_id: int | None = Field(description="the standard (null: a drafting project's "
                                    "notice)")
    project_id: int | None = Field(default=None, description="the drafting project of a "
                                   "stage notice (event: stage)")
    code: str = Field(description="the standard's code, or the project's plan number")
    title: str | None
    event: WatchEvent
    detail: str
    occurred_on: dt.date
    created_at: dt.datetime
    read_at: dt.datetime | None


class WatchNoticePage(BaseModel):
    total: int
    unread: int
    page: int
    page_size: int
    items: list[WatchNoticeRead]

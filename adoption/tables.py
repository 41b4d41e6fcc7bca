"""Piccolo tables of the adoption package. They never leave it: see repository.py.

Nothing here is hard-deleted: accounts are disabled, products discontinued, declarations
withdrawn and alerts cleared, each with the day or moment it happened.
"""

from piccolo.columns import (
    Boolean,
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

from standards.tables import Standard


class Account(Table, tablename="account"):
    """An API token holder: staff, leader, or an enterprise bound to one USCC."""

    id = Serial(primary_key=True)
    role = Varchar(length=20)
    name = Varchar(length=200, default="")
    uscc = Varchar(length=18, null=True, default=None, index=True)
    token_hash = Varchar(length=64, unique=True)  # sha256 hex of the token; the token is not kept
    token_hint = Varchar(length=12, default="")  # its first characters, to tell tokens apart
    created_at = Timestamptz()
    disabled_at = Timestamptz(null=True, default=None)


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


TABLES: tuple[type[Table], ...] = (
    Account, Enterprise, Product, Declaration, Alert, DeclarationImport)

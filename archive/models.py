"""Database models (SQLAlchemy 2.0 style). Portable types only: SQLite and PostgreSQL.

The schema follows ../shared/DESIGN.md: documents with their pages and fields, outlets, orders and the
links between orders and documents, paper originals with their events, transfer registers, storage boxes,
destruction acts, the intake ledger, users and API tokens, and the audit trail.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from finarchive.names import printable

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(18, 2, asdecimal=True)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class DocumentStatus(StrEnum):
    RECEIVED = "received"
    PROCESSED = "processed"
    NEEDS_REVIEW = "needs_review"
    VERIFIED = "verified"
    REJECTED = "rejected"


class FieldSource(StrEnum):
    EXTRACTED = "extracted"
    CORRECTED = "corrected"
    HINT = "hint"  # from a cover sheet / manifest / mailbox rule
    LEARNED = "learned"  # from the supplier memory: where verified documents of this supplier print it


class OriginalState(StrEnum):
    NOT_REQUIRED = "not_required"
    EXPECTED = "expected"
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"
    ARCHIVED = "archived"
    ISSUED = "issued"
    LOST = "lost"
    DESTROYED = "destroyed"


class LinkMethod(StrEnum):
    ORDER_NO = "order_no"
    BARCODE = "barcode"
    SUGGESTION = "suggestion"
    MANUAL = "manual"


class LinkState(StrEnum):
    CONFIRMED = "confirmed"
    SUGGESTED = "suggested"
    REJECTED = "rejected"


class IntakeOutcome(StrEnum):
    ARCHIVED = "archived"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"
    FAILED = "failed"
    PENDING = "pending"


class Role(StrEnum):
    OUTLET = "outlet"
    ACCOUNTANT = "accountant"
    MANAGER = "manager"
    ADMIN = "admin"


class Outlet(Base):
    __tablename__ = "outlet"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(255))
    address: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Document(Base):
    __tablename__ = "document"
    __table_args__ = (
        Index("ix_document_type_date", "doc_type", "doc_date"),
        # the pages' lists (migration 0010): equality filters, then the sort key and id (archive/paging.py)
        Index("ix_document_queue", "status", "created_at", "id"),
        Index("ix_document_queue_outlet", "status", "outlet_id", "created_at", "id"),
        Index("ix_document_queue_type", "status", "doc_type", "created_at", "id"),
        Index("ix_document_outlet_created", "outlet_id", "created_at", "id"),
        Index("ix_document_outlet_status", "outlet_id", "status"),
        Index("ix_document_doc_date", "doc_date"),
        Index("ix_document_total", "total"),
        Index("ix_document_type_outlet_date", "doc_type", "outlet_id", "doc_date"),  # an outlet's Z-reports (0012)
        Index("ix_document_type_created", "doc_type", "created_at", "id"),  # the list by type, newest first (0013)
        Index("ix_document_type_id", "doc_type", "id"),  # the list sorted by type, each type in id order (0015)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(512))
    media_type: Mapped[str | None] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(32), default="import")
    source_ref: Mapped[str | None] = mapped_column(Text)  # path, message id, upload id
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id"), index=True)
    status: Mapped[str] = mapped_column(String(32), default=DocumentStatus.RECEIVED, index=True)
    doc_type: Mapped[str | None] = mapped_column(String(32))
    doc_type_confidence: Mapped[float | None] = mapped_column(Float)
    doc_type_source: Mapped[str] = mapped_column(String(16), default=FieldSource.EXTRACTED)
    # Denormalised key fields for listing, filtering and linking; the Field rows are the truth.
    number: Mapped[str | None] = mapped_column(String(128), index=True)
    doc_date: Mapped[dt.date | None] = mapped_column(Date)
    total: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str | None] = mapped_column(String(3))
    order_no: Mapped[str | None] = mapped_column(String(128), index=True)
    seller_inn: Mapped[str | None] = mapped_column(String(12), index=True)
    buyer_inn: Mapped[str | None] = mapped_column(String(12), index=True)
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    searchable_pdf: Mapped[str | None] = mapped_column(String(512))  # blob-store relative path
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    processed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    verified_by: Mapped[str | None] = mapped_column(String(128))

    outlet: Mapped[Outlet | None] = relationship()
    pages: Mapped[list[Page]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="Page.number"
    )
    fields: Mapped[list[Field]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="Field.id"
    )
    original: Mapped[Original | None] = relationship(back_populates="document", uselist=False)
    links: Mapped[list[OrderLink]] = relationship(back_populates="document", cascade="all, delete-orphan")

    @validates("filename", "source_ref")
    def _printable(self, key: str, value: str | None) -> str | None:
        """A name from a file system or a mail header as text the database takes (non-UTF-8 bytes spelled
        out, cut to the column's length)."""
        return None if value is None else printable(value, limit=512 if key == "filename" else None)

    def field_values(self) -> dict[str, str]:
        return {f.name: f.value for f in self.fields}

    @property
    def text(self) -> str:
        return "\n\n".join(p.text or "" for p in self.pages)


class Page(Base):
    __tablename__ = "page"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_page_document_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    text_source: Mapped[str] = mapped_column(String(16), default="ocr")
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    skew: Mapped[float] = mapped_column(Float, default=0.0)
    mean_confidence: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text, default="")
    # Every word as [text, confidence, x0, y0, x1, y1, line, block]: the layout the extractors read.
    words: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    # The texts of the page's QR codes, top to bottom (a receipt's fiscal QR: its exact date, total, ФН, ФД, ФП);
    # NULL on pages stored before migration 0003.
    codes: Mapped[list[str] | None] = mapped_column(JSON)
    image: Mapped[str | None] = mapped_column(String(512))  # cleaned page image, blob-store relative
    thumbnail: Mapped[str | None] = mapped_column(String(512))
    error: Mapped[str | None] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="pages")


class Field(Base):
    __tablename__ = "field"
    __table_args__ = (UniqueConstraint("document_id", "name", name="uq_field_document_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column(Float)
    page: Mapped[int | None] = mapped_column(Integer)
    box: Mapped[list[int] | None] = mapped_column(JSON)  # [x0, y0, x1, y1] in the page's pixel space
    raw: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default=FieldSource.EXTRACTED)
    extracted_value: Mapped[str | None] = mapped_column(Text)  # what the extractor said, kept after a correction
    note: Mapped[str | None] = mapped_column(Text)  # where the value came from, for the desk (a learned field)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(128))

    document: Mapped[Document] = relationship(back_populates="fields")


class SupplierLesson(Base):
    """What one verified document teaches the supplier memory (classify/learned): who the supplier is, the
    type, where each field sits. Rebuilt from verified documents by `finarchive train`."""

    __tablename__ = "supplier_lesson"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), unique=True)
    supplier_key: Mapped[str] = mapped_column(String(128), index=True)  # inn:<INN> or layout:<fingerprint>
    supplier_name: Mapped[str | None] = mapped_column(String(512))
    format: Mapped[int] = mapped_column(Integer)  # classify.learned.LESSON_FORMAT it was written in
    lesson: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DocumentCopy(Base):
    """A scan and an electronic document (ЭДО) of one document: the same seller INN, number and date
    (archive/reconcile.py). ``differences`` lists the fields they give differently, for the accountant."""

    __tablename__ = "document_copy"
    __table_args__ = (UniqueConstraint("paper_id", "electronic_id", name="uq_document_copy_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    electronic_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    differences: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{field, paper, electronic}]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Order(Base):
    __tablename__ = "sales_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_no: Mapped[str] = mapped_column(String(128), unique=True)  # normalised
    order_date: Mapped[dt.date | None] = mapped_column(Date)
    customer_name: Mapped[str | None] = mapped_column(String(512))
    customer_inn: Mapped[str | None] = mapped_column(String(12), index=True)
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id"), index=True)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    manager: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[str | None] = mapped_column(String(64))  # which completeness rule applies
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    outlet: Mapped[Outlet | None] = relationship()
    links: Mapped[list[OrderLink]] = relationship(back_populates="order", cascade="all, delete-orphan")


class OrderLink(Base):
    __tablename__ = "order_link"
    __table_args__ = (UniqueConstraint("order_id", "document_id", name="uq_order_link_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default=LinkState.CONFIRMED)
    score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(128))

    order: Mapped[Order] = relationship(back_populates="links")
    document: Mapped[Document] = relationship(back_populates="links")


class TransferRegister(Base):
    """A batch of originals an outlet sends to head office (реестр передачи документов)."""

    __tablename__ = "transfer_register"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="sent")  # sent | received | closed
    pdf: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(128))
    received_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    outlet: Mapped[Outlet] = relationship()


class StorageBox(Base):
    __tablename__ = "storage_box"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    location: Mapped[str | None] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | closed | destroyed
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DestructionAct(Base):
    """Акт об уничтожении: which originals were destroyed, when and by whom."""

    __tablename__ = "destruction_act"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    box_id: Mapped[int | None] = mapped_column(ForeignKey("storage_box.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str | None] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    pdf: Mapped[str | None] = mapped_column(String(512))


class Original(Base):
    """The paper original of a document, tracked from the outlet to a box and to destruction."""

    __tablename__ = "original"
    __table_args__ = (Index("ix_original_owed", "state", "outlet_id", "due_date", "id"),)  # the originals desk

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), unique=True)
    barcode: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(16), default=OriginalState.EXPECTED, index=True)
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id"), index=True)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    register_id: Mapped[int | None] = mapped_column(ForeignKey("transfer_register.id"), index=True)
    box_id: Mapped[int | None] = mapped_column(ForeignKey("storage_box.id"), index=True)
    keep_until: Mapped[dt.date | None] = mapped_column(Date)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    hold_reason: Mapped[str | None] = mapped_column(Text)
    issued_to: Mapped[str | None] = mapped_column(String(255))
    issued_until: Mapped[dt.date | None] = mapped_column(Date)
    lost_reason: Mapped[str | None] = mapped_column(Text)
    destruction_act_id: Mapped[int | None] = mapped_column(ForeignKey("destruction_act.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    document: Mapped[Document] = relationship(back_populates="original")
    outlet: Mapped[Outlet | None] = relationship()
    register: Mapped[TransferRegister | None] = relationship()
    box: Mapped[StorageBox | None] = relationship()
    events: Mapped[list[OriginalEvent]] = relationship(
        back_populates="original", cascade="all, delete-orphan", order_by="OriginalEvent.id"
    )


class OriginalEvent(Base):
    __tablename__ = "original_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    original_id: Mapped[int] = mapped_column(ForeignKey("original.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str | None] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    register_id: Mapped[int | None] = mapped_column(ForeignKey("transfer_register.id"))
    box_id: Mapped[int | None] = mapped_column(ForeignKey("storage_box.id"))

    original: Mapped[Original] = relationship(back_populates="events")


class IntakeRecord(Base):
    """The intake ledger: what each source took, when, and what became of it."""

    __tablename__ = "intake_record"
    __table_args__ = (
        Index("ix_intake_source_ref", "source", "source_ref"),
        Index("ix_intake_outlet_outcome", "outlet_code", "outcome", "id"),  # an outlet's intake problems
        Index("ix_intake_source_outcome", "source", "outcome"),  # `stats` counts intake in it (migration 0011)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))  # import | watch | mail | upload | api
    source_ref: Mapped[str | None] = mapped_column(Text)  # path, message key, upload id
    filename: Mapped[str | None] = mapped_column(String(512))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    size: Mapped[int | None] = mapped_column(Integer)
    outlet_code: Mapped[str | None] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(16), default=IntakeOutcome.PENDING, index=True)
    reason: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    quarantine_path: Mapped[str | None] = mapped_column(String(1024))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)

    @validates("filename", "source_ref", "message", "quarantine_path")
    def _printable(self, key: str, value: str | None) -> str | None:
        """As :meth:`Document._printable`: a message may quote a file's name."""
        return None if value is None else printable(value, limit=512 if key == "filename" else None)


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(128), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(255))  # where tasks, reminders and escalations go
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    language: Mapped[str | None] = mapped_column(String(8))  # the desk's language ("ru", "en"); None: the browser's

    outlet: Mapped[Outlet | None] = relationship()


class WebSession(Base):
    """A browser login, kept on the server: the cookie carries only a random id whose SHA-256 is stored here,
    so logging out, a password change, disabling the user or an admin revokes it at once."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(64))  # logout, password, disabled, admin

    user: Mapped[User] = relationship()


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditEvent(Base):
    """Who changed what, when: old and new values. Shown on a document's history."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(128), default="system")
    action: Mapped[str] = mapped_column(String(64))  # e.g. document.created, field.corrected
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(Integer)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"), index=True)
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class TaskState(StrEnum):
    OPEN = "open"
    DONE = "done"  # the work was done (the document verified, the original received) or closed by hand
    CANCELLED = "cancelled"


class Task(Base):
    """Work a route gave someone: an assignee, a deadline, a controller who hears when it is late."""

    __tablename__ = "task"
    __table_args__ = (Index("ix_task_assignee_state", "assignee", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    event: Mapped[str] = mapped_column(String(32))  # the route event that made it (archived, needs_review, ...)
    route: Mapped[str | None] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255), index=True)  # document:12, original:7, order:ЗК-1, ...
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("sales_order.id", ondelete="SET NULL"), index=True)
    outlet_code: Mapped[str | None] = mapped_column(String(64))
    assignee: Mapped[str] = mapped_column(String(128))  # a user name
    assignee_group: Mapped[str | None] = mapped_column(String(128))  # the group it was given to, when it was
    controller: Mapped[str | None] = mapped_column(String(128))
    due_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    state: Mapped[str] = mapped_column(String(16), default=TaskState.OPEN, index=True)
    closes_on: Mapped[list[str]] = mapped_column(JSON, default=list)  # events of its subject that close it
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(128))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[str | None] = mapped_column(String(128))
    close_note: Mapped[str | None] = mapped_column(Text)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    escalated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class RouteEvent(Base):
    """One event routes were asked about: what happened, to what, and when. An event found by a sweep
    (an original overdue, an order still incomplete) has a ``key`` and is raised once."""

    __tablename__ = "route_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(32), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    key: Mapped[str | None] = mapped_column(String(255), unique=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str | None] = mapped_column(String(128))
    routes: Mapped[list[str]] = mapped_column(JSON, default=list)  # names of the routes that matched


class NotificationState(StrEnum):
    PENDING = "pending"  # waiting for its first or next attempt
    SENT = "sent"
    FAILED = "failed"  # every attempt failed; kept with its last error
    SKIPPED = "skipped"  # nobody to send it to (a user without an e-mail address)


class Notification(Base):
    """An e-mail or webhook call waiting to go out (an outbox): written in the transaction of what it tells,
    sent after it commits, retried with backoff. Every attempt is a :class:`Delivery`."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # email | webhook
    target: Mapped[str] = mapped_column(Text)  # e-mail addresses (comma-separated) or the URL
    event: Mapped[str] = mapped_column(String(32))
    route: Mapped[str | None] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(Text)  # the e-mail's subject line, or the event's subject key
    body: Mapped[str] = mapped_column(Text, default="")  # the e-mail's text, or the webhook's JSON
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="SET NULL"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=NotificationState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime)  # being sent by a process until then
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="notification", cascade="all, delete-orphan", order_by="Delivery.id"
    )


class Delivery(Base):
    """One attempt to send a notification: when, whether it went through, what the other side said."""

    __tablename__ = "delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id", ondelete="CASCADE"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    ok: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str | None] = mapped_column(String(64))  # HTTP status, SMTP reply code
    error: Mapped[str | None] = mapped_column(Text)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)

    notification: Mapped[Notification] = relationship(back_populates="deliveries")


class ApprovalState(StrEnum):
    IN_PROGRESS = "in_progress"
    APPROVED = "approved"
    REJECTED = "rejected"


class StepState(StrEnum):
    WAITING = "waiting"  # an earlier stage is not through yet
    PENDING = "pending"  # its approver has the task
    APPROVED = "approved"
    REJECTED = "rejected"
    SKIPPED = "skipped"  # its condition (an amount) does not hold for this document
    CANCELLED = "cancelled"  # another step rejected the document first


class Approval(Base):
    """One document going along an approval route (согласование): its steps in stages, each a task."""

    __tablename__ = "approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))  # the [[approvals]] route's name
    state: Mapped[str] = mapped_column(String(16), default=ApprovalState.IN_PROGRESS, index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started_by: Mapped[str | None] = mapped_column(String(128))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    steps: Mapped[list[ApprovalStep]] = relationship(
        back_populates="approval", cascade="all, delete-orphan", order_by="ApprovalStep.position"
    )


class ApprovalStep(Base):
    __tablename__ = "approval_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    approval_id: Mapped[int] = mapped_column(ForeignKey("approval.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    stage: Mapped[int] = mapped_column(Integer)  # steps of one stage run in parallel, stages one after another
    name: Mapped[str] = mapped_column(String(255))
    assignee: Mapped[str | None] = mapped_column(String(128))  # who got the task (set when the stage starts)
    group: Mapped[str | None] = mapped_column(String(128))
    due_days: Mapped[float] = mapped_column(Float, default=1.0)
    state: Mapped[str] = mapped_column(String(16), default=StepState.WAITING)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="SET NULL"))
    comment: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    approval: Mapped[Approval] = relationship(back_populates="steps")


class SavedSearch(Base):
    """A user's named document list: its filters, full text and sort as the list's query string."""

    __tablename__ = "saved_search"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_search_user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    query: Mapped[str] = mapped_column(Text)  # e.g. "status=needs_review&outlet=MSK-01&sort=-total"
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CounterpartyDocument(Base):
    """A document filed into a counterparty's dossier by hand (досье контрагента): one its fields do not tie
    to the counterparty's INN (a card of bank details is ``other`` and has none), with the dossier item it is."""

    __tablename__ = "counterparty_document"
    __table_args__ = (UniqueConstraint("inn", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inn: Mapped[str] = mapped_column(String(12), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    item: Mapped[str | None] = mapped_column(String(64))  # a dossier item (bank_details) or None: by its doc type
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(128))

    document: Mapped[Document] = relationship()


class ArchiveCount(Base):
    """A change of one of the archive's counts (archive/counts.py): written by the database's triggers when a
    document, page, original or intake record comes, goes or changes status, type, outlet, state or outcome;
    a count is the sum of its rows (folded into one from time to time)."""

    __tablename__ = "archive_count"
    __table_args__ = (Index("ix_archive_count_kind_key", "kind", "key"),)  # one count's rows (an outlet's)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # status | type | outlet | pages | original | intake
    key: Mapped[str] = mapped_column(String(64), default="")  # the status, type, outlet id, state, source; '' NULL
    sub: Mapped[str] = mapped_column(String(32), default="")  # the intake's outcome
    n: Mapped[int] = mapped_column(Integer)

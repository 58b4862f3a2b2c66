"""Documents, outlets and orders made directly with SQLAlchemy (as the pipeline's commit step leaves them)."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.models import Document, DocumentStatus, Field, FieldSource, Order, Outlet

_serial = itertools.count(1)


def outlet(session: Session, code: str = "SPB-02") -> Outlet:
    row = session.scalar(select(Outlet).where(Outlet.code == code))
    if row is None:
        row = Outlet(code=code, name=f"Точка {code}")
        session.add(row)
        session.flush()
    return row


def document(
    session: Session,
    doc_type: str = "waybill",
    *,
    outlet_code: str | None = "SPB-02",
    number: str | None = None,
    doc_date: dt.date | None = dt.date(2026, 3, 14),
    total: str | None = "235730.00",
    order_no: str | None = None,
    buyer_inn: str | None = "7736207543",
    order_no_source: str = FieldSource.EXTRACTED,
) -> Document:
    """A committed-looking document: fields, outlet and denormalised key fields, flushed."""
    n = next(_serial)
    doc = Document(
        sha256=hashlib.sha256(f"doc-{n}-{doc_type}".encode()).hexdigest(),
        filename=f"scan_{n:03d}.png",
        media_type="image/png",
        size=1000 + n,
        status=DocumentStatus.PROCESSED,
        doc_type=doc_type,
        doc_type_confidence=0.95,
        number=number or str(4500 + n),
        doc_date=doc_date,
        total=Decimal(total) if total is not None else None,
        order_no=order_no,
        buyer_inn=buyer_inn,
        seller_inn="7707083893",
        page_count=1,
        outlet=outlet(session, outlet_code) if outlet_code else None,
    )
    values = {"number": doc.number, "date": doc_date.isoformat() if doc_date else None, "total": total,
              "order_no": order_no, "buyer_inn": buyer_inn}
    for name, value in values.items():
        if value is not None:
            doc.fields.append(Field(name=name, value=value, confidence=0.9,
                                    source=order_no_source if name == "order_no" else FieldSource.EXTRACTED))
    session.add(doc)
    session.flush()
    return doc


def order(session: Session, order_no: str, *, amount: str | None = "235730.00", inn: str | None = "7736207543",
          date: dt.date | None = dt.date(2026, 3, 12), kind: str = "wholesale", outlet_code: str | None = "SPB-02",
          ) -> Order:
    row = Order(order_no=order_no, order_date=date, customer_name="ООО «Василёк»", customer_inn=inn,
                amount=Decimal(amount) if amount else None, manager="Петров", kind=kind,
                outlet=outlet(session, outlet_code) if outlet_code else None)
    session.add(row)
    session.flush()
    return row

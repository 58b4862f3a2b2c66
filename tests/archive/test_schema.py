from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import inspect, select

from archive.db import current_revision
from archive.models import Base, Document, DocumentStatus, Field, Original, OriginalState, Outlet, Page


def _head() -> str | None:
    from alembic.script import ScriptDirectory

    from archive.db import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def test_migrations_create_every_model_table(archive) -> None:
    tables = set(inspect(archive.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert current_revision(archive.engine) == _head()


def test_document_round_trip_keeps_money_dates_and_json(archive) -> None:
    with archive.transaction() as s:
        outlet = Outlet(code="MSK-01", name="Тверская, 7")
        doc = Document(sha256="a" * 64, filename="накладная.pdf", outlet=outlet, doc_type="waybill",
                       status=DocumentStatus.NEEDS_REVIEW, total=Decimal("235730.00"),
                       doc_date=dt.date(2026, 3, 14), problems=[{"code": "vat_arithmetic", "message": "x"}])
        doc.pages.append(Page(number=1, text="Товарная накладная", words=[["Товарная", 0.93, 1, 2, 3, 4, 0, 0]]))
        doc.fields.append(Field(name="total", value="235730.00", confidence=0.9, page=1, box=[1, 2, 3, 4]))
        s.add(doc)
        s.add(Original(document=doc, barcode="OR-000001", state=OriginalState.EXPECTED, outlet=outlet))
    with archive.transaction() as s:
        doc = s.scalars(select(Document)).one()
        assert doc.total == Decimal("235730.00")
        assert doc.doc_date == dt.date(2026, 3, 14)
        assert doc.pages[0].words[0][0] == "Товарная"
        assert doc.fields[0].box == [1, 2, 3, 4]
        assert doc.problems[0]["code"] == "vat_arithmetic"
        assert doc.original.state == "expected"
        assert doc.outlet.code == "MSK-01"


def test_the_type_and_id_index_is_analysed_where_the_archive_was(tmp_path) -> None:
    """Migration 0015 on an analysed SQLite archive gives its new index figures: without them the planner took
    it for a selective one and read a whole type through it for an outlet's Z-reports."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from archive.db import alembic_config

    url = f"sqlite:///{tmp_path / 'a.db'}"
    engine = create_engine(url)
    cfg = alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0014")
        conn.execute(text("INSERT INTO document (id, sha256, filename, media_type, size, source, status, doc_type, "
                          "doc_type_source, currency, page_count, problems, created_at) SELECT value, hex(value), "
                          "'f.pdf', 'application/pdf', 1, 'upload', 'processed', 'receipt', 'extracted', 'RUB', 1, "
                          "'[]', '2026-12-01' FROM json_each('[1,2,3,4,5,6,7,8]')"))
        conn.execute(text("ANALYZE"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        stat = conn.execute(text("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_document_type_id'")).scalar()
        gone = conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 'ix_document_doc_type'")).scalar()
    assert stat is not None and stat.startswith("8 8") and gone == 0
    engine.dispose()

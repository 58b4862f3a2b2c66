"""Fill an empty archive with N realistic document rows, in minutes, to measure the pages at scale.

What a chain of 40 outlets accumulates over three years, as the commit step leaves it: documents of every
type of ../shared/DESIGN.md with their page text (bench/search_latency.py's synthetic texts), key fields
and Field rows, outlets, CRM orders with the documents linked to them, paper originals in the state their
age gives them (expected and in transit for recent ones, received, filed in boxes, issued, lost) with
every movement as an event, transfer registers, storage boxes, the intake ledger, the audit trail, and a
review backlog (mostly recent documents, a few old stragglers). No OCR, no blobs: rows only, written by
bulk insert (executemany on SQLite, COPY on PostgreSQL), and the search index of the archive's configured
backend fed with the same records in the same pass.

    nice .venv/bin/python bench/make_archive.py --home /var/tmp/fa-1m --docs 1000000
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/fa1m] [--no-index] [--seed 16]

The archive must be new or empty. Deterministic for a seed; today's date anchors the ages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from search_latency import OUTLETS, SELLERS, inn, make_record
from sqlalchemy import JSON, Date, DateTime, Engine, Numeric, func, select, text
from sqlalchemy.orm import Session

from archive.counts import create_triggers, drop_triggers, recount
from archive.models import Base, Document
from archive.originals import ORIGINAL_PREFIX, REGISTER_PREFIX
from archive.store import Archive
from search import SearchRecord

CHUNK = 5_000
YEARS = 3
DUE_DAYS = 14
NEEDS_ORIGINAL = {"waybill", "upd", "vat_invoice", "invoice", "act", "contract", "z_report"}
LINKED_TYPES = {"waybill", "upd", "invoice", "act", "contract"}
ACCOUNTANTS = ["ivanova", "petrova", "sidorova", "kuznetsova"]
SOURCES = ["watch"] * 6 + ["mail"] * 2 + ["upload", "import"]
CUSTOMERS = 3_000
TEXTS = 7_919  # a prime: the documents sharing a text are spread over the years
BOX = json.dumps([100, 200, 600, 240])
NO_WORDS = "[]"
NO_DETAILS = "{}"
REVIEW_PROBLEMS = json.dumps([{"code": "low_confidence", "message": "поле прочитано неуверенно", "fields": ["total"],
                               "severity": "warning"}], ensure_ascii=False)


def _sqlite_time(value: dt.datetime) -> str:
    return value.isoformat(" ", "microseconds")


def _json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class Writer:
    """Rows into tables by the fastest route each database has: executemany on SQLite, COPY on PostgreSQL.
    Values are Python values; JSON columns take lists and dicts."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.raw = engine.raw_connection()
        self.rows = 0
        if not self.postgres:
            cur = self.raw.cursor()
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA foreign_keys=OFF")
            cur.execute("PRAGMA cache_size=-400000")
            cur.close()

    def _converters(self, table: str, columns: Sequence[str]) -> list[Callable[[Any], Any] | None]:
        """Per column, what turns a Python value into what the driver takes (None: as it is). A str given
        for a JSON column is taken as already serialised (constant lists are written once, not per row)."""
        t = Base.metadata.tables[table]
        out: list[Callable[[Any], Any] | None] = []
        for name in columns:
            kind = type(t.c[name].type)
            if issubclass(kind, JSON):
                out.append(_json)
            elif self.postgres:
                out.append(None)  # psycopg adapts dates, times, decimals and booleans itself
            elif issubclass(kind, DateTime):
                out.append(_sqlite_time)  # what SQLAlchemy's SQLite DATETIME writes, microseconds always
            elif issubclass(kind, Date):
                out.append(dt.date.isoformat)
            elif issubclass(kind, Numeric):
                out.append(float)  # as SQLAlchemy's SQLite Numeric binds it
            else:
                out.append(None)
        return out

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        converters = self._converters(table, columns)
        convert = [i for i, c in enumerate(converters) if c is not None]

        def converted() -> Iterator[Sequence[Any]]:
            for row in rows:
                self.rows += 1
                if convert:
                    values = list(row)
                    for i in convert:
                        if values[i] is not None:
                            values[i] = converters[i](values[i])  # type: ignore[misc]  # not None: in convert
                    yield values
                else:
                    yield row

        cur = self.raw.cursor()
        if self.postgres:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in converted():
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                            converted())  # type: ignore[arg-type]  # sqlite3 takes any iterable, streamed
        cur.close()

    def commit(self) -> None:
        self.raw.commit()

    def finish(self) -> None:
        cur = self.raw.cursor()
        if self.postgres:
            for table in Base.metadata.tables:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")
            self.raw.commit()
            cur.execute("ANALYZE")
        else:
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("ANALYZE")
        self.raw.commit()
        cur.close()
        self.raw.close()


@dataclass
class Counters:
    """Ids of every table, handed out in order (the tables are empty when we start)."""

    field: int = 0
    original: int = 0
    event: int = 0
    audit: int = 0
    link: int = 0
    intake: int = 0
    register: int = 0
    box: int = 0


class ArchiveFiller:
    def __init__(self, writer: Writer, docs: int, seed: int, today: dt.date) -> None:
        self.w, self.docs, self.rng = writer, docs, random.Random(seed)
        self.now = dt.datetime.combine(today, dt.time(18, 0))
        self.start = self.now - dt.timedelta(days=365 * YEARS)
        self.ids = Counters()
        self.outlet_weights = [self.rng.uniform(0.3, 2.0) for _ in OUTLETS]
        self.customers = [(f"ООО «Покупатель {i:04d}»", inn(self.rng)) for i in range(CUSTOMERS)]
        # search_latency's texts, each made once and worn by many documents (making one costs more than its rows)
        self.texts = [make_record(i, self.rng) for i in range(TEXTS)]
        self.orders = max(1, docs // 6)
        self.open_box: tuple[int, int] = (0, 0)  # box id, originals in it
        self.registers: dict[tuple[int, int], int] = {}  # (outlet id, week) -> register id
        self.shifts: dict[tuple[int, int], int] = {}  # (outlet id, cash register) -> its last shift number

    # -- the fixed tables --------------------------------------------------------------------------
    def outlets(self) -> None:
        self.w.write("outlet", ["id", "code", "name", "address", "active", "created_at"],
                     [(i + 1, code, f"Магазин {code}", f"г. {code[:3]}, ул. Торговая, д. {i + 1}", True, self.start)
                      for i, code in enumerate(OUTLETS)])

    def order_rows(self) -> None:
        rng, span = self.rng, (self.now - self.start).total_seconds()

        def rows() -> Iterator[tuple[Any, ...]]:
            for i in range(1, self.orders + 1):
                at = self.start + dt.timedelta(seconds=span * (i - 0.5) / self.orders)
                name, customer_inn = self.customers[rng.randrange(CUSTOMERS)]
                amount = Decimal(rng.randint(5_000, 3_000_000)) / 100
                yield (i, self.order_no(i), at.date(), name, customer_inn, self.outlet_of(rng), amount,
                       rng.choice(["Петров", "Сергеева", "Ким", "Абрамов"]),
                       rng.choice(["wholesale", "retail", "service"]), {}, at, at)

        self.w.write("sales_order", ["id", "order_no", "order_date", "customer_name", "customer_inn", "outlet_id",
                                     "amount", "manager", "kind", "extra", "created_at", "updated_at"], rows())

    @staticmethod
    def order_no(i: int) -> str:
        return f"ЗК-{i:06d}"

    def outlet_of(self, rng: random.Random) -> int:
        return rng.choices(range(1, len(OUTLETS) + 1), self.outlet_weights)[0]

    # -- documents, chunk by chunk ----------------------------------------------------------------
    def chunks(self) -> Iterator[list[SearchRecord]]:
        """Writes the documents chunk by chunk and yields each chunk's search records once committed."""
        for first in range(1, self.docs + 1, CHUNK):
            yield self.chunk(range(first, min(first + CHUNK, self.docs + 1)))

    def chunk(self, ids: range) -> list[SearchRecord]:
        rng, span = self.rng, (self.now - self.start).total_seconds()
        tables: dict[str, list[tuple[Any, ...]]] = {name: [] for name in COLUMNS}
        records = []
        for doc_id in ids:
            created = self.start + dt.timedelta(seconds=span * (doc_id - rng.random()) / self.docs)
            record = self.document(doc_id, created, tables)
            records.append(record)
        for name, columns in COLUMNS.items():
            self.w.write(name, columns, tables[name])
        self.w.commit()
        return records

    def document(self, doc_id: int, created: dt.datetime, t: dict[str, list[tuple[Any, ...]]]) -> SearchRecord:
        rng = self.rng
        base = self.texts[doc_id % len(self.texts)]
        doc_type = base.doc_type or "other"
        number = str(doc_id % 99_991 + 1)
        age = (self.now - created).days
        doc_date = (created - dt.timedelta(days=int(6 * rng.random()))).date()
        outlet_id = self.outlet_of(rng)
        status = self.status(age)
        order_id = None
        buyer = (rng.choice(SELLERS[:4]), base.inns[1])
        if doc_type in LINKED_TYPES and rng.random() < 0.7:
            position = int(self.orders * doc_id / self.docs) + int(36 * rng.random()) - 30
            order_id = min(max(position, 1), self.orders)
        order_no = self.order_no(order_id) if order_id else None
        total = Decimal(base.total or "0")
        seller_inn = base.inns[0]
        buyer_inn = None if doc_type in ("receipt", "z_report", "sales_report") else buyer[1]
        processed = created + dt.timedelta(seconds=20 + int(580 * rng.random()))
        verified_at = processed + dt.timedelta(hours=1 + int(71 * rng.random())) if status == "verified" else None
        verified_by = rng.choice(ACCOUNTANTS) if verified_at else None
        problems = REVIEW_PROBLEMS if status == "needs_review" else NO_WORDS
        rejection = "нечитаемый скан, пересканируйте" if status == "rejected" else None
        filename = f"scan_{created:%Y%m%d_%H%M%S}_{doc_id}.pdf"
        source = rng.choice(SOURCES)
        t["document"].append((
            doc_id, hashlib.sha256(f"make_archive {doc_id}".encode()).hexdigest(), filename, "application/pdf",
            40_000 + int(860_000 * rng.random()), source, outlet_id, status, doc_type,
            round(0.6 + 0.39 * rng.random(), 3), "extracted", number, doc_date, total, "RUB", order_no,
            seller_inn, buyer_inn, 1, problems, rejection, created, processed, verified_at, verified_by,
        ))
        t["page"].append((doc_id, doc_id, 1, 2480, 3508, "ocr", 0, 0.0, round(70 + 26 * rng.random(), 1), base.text,
                          NO_WORDS, NO_WORDS))
        values = {"number": number, "date": doc_date.isoformat(), "total": f"{total:.2f}",
                  "seller_inn": seller_inn, "seller_name": (base.fields or {}).get("seller_name"),
                  "buyer_inn": buyer_inn, "order_no": order_no, "currency": "RUB"}
        if doc_type in ("waybill", "upd", "vat_invoice", "invoice", "act", "receipt"):
            values["vat"] = f"{total / 6:.2f}"
        if doc_type == "z_report":
            values.update(self.shift(outlet_id, doc_id))
        corrected = status == "verified" and rng.random() < 0.06
        for name, value in values.items():
            if value is None:
                continue
            self.ids.field += 1
            fixed = corrected and name == "total"
            t["field"].append((self.ids.field, doc_id, name, value, round(0.55 + 0.44 * rng.random(), 3), 1,
                               BOX, value, "corrected" if fixed else "extracted",
                               f"{total + 1:.2f}" if fixed else None, verified_at or processed,
                               verified_by if fixed else None))
        self.audit(t, created, "system", "document.received", doc_id)
        self.audit(t, processed, "system", "document.processed", doc_id, details={"doc_type": doc_type})
        if status == "needs_review":
            self.audit(t, processed, "system", "document.review", doc_id)
        if corrected:
            self.audit(t, verified_at, verified_by, "field.corrected", doc_id, field="total", old=f"{total + 1:.2f}",
                       new=f"{total:.2f}")
        if verified_at:
            self.audit(t, verified_at, verified_by, "document.verified", doc_id)
        if status == "rejected":
            self.audit(t, processed, rng.choice(ACCOUNTANTS), "document.rejected", doc_id, new=rejection)
        if order_id:
            self.ids.link += 1
            method = rng.choice(["order_no"] * 6 + ["barcode", "suggestion", "manual"])
            t["order_link"].append((self.ids.link, order_id, doc_id, method, "confirmed",
                                    0.9 if method == "suggestion" else None, processed, "system"))
        self.ids.intake += 1
        t["intake_record"].append((self.ids.intake, source, filename,
                                   filename, hashlib.sha256(f"make_archive {doc_id}".encode()).hexdigest(),
                                   1000, OUTLETS[outlet_id - 1], "archived", doc_id, created))
        original_state = None
        if doc_type in NEEDS_ORIGINAL and status != "rejected":
            original_state = self.original(t, doc_id, doc_type, outlet_id, created, doc_date, age)
        return replace(base, doc_id=doc_id, title=filename, number=number, total=f"{total:.2f}",
                       doc_type=doc_type, outlet=OUTLETS[outlet_id - 1], status=status,
                       date=doc_date.isoformat(), order_no=order_no, original_state=original_state,
                       created_at=created.isoformat(timespec="seconds"),
                       inns=tuple(v for v in (seller_inn, buyer_inn) if v),
                       fields={k: v for k, v in values.items() if v is not None})

    def shift(self, outlet_id: int, doc_id: int) -> dict[str, str]:
        """A Z-report's register (three a shop) and its next shift number; one in 500 shifts never arrives."""
        register = (outlet_id, doc_id % 3)
        self.shifts[register] = self.shifts.get(register, 0) + (2 if self.rng.random() < 0.002 else 1)
        return {"kkt_reg_no": f"{outlet_id:08d}{register[1]:08d}", "fn_no": f"99990{outlet_id:05d}{register[1]:06d}",
                "shift_no": str(self.shifts[register])}

    def status(self, age_days: int) -> str:
        r = self.rng.random()
        if age_days < 20:
            return "needs_review" if r < 0.3 else "processed" if r < 0.85 else "verified"
        return "verified" if r < 0.93 else "processed" if r < 0.965 else "rejected" if r < 0.99 else "needs_review"

    def audit(self, t: dict[str, list[tuple[Any, ...]]], at: dt.datetime | None, actor: str | None, action: str,
              doc_id: int, *, field: str | None = None, old: str | None = None, new: str | None = None,
              details: dict[str, Any] | None = None, object_type: str = "document", object_id: int | None = None
              ) -> None:
        self.ids.audit += 1
        t["audit_event"].append((self.ids.audit, at, actor or "system", action, object_type, object_id or doc_id,
                                 doc_id, field, old, new, details or NO_DETAILS))

    def original(self, t: dict[str, list[tuple[Any, ...]]], doc_id: int, doc_type: str, outlet_id: int,
                 created: dt.datetime, doc_date: dt.date, age: int) -> str:
        """The original's state by the document's age, with every movement it made to get there."""
        rng = self.rng
        r = rng.random()
        if age < 7:
            path = ["expected"] if r < 0.6 else ["expected", "in_transit"] if r < 0.9 else \
                ["expected", "in_transit", "received"]
        elif age < 45:
            path = (["expected"] if r < 0.08 else ["expected", "in_transit"] if r < 0.18 else
                    ["expected", "in_transit", "received"] if r < 0.45 else
                    ["expected", "in_transit", "received", "archived"])
        else:
            path = (["expected", "lost"] if r < 0.004 else ["expected"] if r < 0.01 else
                    ["expected", "in_transit", "received"] if r < 0.03 else
                    ["expected", "in_transit", "received", "archived", "issued"] if r < 0.05 else
                    ["expected", "in_transit", "received", "archived"])
        self.ids.original += 1
        original_id = self.ids.original
        register_id = box_id = None
        at = created
        for previous, state in zip([None, *path], path, strict=False):
            at = at + dt.timedelta(days=rng.uniform(0.2, 4)) if previous else created
            if state == "in_transit":
                register_id = self.register(t, outlet_id, at)
            if state == "archived":
                box_id = self.box(t, at)
            self.ids.event += 1
            t["original_event"].append((self.ids.event, original_id, previous, state, at,
                                        "system" if state == "expected" else rng.choice(ACCOUNTANTS), None,
                                        register_id if state == "in_transit" else None,
                                        box_id if state == "archived" else None))
            if state != "expected":
                self.audit(t, at, "system", "original.state", doc_id, field="state", old=previous, new=state,
                           object_type="original", object_id=original_id)
        state = path[-1]
        years = 5 if doc_type != "contract" else 10
        t["original"].append((
            original_id, doc_id, f"{ORIGINAL_PREFIX}{doc_id:07d}", state, outlet_id,
            created.date() + dt.timedelta(days=DUE_DAYS), register_id, box_id,
            dt.date(doc_date.year + years + 1, 1, 1), False,
            "Сидоров (налоговая проверка)" if state == "issued" else None,
            (self.now.date() + dt.timedelta(days=30)) if state == "issued" else None,
            "не найден при инвентаризации" if state == "lost" else None, created, at,
        ))
        return state

    def register(self, t: dict[str, list[tuple[Any, ...]]], outlet_id: int, at: dt.datetime) -> int:
        week = (at - self.start).days // 7
        key = (outlet_id, week)
        if key not in self.registers:
            self.ids.register += 1
            self.registers[key] = self.ids.register
            t["transfer_register"].append((self.ids.register, f"{REGISTER_PREFIX}{self.ids.register:06d}",
                                           outlet_id, "received" if (self.now - at).days > 10 else "sent", at,
                                           f"outlet-{outlet_id}",
                                           at + dt.timedelta(days=3) if (self.now - at).days > 10 else None))
        return self.registers[key]

    def box(self, t: dict[str, list[tuple[Any, ...]]], at: dt.datetime) -> int:
        box_id, filled = self.open_box
        if box_id == 0 or filled >= 400:
            self.ids.box += 1
            box_id, filled = self.ids.box, 0
            shelf = f"стеллаж {box_id // 40 + 1}, полка {box_id % 40 + 1}"
            t["storage_box"].append((box_id, f"BOX-{box_id:05d}", shelf, "closed", at))
        self.open_box = (box_id, filled + 1)
        return box_id


COLUMNS: dict[str, list[str]] = {
    "transfer_register": ["id", "code", "outlet_id", "state", "created_at", "created_by", "received_at"],
    "storage_box": ["id", "code", "location", "state", "created_at"],
    "document": ["id", "sha256", "filename", "media_type", "size", "source", "outlet_id", "status", "doc_type",
                 "doc_type_confidence", "doc_type_source", "number", "doc_date", "total", "currency", "order_no",
                 "seller_inn", "buyer_inn", "page_count", "problems", "rejection_reason", "created_at",
                 "processed_at", "verified_at", "verified_by"],
    "page": ["id", "document_id", "number", "width", "height", "text_source", "rotation", "skew", "mean_confidence",
             "text", "words", "codes"],
    "field": ["id", "document_id", "name", "value", "confidence", "page", "box", "raw", "source", "extracted_value",
              "updated_at", "updated_by"],
    "order_link": ["id", "order_id", "document_id", "method", "state", "score", "created_at", "created_by"],
    "intake_record": ["id", "source", "source_ref", "filename", "sha256", "size", "outlet_code", "outcome",
                      "document_id", "received_at"],
    "original": ["id", "document_id", "barcode", "state", "outlet_id", "due_date", "register_id", "box_id",
                 "keep_until", "legal_hold", "issued_to", "issued_until", "lost_reason", "created_at", "updated_at"],
    "original_event": ["id", "original_id", "from_state", "to_state", "at", "actor", "note", "register_id", "box_id"],
    "audit_event": ["id", "at", "actor", "action", "object_type", "object_id", "document_id", "field", "old_value",
                    "new_value", "details"],
}


def build_indexes(arc: Archive) -> None:
    """Create the models' indexes that are missing (those fill() dropped to load faster), count what `stats`
    counts and put back the triggers that keep those counts (archive/counts.py)."""
    built = time.perf_counter()
    with arc.engine.begin() as conn:
        for table in Base.metadata.tables.values():
            for ix in table.indexes:
                ix.create(conn, checkfirst=True)
    print(f"  indexes built in {time.perf_counter() - built:.0f} s", file=sys.stderr, flush=True)
    with arc.engine.begin() as conn:
        drop_triggers(conn)
        recount(Session(bind=conn))
        create_triggers(conn)


def fill(arc: Archive, docs: int, *, seed: int, index: bool, today: dt.date | None = None) -> dict[str, Any]:
    """Fill the empty archive ``arc``; returns what was written and how long it took."""
    with arc.sessions() as session:
        if session.scalar(select(func.count(Document.id))):
            raise SystemExit(f"the archive at {arc.settings.home} is not empty")
    indexes = [ix for name in COLUMNS for ix in Base.metadata.tables[name].indexes]
    with arc.engine.begin() as conn:  # bulk loading: indexes are built once at the end, by sorting
        for ix in indexes:
            conn.execute(text(f"DROP INDEX IF EXISTS {ix.name}"))
        drop_triggers(conn)  # and the counts of `stats` taken once at the end, not kept row by row
    writer = Writer(arc.engine)
    filler = ArchiveFiller(writer, docs, seed, today or dt.date.today())
    started, cpu = time.perf_counter(), time.process_time()
    filler.outlets()
    filler.order_rows()
    writer.commit()
    done = 0

    def records() -> Iterator[SearchRecord]:
        nonlocal done
        for chunk in filler.chunks():
            done += len(chunk)
            if done % 100_000 < CHUNK:
                print(f"  {done:,} documents, {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
            yield from chunk

    try:
        if index:
            arc.search.clear()
            arc.search.index(records())
            arc.search.optimize()
        else:
            for _ in records():
                pass
    except KeyboardInterrupt:  # Ctrl-C: the chunks committed so far make the archive, indexed as a whole one
        print(f"  interrupted: keeping the {done:,} documents written", file=sys.stderr, flush=True)
        docs = done
    build_indexes(arc)
    writer.finish()
    return {"documents": docs, "rows": writer.rows, "seconds": time.perf_counter() - started,
            "cpu_seconds": time.process_time() - cpu, "database": arc.engine.dialect.name,
            "search": arc.settings.get("search", "backend") if index else "none"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="the archive's folder (created if missing)")
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="default: the archive's SQLite file")
    parser.add_argument("--search-backend", help="[search] backend of the new archive (default: the default)")
    parser.add_argument("--no-index", action="store_true", help="rows only, no search index")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--finish", action="store_true",
                        help="only build the indexes and statistics of an archive whose filling was killed")
    args = parser.parse_args()
    env = {**os.environ, "FINARCHIVE_HOME": str(args.home)}
    if args.database_url:
        env["FINARCHIVE_DATABASE_URL"] = args.database_url
    if args.search_backend:
        env["FINARCHIVE_SEARCH_BACKEND"] = args.search_backend
    arc = Archive.init(args.home, environ=env)
    if args.finish:
        build_indexes(arc)
        Writer(arc.engine).finish()
        arc.close()
        return 0
    try:
        result = fill(arc, args.docs, seed=args.seed, index=not args.no_index)
    finally:
        arc.close()
    print(f"{result['documents']:,} documents ({result['rows']:,} rows) on {result['database']}, search "
          f"{result['search']}: {result['seconds']:.0f} s wall, {result['cpu_seconds']:.0f} s CPU "
          f"({result['documents'] / result['seconds']:,.0f} docs/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Fixtures for the web tests: an archive seeded through SQLAlchemy (no OCR), users of every role with
API tokens, and an ASGI test client per role."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from archive.indexing import index_documents
from archive.models import Document, Field, Original, OriginalState, Outlet, Page, Role
from archive.users import add_user, mint_token
from tests.factories import FONT

PASSWORD = "test-password-1"
USERS = {  # username → (role, outlet)
    "admin": (Role.ADMIN, None),
    "anna": (Role.ACCOUNTANT, None),
    "boris": (Role.MANAGER, None),
    "msk": (Role.OUTLET, "MSK-01"),
    "spb": (Role.OUTLET, "SPB-02"),
}


def pipeline_ready() -> bool:
    """Whether the import pipeline can analyse a document (classify.analyse has landed)."""
    import classify

    return hasattr(classify, "analyse")


needs_pipeline = pytest.mark.skipif(not pipeline_ready(), reason="classify.analyse is not available yet: "
                                    "the pipeline cannot read an upload")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives real headless Chromium (Debian's) through Playwright")


LEFT, TOP, LINE, FONT_SIZE = 40, 60, 34, 18


def page_png(lines: list[str], size: tuple[int, int] = (620, 877)) -> bytes:
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, FONT_SIZE)
    for i, line in enumerate(lines):
        draw.text((LEFT, TOP + i * LINE), line, fill=0, font=font)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def text_box(lines: list[str], text: str) -> list[int]:
    """The pixel box of ``text`` where page_png draws it (as an OCR word box would be)."""
    font = ImageFont.truetype(FONT, FONT_SIZE)
    for i, line in enumerate(lines):
        if text in line:
            x0 = LEFT + font.getlength(line[: line.index(text)])
            _, top, _, bottom = font.getbbox(text)
            y = TOP + i * LINE
            return [int(x0) - 3, int(y + top) - 3, int(x0 + font.getlength(text)) + 3, int(y + bottom) + 3]
    raise ValueError(f"{text!r} is on no line")


def make_document(arc, session, *, outlet: Outlet | None, lines: list[str], doc_type: str = "waybill",
                  status: str = "needs_review", fields: dict[str, tuple[str, str | None]] | None = None,
                  created: dt.datetime | None = None, original: str | None = OriginalState.EXPECTED,
                  problems: list[dict[str, Any]] | None = None, tmp: Path) -> Document:
    """A committed-looking document: the original file in the blob store, one page image and thumbnail,
    fields (value, the text on the page it was read from) with boxes in the page's pixel space, optionally
    a paper original."""
    png = page_png(lines)
    sha = hashlib.sha256(png).hexdigest()
    src = tmp / f"{sha}.png"
    src.write_bytes(png)
    arc.blobs.put_file(src, sha)
    derived = arc.blobs.root / arc.blobs.derived_key(sha)
    derived.mkdir(parents=True, exist_ok=True)
    (derived / "page-0001.png").write_bytes(png)
    thumb = Image.open(io.BytesIO(png))
    thumb.thumbnail((160, 230))
    thumb.save(derived / "thumb-0001.png")
    values = {name: v for name, (v, _) in (fields or {}).items()}
    document = Document(
        sha256=sha, filename=f"{doc_type}-{sha[:6]}.png", media_type="image/png", size=len(png), source="upload",
        outlet_id=outlet.id if outlet else None, status=status, doc_type=doc_type, doc_type_confidence=0.9,
        number=values.get("number"), doc_date=dt.date.fromisoformat(values["date"]) if "date" in values else None,
        total=Decimal(values["total"]) if "total" in values else None, order_no=values.get("order_no"),
        seller_inn=values.get("seller_inn"), buyer_inn=values.get("buyer_inn"), page_count=1,
        problems=problems or [], created_at=created or dt.datetime(2026, 3, 1, 9, 0),
        processed_at=created or dt.datetime(2026, 3, 1, 9, 0),
    )
    document.pages.append(Page(number=1, width=620, height=877, text="\n".join(lines), text_source="ocr",
                               mean_confidence=0.9, words=[],
                               image=arc.blobs.key_of(derived / "page-0001.png"),
                               thumbnail=arc.blobs.key_of(derived / "thumb-0001.png")))
    for name, (value, printed) in (fields or {}).items():
        box = text_box(lines, printed) if printed else None
        document.fields.append(Field(name=name, value=value, confidence=0.55, page=1 if box else None, box=box,
                                     raw=value, source="extracted", extracted_value=value))
    session.add(document)
    session.flush()
    if original is not None and outlet is not None:
        session.add(Original(document_id=document.id, barcode=f"OR{document.id:07d}", state=original,
                             outlet_id=outlet.id, due_date=dt.date(2026, 3, 15)))
        session.flush()
    return document


FORM_TOKEN = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)">')
META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def form_token(html: str) -> str:
    """The CSRF token a page's forms carry (the first hidden ``csrf_token`` input)."""
    found = FORM_TOKEN.search(html)
    assert found, "the page has no CSRF token in a form"
    return found.group(1)


def meta_token(html: str) -> str:
    """The CSRF token a page gives its JavaScript (``<meta name="csrf-token">``)."""
    found = META_TOKEN.search(html)
    assert found, "the page has no csrf-token meta"
    return found.group(1)


def use_page_token(client) -> str:
    """Send the session's current CSRF token as a header from now on, as the page's fetch() calls do."""
    token = meta_token(client.get("/login").text)
    client.headers["X-CSRF-Token"] = token
    return token


@dataclass
class Desk:
    arc: Any
    app: Any
    tokens: dict[str, str]
    docs: dict[str, int] = field(default_factory=dict)

    def client(self, username: str | None = None):
        from fastapi.testclient import TestClient

        headers = {"Authorization": f"Bearer {self.tokens[username]}"} if username else {}
        return TestClient(self.app, headers=headers)


def seed(arc, tmp: Path) -> dict[str, int]:
    """Two outlets' documents: a waybill for order ЗК-000781 at MSK-01, an invoice at SPB-02, both waiting
    for review, and a verified Z-report at MSK-01."""
    with arc.transaction() as s:
        msk = s.scalar(select(Outlet).where(Outlet.code == "MSK-01"))
        spb = s.scalar(select(Outlet).where(Outlet.code == "SPB-02"))
        waybill = make_document(
            arc, s, outlet=msk, tmp=tmp, created=dt.datetime(2026, 3, 14, 10, 0),
            lines=["ТОВАРНАЯ НАКЛАДНАЯ № 4521 от 14.03.2026", "Поставщик: ООО «Ромашка», ИНН 7707083893",
                   "Основание: заказ покупателя ЗК-000781", "Всего к оплате: 235 730,00 руб."],
            fields={"number": ("4521", "4521"), "date": ("2026-03-14", "14.03.2026"),
                    "seller_inn": ("7707083893", "7707083893"), "order_no": ("ЗК-000781", "ЗК-000781"),
                    "total": ("235730.00", "235 730,00")},
            problems=[{"code": "low_confidence", "message": "total read with low confidence", "fields": ["total"],
                       "severity": "warning"}])
        invoice = make_document(
            arc, s, outlet=spb, tmp=tmp, doc_type="invoice", created=dt.datetime(2026, 3, 10, 10, 0),
            lines=["СЧЁТ НА ОПЛАТУ № 118 от 02.03.2026", "Поставщик: ООО «Ромашка», ИНН 7707083893",
                   "Итого к оплате: 12 000,00 руб."],
            fields={"number": ("118", "118"), "date": ("2026-03-02", "02.03.2026"),
                    "total": ("12000.00", "12 000,00")})
        zreport = make_document(
            arc, s, outlet=msk, tmp=tmp, doc_type="z_report", status="verified", original=None,
            created=dt.datetime(2026, 3, 5, 22, 0),
            lines=["ОТЧЁТ О ЗАКРЫТИИ СМЕНЫ № 77", "ИТОГ 48 120,50"],
            fields={"total": ("48120.50", "48 120,50")})
        ids = {"waybill": waybill.id, "invoice": invoice.id, "zreport": zreport.id}
    index_documents(arc, list(ids.values()))
    return ids


def _desk(arc, tmp: Path) -> Desk:
    from capture import SerialExecutor
    from web import create_app

    tokens = {}
    with arc.transaction() as s:
        for name, (role, outlet) in USERS.items():
            add_user(s, name, PASSWORD, role, outlet_code=outlet, full_name=name.title())
            tokens[name] = mint_token(s, name, "tests")
    docs = seed(arc, tmp)
    app = create_app(arc, secret="test-secret", executor_factory=SerialExecutor)
    return Desk(arc=arc, app=app, tokens=tokens, docs=docs)


@pytest.fixture
def desk(archive, tmp_path: Path) -> Iterator[Desk]:
    """The web app over a seeded archive (SQLite and PostgreSQL), with a token per user."""
    d = _desk(archive, tmp_path)
    yield d
    d.app.state.uploads.close()


@pytest.fixture
def sqlite_desk(sqlite_archive, tmp_path: Path) -> Iterator[Desk]:
    """The same on SQLite only, for tests whose subject is not the database (pages, browser)."""
    d = _desk(sqlite_archive, tmp_path)
    yield d
    d.app.state.uploads.close()

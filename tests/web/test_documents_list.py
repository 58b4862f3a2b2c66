"""The document list (/documents) through the ASGI client: rows in the asked order, each caller's rights,
thumbnails made once, saved searches per user, bulk actions with the single actions' checks and audit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from archive import audit, doclist
from archive.models import Document, SavedSearch
from tests.web.conftest import Desk
from tests.web.test_api import ORDERS
from tests.web.test_pages import login

ROW = re.compile(r'<tr data-id="(\d+)"')


@pytest.fixture
def desk(sqlite_desk: Desk) -> Desk:
    return sqlite_desk


def _rows(html: str) -> list[int]:
    return [int(i) for i in ROW.findall(html)]


def test_the_list_sorts_by_any_column_and_shows_only_what_the_caller_may_read(desk: Desk) -> None:
    anna, _ = login(desk, "anna")
    docs = desk.docs
    by_total = anna.get("/documents?sort=total")
    assert by_total.status_code == 200, by_total.text
    assert _rows(by_total.text) == [docs["invoice"], docs["zreport"], docs["waybill"]]  # 12 000, 48 120,50, 235 730
    assert _rows(anna.get("/documents?sort=-total").text) == [docs["waybill"], docs["zreport"], docs["invoice"]]
    assert _rows(anna.get("/documents").text) == [docs["waybill"], docs["invoice"], docs["zreport"]]  # newest first
    assert _rows(anna.get("/documents?status=needs_review&sort=outlet").text) == [docs["waybill"], docs["invoice"]]
    assert _rows(anna.get("/documents?q=Ромашка&sort=date").text) == [docs["invoice"], docs["waybill"]]
    page = anna.get("/documents?sort=-total&per_page=25")
    assert 'href="/documents?sort=total&amp;per_page=25"' in page.text  # the sorted column's link turns it round
    msk, _ = login(desk, "msk")
    assert sorted(_rows(msk.get("/documents").text)) == sorted([docs["waybill"], docs["zreport"]])
    assert msk.get("/documents?outlet=SPB-02").status_code == 200
    assert _rows(msk.get("/documents?outlet=SPB-02").text) == []
    assert anna.get("/documents?sort=password").status_code == 422


def test_past_the_count_cap_the_list_says_more_than(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    anna, _ = login(desk, "anna")
    assert re.search(r'<span id="total">3</span> документа', anna.get("/documents").text)
    monkeypatch.setattr(doclist, "COUNT_CAP", 2)
    page = anna.get("/documents?per_page=25").text
    assert re.search(r'более <span id="total">2</span> документов', page)
    assert len(_rows(page)) == 3  # only the count stops at the cap, not the rows


def test_a_thumbnail_is_made_once_from_the_page_image_and_kept(desk: Desk) -> None:
    anna, _ = login(desk, "anna")
    doc_id = desk.docs["invoice"]
    with desk.arc.transaction() as s:
        page = s.get(Document, doc_id).pages[0]
        page.thumbnail = None  # stored without one (an older import)
        sha = page.document.sha256
    cached = Path(desk.arc.blobs.path(desk.arc.blobs.derived_key(sha))) / "list-thumb.jpg"
    assert not cached.exists()
    first = anna.get(f"/documents/{doc_id}/thumbnail")
    assert first.status_code == 200 and first.content[:3] == b"\xff\xd8\xff"  # a JPEG
    assert cached.exists()
    made = cached.stat().st_mtime_ns
    assert anna.get(f"/documents/{doc_id}/thumbnail").content == first.content
    assert cached.stat().st_mtime_ns == made  # served from the cache, not made again
    from PIL import Image

    with Image.open(cached) as image:
        assert image.width == 200
    with desk.arc.transaction() as s:  # nothing to picture (an ЭДО XML): remembered, 404
        d = s.get(Document, desk.docs["zreport"])
        d.pages[0].thumbnail = d.pages[0].image = None
        d.media_type = "application/xml"
    assert anna.get(f"/documents/{desk.docs['zreport']}/thumbnail").status_code == 404
    assert f'src="/documents/{desk.docs["zreport"]}/thumbnail"' not in anna.get("/documents").text  # its type instead
    msk, _ = login(desk, "msk")
    assert msk.get(f"/documents/{doc_id}/thumbnail").status_code == 404  # another outlet's: not there


def test_saved_searches_are_each_users_own(desk: Desk) -> None:
    anna, _ = login(desk, "anna")
    asked = {"name": "Ждут проверки", "query": "status=needs_review&sort=-total&cursor=xyz"}
    r = anna.post("/documents/searches", data=asked, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/documents?sort=-total&status=needs_review"
    page = anna.get(r.headers["location"]).text
    assert "Ждут проверки" in page and 'class="current"' in page
    assert _rows(page) == [desk.docs["waybill"], desk.docs["invoice"]]
    boris, _ = login(desk, "boris")
    assert "Ждут проверки" not in boris.get("/documents").text
    with desk.arc.sessions() as s:
        saved = s.scalar(select(SavedSearch))
    assert boris.post(f"/documents/searches/{saved.id}/delete").status_code == 404
    assert anna.post(f"/documents/searches/{saved.id}/delete").status_code == 200  # back on the list
    assert "Ждут проверки" not in anna.get("/documents").text


def test_bulk_verify_checks_and_audits_each_document(desk: Desk) -> None:
    docs = desk.docs
    anna, _ = login(desk, "anna")
    chosen = [docs["waybill"], docs["invoice"], docs["zreport"]]
    r = anna.post("/documents/bulk", data={"action": "verify", "ids": chosen, "back": "sort=total"},
                  follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/documents?sort=total"
    page = anna.get(r.headers["location"]).text
    assert re.search(r'id="bulk-result"', page)
    assert "2 документа обработаны" in page or "2 documents done" in page, page
    assert f'href="/documents/{docs["zreport"]}">№ {docs["zreport"]}</a>' in page  # already verified: left, with why
    assert 'id="bulk-result"' not in anna.get("/documents").text  # shown once
    with desk.arc.sessions() as s:
        assert {s.get(Document, i).status for i in (docs["waybill"], docs["invoice"])} == {"verified"}
        for doc_id in (docs["waybill"], docs["invoice"]):
            assert [e.actor for e in audit.history(s, doc_id) if e.action == "document.verified"] == ["anna"]
    # the rights of the single actions: a manager may not verify, an outlet may not either
    for who in ("boris", "msk"):
        client, _ = login(desk, who)
        assert client.post("/documents/bulk", data={"action": "verify", "ids": [docs["waybill"]]}).status_code == 403


def test_bulk_reject_set_type_and_link(desk: Desk) -> None:
    docs = desk.docs
    anna, _ = login(desk, "anna")
    assert anna.post("/documents/bulk", data={"action": "reject", "ids": [docs["invoice"]]}).status_code == 422
    assert anna.post("/documents/bulk", data={"action": "set_type", "ids": [docs["invoice"]],
                                              "doc_type": "upd"}).status_code == 200
    r = anna.post("/documents/bulk", data={"action": "reject", "ids": [docs["invoice"]], "reason": "не читается"})
    assert r.status_code == 200
    view = desk.client("anna").get(f"/api/documents/{docs['invoice']}").json()
    assert view["doc_type"] == "upd" and view["status"] == "rejected"
    assert anna.post("/documents/bulk", data={"action": "link", "ids": [docs["invoice"]],
                                              "order_no": "ЗК-000781"}).status_code == 404  # no such order yet
    desk.client("anna").post("/api/orders/import", content=json.dumps(ORDERS),
                             headers={"Content-Type": "application/json"})
    assert anna.post("/documents/bulk", data={"action": "link", "ids": [docs["invoice"]],
                                              "order_no": "ЗК-000781"}).status_code == 200
    order = desk.client("boris").get("/api/orders/ЗК-000781").json()
    assert docs["invoice"] in [d["document_id"] for d in order["documents"]]
    assert anna.post("/documents/bulk", data={"action": "explode", "ids": [docs["invoice"]]}).status_code == 422

"""The REST API through an ASGI test client on real SQLite and PostgreSQL: every endpoint, every role."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from archive.models import AuditEvent, Document, Field, Original
from tests.web.conftest import Desk, needs_pipeline


def test_no_token_or_a_bad_one_is_401(desk: Desk) -> None:
    anonymous = desk.client()
    for path in ("/api/me", "/api/documents", f"/api/documents/{desk.docs['waybill']}", "/api/review"):
        r = anonymous.get(path)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer", path
    r = anonymous.get("/api/me", headers={"Authorization": "Bearer fa_not-a-token"})
    assert r.status_code == 401 and r.json()["error"] == "AuthenticationError"


def test_openapi_schema_lists_the_api(desk: Desk) -> None:
    schema = desk.client().get("/api/openapi.json").json()
    for path in ("/api/upload", "/api/documents", "/api/documents/{doc_id}/correct", "/api/orders/import",
                 "/api/orders/{order_no}", "/api/originals/receive", "/api/originals/{code}/transitions",
                 "/api/originals/registers/", "/api/reports/outstanding", "/api/reports/stats"):
        assert path in schema["paths"], path
    assert not any(p.startswith("/review") or p == "/login" for p in schema["paths"])


def test_me(desk: Desk) -> None:
    me = desk.client("msk").get("/api/me").json()
    assert me["role"] == "outlet" and me["outlet"] == "MSK-01" and "verify" not in me["permissions"]


def test_outlet_cannot_read_another_outlets_document_by_id_or_search(desk: Desk) -> None:
    msk, spb = desk.client("msk"), desk.client("spb")
    own, other = desk.docs["waybill"], desk.docs["invoice"]
    assert msk.get(f"/api/documents/{own}").status_code == 200
    for suffix in ("", "/pages", "/fields", "/original", "/pages/1/image", "/pages/1/thumbnail"):
        r = msk.get(f"/api/documents/{other}{suffix}")
        assert r.status_code == 404, suffix
        assert spb.get(f"/api/documents/{other}{suffix}").status_code == 200, suffix
    # by search: the other outlet's invoice matches "Ромашка" but is not shown, even when asked for.
    for params in ({"q": "Ромашка"}, {"q": "Ромашка", "outlet": "SPB-02"}, {"q": "счёт"}, {}):
        hits = msk.get("/api/documents", params=params).json()
        assert other not in [h["id"] for h in hits["hits"]], params
        assert all(h["outlet"] == "MSK-01" for h in hits["hits"])
        assert set(hits["facets"].get("outlet", {})) <= {"MSK-01"}
    assert [h["id"] for h in spb.get("/api/documents", params={"q": "Ромашка"}).json()["hits"]] == [other]


def test_search_filters_facets_snippets_and_paging(desk: Desk) -> None:
    anna = desk.client("anna")
    everything = anna.get("/api/documents").json()
    assert everything["total"] == 3
    r = anna.get("/api/documents", params={"q": "Ромашка"}).json()
    assert {h["id"] for h in r["hits"]} == {desk.docs["waybill"], desk.docs["invoice"]}
    assert any("<mark>" in h["snippet"] for h in r["hits"])
    assert r["facets"]["doc_type"] == {"waybill": 1, "invoice": 1}
    one = anna.get("/api/documents", params={"q": "Ромашка", "doc_type": "invoice"}).json()
    assert [h["id"] for h in one["hits"]] == [desk.docs["invoice"]]
    assert anna.get("/api/documents", params={"amount_min": "100000"}).json()["total"] == 1
    assert anna.get("/api/documents", params={"status": "verified"}).json()["total"] == 1
    assert anna.get("/api/documents", params={"order_no": "ЗК-000781"}).json()["total"] == 1
    assert anna.get("/api/documents", params={"date_from": "2026-03-10"}).json()["total"] == 1
    page1 = anna.get("/api/documents", params={"per_page": 2}).json()
    page2 = anna.get("/api/documents", params={"per_page": 2, "page": 2}).json()
    assert len(page1["hits"]) == 2 and len(page2["hits"]) == 1
    assert {h["id"] for h in page1["hits"] + page2["hits"]} == set(desk.docs.values())
    assert anna.get("/api/documents", params={"page": 0}).status_code == 422


def test_document_pages_files_and_fields(desk: Desk) -> None:
    anna, doc = desk.client("anna"), desk.docs["waybill"]
    view = anna.get(f"/api/documents/{doc}").json()
    assert view["doc_type"] == "waybill" and view["outlet"] == "MSK-01" and view["status"] == "needs_review"
    x0, y0, x1, y1 = view["fields"]["total"]["box"]
    assert 0 < x0 < x1 < 620 and 0 < y0 < y1 < 877 and view["fields"]["total"]["page"] == 1
    assert "original_file" not in view and "pdf" not in view["urls"]  # no server paths; no PDF made here
    assert view["original"]["state"] == "expected" and view["problems"][0]["code"] == "low_confidence"
    pages = anna.get(f"/api/documents/{doc}/pages").json()
    assert pages[0]["width"] == 620 and pages[0]["image_url"].endswith("/pages/1/image")
    image = anna.get(pages[0]["image_url"])
    assert image.status_code == 200 and image.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert anna.get(pages[0]["thumbnail_url"]).content[:4] == b"\x89PNG"
    assert anna.get(f"/api/documents/{doc}/pages/2/image").status_code == 404
    original = anna.get(view["urls"]["original"])
    with desk.arc.sessions() as s:
        sha = s.get(Document, doc).sha256
    import hashlib

    assert hashlib.sha256(original.content).hexdigest() == sha
    assert "attachment" in original.headers["content-disposition"]
    assert anna.get(f"/api/documents/{doc}/pdf").status_code == 404
    assert anna.get(f"/api/documents/{doc}", params={"text": True}).json()["text"][0]["text"].startswith("ТОВАРНАЯ")
    fields = anna.get(f"/api/documents/{doc}/fields").json()
    assert fields["order_no"]["value"] == "ЗК-000781" and fields["order_no"]["source"] == "extracted"
    assert anna.get("/api/documents/999999").status_code == 404


def test_correct_verify_reject_with_audit_and_index(desk: Desk) -> None:
    anna, doc = desk.client("anna"), desk.docs["waybill"]
    r = anna.post(f"/api/documents/{doc}/correct", json={"fields": {"total": "235 370,00", "doc_type": "upd"}})
    assert r.status_code == 200, r.text
    assert r.json()["fields"]["total"]["value"] == "235370.00" and r.json()["doc_type"] == "upd"
    assert anna.post(f"/api/documents/{doc}/correct", json={"fields": {"date": "soon"}}).status_code == 422
    assert anna.post(f"/api/documents/{doc}/correct", json={"fields": {}}).status_code == 422
    # the index follows: the corrected total is found by amount, the type by its new facet
    assert anna.get("/api/documents", params={"amount_min": "235370", "amount_max": "235370"}).json()["total"] == 1
    assert anna.get("/api/documents", params={"doc_type": "upd"}).json()["total"] == 1
    assert anna.post(f"/api/documents/{doc}/reject", json={"reason": " "}).status_code == 422
    r = anna.post(f"/api/documents/{doc}/reject", json={"reason": "the stamp is cut off, rescan please"})
    assert r.json()["status"] == "rejected"
    msk = desk.client("msk").get("/api/outlets/MSK-01").json()
    assert msk["rejected"][0]["reason"] == "the stamp is cut off, rescan please"
    r = anna.post(f"/api/documents/{doc}/verify")
    assert r.json()["status"] == "verified"
    assert anna.post(f"/api/documents/{doc}/verify").status_code == 409
    history = [(e["actor"], e["action"], e["field"], e["old"], e["new"]) for e in r.json()["history"]]
    assert history == [
        ("anna", "field.corrected", "total", "235730.00", "235370.00"),
        ("anna", "field.corrected", "doc_type", "waybill", "upd"),
        ("anna", "document.rejected", "status", "needs_review", "rejected"),
        ("anna", "document.verified", "status", "rejected", "verified"),
    ]
    with desk.arc.sessions() as s:
        total = s.scalar(select(Field).where(Field.document_id == doc, Field.name == "total"))
        assert (total.source, total.extracted_value, total.updated_by) == ("corrected", "235730.00", "anna")


def test_review_queue_oldest_first_and_filtered(desk: Desk) -> None:
    anna = desk.client("anna")
    assert [d["id"] for d in anna.get("/api/review").json()] == [desk.docs["invoice"], desk.docs["waybill"]]
    assert [d["id"] for d in anna.get("/api/review", params={"outlet": "MSK-01"}).json()] == [desk.docs["waybill"]]
    assert [d["id"] for d in anna.get("/api/review", params={"doc_type": "invoice"}).json()] == [desk.docs["invoice"]]
    # keyset pages: the Link header's next page starts after the last one shown, the last page has none
    first = anna.get("/api/review", params={"limit": 1})
    assert [d["id"] for d in first.json()] == [desk.docs["invoice"]]
    following = re.fullmatch(r'<([^>]+)>; rel="next"', first.headers["link"])
    assert following is not None and "limit=1" in following.group(1)
    second = anna.get(following.group(1))
    assert [d["id"] for d in second.json()] == [desk.docs["waybill"]]
    back = re.fullmatch(r'<([^>]+)>; rel="prev"', second.headers["link"])  # the last page: no next
    assert back is not None and [d["id"] for d in anna.get(back.group(1)).json()] == [desk.docs["invoice"]]
    assert "link" not in anna.get("/api/review").headers  # everything on one page
    assert anna.get("/api/review", params={"cursor": "not-a-cursor"}).status_code == 422
    # one outlet is asked for once: given twice, the queue is refused, not answered for the last copy alone
    twice = anna.get("/api/review", params=[("outlet", "MSK-01"), ("outlet", "SPB-02")])
    assert twice.status_code == 422 and twice.json()["detail"][0]["loc"] == ["query", "outlet"]


ORDERS = [{"order_no": "ЗК-000781", "date": "2026-03-12", "customer_name": "ООО «Василёк»",
           "customer_inn": "7736207543", "outlet": "MSK-01", "amount": "235730.00", "manager": "Boris"}]


def test_orders_import_get_and_link(desk: Desk) -> None:
    anna, boris = desk.client("anna"), desk.client("boris")
    r = anna.post("/api/orders/import", content=json.dumps(ORDERS), headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 1 and r.json()["linked"] == 1
    csv_body = ("order_no,date,customer_name,customer_inn,outlet,amount,manager\n"
                "ЗК-000900,2026-03-20,ИП Петров,,SPB-02,12000.00,Boris\n")
    r = anna.post("/api/orders/import", content=csv_body.encode(), headers={"Content-Type": "text/csv"})
    assert r.json()["created"] == 1
    assert anna.post("/api/orders/import", content=b"x", headers={"Content-Type": "text/plain"}).status_code == 422
    order = boris.get("/api/orders/ЗК-000781").json()
    assert [d["document_id"] for d in order["documents"]] == [desk.docs["waybill"]]
    assert order["documents"][0]["thumbnail_url"].endswith("/pages/1/thumbnail")
    assert order["documents"][0]["original"]["state"] == "expected"
    assert order["missing"] and not order["complete"] and "invoice" in order["missing"]
    assert boris.get("/api/orders/ЗК-404").status_code == 404
    r = anna.post("/api/orders/ЗК-000900/links", json={"document_id": desk.docs["invoice"]})
    assert r.status_code == 200 and [d["document_id"] for d in r.json()["documents"]] == [desk.docs["invoice"]]
    assert anna.post("/api/orders/ЗК-000900/links", json={"document_id": desk.docs["invoice"],
                                                          "action": "merge"}).status_code == 422
    with desk.arc.sessions() as s:
        actions = set(s.scalars(select(AuditEvent.action)))
    assert {"order.created"} <= actions and any(a.startswith("link") or "link" in a for a in actions)


def test_originals_desk_endpoints(desk: Desk) -> None:
    anna, msk = desk.client("anna"), desk.client("msk")
    code = f"OR{desk.docs['waybill']:07d}"
    other = f"OR{desk.docs['invoice']:07d}"
    assert msk.get(f"/api/originals/{code}").json()["state"] == "expected"
    assert msk.get(f"/api/originals/{other}").status_code == 404
    register = msk.post("/api/originals/registers/", json={"outlet": "SPB-02"})  # an outlet registers its own
    assert register.status_code == 201 and register.json()["outlet"] == "MSK-01" and register.json()["originals"] == 1
    listed = msk.get("/api/originals/registers/").json()
    assert [r["code"] for r in listed] == [register.json()["code"]]
    pdf = msk.get(register.json()["pdf_url"])
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    assert desk.client("spb").get(register.json()["pdf_url"]).status_code == 404
    report = anna.post("/api/originals/receive", json={"codes": [code.lower(), "OR9999999"]}).json()
    assert report["received"] == [code] and report["unknown"] == ["OR9999999"]
    assert anna.post("/api/originals/boxes/", json={"code": "BOX-1", "location": "shelf A"}).status_code == 201
    filed = anna.post("/api/originals/boxes/BOX-1/file", json={"codes": [code]}).json()
    assert filed["filed"] == [code]
    assert anna.post(f"/api/originals/{code}/transitions", json={"to": "expected"}).status_code == 409
    moved = anna.post(f"/api/originals/{code}/transitions", json={"to": "issued", "note": "to the auditor"}).json()
    assert moved["state"] == "issued" and moved["events"][-1]["note"] == "to the auditor"
    assert anna.get("/api/documents", params={"original_state": "issued"}).json()["total"] == 1
    owed = anna.get("/api/reports/outstanding").json()
    assert [r["outlet"] for r in owed] == ["SPB-02"]
    assert msk.get("/api/reports/outstanding").json() == []
    assert desk.client("spb").get("/api/reports/outstanding").json()[0]["items"][0]["barcode"] == other
    with desk.arc.sessions() as s:
        assert s.scalar(select(Original.state).where(Original.barcode == code)) == "issued"


def test_reports_stats(desk: Desk) -> None:
    stats = desk.client("boris").get("/api/reports/stats").json()
    assert stats["documents"] == 3 and stats["by_status"]["needs_review"] == 2


def _requests(desk: Desk) -> dict[str, tuple[str, str, dict]]:
    d = desk.docs
    return {
        "search": ("GET", "/api/documents", {}),
        "read other outlet": ("GET", f"/api/documents/{d['invoice']}", {}),
        "correct": ("POST", f"/api/documents/{d['invoice']}/correct", {"json": {"fields": {"number": "119"}}}),
        "verify": ("POST", f"/api/documents/{d['invoice']}/verify", {}),
        "reject": ("POST", f"/api/documents/{d['invoice']}/reject", {"json": {"reason": "blurred"}}),
        "queue": ("GET", "/api/review", {}),
        "import orders": ("POST", "/api/orders/import", {"content": json.dumps(ORDERS),
                                                        "headers": {"Content-Type": "application/json"}}),
        "order": ("GET", "/api/orders/ЗК-000781", {}),
        "receive": ("POST", "/api/originals/receive", {"json": {"codes": []}}),
        "box": ("POST", "/api/originals/boxes/", {"json": {"code": "B-R"}}),
        "stats": ("GET", "/api/reports/stats", {}),
        "other outlet page": ("GET", "/api/outlets/SPB-02", {}),
    }


# The rights table as the issue states it: what each role gets for each request (status codes).
RIGHTS = {
    #                    outlet(msk) accountant manager admin
    "search":            (200, 200, 200, 200),
    "read other outlet": (404, 200, 200, 200),
    "correct":           (403, 200, 403, 200),
    "verify":            (403, 200, 403, 409),
    "reject":            (403, 200, 403, 200),
    "queue":             (403, 200, 403, 200),
    "import orders":     (403, 200, 403, 200),
    "order":             (403, 200, 200, 200),
    "receive":           (403, 200, 403, 200),
    "box":               (403, 201, 403, 409),
    "stats":             (403, 200, 200, 200),
    "other outlet page": (403, 200, 200, 200),
}


@pytest.mark.parametrize("username", ["msk", "anna", "boris", "admin"])
def test_rights_of_each_role(desk: Desk, username: str) -> None:
    """Requests run in table order per role, so later rows see earlier effects (verify, then reject)."""
    column = ["msk", "anna", "boris", "admin"].index(username)
    client = desk.client(username)
    desk.client("anna").post("/api/orders/import", content=json.dumps(ORDERS),
                             headers={"Content-Type": "application/json"})
    if username == "admin":  # the admin comes after an accountant verified the invoice and filed a box
        anna = desk.client("anna")
        anna.post(f"/api/documents/{desk.docs['invoice']}/verify")
        anna.post("/api/originals/boxes/", json={"code": "B-R"})
    got = {}
    for name, (method, path, kwargs) in _requests(desk).items():
        got[name] = client.request(method, path, **kwargs).status_code
    assert got == {name: codes[column] for name, codes in RIGHTS.items()}


def test_upload_rights(desk: Desk) -> None:
    msk = desk.client("msk")
    assert msk.post("/api/upload", files=[("files", ("x.pdf", b"%PDF", "application/pdf"))],
                    data={"outlet": "SPB-02"}).status_code == 403
    assert desk.client("boris").post("/api/upload", files=[("files", ("x.pdf", b"%PDF", "application/pdf"))]
                                     ).status_code == 403
    assert msk.post("/api/upload", files=[("files", ("e.pdf", b"", "application/pdf"))]).status_code == 422
    r = desk.client("anna").post("/api/upload", files=[("files", ("x.png", b"not really", "image/png"))],
                                 data={"outlet": "SPB-02"})
    assert r.status_code == 202 and r.json()["uploads"][0]["outlet"] == "SPB-02"
    desk.app.state.uploads.drain(timeout=60)
    status_url = r.json()["uploads"][0]["status_url"]
    assert desk.client("anna").get(status_url).json()["state"] == "quarantined"  # not an image at all
    assert desk.client("msk").get(status_url).status_code == 404


@needs_pipeline
def test_bad_files_among_good_ones_in_one_upload_are_quarantined_for_what_they_are(desk: Desk, tmp_path) -> None:
    """One request with a good scan, an empty file and a ZIP bomb: the good one is archived, each bad one
    quarantined with its own reason. Before, the empty file refused the whole request (422) after the
    files before it were already queued, and a hostile ZIP was called `unsupported` ("application/zip")."""
    import io
    import zipfile

    from tests.factories import WAYBILL_LINES, make_text_pdf

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("scan.pdf", b"\0" * (50 * 1024 * 1024))  # packs about 1000 times tighter
    good = make_text_pdf(tmp_path / "bill.pdf", WAYBILL_LINES).read_bytes()
    anna = desk.client("anna")
    r = anna.post("/api/upload", data={"outlet": "SPB-02"}, files=[
        ("files", ("bill.pdf", good, "application/pdf")), ("files", ("empty.jpg", b"", "image/jpeg")),
        ("files", ("scans.zip", bomb.getvalue(), "application/zip"))])
    assert r.status_code == 202, r.text
    desk.app.state.uploads.drain(timeout=120)
    states = {t["filename"]: anna.get(t["status_url"]).json() for t in r.json()["uploads"]}
    assert {name: (s["state"], s["reason"]) for name, s in states.items()} == {
        "bill.pdf": ("archived", None), "empty.jpg": ("quarantined", "empty"),
        "scans.zip": ("quarantined", "unsafe_archive")}
    assert "ZIP bomb" in states["scans.zip"]["message"]
    # a request with nothing in it at all is still refused
    assert anna.post("/api/upload", data={"outlet": "SPB-02"},
                     files=[("files", ("e.pdf", b"", "application/pdf"))]).status_code == 422


@needs_pipeline
def test_a_zip_upload_with_a_bad_member_lists_each_member_with_its_outcome(desk: Desk, tmp_path) -> None:
    """A ZIP of a good scan, a note and a member failing its CRC: the scan is archived, each bad member
    quarantined with its reason, and the upload's status lists every member. Before, the damaged member
    refused the whole ZIP, and a ZIP's status said `queued` for ever (its rows are its members')."""
    import io
    import zipfile

    from tests.factories import WAYBILL_LINES, make_text_pdf

    good = make_text_pdf(tmp_path / "bill.pdf", WAYBILL_LINES).read_bytes()
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bill.pdf", good)
        z.writestr("note.txt", "перезвонить поставщику\n")
        z.writestr(zipfile.ZipInfo("torn.pdf"), b"%PDF-1.4 " + b"t" * 3000)  # stored: its bytes as they are
    data = bytearray(packed.getvalue())
    data[data.index(b"tttt") + 40] ^= 0xFF
    anna = desk.client("anna")
    r = anna.post("/api/upload", data={"outlet": "SPB-02"},
                  files=[("files", ("day.zip", bytes(data), "application/zip"))])
    assert r.status_code == 202, r.text
    desk.app.state.uploads.drain(timeout=120)
    status = anna.get(r.json()["uploads"][0]["status_url"]).json()
    assert status["state"] == "partly_archived"
    got = {m["member"]: (m["state"], m["reason"]) for m in status["members"]}
    assert got == {"bill.pdf": ("archived", None), "note.txt": ("quarantined", "unsupported"),
                   "torn.pdf": ("quarantined", "corrupt")}
    bill = next(m for m in status["members"] if m["member"] == "bill.pdf")
    assert bill["document_id"] is not None and anna.get(f"/api/documents/{bill['document_id']}").status_code == 200
    torn = next(m for m in status["members"] if m["member"] == "torn.pdf")
    assert "day.zip!torn.pdf" in torn["message"] and "CRC" in torn["message"]


@needs_pipeline
def test_upload_status_is_limited_to_the_outlet(desk: Desk, tmp_path) -> None:
    from tests.factories import make_text_pdf

    pdf = make_text_pdf(tmp_path / "bill.pdf", ["СЧЁТ НА ОПЛАТУ № 7 от 01.03.2026", "Итого к оплате: 100,00 руб."])
    msk = desk.client("msk")
    r = msk.post("/api/upload", files=[("files", ("bill.pdf", pdf.read_bytes(), "application/pdf"))],
                 data={"outlet": "MSK-01"})
    assert r.status_code == 202, r.text
    ticket = r.json()["uploads"][0]
    assert ticket["outlet"] == "MSK-01" and ticket["state"] == "queued" and ticket["size"] == pdf.stat().st_size
    desk.app.state.uploads.drain(timeout=120)
    status = msk.get(ticket["status_url"]).json()
    assert status["state"] == "archived" and status["document_id"]
    assert desk.client("spb").get(ticket["status_url"]).status_code == 404
    again = msk.post("/api/upload", files=[("files", ("bill.pdf", pdf.read_bytes(), "application/pdf"))]).json()
    assert again["uploads"][0]["state"] == "duplicate" and again["uploads"][0]["duplicate_of"] == status["document_id"]
    desk.app.state.uploads.drain(timeout=120)
    with desk.arc.sessions() as s:
        assert s.get(Document, status["document_id"]).outlet.code == "MSK-01"

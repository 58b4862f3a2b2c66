"""The server-rendered pages through the ASGI client with a real login (cookie session)."""

from __future__ import annotations

import json
import re

import pytest

from tests.web.conftest import PASSWORD, Desk, form_token, use_page_token
from tests.web.test_api import ORDERS
from web import _views


def login(desk: Desk, username: str, password: str = PASSWORD):
    """Log in with the form (and its CSRF token); later posts send the session's token as a header."""
    client = desk.client()
    token = form_token(client.get("/login").text)
    r = client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    use_page_token(client)
    return client, r.headers["location"]


@pytest.fixture
def desk(sqlite_desk: Desk) -> Desk:
    """Pages render the same on any database (the API tests cover PostgreSQL): SQLite only here."""
    return sqlite_desk


def test_login_logout_and_redirects(desk: Desk) -> None:
    anonymous = desk.client()
    r = anonymous.get("/review", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/review"
    token = form_token(anonymous.get("/login").text)
    r = anonymous.post("/login", data={"username": "anna", "password": "wrong-password", "csrf_token": token})
    assert r.status_code == 401 and "Неверное имя пользователя или пароль" in r.text
    assert anonymous.get("/review", follow_redirects=False).status_code == 303  # still not logged in
    landing = {name: login(desk, name)[1] for name in ("anna", "boris", "msk", "admin")}
    assert landing == {"anna": "/review", "boris": "/search", "msk": "/outlet", "admin": "/search"}
    client, _ = login(desk, "anna")
    assert client.get("/review").status_code == 200
    r = client.post("/login", data={"username": "anna", "password": PASSWORD, "next": "//evil.example/"},
                    follow_redirects=False)
    assert r.headers["location"] == "/review"
    use_page_token(client)  # a login makes a new CSRF token
    client.post("/logout")
    assert client.get("/review", follow_redirects=False).status_code == 303
    # an API token is not a page login, but pages accept it too (same rights)
    assert desk.client("anna").get("/review").status_code == 200


def test_search_page(desk: Desk) -> None:
    client, _ = login(desk, "boris")
    html = client.get("/search", params={"q": "Ромашка"}).text
    assert '<span id="total">2</span>' in html and "<mark>" in html
    assert f'href="/documents/{desk.docs["waybill"]}"' in html and "facets" in html
    html = client.get("/search", params={"q": "Ромашка", "doc_type": "invoice"}).text
    assert '<span id="total">1</span>' in html
    msk, _ = login(desk, "msk")
    html = msk.get("/search", params={"q": "Ромашка"}).text
    assert '<span id="total">1</span>' in html and f'/documents/{desk.docs["invoice"]}"' not in html


def test_the_search_pages_down_to_its_depth(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    client, _ = login(desk, "boris")
    monkeypatch.setattr(_views, "PAGE_SIZE", 1)
    html = client.get("/search", params={"q": "Ромашка", "page": 2}).text
    assert "страница 2 из 2" in html
    assert 'id="capped"' not in html
    monkeypatch.setattr(_views, "SEARCH_DEPTH", 1)  # one page of one hit: the second match is past it
    html = client.get("/search", params={"q": "Ромашка", "page": 2}).text
    assert '<span id="total">2</span>' in html and 'id="capped"' in html and 'rel="next"' not in html
    assert len(re.findall(r'<li class="hit">', html)) == 1  # a page past the depth is its last page


def test_document_page_and_rights(desk: Desk) -> None:
    boris, _ = login(desk, "boris")
    html = boris.get(f"/documents/{desk.docs['waybill']}").text
    for needle in ("ЗК-000781", "235730.00", "total read with low confidence", "/original", "OR000000",
                   'id="page-img"', "data-pages=", "История"):
        assert needle in html, needle
    msk, _ = login(desk, "msk")
    assert msk.get(f"/documents/{desk.docs['waybill']}").status_code == 200
    r = msk.get(f"/documents/{desk.docs['invoice']}")
    assert r.status_code == 404 and "no document" in r.text
    assert boris.get("/review").status_code == 403
    assert boris.get(f"/review/{desk.docs['waybill']}").status_code == 403
    assert msk.get("/orders/ЗК-000781").status_code == 403


def test_verification_desk_forms(desk: Desk) -> None:
    anna, _ = login(desk, "anna")
    queue = anna.get("/review").text
    assert queue.index(f'/review/{desk.docs["invoice"]}') < queue.index(f'/review/{desk.docs["waybill"]}')
    assert f'/review/{desk.docs["waybill"]}' not in anna.get("/review", params={"doc_type": "invoice"}).text
    page = anna.get(f"/review/{desk.docs['invoice']}").text
    assert 'data-field="total"' in page and 'id="accept"' in page and "Ctrl+Enter" in page
    r = anna.post(f"/review/{desk.docs['invoice']}/fields", data={"name": "total", "value": "12 500,00"},
                  follow_redirects=False)
    assert r.status_code == 303
    r = anna.post(f"/review/{desk.docs['invoice']}/verify", follow_redirects=False)
    assert r.headers["location"] == f"/review/{desk.docs['waybill']}"  # on to the next in the queue
    r = anna.post(f"/review/{desk.docs['waybill']}/reject", data={"reason": "blurred, rescan",
                                                                    "outlet": "MSK-01"}, follow_redirects=False)
    assert r.headers["location"] == "/review?outlet=MSK-01"  # the queue's filter is kept
    assert "Проверять нечего" in anna.get("/review").text
    doc = anna.get(f"/documents/{desk.docs['invoice']}").text
    assert "12500.00" in doc and "<del>12000.00</del>" in doc and "document.verified" in doc
    msk, _ = login(desk, "msk")
    outlet = msk.get("/outlet").text
    assert "blurred, rescan" in outlet


def test_order_page(desk: Desk) -> None:
    desk.client("anna").post("/api/orders/import", content=json.dumps(ORDERS),
                             headers={"Content-Type": "application/json"})
    boris, _ = login(desk, "boris")
    html = boris.get("/orders/ЗК-000781").text
    assert "ООО «Василёк»" in html and 'id="missing"' in html and "/pages/1/thumbnail" in html
    assert "оригинал: ожидается" in html
    r = boris.get("/orders", params={"order_no": "ЗК-000781"}, follow_redirects=False)
    assert r.status_code == 303
    assert boris.get("/orders/НЕТ-1").status_code == 404


def test_outlet_page(desk: Desk) -> None:
    msk, _ = login(desk, "msk")
    html = msk.get("/outlet").text
    assert "Точка MSK-01" in html and 'id="upload-form"' in html
    assert f"OR{desk.docs['waybill']:07d}" in html and "просрочен" in html  # due 2026-03-15
    assert f'/documents/{desk.docs["invoice"]}"' not in html
    assert "Точка MSK-01" in msk.get("/outlet", params={"code": "SPB-02"}).text  # an outlet sees only its own
    anna, _ = login(desk, "anna")
    assert f'/documents/{desk.docs["invoice"]}"' in anna.get("/outlet", params={"code": "SPB-02"}).text
    boris, _ = login(desk, "boris")
    assert 'id="upload-form"' not in boris.get("/outlet", params={"code": "SPB-02"}).text


def test_static_assets_are_local(desk: Desk) -> None:
    client, _ = login(desk, "anna")
    html = client.get(f"/review/{desk.docs['waybill']}").text
    assert "http://" not in html and "https://" not in html
    assert client.get("/static/app.js").status_code == 200 and client.get("/static/app.css").status_code == 200


def test_originals_desk_page(desk: Desk) -> None:
    anna, _ = login(desk, "anna")
    html = anna.get("/originals").text
    assert 'id="barcode"' in html and "SPB-02" in html and "MSK-01" in html and "просроч" in html
    boris, _ = login(desk, "boris")
    assert boris.get("/originals").status_code == 403


def test_no_page_loads_anything_from_the_internet(desk: Desk) -> None:
    assert desk.client().get("/api/docs").status_code in {401, 404}  # no Swagger UI (it would use a CDN)
    client, _ = login(desk, "anna")
    for path in ("/search", "/review", "/originals", "/outlet?code=MSK-01", f"/documents/{desk.docs['waybill']}"):
        html = client.get(path).text
        assert "//cdn" not in html and 'src="http' not in html and 'href="http' not in html, path


def test_desk_keeps_the_queue_filter(desk: Desk) -> None:
    anna, _ = login(desk, "anna")
    queue = anna.get("/review", params={"outlet": "SPB-02"}).text
    assert f'href="/review/{desk.docs["invoice"]}?outlet=SPB-02"' in queue
    page = anna.get(f"/review/{desk.docs['invoice']}", params={"outlet": "SPB-02"}).text
    assert 'name="outlet" value="SPB-02"' in page and "в очереди: 1" in page
    r = anna.post(f"/review/{desk.docs['invoice']}/verify", data={"outlet": "SPB-02"}, follow_redirects=False)
    assert r.headers["location"] == "/review?outlet=SPB-02"  # the MSK-01 waybill is not in this queue

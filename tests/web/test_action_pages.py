"""Pages for the actions that had none (issue 21): confirming a suggested order link, importing orders from
a file, an outlet making its transfer register, users and API tokens, the mail rules — each through the
ASGI client with the rights of each role."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from archive import audit
from archive.models import LinkMethod, LinkState, Order, OrderLink, Original, User
from tests.web.conftest import Desk
from tests.web.test_api import ORDERS
from tests.web.test_pages import login


@pytest.fixture
def desk(sqlite_desk: Desk) -> Desk:
    return sqlite_desk


def _suggest(desk: Desk, doc_id: int) -> str:
    """An order and a link the archive suggested for ``doc_id`` (as scoring by INN, amount and date does)."""
    with desk.arc.transaction() as s:
        order = Order(order_no="ЗК-000900", customer_name="ООО «Ромашка»", customer_inn="7707083893",
                      amount=12000, kind="default")
        s.add(order)
        s.flush()
        s.add(OrderLink(order_id=order.id, document_id=doc_id, method=LinkMethod.SUGGESTION,
                        state=LinkState.SUGGESTED, score=0.82))
    return "ЗК-000900"


def test_a_suggested_link_is_confirmed_or_rejected_on_its_page(desk: Desk) -> None:
    order_no = _suggest(desk, desk.docs["invoice"])
    boris, _ = login(desk, "boris")
    page = boris.get("/orders/suggestions").text
    assert 'data-order="ЗК-000900"' in page and 'value="confirm"' not in page  # a manager reads, decides nothing
    assert boris.post(f"/orders/{order_no}/links", data={"document_id": desk.docs["invoice"],
                                                       "action": "confirm"}).status_code == 403
    anna, _ = login(desk, "anna")
    assert 'value="confirm"' in anna.get("/orders/suggestions").text
    assert 'value="confirm"' in anna.get(f"/documents/{desk.docs['invoice']}").text  # on the document too
    r = anna.post(f"/orders/{order_no}/links", data={"document_id": desk.docs["invoice"], "action": "confirm",
                                                   "back": "/orders/suggestions"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/orders/suggestions"
    assert 'id="no-suggestions"' in anna.get("/orders/suggestions").text
    order = desk.client("boris").get(f"/api/orders/{order_no}").json()
    assert [d["document_id"] for d in order["documents"]] == [desk.docs["invoice"]]
    with desk.arc.sessions() as s:
        assert "order.confirmed" in [e.action for e in audit.history(s, desk.docs["invoice"])]
    r = anna.post(f"/orders/{order_no}/links", data={"document_id": desk.docs["invoice"], "action": "reject",
                                                   "back": "//evil.example"}, follow_redirects=False)
    assert r.headers["location"] == "/orders/%D0%97%D0%9A-000900"  # never a redirect off the site
    assert desk.client("boris").get(f"/api/orders/{order_no}").json()["documents"] == []
    msk, _ = login(desk, "msk")
    assert msk.get("/orders/suggestions").status_code == 403


def test_orders_are_imported_from_an_uploaded_export(desk: Desk) -> None:
    anna, _ = login(desk, "anna")
    assert anna.get("/orders/import").status_code == 200
    csv = ("order_no;date;customer_name;customer_inn;outlet;amount;manager\n"
           "ЗК-000781;12.03.2026;ООО «Василёк»;7736207543;MSK-01;235 730,00;Boris\n"
           "ЗК-000782;31.02.2026;ООО «Лютик»;7736207543;MSK-01;100;Boris\n").encode("cp1251")
    r = anna.post("/orders/import", files={"file": ("crm-export.csv", csv, "text/csv")})
    assert r.status_code == 200, r.text
    assert '<dd id="created">1</dd>' in r.text and '<dd id="linked">1</dd>' in r.text  # the waybill of ЗК-000781
    assert 'id="import-errors"' in r.text and "<td>3</td>" in r.text  # the row with 31 February, by its line
    view = desk.client("anna").get(f"/api/documents/{desk.docs['waybill']}").json()
    assert [o["order_no"] for o in view["orders"]] == ["ЗК-000781"]
    r = anna.post("/orders/import", files={"file": ("orders.json", json.dumps(ORDERS).encode(), "application/json")})
    assert r.status_code == 200 and "crm-export" not in r.text
    assert anna.post("/orders/import", files={"file": ("orders.xlsx", b"PK", "application/zip")}).status_code == 422
    boris, _ = login(desk, "boris")
    assert boris.post("/orders/import", files={"file": ("o.csv", csv, "text/csv")}).status_code == 403


def test_an_outlet_makes_its_transfer_register(desk: Desk) -> None:
    msk, _ = login(desk, "msk")
    page = msk.get("/outlet/registers").text
    assert f"OR{desk.docs['waybill']:07d}" in page and 'id="make-register"' in page
    r = msk.post("/outlet/registers", data={"outlet": "SPB-02"}, follow_redirects=False)  # its own, whatever it asks
    assert r.status_code == 303
    page = msk.get(r.headers["location"]).text
    assert 'id="register-made"' in page and 'id="nothing-to-send"' in page
    with desk.arc.sessions() as s:
        original = s.scalar(select(Original).where(Original.document_id == desk.docs["waybill"]))
        assert original.state == "in_transit" and original.register_id is not None
    pdf_link = page.split('class="pdf"')[0].rsplit('href="', 1)[1].split('"')[0]
    pdf = msk.get(pdf_link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert msk.post("/outlet/registers", data={}).status_code == 409  # nothing left to send
    spb, _ = login(desk, "spb")
    assert f"OR{desk.docs['waybill']:07d}" not in spb.get("/outlet/registers").text
    assert spb.get(pdf_link).status_code == 404  # another outlet's register is not there
    anna, _ = login(desk, "anna")
    assert 'id="to-send"' in anna.get("/outlet/registers?code=SPB-02").text
    boris, _ = login(desk, "boris")
    assert boris.get("/outlet/registers").status_code == 403


def test_the_admin_manages_users_and_tokens(desk: Desk) -> None:
    admin, _ = login(desk, "admin")
    assert 'data-user="anna"' in admin.get("/admin/users").text
    assert admin.post("/admin/users", data={"username": "vera", "role": "outlet", "outlet": "KZN-03",
                                            "password": "short"}).status_code == 422
    r = admin.post("/admin/users", data={"username": "vera", "role": "outlet", "outlet": "KZN-03",
                                         "full_name": "Вера", "password": "vera-password-1"}, follow_redirects=False)
    assert r.status_code == 303
    user_url = r.headers["location"]
    vera, _ = login(desk, "vera", "vera-password-1")
    r = admin.post(f"{user_url}/tokens", data={"name": "сканер"})
    assert r.status_code == 201 and r.headers["cache-control"] == "no-store"
    token = r.text.split('<code class="token">')[1].split("</code>")[0]
    assert desk.client().get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()["username"] == "vera"
    assert token not in admin.get(user_url).text  # shown that once
    with desk.arc.sessions() as s:
        user_id = s.scalar(select(User.id).where(User.username == "vera"))
    page = admin.get(user_url).text
    token_id = int(page.split('data-token="')[1].split('"')[0])
    assert admin.post(f"/admin/users/{user_id + 1000}/tokens/{token_id}/revoke").status_code == 404
    assert admin.post(f"{user_url}/tokens/{token_id}/revoke").status_code == 200
    assert desk.client().get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert admin.post(f"{user_url}/active", data={"active": "false"}).status_code == 200
    assert vera.get("/documents", follow_redirects=False).status_code == 303  # logged out: to the login page
    assert admin.post(f"/admin/users/{desk_admin_id(desk)}/active", data={"active": "false"}).status_code == 422
    anna, _ = login(desk, "anna")
    assert anna.get("/admin/users").status_code == 403
    assert anna.post("/admin/users", data={"username": "x", "role": "admin"}).status_code == 403


def desk_admin_id(desk: Desk) -> int:
    with desk.arc.sessions() as s:
        return s.scalar(select(User.id).where(User.username == "admin"))


def test_the_mail_rules_page_shows_accounts_rules_and_which_rule_takes_a_message(desk: Desk) -> None:
    desk.arc.settings.values["mail"] = {**desk.arc.settings.values.get("mail", {}), "accounts": [
        {"name": "scans", "kind": "imap", "host": "imap.example.ru", "user": "scans@example.ru", "password": "секрет"}],
        "rules": [{"name": "СПб", "sender": r"@spb02\.example\.ru$", "outlet": "SPB-02", "doc_type": "waybill"},
                  {"sender": "@", "subject": "счёт", "action": "move", "folder": "Archived"}]}
    admin, _ = login(desk, "admin")
    page = admin.get("/admin/mail", params={"sender": "kassa@spb02.example.ru", "subject": "Накладные"}).text
    assert "imap.example.ru" in page and "секрет" not in page  # never the password
    assert 'id="tried"' in page and "СПб" in page.split('id="tried"')[1]
    page = admin.get("/admin/mail", params={"sender": "a@b.ru", "subject": "Счёт за март"}).text
    assert "rule 2" in page.split('id="tried"')[1]
    page = admin.get("/admin/mail", params={"sender": "a@b.ru", "subject": "привет"}).text
    assert 'class="msg pending" id="tried"' in page
    desk.arc.settings.values["mail"]["rules"] = [{"sender": "(unclosed"}]
    assert 'id="mail-error"' in admin.get("/admin/mail").text  # a wrong rule is shown, not a server error
    anna, _ = login(desk, "anna")
    assert anna.get("/admin/mail").status_code == 403

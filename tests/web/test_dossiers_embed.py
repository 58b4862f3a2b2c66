"""Counterparty dossiers (`/api/counterparties/{inn}`, the page) and the CRM's signed order view, through an
ASGI client on a real archive (SQLite and PostgreSQL): rights, INN checks, completeness, filing by hand, and an
embed link refused when expired or changed."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from archive import embed
from archive.models import AuditEvent, Order, OrderLink, Outlet
from tests.web.conftest import Desk, form_token, make_document

SUPPLIER = "7707083893"  # the seed's waybill seller (MSK-01)
CUSTOMER = "7736207543"


def _contract_and_card(desk: Desk, tmp_path) -> tuple[int, int]:
    """A supplier contract of the seed's seller at SPB-02 and an unsigned scan (``other``) of its bank details."""
    with desk.arc.transaction() as s:
        spb = s.scalar(select(Outlet).where(Outlet.code == "SPB-02"))
        contract = make_document(desk.arc, s, outlet=spb, tmp=tmp_path, doc_type="contract", status="verified",
                                 lines=["ДОГОВОР ПОСТАВКИ № П-12", "Поставщик ИНН " + SUPPLIER],
                                 fields={"number": ("П-12", "П-12"), "date": ("2026-02-01", None),
                                         "seller_inn": (SUPPLIER, SUPPLIER)})
        card = make_document(desk.arc, s, outlet=None, tmp=tmp_path, doc_type="other", status="verified",
                             original=None, lines=["Реквизиты организации", "р/с 40702810000000000001"])
        return contract.id, card.id


def test_a_dossier_lists_documents_orders_originals_and_what_its_kind_lacks(desk: Desk, tmp_path) -> None:
    contract, card = _contract_and_card(desk, tmp_path)
    anna = desk.client("anna")
    view = anna.get(f"/api/counterparties/{SUPPLIER}").json()
    assert set(view) >= {"documents", "orders", "originals_owed", "completeness"}
    assert {d["id"] for d in view["documents"]} == {desk.docs["waybill"], contract}
    assert view["roles"] == ["seller"]
    supplier = view["completeness"]["kinds"]
    assert [k["kind"] for k in supplier] == ["supplier"]
    assert supplier[0]["missing"] == ["bank_details"] and not view["completeness"]["complete"]
    assert {o["barcode"] for o in view["originals_owed"]} == {f"OR{desk.docs['waybill']:07d}", f"OR{contract:07d}"}
    # the card of bank details carries no INN: an accountant files it by hand, and the dossier is complete
    r = anna.post(f"/api/counterparties/{SUPPLIER}/documents", json={"document_id": card, "item": "bank_details"})
    assert r.status_code == 200, r.text
    done = r.json()["completeness"]
    assert done["complete"] and done["kinds"][0]["items"][1]["documents"] == [card]
    with desk.arc.sessions() as s:
        assert s.scalar(select(AuditEvent.action).where(AuditEvent.document_id == card)) == "dossier.filed"
    # filed as something no dossier knows: refused, nothing filed
    r = anna.post(f"/api/counterparties/{SUPPLIER}/documents", json={"document_id": contract, "item": "passport"})
    assert r.status_code == 422 and "no dossier item 'passport'" in r.json()["message"]
    r = anna.delete(f"/api/counterparties/{SUPPLIER}/documents/{card}")
    assert r.json()["completeness"]["kinds"][0]["missing"] == ["bank_details"]


def test_an_inn_is_checked_and_an_unknown_one_is_not_found(desk: Desk) -> None:
    anna = desk.client("anna")
    for bad in ("7707083894", "12345", "77070838931", "abcdefghij"):
        r = anna.get(f"/api/counterparties/{bad}")
        assert r.status_code == 400 and "check digits" in r.json()["message"], bad
    assert anna.get("/api/counterparties/7702070139").status_code == 404  # valid, but nothing of it here
    assert desk.client().get(f"/api/counterparties/{SUPPLIER}").status_code == 401


def test_an_outlet_sees_only_its_own_part_of_a_dossier(desk: Desk, tmp_path) -> None:
    contract, _ = _contract_and_card(desk, tmp_path)
    msk = desk.client("msk").get(f"/api/counterparties/{SUPPLIER}").json()
    assert [d["id"] for d in msk["documents"]] == [desk.docs["waybill"]]
    assert all(o["outlet"] == "MSK-01" for o in msk["originals_owed"])
    spb = desk.client("spb").get(f"/api/counterparties/{SUPPLIER}").json()
    assert [d["id"] for d in spb["documents"]] == [contract]
    with desk.arc.transaction() as s:  # a counterparty only another outlet deals with is not there for it
        s.add(Order(order_no="ЗК-1", customer_inn=CUSTOMER, outlet_id=s.scalar(
            select(Outlet.id).where(Outlet.code == "SPB-02"))))
    assert desk.client("spb").get(f"/api/counterparties/{CUSTOMER}").status_code == 200
    assert desk.client("msk").get(f"/api/counterparties/{CUSTOMER}").status_code == 404
    r = desk.client("msk").post(f"/api/counterparties/{SUPPLIER}/documents", json={"document_id": contract})
    assert r.status_code == 403


def test_the_dossier_page_shows_completeness_and_files_by_form(desk: Desk, tmp_path) -> None:
    _, card = _contract_and_card(desk, tmp_path)
    client = desk.client()
    client.post("/login", data={"username": "anna", "password": "test-password-1",
                                "csrf_token": form_token(client.get("/login").text)})
    page = client.get(f"/counterparties/{SUPPLIER}")
    assert page.status_code == 200
    assert 'data-item="bank_details"' in page.text and "Карточка с банковскими реквизитами" in page.text
    assert "не хватает" in page.text  # Russian first
    r = client.post(f"/counterparties/{SUPPLIER}/file", data={"document_id": str(card), "item": "bank_details",
                                                             "csrf_token": form_token(page.text)},
                    follow_redirects=False)
    assert r.status_code == 303
    assert "досье собрано" in client.get(f"/counterparties/{SUPPLIER}").text
    assert client.get("/counterparties/7707083894").status_code == 400


def test_the_incomplete_dossiers_are_listed_with_what_each_lacks(desk: Desk, tmp_path) -> None:
    _, card = _contract_and_card(desk, tmp_path)
    anna = desk.client("anna")
    r = anna.get("/api/counterparties/incomplete", params={"limit": 1})
    assert r.status_code == 200, r.text
    listed = r.json()
    first = listed["items"][0]
    assert set(listed) == {"items", "next", "previous"} and listed["previous"] is None
    whole = anna.get("/api/counterparties/incomplete").json()["items"]
    supplier = next(c for c in whole if c["inn"] == SUPPLIER)
    assert supplier["url"] == f"/counterparties/{SUPPLIER}" and supplier["missing"] == ["bank_details"]
    assert [i["item"] for i in supplier["kinds"][0]["missing"]] == ["bank_details"]
    assert [c["inn"] for c in whole] == sorted(c["inn"] for c in whole) and whole[0] == first
    if listed["next"]:  # the seed's counterparties beyond the first: the next page follows on, by INN
        assert 'rel="next"' in r.headers["link"]
        after = anna.get("/api/counterparties/incomplete", params={"limit": 1, "cursor": listed["next"]}).json()
        assert after["items"][0] == whole[1]
    assert anna.get("/api/counterparties/incomplete", params={"cursor": "garbage"}).status_code == 422
    # the web page, Russian first: each counterparty links to its dossier with what it lacks
    client = desk.client()
    client.post("/login", data={"username": "anna", "password": "test-password-1",
                                "csrf_token": form_token(client.get("/login").text)})
    page = client.get("/counterparties")
    assert page.status_code == 200 and "Неполные досье" in page.text
    assert f'href="/counterparties/{SUPPLIER}"' in page.text and "Карточка с банковскими реквизитами" in page.text
    # filed complete, it leaves the list
    anna.post(f"/api/counterparties/{SUPPLIER}/documents", json={"document_id": card, "item": "bank_details"})
    assert SUPPLIER not in {c["inn"] for c in anna.get("/api/counterparties/incomplete").json()["items"]}
    assert f'href="/counterparties/{SUPPLIER}"' not in client.get("/counterparties").text
    assert desk.client().get("/api/counterparties/incomplete").status_code == 401


# -- the CRM's embedded order view ------------------------------------------------------------------------


def _order_with_waybill(desk: Desk) -> str:
    with desk.arc.transaction() as s:
        order = Order(order_no="ЗК-000781", customer_inn=CUSTOMER, kind="wholesale", amount=235730)
        s.add(order)
        s.flush()
        s.add(OrderLink(order_id=order.id, document_id=desk.docs["waybill"], method="order_no", state="confirmed"))
    return "ЗК-000781"


def test_a_minted_link_shows_the_order_without_login_and_frames_only_for_the_crm(desk: Desk) -> None:
    order_no = _order_with_waybill(desk)
    minted = desk.client("boris").post(f"/api/orders/{order_no}/embed", json={"hours": 2})
    assert minted.status_code == 200, minted.text
    link = minted.json()
    assert link["order_no"] == order_no and link["url"].startswith("/embed/orders/")
    anonymous = desk.client()
    page = anonymous.get(link["path"])
    assert page.status_code == 200
    assert "Товарная накладная" in page.text or "накладная" in page.text
    assert 'id="missing"' in page.text and "invoice" not in page.text.split('id="missing"')[0][-50:]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]  # no CRM configured: not framed
    assert "x-frame-options" not in page.headers and page.headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in page.headers
    thumb = page.text.split('<img src="')[1].split('"')[0].replace("&amp;", "&")
    r = anonymous.get(thumb)
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    # a page of a document that is not the order's is not served with this order's link
    other = thumb.replace(f"/embed/pages/{desk.docs['waybill']}/", f"/embed/pages/{desk.docs['invoice']}/")
    assert anonymous.get(other).status_code == 404
    with desk.arc.sessions() as s:
        assert s.scalar(select(AuditEvent.new_value).where(AuditEvent.action == "embed.minted")) == order_no


def test_an_expired_or_changed_link_is_refused(desk: Desk) -> None:
    order_no = _order_with_waybill(desk)
    settings = desk.arc.settings
    good = embed.mint(settings, order_no, hours=1)
    query = parse_qs(urlsplit(good.path).query)
    anonymous = desk.client()
    assert anonymous.get(good.path).status_code == 200
    later = int(query["expires"][0]) + 3600
    tampered = {
        "another expiry": good.path.replace(f"expires={query['expires'][0]}", f"expires={later}"),
        "another order": good.path.replace("%D0%97%D0%9A-000781", "%D0%97%D0%9A-000782"),
        "another signature": good.path[:-3] + ("AAA" if not good.path.endswith("AAA") else "BBB"),
        "no signature": good.path.split("&sig=")[0],
    }
    for what, path in tampered.items():
        r = anonymous.get(path)
        assert r.status_code == 403, what
        assert "не действительна" in r.text or "недействительна" in r.text, what
    old = embed.mint(settings, order_no, hours=1, now=dt.datetime(2026, 1, 1, 12, 0))
    r = anonymous.get(old.path)
    assert r.status_code == 403 and "expired" in r.text
    thumb = f"/embed/pages/{desk.docs['waybill']}/1/thumbnail?" + urlsplit(old.path).query + f"&order={order_no}"
    assert anonymous.get(thumb).status_code == 403


def test_a_link_cannot_outlive_the_configured_limit(desk: Desk) -> None:
    order_no = _order_with_waybill(desk)
    r = desk.client("boris").post(f"/api/orders/{order_no}/embed", json={"hours": 24 * 365})
    assert r.status_code == 422 and "max_hours" in r.json()["message"]
    assert desk.client("msk").post(f"/api/orders/{order_no}/embed").status_code == 403  # an outlet reads no orders
    assert desk.client("boris").post("/api/orders/NO-SUCH/embed").status_code == 404


def _logged_in(desk: Desk, username: str):
    client = desk.client()
    client.post("/login", data={"username": username, "password": "test-password-1",
                                "csrf_token": form_token(client.get("/login").text)})
    return client


def test_the_order_page_mints_the_crm_link_to_copy_with_its_expiry(desk: Desk) -> None:
    order_no = _order_with_waybill(desk)
    boris = _logged_in(desk, "boris")  # a manager reads orders, and may hand the CRM a link
    page = boris.get(f"/orders/{order_no}")
    assert 'action="/orders/%D0%97%D0%9A-000781/crm-link"' in page.text and "Ссылка для CRM" in page.text
    assert 'id="crm-link-url"' not in page.text  # nothing minted by looking
    r = boris.post(f"/orders/{order_no}/crm-link", data={"csrf_token": form_token(page.text)})
    assert r.status_code == 200 and "Действует до" in r.text
    shown_link = re.search(r'id="crm-link-url" type="text" readonly value="([^"]+)"', r.text)
    assert shown_link is not None
    url = shown_link.group(1).replace("&amp;", "&")
    assert url.startswith("http://testserver/embed/orders/")  # whole, for the CRM, though no base_url is set
    anonymous = desk.client()
    shown = anonymous.get(url.removeprefix("http://testserver"))
    assert shown.status_code == 200 and "ЗК-000781" in shown.text
    expires = dt.datetime.fromtimestamp(int(parse_qs(urlsplit(url).query)["expires"][0]), dt.UTC)
    assert dt.timedelta(hours=1) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(
        hours=float(desk.arc.settings.get("embed", "ttl_hours")))
    with desk.arc.sessions() as s:
        minted = s.scalar(select(AuditEvent).where(AuditEvent.action == "embed.minted"))
        assert minted is not None and minted.actor == "boris" and minted.new_value == order_no
    # without the form's token the POST is refused; an outlet reads no orders and is offered no link
    assert boris.post(f"/orders/{order_no}/crm-link", data={}).status_code == 403
    msk = _logged_in(desk, "msk")
    assert msk.post(f"/orders/{order_no}/crm-link", data={"csrf_token": form_token(msk.get("/outlet").text)}
                    ).status_code == 403


@pytest.mark.parametrize("origins", [["crm.example.ru"], ["https://crm.example.ru; script-src *"]])
def test_frame_ancestors_must_be_origins(origins: list[str]) -> None:
    from finarchive.errors import ConfigurationError
    from web.embed_page import frame_ancestors

    class FakeSettings:  # a stand-in for Settings.get: only the one value is read
        def get(self, section: str, key: str) -> list[str]:
            return origins

    with pytest.raises(ConfigurationError, match="frame_ancestors"):
        frame_ancestors(FakeSettings())


def test_the_api_pages_a_dossier_s_documents_and_the_document_page_links_to_it(desk: Desk, tmp_path) -> None:
    contract, _ = _contract_and_card(desk, tmp_path)
    anna = desk.client("anna")
    first = anna.get(f"/api/counterparties/{SUPPLIER}", params={"limit": 1}).json()
    assert first["documents_total"] == 2 and len(first["documents"]) == 1 and first["documents_previous"] is None
    second = anna.get(f"/api/counterparties/{SUPPLIER}", params={"limit": 1, "cursor": first["documents_next"]})
    assert {first["documents"][0]["id"], second.json()["documents"][0]["id"]} == {contract, desk.docs["waybill"]}
    assert second.json()["documents_next"] is None
    assert anna.get(f"/api/counterparties/{SUPPLIER}", params={"cursor": "garbage"}).status_code == 422
    client = desk.client()
    client.post("/login", data={"username": "boris", "password": "test-password-1",
                                "csrf_token": form_token(client.get("/login").text)})
    assert f'href="/counterparties/{SUPPLIER}"' in client.get(f"/documents/{desk.docs['waybill']}").text

"""In real headless Chromium at a phone's width (390 px): a counterparty's dossier filed complete from its page,
and the CRM's order card showing the signed order view in a frame — allowed for the CRM's origin by
``[embed] frame_ancestors``, refused to any other, and refused when the link was changed. Screenshots go to
build/screenshots/ (FINARCHIVE_SCREENSHOTS=docs/screenshots refreshes the ones docs/web.md shows)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from archive import embed
from archive.models import Order, OrderLink, Outlet
from tests.archive.test_routes import open_with
from tests.web.conftest import PASSWORD, _desk, make_document
from tests.web.test_browser import CHROMIUM, SHOTS, WAIT_MS, serving, wait_until
from tests.web.test_browser import browser as chromium  # noqa: F401  # the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]

PHONE = {"width": 390, "height": 844}
SUPPLIER = "7707083893"  # the seed's waybill seller


class CrmPages:
    """A stand-in for the CRM's order card: a real HTTP server on loopback whose page frames a given URL."""

    def __init__(self) -> None:
        self.frame_url = ""
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # http.server's name
                body = (f'<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
                        f'<body style="margin:0;font:14px sans-serif"><div style="padding:8px;background:#e8f0fe">'
                        f'CRM · Заказ ЗК-000781 · ООО «Василёк»</div>'
                        f'<iframe id="archive" src="{outer.frame_url}" style="border:0;width:100%;height:760px">'
                        f'</iframe></body>').encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Any, CrmPages, int]]:
    crm = CrmPages()
    # the CRM is at http://localhost:<its port>; the archive at http://127.0.0.1:<another>: another origin
    arc = open_with({"FINARCHIVE_HOME": str(tmp_path / "home")},
                    f'[embed]\nframe_ancestors = ["http://localhost:{crm.port}"]\n')
    desk = _desk(arc, tmp_path)
    with arc.transaction() as s:
        spb = s.scalar(select(Outlet).where(Outlet.code == "SPB-02"))
        make_document(arc, s, outlet=spb, tmp=tmp_path, doc_type="contract", status="verified",
                      lines=["ДОГОВОР ПОСТАВКИ № П-12", f"Поставщик ИНН {SUPPLIER}"],
                      fields={"number": ("П-12", "П-12"), "seller_inn": (SUPPLIER, SUPPLIER)})
        card = make_document(arc, s, outlet=None, tmp=tmp_path, doc_type="other", status="verified", original=None,
                             lines=["Реквизиты организации", "Банк: ПАО «Банк»", "р/с 40702810000000000001"])
        order = Order(order_no="ЗК-000781", customer_inn="7736207543", customer_name="ООО «Василёк»",
                      kind="wholesale", amount=235730)
        s.add(order)
        s.flush()
        s.add(OrderLink(order_id=order.id, document_id=desk.docs["waybill"], method="order_no", state="confirmed"))
        card_id = card.id
    with serving(desk.app) as base:
        yield base, arc, crm, card_id
    crm.close()
    desk.app.state.uploads.close()
    arc.close()


def _phone(browser):
    context = browser.new_context(viewport=PHONE, locale="ru-RU", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return page


def test_a_supplier_dossier_is_filed_complete_on_a_phone(served, chromium) -> None:  # noqa: F811
    base, _, _, card_id = served
    page = _phone(chromium)
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "anna")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/counterparties")
    page.fill("input[name=inn]", SUPPLIER)
    page.click("form.filters button[type=submit]")
    page.wait_for_url(f"**/counterparties/{SUPPLIER}")
    kind = page.locator(".kind[data-kind=supplier]")
    assert "не хватает" in kind.inner_text()
    assert kind.locator("li[data-item=bank_details]").get_attribute("class") == "absent"
    assert page.locator("#dossier-docs .doc-card").count() == 2
    wait_until(page, "[...document.querySelectorAll('#dossier-docs img')].every(i => i.naturalWidth > 0)")
    wide = page.evaluate("[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 390)"
                         ".map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right).slice(0, 8)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], wide  # no sideways scrolling
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dossier-phone.png"), full_page=True)
    page.fill("input[name=document_id]", str(card_id))
    page.select_option("select[name=item]", "bank_details")
    page.click("form.file-form button[type=submit]")
    page.wait_for_load_state()
    assert "досье собрано" in page.locator(".kind[data-kind=supplier]").inner_text()
    assert page.locator("li[data-item=bank_details]").get_attribute("class") == "present"
    page.screenshot(path=str(SHOTS / "dossier-complete-phone.png"), full_page=True)


def _login(page, base: str, username: str = "anna") -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_load_state()


def test_the_incomplete_dossiers_are_listed_on_a_phone_and_lead_to_each_dossier(served, chromium) -> None:  # noqa: F811
    base, _, _, _ = served
    page = _phone(chromium)
    _login(page, base)
    page.click("nav a[href='/counterparties']")
    page.wait_for_url("**/counterparties")
    assert page.locator("h1").inner_text() == "Неполные досье"
    supplier = page.locator(f"#incomplete li[data-inn='{SUPPLIER}']")
    lacks = supplier.locator(".lacks[data-kind=supplier]")
    assert "Карточка с банковскими реквизитами" in lacks.inner_text()
    assert lacks.locator("[data-item=contract]").count() == 0  # the contract is there
    wide = page.evaluate("[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 390)"
                         ".map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right).slice(0, 8)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], wide  # no sideways scrolling
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "incomplete-dossiers-phone.png"), full_page=True)
    supplier.locator("a").first.click()
    page.wait_for_url(f"**/counterparties/{SUPPLIER}")
    assert page.locator(".kind[data-kind=supplier] li[data-item=bank_details]").get_attribute("class") == "absent"


def test_the_crm_card_frames_the_signed_order_view_and_nothing_else_does(served, chromium) -> None:  # noqa: F811
    base, arc, crm, _ = served
    link = embed.mint(arc.settings, "ЗК-000781", hours=1)
    crm.frame_url = base + link.path
    page = _phone(chromium)
    page.goto(f"http://localhost:{crm.port}/")
    frame = page.frame_locator("#archive")
    frame.locator("#order-docs .doc-card").first.wait_for()
    assert "Товарная накладная" in frame.locator("#order-docs").inner_text() or \
        "накладная" in frame.locator("#order-docs").inner_text()
    assert frame.locator("#missing li").count() >= 1  # a wholesale order lacks its invoice and UPD
    inner = next(f for f in page.frames if "/embed/orders/" in f.url)
    wait_until(inner, "[...document.querySelectorAll('#order-docs img')].every(i => i.naturalWidth > 0)")
    assert inner.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "embed-order-phone.png"), full_page=True)

    # the same link framed by a page of another origin (127.0.0.1, not the CRM's localhost): refused
    other = _phone(chromium)
    other.goto(f"http://127.0.0.1:{crm.port}/")
    other.wait_for_timeout(1500)
    blocked = [f for f in other.frames if f is not other.main_frame]
    assert blocked and all(f.locator("#order-docs").count() == 0 for f in blocked)

    # a changed link shows the refusal in the CRM's frame, not the order
    crm.frame_url = base + link.path.replace("sig=", "sig=x")
    page.goto(f"http://localhost:{crm.port}/")
    refused = page.frame_locator("#archive").locator("#refused")
    refused.wait_for()
    assert "недействительна" in refused.inner_text()
    assert page.frame_locator("#archive").locator("#order-docs").count() == 0


def test_the_order_page_hands_the_crm_a_signed_link_to_copy_on_a_phone(served, chromium) -> None:  # noqa: F811
    base, _, _, _ = served
    page = _phone(chromium)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    _login(page, base, "boris")
    page.goto(f"{base}/orders/ЗК-000781")
    assert page.locator("#crm-link-url").count() == 0
    page.click("#crm-link button[type=submit]")
    page.wait_for_load_state()
    field = page.locator("#crm-link-url")
    url = field.input_value()
    assert url.startswith(f"{base}/embed/orders/") and "sig=" in url and "expires=" in url
    assert "Действует до" in page.locator("#crm-link-expiry").inner_text()
    page.click("#crm-link-copy")
    wait_until(page, "document.getElementById('crm-link-copy').textContent === 'Скопировано'")
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # the long link wraps no page
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "order-crm-link-phone.png"), full_page=True)
    # what the CRM is given opens the order's view with no login
    crm = chromium.new_context(viewport=PHONE).new_page()
    crm.goto(url)
    crm.locator("#order-docs .doc-card").first.wait_for()
    assert "ЗК-000781" in crm.content()

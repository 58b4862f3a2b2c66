"""Walks through the desk in real headless Chromium (Debian's, driven by Playwright) against uvicorn
serving a seeded archive on a loopback port. Each page's screenshot goes to docs/screenshots/."""

from __future__ import annotations

import json
import contextlib
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from pathlib import Path

import pytest

from tests.factories import WAYBILL_LINES, make_scan
from tests.web.conftest import PASSWORD, Desk, needs_pipeline
from tests.web.test_api import ORDERS

CHROMIUM = Path("/usr/bin/chromium")
# Screenshots go to build/screenshots/ (not committed); FINARCHIVE_SCREENSHOTS=docs/screenshots refreshes the
# ones the README and docs/web.md show.
SHOTS = Path(os.environ.get("FINARCHIVE_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "build" / "screenshots")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
WAIT_MS = 30_000  # a loaded CI machine can take 15 s to answer a first navigation


def wait_until(page: Any, expression: str, timeout_ms: int = WAIT_MS) -> None:
    """Poll a JavaScript expression (or function) in ``page`` (a Page or Frame) until it is truthy. Playwright's
    wait_for_function compiles its string with eval() in the page, which the desk's CSP (script-src 'self')
    refuses whenever the first check fails and it has to poll; evaluate() runs over the DevTools protocol."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout_ms} ms: {expression}")
        time.sleep(0.05)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(app) -> Iterator[str]:
    """uvicorn serving ``app`` on loopback in a thread; yields its base URL."""
    import uvicorn

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=srv.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def server(sqlite_desk: Desk) -> Iterator[tuple[str, Desk]]:
    """uvicorn serving the desk in a thread; yields its base URL."""
    with serving(sqlite_desk.app) as base:
        yield base, sqlite_desk


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


def _login(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 1200, "height": 760}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_load_state()
    return page


def _shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def test_accountant_corrects_a_field_and_accepts(server, browser) -> None:
    base, desk = server
    page = _login(browser, base, "anna")
    assert page.url.endswith("/review")
    _shot(page, "review-queue")
    page.click("#start")
    page.wait_for_url(re.compile(rf"/review/{desk.docs['invoice']}$"))
    # the page image is loaded and every field's box is drawn over it
    wait_until(page, "document.getElementById('page-img').naturalWidth > 0")
    assert page.locator("#boxes .box").count() == 3
    total = page.locator("input[data-field=total]")
    total.click()
    assert page.locator("#boxes .box.active").get_attribute("data-field") == "total"
    total.fill("12 500,00")
    total.press("Enter")
    page.wait_for_selector("#field-msg.ok")
    assert total.input_value() == "12500.00"  # normalised by the server
    # keyboard-first: Enter saved and moved on to the next field
    assert page.evaluate("document.activeElement.dataset.field") != "total"
    _shot(page, "verification-desk")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(rf"/review/{desk.docs['waybill']}$"))  # on to the next in the queue
    view = desk.client("anna").get(f"/api/documents/{desk.docs['invoice']}").json()
    assert view["status"] == "verified" and view["fields"]["total"]["value"] == "12500.00"
    assert view["fields"]["total"]["source"] == "corrected"
    assert [(e["action"], e["old"], e["new"]) for e in view["history"]] == [
        ("field.corrected", "12000.00", "12500.00"), ("document.verified", "needs_review", "verified")]
    # reject the next one with a reason, from the keyboard
    page.keyboard.press("Alt+r")
    page.keyboard.type("печать не видна, пересканируйте")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/review$"))
    assert page.locator("#queue-empty").is_visible()
    assert desk.client("msk").get("/api/outlets/MSK-01").json()["rejected"][0]["reason"] == \
        "печать не видна, пересканируйте"


def test_document_viewer_search_and_zoom(server, browser) -> None:
    base, desk = server
    page = _login(browser, base, "boris")
    page.fill("input[name=q]", "Ромашка")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector(".hit mark")
    assert page.locator("#total").inner_text() == "2"
    _shot(page, "search")
    page.click(f"a[href='/documents/{desk.docs['waybill']}']")
    wait_until(page, "document.getElementById('page-img').naturalWidth > 0")
    before = page.locator("#sheet").bounding_box()
    page.click("[data-act=zoom-in]")
    after = page.locator("#sheet").bounding_box()
    assert after["width"] > before["width"] * 1.2
    page.click("[data-act=fit]")
    page.click("[data-act=rotate]")
    assert "rotate(90deg)" in page.locator("#sheet").get_attribute("style")
    page.click("[data-act=rotate]")
    page.click("[data-act=rotate]")
    page.click("[data-act=rotate]")
    page.hover("tr[data-row=order_no]")
    assert page.locator("#boxes .box.active").get_attribute("data-field") == "order_no"
    _shot(page, "document")


def test_manager_opens_an_order_and_sees_scans_and_gaps(server, browser) -> None:
    base, desk = server
    r = desk.client("anna").post("/api/orders/import", content=json.dumps(ORDERS),
                                 headers={"Content-Type": "application/json"})
    assert r.json()["linked"] == 1
    page = _login(browser, base, "boris")
    page.click("text=Заказы")
    page.fill("input[name=order_no]", "ЗК-000781")
    page.press("input[name=order_no]", "Enter")
    page.wait_for_selector("#order-docs img")
    wait_until(page, "Array.from(document.querySelectorAll('#order-docs img')).every(i => i.naturalWidth > 0)")
    assert page.locator("#order-docs .doc-card").count() == 1
    missing = page.locator("#missing li").all_inner_texts()
    assert any("счёт" in m for m in missing)
    assert "оригинал: ожидается" in page.locator("#order-docs").inner_text()
    _shot(page, "order")


@needs_pipeline
def test_outlet_uploads_a_scan_and_sees_it_arrive(server, browser, tmp_path: Path) -> None:
    base, desk = server
    scan = make_scan(tmp_path / "накладная-4521.png", WAYBILL_LINES)
    page = _login(browser, base, "msk")
    assert page.url.endswith("/outlet")
    page.set_input_files("#upload-files", str(scan))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#upload-msg")
    desk.app.state.uploads.drain(timeout=120)  # real OCR in the background thread
    page.reload()
    received = page.locator("#received").inner_text()
    assert "накладная-4521.png" in received
    _shot(page, "outlet")
    hits = desk.client("msk").get("/api/documents", params={"q": "Ромашка"}).json()["hits"]
    assert any(h["title"] == "накладная-4521.png" for h in hits)


def test_outlet_page_screenshot(server, browser) -> None:
    """The outlet's view without an upload: rejected documents and owed originals."""
    base, desk = server
    desk.client("anna").post(f"/api/documents/{desk.docs['waybill']}/reject",
                             json={"reason": "page cut off at the bottom, please rescan"})
    page = _login(browser, base, "msk")
    assert "page cut off at the bottom" in page.locator("#rejected").inner_text()
    assert f"OR{desk.docs['waybill']:07d}" in page.locator("#owed").inner_text()
    _shot(page, "outlet-rejected")


def test_originals_desk_receives_scanned_barcodes_and_files_them(server, browser) -> None:
    base, desk = server
    code = f"OR{desk.docs['waybill']:07d}"
    register = desk.client("msk").post("/api/originals/registers/", json={}).json()["code"]
    desk.client("anna").post("/api/originals/boxes/", json={"code": "BOX-2026-01", "location": "shelf A3"})
    page = _login(browser, base, "anna")
    page.click("text=Оригиналы")
    page.wait_for_selector("#barcode:focus")
    owed = " ".join(page.locator(".owed-outlet").all_inner_texts())
    assert "SPB-02" in owed and "MSK-01: должны 1" in owed
    page.keyboard.type(code.lower())  # as a barcode scanner types it
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#scan-log li.ok >> text={code} принят")
    page.keyboard.type("OR7777777")
    page.keyboard.press("Enter")
    page.wait_for_selector("#scan-log li.bad >> text=неизвестный штрихкод")
    assert f"реестр {register}" in page.locator("#scan-log").inner_text()
    assert page.locator("#file-codes").input_value() == code
    page.click("#file-form button[type=submit]")
    page.wait_for_selector("#file-msg >> text=оригиналов разложено в BOX-2026-01: 1")
    _shot(page, "originals-desk")
    assert desk.client("anna").get(f"/api/originals/{code}").json()["state"] == "archived"


def test_pages_break_no_content_security_rule_and_forged_posts_are_refused(server, browser) -> None:
    """Chromium enforces the Content-Security-Policy: no page of the desk trips it. A script posting with the
    session cookie but without the page's CSRF token is refused; with the token from the page, accepted."""
    base, desk = server
    page = _login(browser, base, "anna")
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', "
                         "e => console.error('Content Security Policy: ' + e.violatedDirective))")
    doc = desk.docs["invoice"]
    for path in ("/review", f"/review/{doc}", f"/documents/{doc}", "/search?q=Ромашка", "/originals",
                 "/outlet?code=MSK-01", "/orders"):
        page.goto(base + path)
        page.wait_for_load_state("load")
    page.goto(f"{base}/review/{doc}")
    wait_until(page, "document.getElementById('page-img').naturalWidth > 0")
    assert violations == []
    post = """async ([url, token]) => {
        const headers = {"Content-Type": "application/json"};
        if (token) headers["X-CSRF-Token"] = token;
        const r = await fetch(url, {method: "POST", credentials: "same-origin", headers,
                                    body: JSON.stringify({fields: {total: "321.00"}})});
        return [r.status, (await r.json()).message || ""];
    }"""
    url = f"/api/documents/{doc}/correct"
    status, message = page.evaluate(post, [url, None])
    assert status == 403 and "CSRF" in message
    token = page.get_attribute('meta[name="csrf-token"]', "content")
    status, _ = page.evaluate(post, [url, token])
    assert status == 200
    assert desk.client("anna").get(f"/api/documents/{doc}").json()["fields"]["total"]["value"] == "321.00"


def _audit_count(desk: Desk, doc_id: int) -> int:
    return len(desk.client("anna").get(f"/api/documents/{doc_id}").json()["history"])


def test_the_desk_keyboard_never_saves_by_accident(server, browser) -> None:
    """ArrowDown on the type selector changes nothing on the server until Enter; adding a field keeps the page
    and the focus; a refused value shows its reason styled as an error (issue 20)."""
    base, desk = server
    doc = desk.docs["invoice"]
    page = _login(browser, base, "anna")
    page.goto(f"{base}/review/{doc}")
    wait_until(page, "document.getElementById('page-img').naturalWidth > 0")
    history = _audit_count(desk, doc)
    select = page.locator("select[data-field=doc_type]")
    select.focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_selector("#field-msg.pending")
    assert select.input_value() != "invoice"
    assert desk.client("anna").get(f"/api/documents/{doc}").json()["doc_type"] == "invoice"
    assert _audit_count(desk, doc) == history
    page.keyboard.press("ArrowUp")  # back to invoice: nothing to save
    # a new field: typed into the add row, Enter saves it in place; no reload, the focus stays in the row
    page.evaluate("window.__still_here = true")
    page.fill("#new-name", "buyer_inn")
    page.press("#new-name", "Enter")
    assert page.evaluate("document.activeElement.id") == "new-value"
    page.keyboard.type("7736207543")
    page.keyboard.press("Enter")
    page.wait_for_selector("input[data-field=buyer_inn]")
    assert page.evaluate("window.__still_here === true")  # the page was not reloaded
    assert page.evaluate("document.activeElement.id") == "new-name"
    assert page.locator("input[data-field=number]").input_value() == "118"
    page.keyboard.type("x")  # typing on goes into the add row, not over the number
    assert page.locator("input[data-field=number]").input_value() == "118"
    fields = desk.client("anna").get(f"/api/documents/{doc}").json()["fields"]
    assert fields["buyer_inn"]["value"] == "7736207543" and fields["number"]["value"] == "118"
    # a value failing its check: refused with the reason, shown red, nothing saved
    total = page.locator("input[data-field=total]")
    total.fill("-5")
    total.press("Enter")
    page.wait_for_selector("#field-msg.error")
    colour = page.evaluate("getComputedStyle(document.getElementById('field-msg')).color")
    assert colour == "rgb(207, 34, 46)", colour
    assert page.evaluate("document.activeElement.dataset.field") == "total"  # the focus stays on it
    assert desk.client("anna").get(f"/api/documents/{doc}").json()["fields"]["total"]["value"] == "12000.00"
    # the type: chosen with the arrows, saved with Enter
    select.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("#field-msg.ok")
    assert desk.client("anna").get(f"/api/documents/{doc}").json()["doc_type"] == select.input_value()


def test_accepting_with_errors_asks_first(server, browser, tmp_path: Path) -> None:
    base, desk = server
    doc = desk.docs["waybill"]
    page = _login(browser, base, "anna")
    page.goto(f"{base}/review/{doc}")
    total = page.locator("input[data-field=seller_inn]")
    total.fill("7707083894")
    page.check("#force")  # kept as it is, on purpose: the document now has an error
    total.press("Enter")
    page.wait_for_selector("#problems li.sev-error")
    page.uncheck("#force")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#confirm-accept:focus")
    assert desk.client("anna").get(f"/api/documents/{doc}").json()["status"] == "needs_review"
    _shot(page, "desk-confirm-errors")
    with page.expect_navigation():  # the accepting POST and its redirect, not the page already at /review/<id>
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/review(/\d+)?(\?.*)?$"))  # on to the next one, not the refused /verify
    assert desk.client("anna").get(f"/api/documents/{doc}").json()["status"] == "verified"


def test_an_original_without_a_register_is_received_once_and_filed_and_the_log_survives_a_new_box(
        server, browser) -> None:
    """Issue 20: the code came back as received and unexpected at once (two lines, twice in the filing list,
    then 409), and opening a box reloaded the page and wiped the scan log."""
    base, desk = server
    code = f"OR{desk.docs['invoice']:07d}"  # expected from SPB-02, on no register
    page = _login(browser, base, "anna")
    page.goto(f"{base}/originals")
    page.wait_for_selector("#barcode:focus")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#scan-log li.warn >> text={code}")
    assert page.locator("#scan-log li").count() == 1  # one outcome for one code
    assert page.locator("#file-codes").input_value() == code
    page.evaluate("window.__still_here = true")
    page.fill("#new-box", "BOX-2026-07")
    page.fill("#new-box-location", "shelf B1")
    page.click("#box-form button[type=submit]")
    page.wait_for_selector("#file-msg.ok")
    assert page.evaluate("window.__still_here === true")  # no reload
    assert page.locator("#box-code").input_value() == "BOX-2026-07"
    assert page.locator("#scan-log li").count() == 1 and code in page.locator("#scan-log").inner_text()
    page.click("#file-form button[type=submit]")
    # the filing's own line in the log (the box's opening message names the box too, so it cannot tell)
    page.wait_for_selector("#scan-log li:nth-child(2)")
    assert "BOX-2026-07" in page.locator("#file-msg.ok").inner_text()
    assert desk.client("anna").get(f"/api/originals/{code}").json()["state"] == "archived"
    page.reload()  # the log is the tab's: still there after a reload
    page.wait_for_selector(f"#scan-log li >> text={code}")
    assert page.locator("#file-codes").input_value() == ""


ROLE_WALKS = {  # role: (user, [(path, what the page must say in ru, in en, screenshot name)])
    "accountant": ("anna", [("/review", "Проверка документов", "Verification desk", "review-queue"),
                            ("/review/{invoice}", "Поля", "Fields", "verification-desk"),
                            ("/originals", "Приём оригиналов", "Originals desk", "originals-desk")]),
    "manager": ("boris", [("/search?q=Ромашка", "документа", "documents", "search"),
                          ("/orders/ЗК-000781", "Не хватает", "Missing", "order"),
                          ("/documents/{waybill}", "История", "History", "document")]),
    "outlet": ("msk", [("/outlet", "Оригиналы, которые вы ещё должны", "Originals you still owe", "outlet")]),
    "admin": ("admin", [("/admin/sessions", "Открытые сеансы", "Open sessions", "sessions")]),
}


@pytest.mark.parametrize("language", ["ru", "en"])
def test_each_role_s_pages_in_russian_and_english(server, browser, language: str) -> None:
    """Every role's pages in the browser's language, with money and dates by its locale; screenshots of each
    (``<name>-<language>.png``; the Russian ones are the README's)."""
    base, desk = server
    r = desk.client("anna").post("/api/orders/import", content=json.dumps(ORDERS),
                                 headers={"Content-Type": "application/json"})
    assert r.status_code == 200
    for user, walk in ROLE_WALKS.values():
        context = browser.new_context(viewport={"width": 1200, "height": 760}, locale=f"{language}-RU"
                                      if language == "ru" else "en-GB")
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(f"{base}/login")
        assert page.locator("html").get_attribute("lang") == language
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.login button[type=submit]")
        page.wait_for_load_state()
        for path, ru, en, name in walk:
            page.goto(base + path.format(**desk.docs))
            page.wait_for_load_state("load")
            text = page.locator("main").inner_text()
            assert (ru if language == "ru" else en) in text, (path, language)
            if name == "search":
                money = "235 730,00 ₽" if language == "ru" else "235,730.00"
                assert money in text.replace("\u00a0", " "), text
                assert ("14.03.2026" if language == "ru" else "14/03/2026") in text or language == "en"
            _shot(page, f"{name}-{language}")
        context.close()

"""The document list and the new action pages in real headless Chromium (Debian's, through Playwright),
at desktop width and at 390 px, light and dark (``prefers-color-scheme``): thumbnails, a sort, a saved
search, a bulk verify from the keyboard; each page without horizontal overflow or CSP violation, with
screenshots (docs/screenshots/ with FINARCHIVE_SCREENSHOTS=docs/screenshots). One browser for the module."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.indexing import index_documents
from archive.models import Outlet
from tests.web.conftest import PASSWORD, Desk, make_document
from tests.web.test_action_pages import _suggest
from tests.web.test_browser import ARGS, CHROMIUM, SHOTS, WAIT_MS, server, wait_until  # noqa: F401  # the uvicorn fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
DARK_BODY = "rgb(20, 23, 28)"  # --bg of the dark scheme (static/app.css)
CSP_WATCH = ("document.addEventListener('securitypolicyviolation', "
             "e => console.error('Content Security Policy: ' + e.violatedDirective))")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


class Screen:
    """A logged-in tab at one width and colour scheme that records CSP violations."""

    def __init__(self, browser, base: str, username: str, viewport: dict[str, int], scheme: str,
                 password: str = PASSWORD) -> None:
        self.context = browser.new_context(viewport=viewport, color_scheme=scheme, locale="ru-RU")
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT_MS)
        self.violations: list[str] = []
        self.page.on("console", lambda m: self.violations.append(m.text) if "Content Security Policy" in m.text
                     else None)
        self.page.add_init_script(CSP_WATCH)
        self.base, self.scheme = base, scheme
        self.page.goto(f"{base}/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("form.login button[type=submit]")
        self.page.wait_for_load_state()

    def open(self, path: str) -> Any:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state()
        return self.page

    def check(self, name: str) -> None:
        """The page fits its width, follows the colour scheme, broke no CSP rule; its screenshot."""
        page = self.page
        width = page.evaluate("window.innerWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, f"{name} overflows {width} px"
        body = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (body == DARK_BODY) == (self.scheme == "dark"), f"{name}: body {body} in {self.scheme}"
        assert self.violations == [], self.violations
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"))

    def close(self) -> None:
        self.context.close()


def _more_documents(desk: Desk, tmp: Path) -> None:
    """A few more documents, so the list has rows below the fold (whose thumbnails wait to be scrolled to)."""
    kinds = [("upd", "УПД № 77 от 02.03.2026", "77", "2026-03-02", "9800.00"),
             ("act", "АКТ № 15 от 20.02.2026", "15", "2026-02-20", "31500.00"),
             ("receipt", "КАССОВЫЙ ЧЕК № 3091", "3091", "2026-03-09", "1240.00"),
             ("vat_invoice", "СЧЁТ-ФАКТУРА № 512 от 01.03.2026", "512", "2026-03-01", "57000.00"),
             ("contract", "ДОГОВОР ПОСТАВКИ № 9-П", "9-П", "2026-01-12", None),
             ("waybill", "ТОВАРНАЯ НАКЛАДНАЯ № 4602", "4602", "2026-03-11", "18400.00")]
    with desk.arc.transaction() as s:
        outlets = list(s.scalars(select(Outlet).order_by(Outlet.code)))
        ids = []
        for i, (doc_type, title, number, date, total) in enumerate(kinds):
            fields = {"number": (number, number), "date": (date, None)}
            if total:
                fields["total"] = (total, None)
            ids.append(make_document(desk.arc, s, outlet=outlets[i % len(outlets)], tmp=tmp, doc_type=doc_type,
                                     lines=[title, "Поставщик: ООО «Ромашка», ИНН 7707083893"], fields=fields,
                                     created=dt.datetime(2026, 3, 1 + i, 12, 0), original=None).id)
    index_documents(desk.arc, ids)


def _ids(page) -> list[int]:
    return [int(i) for i in page.eval_on_selector_all("#doclist tbody tr[data-id]", "rs => rs.map(r => r.dataset.id)")]


def test_the_list_with_thumbnails_sort_saved_search_and_a_bulk_verify(server, browser, tmp_path: Path) -> None:  # noqa: F811
    base, desk = server
    _more_documents(desk, tmp_path)
    screen = Screen(browser, base, "anna", DESKTOP, "light")
    page = screen.open("/documents")
    rows = page.locator("#doclist tbody tr[data-id]")
    assert rows.count() == 9
    # thumbnails: lazy, the ones in view loaded and made from the pages
    assert page.eval_on_selector_all("img.thumb", "is => is.every(i => i.loading === 'lazy')")
    wait_until(page, "() => Array.from(document.querySelectorAll('img.thumb')).slice(0, 3)"
                           ".every(i => i.complete && i.naturalWidth > 0)")
    # sort by total, server-side, then the other way round
    page.click("th.c-total a")
    page.wait_for_url(re.compile(r"sort=total"))
    totals = desk.client("anna").get("/api/documents", params={"per_page": 50, "facets": "false"}).json()["hits"]
    by_total = sorted((h for h in totals if h["total"] is not None), key=lambda h: (float(h["total"]), h["id"]))
    assert _ids(page)[: len(by_total)] == [h["id"] for h in by_total]
    page.click("th.c-total a")
    page.wait_for_url(re.compile(r"sort=-total"))
    assert _ids(page)[0] == by_total[-1]["id"]
    # a saved search: the list as it is now, under a name, marked as the current one
    page.fill("#save-search input[name=name]", "Крупные суммы")
    page.click("#save-search button[type=submit]")
    page.wait_for_selector("#saved-searches li.current >> text=Крупные суммы")
    # the keyboard: j moves, x selects; the bulk bar verifies the two selected
    page.click("h1")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("k")
    page.keyboard.press("x")
    assert page.locator("#selected-count").inner_text() == "выбрано: 2"
    chosen = [int(i) for i in page.eval_on_selector_all("#doclist tr.picked", "rs => rs.map(r => r.dataset.id)")]
    assert chosen == _ids(page)[:2]
    screen.check("list-desktop-light")
    page.select_option("#bulk-action", "verify")
    page.click("#bulk-apply")
    page.wait_for_selector("#bulk-result")
    for doc_id in chosen:
        assert desk.client("anna").get(f"/api/documents/{doc_id}").json()["status"] == "verified"
    # Enter opens the row under the cursor
    first = _ids(page)[0]
    page.click("h1")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/documents/{first}$"))
    screen.close()

    dark = Screen(browser, base, "anna", DESKTOP, "dark")
    dark.open("/documents?sort=-received")
    dark.check("list-desktop-dark")
    dark.close()
    for scheme in ("light", "dark"):
        phone = Screen(browser, base, "anna", PHONE, scheme)
        page = phone.open("/documents")
        wait_until(page, "() => document.querySelector('img.thumb').naturalWidth > 0")
        box = page.locator("#doclist tbody tr[data-id]").first.bounding_box()
        assert box is not None and box["width"] <= PHONE["width"]
        phone.check(f"list-phone-{scheme}")
        if scheme == "dark":  # the document page shows its image; search results are whole
            page = phone.open(f"/documents/{desk.docs['waybill']}")
            wait_until(page, "() => document.getElementById('page-img').naturalWidth > 0")
            image = page.locator("#page-img").bounding_box()
            assert image is not None and image["width"] > 300, image
            phone.check("document-phone-dark")
            page = phone.open("/search?q=Ромашка")
            hit = page.locator(".hit").first.bounding_box()
            assert hit is not None and hit["x"] >= 0 and hit["x"] + hit["width"] <= PHONE["width"]
            phone.check("search-phone-dark")
        phone.close()


def test_the_new_pages_at_both_widths_and_schemes(server, browser, tmp_path: Path) -> None:  # noqa: F811
    base, desk = server
    order_no = _suggest(desk, desk.docs["invoice"])
    desk.arc.settings.values["mail"] = {**desk.arc.settings.values.get("mail", {}), "accounts": [
        {"name": "scans", "kind": "imap", "host": "imap.example.ru", "user": "scans@example.ru", "password": "x"}],
        "rules": [{"name": "СПб", "sender": r"@spb02\.example\.ru$", "outlet": "SPB-02", "doc_type": "waybill"}]}
    csv = tmp_path / "crm.csv"
    csv.write_text("order_no,date,customer_name,customer_inn,outlet,amount,manager\n"
                   "ЗК-000781,2026-03-12,ООО «Василёк»,7736207543,MSK-01,235730.00,Boris\n", encoding="utf-8")
    for viewport, scheme, size in ((DESKTOP, "light", "desktop"), (PHONE, "dark", "phone")):
        anna = Screen(browser, base, "anna", viewport, scheme)
        page = anna.open("/orders/suggestions")
        page.wait_for_selector(f"li.suggestion[data-order='{order_no}']")
        anna.check(f"suggestions-{size}-{scheme}")
        page = anna.open("/orders/import")
        page.set_input_files("#orders-file", str(csv))
        page.click("#import-form button[type=submit]")
        page.wait_for_selector("#import-result")
        anna.check(f"orders-import-{size}-{scheme}")
        anna.close()
        msk = Screen(browser, base, "msk", viewport, scheme)
        page = msk.open("/outlet/registers")
        if size == "desktop":
            page.click("#make-register button")
            page.wait_for_selector("#register-made")
        msk.check(f"registers-{size}-{scheme}")
        msk.close()
        admin = Screen(browser, base, "admin", viewport, scheme)
        page = admin.open("/admin/users")
        admin.check(f"users-{size}-{scheme}")
        page = admin.open("/admin/mail?sender=kassa%40spb02.example.ru")
        page.wait_for_selector("#tried.ok")
        admin.check(f"mail-rules-{size}-{scheme}")
        admin.close()
    # the suggestion confirmed from the page, a user added and given a token
    anna = Screen(browser, base, "anna", DESKTOP, "light")
    page = anna.open("/orders/suggestions")
    page.click(f"li.suggestion[data-order='{order_no}'] button[value=confirm]")
    page.wait_for_selector("#no-suggestions")
    assert [d["document_id"] for d in desk.client("boris").get(f"/api/orders/{order_no}").json()["documents"]] == [
        desk.docs["invoice"]]
    anna.close()
    admin = Screen(browser, base, "admin", PHONE, "dark")
    page = admin.open("/admin/users")
    page.fill("#add-user input[name=username]", "scanner-kzn")
    page.select_option("#new-role", "outlet")
    page.fill("#add-user input[name=outlet]", "KZN-03")
    page.click("#add-user button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/users/\d+$"))
    page.fill("#mint-token input[name=name]", "сканер Fujitsu")
    page.click("#mint-token button[type=submit]")
    page.wait_for_selector("#new-token")
    token = page.locator("code.token").inner_text()
    me = desk.client().get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["username"] == "scanner-kzn"
    admin.check("user-token-phone-dark")
    admin.close()

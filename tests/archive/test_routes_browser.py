"""A contract above the threshold passes the legal, finance and director steps in real headless Chromium at a
phone's width (390 px), each approver from their «Мои задачи» page; screenshots go to build/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.models import Approval
from archive.users import add_user
from archive.verification import verify_document
from tests.archive import factories
from tests.archive.test_routes_approvals import APPROVALS
from tests.archive.test_routes import open_with
from tests.web.conftest import PASSWORD, _desk
from tests.web.test_browser import CHROMIUM, SHOTS, WAIT_MS, serving
from tests.web.test_browser import browser as chromium  # noqa: F401  # the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, object, int]]:
    arc = open_with({"FINARCHIVE_HOME": str(tmp_path / "home")}, APPROVALS)
    desk = _desk(arc, tmp_path)
    with arc.transaction() as s:
        for name in ("lena", "fedor", "dmitry"):
            add_user(s, name, PASSWORD, "accountant", full_name=name.title())
        doc = factories.document(s, "contract", total="2500000.00", number="Д-17/2026")
        verify_document(s, doc, actor="anna")  # the route on `verified` starts the approval
        doc_id = doc.id
    with serving(desk.app) as base:
        yield base, arc, doc_id
    desk.app.state.uploads.close()
    arc.close()


def _approve_as(browser, base: str, username: str, step: str, comment: str, shot: str | None = None) -> None:
    context = browser.new_context(viewport=PHONE, locale="ru-RU", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/tasks")
    page.click(f"tr[data-task] a:has-text('{step}')")
    page.wait_for_url("**/approvals/*")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    card = page.locator(f"li.step[data-step='{step}']")
    card.locator("textarea[name=comment]").fill(comment)
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / shot), full_page=True)
    card.locator("button.approve").click()
    page.wait_for_load_state()
    assert "согласовано" in card.inner_text() or "approved" in card.inner_text()
    context.close()


def test_a_contract_above_the_threshold_passes_legal_finance_and_director_on_a_phone(
        served, chromium) -> None:  # noqa: F811  # the fixture
    base, arc, doc_id = served
    _approve_as(chromium, base, "lena", "Юрист", "Юридически чисто", shot="approval-phone.png")
    _approve_as(chromium, base, "fedor", "Финансовый директор", "Бюджет есть")
    _approve_as(chromium, base, "anna", "Бухгалтерия", "Реквизиты сверены")
    _approve_as(chromium, base, "dmitry", "Директор", "Согласую")
    with arc.sessions() as s:
        approval = s.scalars(select(Approval).where(Approval.document_id == doc_id)).one()
        assert approval.state == "approved"
        assert [(st.decided_by, st.comment) for st in approval.steps] == [
            ("lena", "Юридически чисто"), ("fedor", "Бюджет есть"), ("anna", "Реквизиты сверены"),
            ("dmitry", "Согласую")]
    context = chromium.new_context(viewport=PHONE, locale="ru-RU")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/documents/{doc_id}")
    history = page.locator("table.history").inner_text()
    assert "approval.approved" in history and "approval.step_approved" in history and "Директор" in history
    page.goto(f"{base}/approvals/{approval.id}")
    assert "согласовано" in page.locator("#approval-state").inner_text()
    page.screenshot(path=str(SHOTS / "approval-phone-done.png"), full_page=True)
    context.close()

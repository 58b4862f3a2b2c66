"""Integrity at the desk (issue 20): corrections are validated and re-validate the document, accepting with
errors asks first, overrides are audited. Through the ASGI client on SQLite; the keyboard is in
test_browser.py."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

import classify
from archive.models import AuditEvent, Outlet
from tests.web.conftest import Desk, make_document
from tests.web.test_pages import login


@pytest.fixture
def desk(sqlite_desk: Desk) -> Desk:
    return sqlite_desk


def _z_report(desk: Desk, tmp_path, *, total: str, cash: str, card: str) -> int:
    values = {"total": total, "cash_total": cash, "card_total": card, "date": "2026-03-05"}
    problems = [{"code": p.code, "message": p.message, "fields": list(p.fields), "severity": p.severity}
                for p in classify.validate("z_report", values)]
    assert any(p["code"] == "z_report_sum" for p in problems)  # the rule this test is about
    with desk.arc.transaction() as s:
        msk = s.scalar(select(Outlet).where(Outlet.code == "MSK-01"))
        doc = make_document(desk.arc, s, outlet=msk, tmp=tmp_path, doc_type="z_report", original=None,
                            created=dt.datetime(2026, 3, 5, 22, 0), lines=["ОТЧЁТ О ЗАКРЫТИИ СМЕНЫ № 78"],
                            fields={k: (v, None) for k, v in values.items()}, problems=problems)
        return doc.id


@pytest.mark.parametrize(("name", "value", "reason"), [
    ("seller_inn", "7707083894", "контрольные цифры"),  # one digit off a valid INN
    ("seller_inn", "1234567890", "контрольные цифры"),
    ("date", "2099-01-01", "невозможна"),
    ("total", "-5", "отрицательна"),
])
def test_a_correction_failing_its_check_is_refused_with_the_reason(desk: Desk, name: str, value: str,
                                                                   reason: str) -> None:
    anna, doc = desk.client("anna"), desk.docs["waybill"]
    before = anna.get(f"/api/documents/{doc}").json()["fields"][name]["value"]
    r = anna.post(f"/api/documents/{doc}/correct", json={"fields": {name: value}})
    assert r.status_code == 422 and reason in r.json()["message"], r.text
    assert anna.get(f"/api/documents/{doc}").json()["fields"][name]["value"] == before
    # kept only with the explicit override, which the history records as forced
    r = anna.post(f"/api/documents/{doc}/correct", json={"fields": {name: value}, "force": True})
    assert r.status_code == 200, r.text
    with desk.arc.sessions() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.document_id == doc,
                                                   AuditEvent.action == "field.corrected")).all()[-1]
        assert event.details["forced"] is True and reason in event.details["check_failed"]


def test_a_correction_re_runs_validation_and_settles_the_problem(desk: Desk, tmp_path) -> None:
    anna = desk.client("anna")
    doc = _z_report(desk, tmp_path, total="1000.00", cash="600.00", card="300.00")
    r = anna.post(f"/api/documents/{doc}/verify")
    assert r.status_code == 422 and "cash" in r.json()["message"].lower()
    fixed = anna.post(f"/api/documents/{doc}/correct", json={"fields": {"card_total": "400,00"}}).json()
    assert not [p for p in fixed["problems"] if p["code"] == "z_report_sum"], fixed["problems"]
    verified = anna.post(f"/api/documents/{doc}/verify").json()
    assert verified["status"] == "verified"
    assert not [p for p in verified["problems"] if p["severity"] == "error"]
    # a correction that breaks the sum again brings the problem back
    again = anna.post(f"/api/documents/{doc}/correct", json={"fields": {"cash_total": "1.00"}}).json()
    assert [p["code"] for p in again["problems"]].count("z_report_sum") == 1


def test_accepting_with_open_errors_asks_first_and_the_override_is_audited(desk: Desk, tmp_path) -> None:
    doc = _z_report(desk, tmp_path, total="1000.00", cash="600.00", card="300.00")
    client, _ = login(desk, "anna")
    r = client.post(f"/review/{doc}/verify", data={}, follow_redirects=False)
    assert r.status_code == 409 and 'id="confirm-accept"' in r.text and 'name="force" value="true"' in r.text
    assert desk.client("anna").get(f"/api/documents/{doc}").json()["status"] == "needs_review"
    r = client.post(f"/review/{doc}/verify", data={"force": "true"}, follow_redirects=False)
    assert r.status_code == 303
    view = desk.client("anna").get(f"/api/documents/{doc}").json()
    assert view["status"] == "verified"
    with desk.arc.sessions() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.document_id == doc,
                                                  AuditEvent.action == "document.verified"))
        assert event is not None and event.details["forced"] is True and event.details["errors"]


def test_a_clean_document_is_accepted_without_a_question(desk: Desk) -> None:
    client, _ = login(desk, "anna")
    r = client.post(f"/review/{desk.docs['invoice']}/verify", data={}, follow_redirects=False)
    assert r.status_code == 303

"""Routes, tasks and notifications on a real database, with real SMTP and HTTP servers on loopback."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from archive import routes
from archive.models import AuditEvent, Delivery, Notification, Task
from archive.originals import expect_original, receive
from archive.routes import RouteError, Subject, emit, load_routes, matching_routes, parse_route, subject_of_document
from archive.store import Archive
from archive.tasks import list_tasks, remind
from archive.users import add_user
from archive.verification import reject_document, verify_document
from tests.archive import factories
from tests.archive.routes_servers import (  # noqa: F401  # fixtures
    WEBHOOK_SECRET,
    SmtpServer,
    WebhookServer,
    free_port,
    notify_settings,
    smtp_server,
    wait_for,
    webhook_server,
)


def open_with(env: dict[str, str], config: str) -> Archive:
    home = Path(env["FINARCHIVE_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "finarchive.toml").write_text(config, encoding="utf-8")
    return Archive.init(home, environ=env)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"FINARCHIVE_HOME": str(tmp_path / "home")}


# -- rules: checked at start-up, with their line ---------------------------------------------------------

GOOD = '[[routes]]\nname = "MSK review"\non = "needs_review"\noutlet = "MSK-01"\nassign = "anna"\ndue_days = 1\n'


@pytest.mark.parametrize(("rule", "line", "says"), [
    ('name = "a"\non = "need_review"\nassign = "anna"\n', 3, "unknown event"),
    ('name = "a"\non = "archived"\nassignee = "anna"\n', 4, "unknown key 'assignee'"),
    ('name = "a"\non = "archived"\nassign = "anna"\ncounterparty_inn = "7707083894"\n', 5, "not a valid INN"),
    ('name = "a"\non = "archived"\nassign = "anna"\ngroup = "accountant"\n', 5, "assign or group"),
    ('name = "a"\non = "archived"\ngroup = "nobody"\n', 4, "no group 'nobody'"),
    ('name = "a"\non = "archived"\ncontroller = "olga"\n', 4, "need assign or group"),
    ('name = "a"\non = "archived"\n', 1, "does nothing"),
    ('name = "a"\non = "archived"\nassign = "anna"\ndoc_type = "bill"\n', 5, "no such doc type"),
    ('name = "a"\non = "archived"\nassign = "anna"\namount_min = 10\namount_max = 5\n', 5, "above amount_max"),
    ('name = "a"\non = "archived"\nwebhook = "ftp://crm/x"\n', 4, "not an http(s) URL"),
    ('name = "a"\non = "archived"\nemail = "buh@example.ru"\n', 4, "smtp_host is empty"),
    ('name = "a"\non = "archived"\nwebhook = "http://127.0.0.1:9/x"\n', 4, "webhook_secret"),
    ('on = "archived"\nassign = "anna"\n', 1, "'name' is required"),
])
def test_a_bad_rule_fails_opening_the_archive_with_its_line(env: dict[str, str], rule: str, line: int,
                                                             says: str) -> None:
    # lines 1-3 [ocr], 4-9 a good route, 10 blank, 11 the bad route's header: its line N is 10 + N
    with pytest.raises(RouteError) as failure:
        open_with(env, "[ocr]\nworkers = 1\n\n" + GOOD + "\n[[routes]]\n" + rule)
    assert f"line {10 + line}:" in str(failure.value) and says in str(failure.value)


def test_two_routes_of_one_name_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(RouteError, match="second route named 'MSK review'"):
        open_with(env, GOOD + "\n" + GOOD)


def _subject(**kw: Any) -> Subject:
    return Subject(key="document:1", title="t", **kw)


def test_conditions_each_narrow_the_route_and_routes_apply_in_order_until_stop() -> None:
    groups: dict[str, Any] = {}
    rules = [parse_route(t, groups=groups) for t in [
        {"name": "big MSK bills", "on": "archived", "outlet": ["MSK-01", "MSK-02"], "doc_type": "invoice",
         "amount_min": 100000, "assign": "olga"},
        {"name": "unsure", "on": "archived", "confidence_max": 0.6, "assign": "anna", "stop": True},
        {"name": "Ромашка", "on": "archived", "counterparty_inn": "7707083893", "email": "x@y.ru"},
        {"name": "reviews", "on": "needs_review", "assign": "anna"},
    ]]
    sure_big = _subject(outlet="MSK-02", doc_type="invoice", amount=Decimal("150000.00"),
                        inns=frozenset({"7707083893"}), confidence=0.9)
    assert [r.name for r in matching_routes(rules, "archived", sure_big)] == ["big MSK bills", "Ромашка"]
    unsure_big = _subject(outlet="MSK-02", doc_type="invoice", amount=Decimal("150000.00"),
                          inns=frozenset({"7707083893"}), confidence=0.4)
    assert [r.name for r in matching_routes(rules, "archived", unsure_big)] == ["big MSK bills", "unsure"]  # stop
    small = _subject(outlet="MSK-01", doc_type="invoice", amount=Decimal("99999.99"), confidence=0.9)
    assert matching_routes(rules, "archived", small) == []
    no_amount = _subject(outlet="MSK-01", doc_type="invoice", confidence=0.9)  # a condition on what it lacks fails
    assert matching_routes(rules, "archived", no_amount) == []
    assert [r.name for r in matching_routes(rules, "needs_review", small)] == ["reviews"]


# -- tasks -----------------------------------------------------------------------------------------------


def _doc(session, **kw: Any):
    doc = factories.document(session, **kw)
    session.flush()
    return doc


def test_a_review_task_is_made_once_and_closed_by_verifying(archive_env: dict[str, str]) -> None:
    arc = open_with(archive_env, GOOD.replace("needs_review", "archived") + '[[routes]]\nname = "rescan"\n'
                    'on = "rejected"\ngroup = "outlet"\ndue_days = 2\n')
    try:
        with arc.transaction() as s:
            add_user(s, "anna", None, "accountant")
            add_user(s, "msk-shop", None, "outlet", outlet_code="MSK-01")
            doc = _doc(s, outlet_code="MSK-01")
            other = _doc(s, outlet_code="SPB-02")
            for d in (doc, other, doc):  # raised twice for doc: still one open task for it
                emit(s, "archived", subject_of_document(d), actor="tester")
            doc_id = doc.id
        with arc.sessions() as s:
            (task,) = list_tasks(s, user="anna")
            assert (task.document_id, task.route, task.controller, task.state) == (doc_id, "MSK review", None, "open")
            assert dt.timedelta(hours=23) < task.due_at - task.created_at <= dt.timedelta(days=1)
        with arc.transaction() as s:
            verify_document(s, s.get_one(factories.Document, doc_id), actor="anna")
        with arc.transaction() as s:
            assert list_tasks(s, user="anna") == []
            closed = s.scalars(select(Task)).one()
            assert (closed.state, closed.closed_by, closed.close_note) == ("done", "anna", "verified")
            reject_document(s, s.get_one(factories.Document, doc_id), "нечитаемо", actor="anna")
        with arc.sessions() as s:
            (rescan,) = list_tasks(s, user="msk-shop")  # the outlet group: the document's own outlet's users
            assert rescan.event == "rejected" and rescan.assignee_group == "outlet"
            actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.document_id == doc_id))]
            assert actions.count("route.applied") == 3 and "task.created" in actions and "task.closed" in actions
    finally:
        arc.close()


def test_a_group_task_goes_to_its_least_busy_member(env: dict[str, str]) -> None:
    arc = open_with(env, '[groups]\nbuh = ["anna", "boris"]\n\n[[routes]]\nname = "g"\non = "archived"\n'
                         'group = "buh"\n')
    try:
        with arc.transaction() as s:
            for name in ("anna", "boris"):
                add_user(s, name, None, "accountant")
            for _ in range(3):
                emit(s, "archived", subject_of_document(_doc(s)), actor="t")
            assert [t.assignee for t in list_tasks(s)] == ["anna", "boris", "anna"]
    finally:
        arc.close()


def test_an_overdue_original_raises_its_event_once_and_receiving_it_closes_the_task(env: dict[str, str]) -> None:
    arc = open_with(env, '[[routes]]\nname = "chase"\non = "original_overdue"\nassign = "anna"\n'
                         'controller = "olga"\n')
    try:
        with arc.transaction() as s:
            doc = _doc(s, outlet_code="MSK-01")
            original = expect_original(s, doc, arc.settings, actor="t", today=dt.date.today() - dt.timedelta(days=20))
            assert original is not None
            barcode = original.barcode
        for _ in range(2):
            routes.sweep(arc, deliver=False)
        with arc.transaction() as s:
            (task,) = list_tasks(s)
            assert task.event == "original_overdue" and task.outlet_code == "MSK-01" and barcode in task.title
            receive(s, [barcode], actor="anna")
        with arc.sessions() as s:
            assert list_tasks(s) == [] and s.scalars(select(Task)).one().close_note == "original_received"
    finally:
        arc.close()


def test_reminders_before_the_deadline_and_escalation_after_it_are_mailed_once(
        env: dict[str, str], smtp_server: SmtpServer) -> None:  # noqa: F811  # the fixture
    arc = open_with(env, notify_settings(smtp_server) + "\n" + GOOD.replace("needs_review", "archived")
                    + 'controller = "olga"\n')
    try:
        with arc.transaction() as s:
            add_user(s, "anna", None, "accountant", email="anna@test.ru")
            add_user(s, "olga", None, "admin", email="olga@test.ru")
            add_user(s, "boris", None, "accountant")  # no address: told nothing, logged as skipped
            emit(s, "archived", subject_of_document(_doc(s, outlet_code="MSK-01")), actor="t")
            created = s.scalars(select(Task)).one().created_at
        assert wait_for(lambda: len(smtp_server.messages) == 1)
        assigned = smtp_server.messages[0]
        assert assigned["To"] == "anna@test.ru" and assigned["Subject"].startswith("[finarchive] Новая задача")
        assert "http://desk.test/documents/" in assigned.get_content()
        with arc.transaction() as s:
            assert remind(s, arc.settings, now=created + dt.timedelta(hours=1)) == (1, 0)  # due within 24 h
            assert remind(s, arc.settings, now=created + dt.timedelta(hours=2)) == (0, 0)
        routes.sweep(arc, now=created + dt.timedelta(hours=25))  # past the deadline: the controller hears
        routes.sweep(arc, now=created + dt.timedelta(hours=26))
        assert wait_for(lambda: len(smtp_server.messages) >= 4)
        subjects = [(m["To"], m["Subject"].split(":")[0]) for m in smtp_server.messages[1:]]
        assert sorted(subjects) == [("anna@test.ru", "[finarchive] Задача просрочена / Task overdue"),
                                    ("anna@test.ru", "[finarchive] Напоминание"),
                                    ("olga@test.ru", "[finarchive] Задача просрочена / Task overdue")]
        with arc.sessions() as s:
            task = s.scalars(select(Task)).one()
            assert task.reminded_at is not None and task.escalated_at is not None
            skipped = s.scalars(select(Notification).where(Notification.state == "skipped")).all()
            assert skipped == []  # boris has no task: nothing was meant for him
        assert len(smtp_server.messages) == 4  # each e-mail once, though the courier and the sweeps both send
    finally:
        arc.close()


# -- webhooks ----------------------------------------------------------------------------------------------


def _webhook_archive(env: dict[str, str], url: str, smtp: SmtpServer | None = None) -> Archive:
    return open_with(env, notify_settings(smtp) + f'\n[[routes]]\nname = "crm"\non = "archived"\nwebhook = "{url}"\n')


def _valid(call: Any) -> bool:
    expected = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), call.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(call.headers["X-Finarchive-Signature"], expected)


def test_a_webhook_is_signed_retried_with_backoff_and_every_delivery_logged(
        env: dict[str, str], webhook_server: WebhookServer) -> None:  # noqa: F811  # the fixture
    webhook_server.statuses = [500, 503]
    arc = _webhook_archive(env, webhook_server.url)
    try:
        with arc.transaction() as s:
            doc = _doc(s, outlet_code="MSK-01", number="4521")
            emit(s, "archived", subject_of_document(doc), actor="t")
        assert wait_for(lambda: len(webhook_server.calls) == 3)
        assert all(_valid(c) for c in webhook_server.calls)
        assert len({c.headers["X-Finarchive-Delivery"] for c in webhook_server.calls}) == 1  # one event, retried
        event = json.loads(webhook_server.calls[-1].body)
        assert event["event"] == "archived" and event["subject"]["number"] == "4521"
        assert event["subject"]["url"].startswith("http://desk.test/documents/")
        with arc.sessions() as s:
            assert wait_for(lambda: s.scalar(select(Notification.state)) == "sent")
            deliveries = list(s.scalars(select(Delivery).order_by(Delivery.id)))
            assert [(d.attempt, d.ok, d.status) for d in deliveries] == [(1, False, "500"), (2, False, "503"),
                                                                          (3, True, "200")]
            gaps = [(b.at - a.at).total_seconds() for a, b in itertools.pairwise(deliveries)]
            assert gaps[0] >= 0.2 and gaps[1] >= 0.4  # backoff doubles
    finally:
        arc.close()


def test_a_webhook_refused_for_good_is_not_retried(env: dict[str, str],
                                                   webhook_server: WebhookServer) -> None:  # noqa: F811
    webhook_server.statuses = [404]
    arc = _webhook_archive(env, webhook_server.url)
    try:
        with arc.transaction() as s:
            emit(s, "archived", subject_of_document(_doc(s)), actor="t")
        with arc.sessions() as s:
            assert wait_for(lambda: s.scalar(select(Notification.state)) == "failed")
            assert s.scalar(select(Notification.attempts)) == 1 and len(webhook_server.calls) == 1
            assert s.scalar(select(AuditEvent.id).where(AuditEvent.action == "notification.failed")) is not None
    finally:
        arc.close()


def test_an_unreachable_webhook_never_breaks_the_import_and_is_kept_for_later(env: dict[str, str],
                                                                               tmp_path: Path) -> None:
    from archive.pipeline import Pipeline
    from capture import SerialExecutor
    from tests.factories import make_text_pdf

    # nobody listens there; a retry not due before the test looks (an import's indexing may take 0.2 s)
    arc = open_with(env, notify_settings(backoff=30) + f'\n[[routes]]\nname = "crm"\non = "archived"\n'
                    f'webhook = "http://127.0.0.1:{free_port()}/down"\n')
    try:
        pdf = make_text_pdf(tmp_path / "invoice.pdf", ["СЧЁТ НА ОПЛАТУ № 118 от 02.03.2026",
                                                       "Итого к оплате: 12 000,00 руб."])
        summary = Pipeline(arc, SerialExecutor(), actor="t").import_paths([pdf])
        assert summary.archived == 1
        with arc.sessions() as s:
            assert wait_for(lambda: s.scalar(select(Notification.attempts)) == 1)
            s.expire_all()
            row = s.scalars(select(Notification)).one()
            assert row.state == "pending" and "Connection refused" in (row.last_error or "")
            assert row.next_attempt_at > row.created_at
    finally:
        arc.close()


def test_a_rolled_back_transaction_tells_nobody(env: dict[str, str],
                                                webhook_server: WebhookServer) -> None:  # noqa: F811
    arc = _webhook_archive(env, webhook_server.url)
    try:
        with pytest.raises(RuntimeError), arc.transaction() as s:
            emit(s, "archived", subject_of_document(_doc(s)), actor="t")
            raise RuntimeError("the commit failed")
        with arc.sessions() as s:
            assert s.scalar(select(Notification.id)) is None
        assert webhook_server.calls == []
    finally:
        arc.close()


def test_zreport_gaps_are_raised_once_and_closed_when_the_report_comes(env: dict[str, str]) -> None:
    arc = open_with(env, '[[routes]]\nname = "z"\non = "zreport_missing"\noutlet = "MSK-01"\nassign = "anna"\n')
    try:
        with arc.transaction() as s:
            for _ in range(2):
                routes.emit_zreport_missing(s, "MSK-01", register="0001234567", missing="shift 41", actor="zreports")
            routes.emit_zreport_missing(s, "SPB-02", register="0007654321", missing="shift 7", actor="zreports")
            (task,) = list_tasks(s)
            assert "shift 41" in task.title
            routes.zreport_arrived(s, "MSK-01", register="0001234567", missing="shift 41", actor="zreports")
            assert list_tasks(s) == []
    finally:
        arc.close()


def _zreport(session, shift: int, fd: int, day: int):
    doc = factories.document(session, "z_report", outlet_code="MSK-01", doc_date=dt.date(2026, 11, day),
                             total="48120.50", buyer_inn=None)
    for name, value in {"kkt_reg_no": "0001234567012345", "fn_no": "9999078900012345", "shift_no": str(shift),
                        "fd_no": str(fd)}.items():
        doc.fields.append(factories.Field(name=name, value=value, confidence=0.95))
    session.flush()
    return doc


def test_the_sweep_raises_a_missing_z_report_once_and_closes_its_task_when_it_arrives(env: dict[str, str]) -> None:
    arc = open_with(env, '[[routes]]\nname = "z"\non = "zreport_missing"\nassign = "anna"\ndue_days = 1\n')
    try:
        with arc.transaction() as s:
            _zreport(s, 40, 200, 10)
            _zreport(s, 42, 208, 12)  # shift 41 (11 November) never came
        assert [routes.sweep(arc, deliver=False).missing_zreports for _ in range(2)] == [1, 0]
        with arc.transaction() as s:
            (task,) = list_tasks(s)
            assert task.event == "zreport_missing" and "41" in task.title and task.outlet_code == "MSK-01"
            _zreport(s, 41, 204, 11)
        routes.sweep(arc, deliver=False)
        with arc.sessions() as s:
            assert list_tasks(s) == [] and s.get_one(Task, task.id).close_note == "zreport_received"
    finally:
        arc.close()


def test_routes_are_read_from_the_file_in_order(env: dict[str, str]) -> None:
    arc = open_with(env, GOOD + '\n[[routes]]\nname = "second"\non = "verified"\nassign = "boris"\n')
    try:
        assert [(r.name, r.line) for r in load_routes(arc.settings)] == [("MSK review", 1), ("second", 8)]
    finally:
        arc.close()


def test_the_scheduler_sweeps_until_stopped(env: dict[str, str]) -> None:
    arc = open_with(env, '[[routes]]\nname = "chase"\non = "original_overdue"\nassign = "anna"\n')
    try:
        with arc.transaction() as s:
            expect_original(s, _doc(s), arc.settings, actor="t", today=dt.date.today() - dt.timedelta(days=20))
        with routes.Scheduler(arc, minutes=0.001) as scheduler:
            assert wait_for(lambda: scheduler.runs >= 2)
        runs = scheduler.runs
        with arc.sessions() as s:
            assert len(list_tasks(s)) == 1  # raised once, whatever the number of sweeps
        assert scheduler.runs == runs  # stopped
    finally:
        arc.close()

"""The CRM sees the archive: ``document_linked`` and ``order_complete`` webhooks, through the outbox to a real
HTTP receiver on loopback (signed, retried, logged), each carrying a signed link to the order's embedded view."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from sqlalchemy import select

from archive import embed, routes
from archive.models import Delivery, Document, Notification, RouteEvent, Task
from archive.notify import delivery_log
from archive.orders import OrderRow, auto_link, import_orders, link_document, reject_link
from archive.store import Archive
from tests.archive import factories
from tests.archive.routes_servers import (  # noqa: F401  # fixtures
    WEBHOOK_SECRET,
    WebhookServer,
    notify_settings,
    wait_for,
    webhook_server,
)
from tests.archive.test_routes import open_with

ORDER = OrderRow(order_no="ЗК-000781", order_date=dt.date(2026, 3, 12), customer_inn="7736207543",
                 customer_name="ООО «Василёк»", amount=None, outlet="SPB-02", kind="wholesale")


def _crm_archive(tmp_path: Path, url: str, extra: str = "") -> Archive:
    return open_with({"FINARCHIVE_HOME": str(tmp_path / "home")}, notify_settings(backoff=0.2) + f"""
[[routes]]
name = "CRM: linked"
on = "document_linked"
webhook = "{url}"

[[routes]]
name = "CRM: complete"
on = "order_complete"
webhook = "{url}"
""" + extra)


def _events(server: WebhookServer) -> list[dict[str, Any]]:
    return [json.loads(c.body) for c in server.calls]


def _signed(call: Any) -> bool:
    expected = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), call.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(call.headers["X-Finarchive-Signature"], expected)


def test_linked_documents_and_the_completed_order_reach_the_crm_signed(
        tmp_path: Path, webhook_server: WebhookServer) -> None:  # noqa: F811  # the fixture
    webhook_server.statuses = [503]  # the CRM is down for the first call: it is tried again
    arc = _crm_archive(tmp_path, webhook_server.url)
    try:
        with arc.transaction() as s:  # the scans came before the order
            invoice = factories.document(s, "invoice", order_no="ЗК-000781")
            upd = factories.document(s, "upd", order_no="3K-000781")  # as OCR read it: Latin look-alikes
            ids = {invoice.id, upd.id}
        with arc.transaction() as s:
            result = import_orders(s, [ORDER], actor="crm-sync", settings=arc.settings)
        assert result.linked == 2
        assert wait_for(lambda: len(webhook_server.calls) == 4)  # 2 linked (one retried) + complete
        assert all(_signed(c) for c in webhook_server.calls)
        events = _events(webhook_server)
        assert sorted(e["event"] for e in events) == ["document_linked"] * 3 + ["order_complete"]
        linked = {e["subject"]["id"] for e in events if e["event"] == "document_linked"}
        assert linked == ids
        first = next(e for e in events if e["event"] == "document_linked")
        assert first["subject"]["order"]["order_no"] == "ЗК-000781"
        assert first["subject"]["link"]["method"] == "order_no" and first["route"] == "CRM: linked"
        complete = next(e for e in events if e["event"] == "order_complete")
        assert complete["subject"]["order_no"] == "ЗК-000781" and complete["subject"]["missing"] == []
        # the webhook's link opens the order's embedded view: signed for that order, not yet expired
        link = urlsplit(complete["subject"]["embed_url"])
        assert complete["subject"]["embed_url"].startswith("http://desk.test/embed/orders/")
        query = parse_qs(link.query)
        embed.verify(embed.embed_key(arc.settings.home), unquote(link.path.rsplit("/", 1)[1]),
                     query["expires"][0], query["sig"][0])
        with arc.sessions() as s:
            assert wait_for(lambda: s.scalar(select(Notification.id).where(Notification.state != "sent")) is None)
            assert s.scalar(select(Delivery.status).where(~Delivery.ok)) == "503"
            log = delivery_log(s)
            assert {n["event"] for n in log} == {"document_linked", "order_complete"}
        # a third document linked later: the CRM hears of it, but the order was complete already
        with arc.transaction() as s:
            waybill = factories.document(s, "waybill")
            link_document(s, "ЗК-000781", waybill.id, actor="manager")
        assert wait_for(lambda: len(webhook_server.calls) == 5)
        assert _events(webhook_server)[-1]["event"] == "document_linked"
        assert _events(webhook_server)[-1]["subject"]["link"]["method"] == "manual"
    finally:
        arc.close()


def test_an_order_completes_again_only_after_it_was_incomplete(tmp_path: Path,
                                                               webhook_server: WebhookServer) -> None:  # noqa: F811
    arc = _crm_archive(tmp_path, webhook_server.url)
    try:
        with arc.transaction() as s:
            import_orders(s, [ORDER], actor="crm-sync", settings=arc.settings)
            invoice = factories.document(s, "invoice", order_no="ЗК-000781")
            auto_link(s, invoice, actor="pipeline", settings=arc.settings)  # the commit hook
            upd = factories.document(s, "upd", order_no="ЗК-000781")
            auto_link(s, upd, actor="pipeline", settings=arc.settings)
            reject_link(s, "ЗК-000781", upd.id, actor="anna")  # the UPD was not this order's after all
            upd2 = factories.document(s, "upd", order_no="ЗК-000781")
            auto_link(s, upd2, actor="pipeline", settings=arc.settings)
            assert [e for e, in s.execute(select(RouteEvent.event).order_by(RouteEvent.id))].count(
                "order_complete") == 2
        assert wait_for(lambda: len(webhook_server.calls) == 5)
    finally:
        arc.close()


def test_the_sweep_tells_of_an_order_completed_by_a_corrected_type_once_and_closes_its_task(
        tmp_path: Path, webhook_server: WebhookServer) -> None:  # noqa: F811
    arc = _crm_archive(tmp_path, webhook_server.url, extra="""
[[routes]]
name = "chase"
on = "order_incomplete"
assign = "anna"
""")
    try:
        with arc.transaction() as s:
            import_orders(s, [ORDER], actor="crm-sync", settings=arc.settings)
            invoice = factories.document(s, "invoice", order_no="ЗК-000781")
            auto_link(s, invoice, actor="pipeline", settings=arc.settings)
            other = factories.document(s, "other", order_no="ЗК-000781")  # a UPD the classifier did not know
            auto_link(s, other, actor="pipeline", settings=arc.settings)
            other_id = other.id
        report = routes.sweep(arc)
        assert report.incomplete_orders == 1
        with arc.transaction() as s:
            s.get_one(Document, other_id).doc_type = "upd"  # corrected at the desk
        report = routes.sweep(arc)
        assert report.orders_completed == 1
        assert routes.sweep(arc).orders_completed == 0
        with arc.sessions() as s:
            assert s.scalar(select(Task.state).where(Task.route == "chase")) == "done"
            events = [e for e, in s.execute(select(RouteEvent.event))]
            assert events.count("order_complete") == 1
        assert wait_for(lambda: [e["event"] for e in _events(webhook_server)].count("order_complete") == 1)
    finally:
        arc.close()


@pytest.mark.parametrize("event", ["document_linked", "order_complete", "dossier_incomplete"])
def test_the_new_events_are_known_to_routes_tasks_and_messages(event: str) -> None:
    from archive.notify import EVENT_LABELS
    from archive.tasks import CLOSES_ON

    assert event in routes.EVENTS and event in CLOSES_ON and event in EVENT_LABELS

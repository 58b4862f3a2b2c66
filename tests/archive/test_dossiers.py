"""Counterparty dossiers on a real SQLite archive: kinds as data and configuration, what a dossier lacks, the
company's own INNs, and missing items turned into tasks by a route (raised once, done when filed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from archive import dossiers, routes
from archive.models import Document, Task
from tests.archive import factories
from tests.archive.test_routes import open_with
from finarchive.errors import ConfigurationError

SUPPLIER = "7707083893"  # factories.document's seller
OURS = "7736207543"  # factories.document's buyer: the company itself


def _home(tmp_path: Path) -> dict[str, str]:
    return {"FINARCHIVE_HOME": str(tmp_path / "home")}


def test_the_default_kinds_come_from_the_data_file() -> None:
    kinds = {k.name: k for k in dossiers.load_dossier_kinds(None)}
    assert [i.name for i in kinds["supplier"].requires] == ["contract", "bank_details"]
    assert kinds["supplier"].role == "seller" and kinds["customer"].role == "buyer"
    assert kinds["supplier"].requires[1].label == "Карточка с банковскими реквизитами"


@pytest.mark.parametrize(("table", "says"), [
    ('kind = "supplier"\nrequires = ["contract", "passport"]\n', "no dossier item 'passport'"),
    ('kind = "supplier"\nrole = "vendor"\nrequires = ["contract"]\n', "role = 'vendor'"),
    ('kind = "supplier"\nrequires = []\n', "non-empty list"),
    ('requires = ["contract"]\n', "needs its kind"),
    ('kind = "key"\nrequires = ["contract"]\ncounterparty_inn = "7707083894"\n', "not a valid INN"),
    ('kind = "supplier"\nrequires = ["contract"]\ncolour = "red"\n', "unknown key 'colour'"),
])
def test_a_bad_dossier_kind_stops_the_archive_opening(tmp_path: Path, table: str, says: str) -> None:
    with pytest.raises(ConfigurationError, match=says):
        open_with(_home(tmp_path), "[[dossiers]]\n" + table)


def test_a_dossier_lacks_what_its_kind_requires_until_it_is_filed(tmp_path: Path) -> None:
    arc = open_with(_home(tmp_path), f'[counterparties]\nown_inns = ["{OURS}"]\n')
    try:
        with arc.transaction() as s:
            waybill = factories.document(s, "waybill")
            view = dossiers.dossier(s, arc.settings, SUPPLIER)
            assert [d["id"] for d in view["documents"]] == [waybill.id] and view["roles"] == ["seller"]
            assert view["completeness"]["missing"] == ["bank_details", "contract"]
            contract = factories.document(s, "contract", buyer_inn=None)
            card = factories.document(s, "other", buyer_inn=None)
            card.seller_inn = None  # a scan of bank details: no INN read from it
            dossiers.file_document(s, arc.settings, SUPPLIER, card, item="bank_details", actor="anna")
            view = dossiers.dossier(s, arc.settings, f" {SUPPLIER} ")
            assert view["completeness"]["complete"]
            items = {i["item"]: i["documents"] for i in view["completeness"]["kinds"][0]["items"]}
            assert items == {"contract": [contract.id], "bank_details": [card.id]}
            assert next(d for d in view["documents"] if d["id"] == card.id)["role"] == "filed"
            # a rejected scan holds nothing in a dossier
            s.get_one(Document, contract.id).status = "rejected"
            s.flush()
            assert dossiers.dossier(s, arc.settings, SUPPLIER)["completeness"]["missing"] == ["contract"]
            # the company's own INN is the buyer of every waybill, but no counterparty: no kind applies to it
            assert dossiers.dossier(s, arc.settings, OURS)["completeness"] == {"kinds": [], "missing": [],
                                                                               "complete": False}
            assert OURS not in dossiers.counterparties(s, arc.settings)
    finally:
        arc.close()


def test_configured_kinds_replace_the_defaults_and_may_name_counterparties(tmp_path: Path) -> None:
    arc = open_with(_home(tmp_path), f"""
[[dossiers]]
kind = "key_supplier"
label = "Ключевой поставщик"
counterparty_inn = ["{SUPPLIER}"]
requires = ["contract", "licence"]

[[dossiers.items]]
name = "licence"
label = "Лицензия"
""")
    try:
        with arc.transaction() as s:
            factories.document(s, "contract")
            state = dossiers.dossier_completeness(s, arc.settings, SUPPLIER)
            assert [k["kind"] for k in state["kinds"]] == ["key_supplier"] and state["missing"] == ["licence"]
            assert dossiers.dossier_completeness(s, arc.settings, OURS)["kinds"] == []  # not a named one
    finally:
        arc.close()


def test_missing_items_become_a_task_once_and_it_is_done_when_the_dossier_is_complete(tmp_path: Path) -> None:
    arc = open_with(_home(tmp_path), f"""
[counterparties]
own_inns = ["{OURS}"]
grace_days = 7

[[routes]]
name = "supplier papers"
on = "dossier_incomplete"
counterparty_inn = "{SUPPLIER}"
assign = "anna"
due_days = 5
""")
    try:
        with arc.transaction() as s:
            waybill = factories.document(s, "waybill")
            waybill.created_at = dt.datetime(2026, 3, 1)
            contract = factories.document(s, "contract")
            contract.created_at = dt.datetime(2026, 3, 2)
            card = factories.document(s, "other")
        today = dt.datetime(2026, 3, 5, 9, 0)
        assert routes.sweep(arc, now=today).incomplete_dossiers == 0  # within the grace days
        later = dt.datetime(2026, 3, 20, 9, 0)
        assert routes.sweep(arc, now=later).incomplete_dossiers == 1
        assert routes.sweep(arc, now=later).incomplete_dossiers == 0  # raised once
        with arc.sessions() as s:
            task = s.scalar(select(Task).where(Task.route == "supplier papers"))
            assert task is not None and task.assignee == "anna" and task.state == "open"
            assert "bank_details" in task.title and task.subject == f"counterparty:{SUPPLIER}"
        with arc.transaction() as s:
            dossiers.file_document(s, arc.settings, SUPPLIER, s.get_one(Document, card.id), item="bank_details",
                                   actor="anna")
        assert routes.sweep(arc, now=later).dossiers_completed == 1
        with arc.sessions() as s:
            assert s.scalar(select(Task.state).where(Task.route == "supplier papers")) == "done"
    finally:
        arc.close()


def test_a_long_dossier_pages_by_its_newest_documents(tmp_path: Path) -> None:
    arc = open_with(_home(tmp_path), "")
    try:
        with arc.transaction() as s:
            made = [factories.document(s, "waybill", doc_date=dt.date(2026, 3, 1 + n % 3)).id for n in range(7)]
            undated = factories.document(s, "act", doc_date=None).id
            seen, cursor, pages = [], None, 0
            while True:
                view = dossiers.dossier(s, arc.settings, SUPPLIER, cursor=cursor, limit=3)
                seen += [d["id"] for d in view["documents"]]
                pages += 1
                cursor = view["documents_next"]
                if cursor is None:
                    break
            assert view["documents_total"] == 8 and pages == 3
            assert sorted(seen) == sorted([*made, undated]) and seen[-1] == undated  # undated last
            dates = [d["date"] for d in dossiers.dossier(s, arc.settings, SUPPLIER, limit=8)["documents"]][:-1]
            assert dates == sorted(dates, reverse=True)
            back = dossiers.dossier(s, arc.settings, SUPPLIER, cursor=view["documents_previous"], limit=3)
            assert [d["id"] for d in back["documents"]] == seen[3:6]
    finally:
        arc.close()


def _inn(base: int) -> str:
    """A ten-digit INN with its check digit (the tax service's weights)."""
    digits = [int(c) for c in f"{base:09d}"]
    check = sum(w * d for w, d in zip((2, 4, 10, 3, 5, 9, 4, 6, 8), digits, strict=True)) % 11 % 10
    return f"{base:09d}{check}"


def test_incomplete_dossiers_page_by_inn_and_leave_out_the_complete_ones(tmp_path: Path) -> None:
    from archive.paging import InvalidCursor

    arc = open_with(_home(tmp_path), f'[counterparties]\nown_inns = ["{OURS}"]\n')
    suppliers = [_inn(500100200 + 7 * n) for n in range(8)]
    try:
        with arc.transaction() as s:
            for n, inn in enumerate(suppliers):
                waybill = factories.document(s, "waybill", outlet_code="MSK-01" if n == 5 else "SPB-02")
                waybill.seller_inn = inn
            complete = suppliers[2]  # a contract and a card of bank details filed by hand: nothing lacking
            contract = factories.document(s, "contract", buyer_inn=None)
            contract.seller_inn = complete
            card = factories.document(s, "other", buyer_inn=None)
            card.seller_inn = None
            s.flush()
            dossiers.file_document(s, arc.settings, complete, card, item="bank_details", actor="anna")
        lacking = sorted(set(suppliers) - {complete})
        with arc.sessions() as s:
            first = dossiers.incomplete_page(s, arc.settings, limit=3)
            assert [r["inn"] for r in first["items"]] == lacking[:3] and first["previous"] is None
            row = first["items"][0]
            assert row["missing"] == ["bank_details", "contract"] and row["url"] == f"/counterparties/{lacking[0]}"
            assert [i["item"] for i in row["kinds"][0]["missing"]] == ["contract", "bank_details"]
            second = dossiers.incomplete_page(s, arc.settings, cursor=first["next"], limit=3)
            assert [r["inn"] for r in second["items"]] == lacking[3:6]
            third = dossiers.incomplete_page(s, arc.settings, cursor=second["next"], limit=3)
            assert [r["inn"] for r in third["items"]] == lacking[6:] and third["next"] is None
            back = dossiers.incomplete_page(s, arc.settings, cursor=third["previous"], limit=3)
            assert [r["inn"] for r in back["items"]] == lacking[3:6] and back["next"] and back["previous"]
            everything = dossiers.incomplete_page(s, arc.settings, limit=50)["items"]
            assert complete not in {r["inn"] for r in everything} and OURS not in {r["inn"] for r in everything}
            assert {r["inn"] for r in everything} == {r["inn"] for r in dossiers.incomplete_dossiers(s, arc.settings)}
            # an outlet's list: only counterparties with documents of its own
            msk = s.scalar(select(Document.outlet_id).where(Document.seller_inn == suppliers[5]))
            assert msk is not None
            assert [r["inn"] for r in dossiers.incomplete_page(s, arc.settings, outlet_ids=(msk,))["items"]] == \
                [suppliers[5]]
            with pytest.raises(InvalidCursor):
                dossiers.incomplete_page(s, arc.settings, cursor=first["next"][:-3] + "xyz")
    finally:
        arc.close()

"""The retention table of Russian law, its overrides in finarchive.toml, and the originals that use it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from archive import originals as orig
from archive import retention
from archive.config import DEFAULTS, Settings
from archive.store import Archive
from finarchive.errors import ConfigurationError, ConflictError
from tests.archive import factories as f


def settings(tmp_path: Path, text: str = "") -> Settings:
    (tmp_path / "finarchive.toml").write_text(text, encoding="utf-8")
    return Settings.load(tmp_path, environ={})


def test_every_type_needing_an_original_has_a_period_with_its_sources(tmp_path: Path) -> None:
    table = {p.doc_type: p for p in retention.retention_table(settings(tmp_path))}
    for doc_type in DEFAULTS["originals"]["required"]:
        period = table[doc_type]
        assert period.overridden_by is None and period.years >= 5 and period.title
        assert period.years == max(s.years for s in period.sources)
        assert all(s.act and s.article and s.covers for s in period.sources), doc_type
    primary = table["waybill"]
    cites = " ".join(s.cite() for s in primary.sources)
    assert "402-ФЗ" in cites and "ст. 29" in cites and "ст. 23" in cites and "№ 236" in cites
    assert primary.start == "year_end" and primary.keep_until(dt.date(2026, 3, 14)) == dt.date(2031, 12, 31)
    contract = table["contract"]
    assert contract.start == "expiry" and contract.keep_until(dt.date(2026, 3, 14)) is None  # 5 years after expiry
    assert "после истечения срока действия договора" in " ".join(s.covers for s in contract.sources)


def test_an_override_lengthens_a_period_and_keeps_the_law_beside_it(tmp_path: Path) -> None:
    s = settings(tmp_path, '[retention.waybill]\nyears = 7\nsource = "Учётная политика, приказ № 12"\n'
                           '[retention.contract]\nyears = 6\nfrom = "year_end"\n'
                           '[retention.other]\nyears = 1\n')
    waybill = retention.period(s, "waybill")
    assert waybill.years == 7 and waybill.overridden_by == "finarchive.toml [retention.waybill]"
    assert waybill.sources[0].act == "Учётная политика, приказ № 12" and len(waybill.sources) > 1
    assert retention.keep_until(s, "waybill", dt.date(2026, 1, 5)) == dt.date(2033, 12, 31)
    assert retention.keep_until(s, "contract", dt.date(2026, 1, 5)) == dt.date(2032, 12, 31)
    assert retention.period(s, "other").years == 1  # the law lists no period for it
    assert "other" in {p.doc_type for p in retention.retention_table(s)}
    assert retention.period(s, "upd").overridden_by is None


@pytest.mark.parametrize(("text", "says"), [
    ("[retention.waybill]\nyears = 3\n", "shorter than the law's 5"),
    ("[retention.waybill]\nyears = 7\nfrom = 'signing'\n", "from must be one of"),
    ("[retention.waybill]\nyears = 'seven'\n", "whole number"),
    ("[retention.waybill]\nyears = 7\nuntil = 2030\n", "unknown key"),
])
def test_a_bad_override_is_refused_with_its_reason(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ConfigurationError, match=says):
        retention.period(settings(tmp_path, text), "waybill")


def test_the_older_settings_still_count(tmp_path: Path) -> None:
    s = settings(tmp_path, "[originals]\nretention_years = 3\nretention_by_type = { contract = 10 }\n")
    assert retention.keep_until(s, "contract", dt.date(2025, 6, 1)) == dt.date(2035, 12, 31)
    assert retention.period(s, "other").years == 3  # a type the law does not list
    assert retention.period(s, "waybill").years == 5  # the law's, not retention_years


def test_originals_and_destruction_acts_use_the_table(tmp_path: Path) -> None:
    from pypdf import PdfReader
    from sqlalchemy import select

    from archive.models import AuditEvent, DestructionAct

    home = tmp_path / "home"
    Archive.init(home, environ={}).close()
    (home / "finarchive.toml").write_text('[retention.upd]\nyears = 6\nsource = "Приказ № 7"\n', encoding="utf-8")
    day = dt.date(2026, 3, 16)
    with Archive.open(home, environ={}) as arc, arc.transaction() as s:
        made = [orig.expect_original(s, f.document(s, t), arc.settings, actor="pipeline", today=day)
                for t in ("waybill", "upd", "contract")]
        assert [o.keep_until for o in made if o] == [dt.date(2031, 12, 31), dt.date(2032, 12, 31), None]
        codes = [o.barcode for o in made if o]
        orig.receive(s, codes, actor="acc", today=day)
        orig.create_box(s, "B1", location=None, actor="acc")
        orig.file_originals(s, "B1", codes[:2], actor="acc", today=day)
        orig.create_box(s, "C1", location=None, actor="acc")
        orig.file_originals(s, "C1", codes[2:], actor="acc", today=day)

        selection = {b["box"]: b for b in retention.due_for_destruction(s, arc.settings, today=dt.date(2032, 6, 1))}
        assert set(selection) == {"B1"} and not selection["B1"]["destroyable"]  # the UPD runs to 2032-12-31
        assert [r["barcode"] for r in selection["B1"]["due"]] == [codes[0]]
        assert "2032-12-31" in selection["B1"]["kept"][0]["why"]
        with pytest.raises(ConflictError, match="its end is not known"):
            orig.destroy_box(s, arc.blobs, "C1", actor="acc", today=dt.date(2050, 1, 1), settings=arc.settings)

        later = dt.date(2033, 1, 1)
        assert retention.due_for_destruction(s, arc.settings, today=later)[0]["destroyable"]
        act = orig.destroy_box(s, arc.blobs, "B1", actor="acc", today=later, settings=arc.settings)
        assert act.pdf is not None
        text = "".join(page.extract_text() for page in PdfReader(arc.blobs.path(act.pdf)).pages)
        details = s.scalar(select(AuditEvent.details).where(AuditEvent.action == "box.destroyed"))
        grounds = (details or {})["grounds"]
        assert s.scalar(select(DestructionAct.code)) == act.code
    assert "402-ФЗ" in grounds and "Приказ № 7" in grounds
    assert "Сроки хранения истекли" in text and "402-ФЗ" in text

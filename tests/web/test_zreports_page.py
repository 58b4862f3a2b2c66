"""The outlet page lists the Z-reports its cash registers owe (a shift closed, its report never received)."""

from __future__ import annotations

from tests.archive.test_zreports import FN_A, KKT_A, _z_document, shifts
from tests.web.conftest import Desk
from tests.web.test_pages import login


def test_outlet_page_lists_missing_z_reports(sqlite_desk: Desk) -> None:
    with sqlite_desk.arc.transaction() as s:
        for r in shifts(KKT_A, FN_A, range(1, 6), first_id=1, skip=(3,), outlet="MSK-01"):
            _z_document(s, r)
    msk, _ = login(sqlite_desk, "msk")
    html = msk.get("/outlet").text
    assert 'id="zreports-owed"' in html and KKT_A in html and "<td>3</td>" in html
    anna, _ = login(sqlite_desk, "anna")
    assert 'id="zreports-owed"' not in anna.get("/outlet", params={"code": "SPB-02"}).text

"""1C print-form barcodes mapped to orders by configured rules: exact links (method barcode, score 1.0)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from archive import orders
from archive.barcode_links import link_rules, orders_for_code
from archive.config import Settings
from archive.models import LinkMethod, LinkState, OrderLink, Page
from archive.orders import OrderRow
from archive.store import Archive
from finarchive.errors import ConfigurationError
from tests.archive import factories
from tests.factories import WAYBILL_LINES, make_scan

EAN_RULE = """
[[barcodes.links]]
name = "1С: штрихкод печатной формы (EAN-13)"
pattern = '^(?P<code>2\\d{12})$'
lookup = { code = "Штрихкод" }

[[barcodes.links]]
name = "номер заказа (Code 128)"
pattern = '^(?P<order_no>SO-\\d{5})$'
"""


def ean13(first12: str) -> str:
    """The EAN-13 with its check digit (weights 1 and 3 from the left)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str(-total % 10)


PRINT_FORM = ean13("200000000781")  # an in-house EAN-13 (prefix 2), as 1C prints on its forms


def settings_with(tmp_path: Path, text: str) -> Settings:
    (tmp_path / "finarchive.toml").write_text(text, encoding="utf-8")
    return Settings.load(tmp_path, environ={})


@pytest.mark.parametrize(("rule", "says"), [
    ("pattern = '('", "not a regular expression"),
    ("pattern = '^\\\\d+$'", "named group"),
    ("pattern = '^(?P<a>\\\\d+)$'\nlookup = { b = \"x\" }", "lacks: b"),
    ("pattern = '^(?P<a>\\\\d+)$'\ncolumn = 'x'", "unknown key"),
])
def test_a_bad_rule_is_a_configuration_error_naming_it(tmp_path: Path, rule: str, says: str) -> None:
    settings = settings_with(tmp_path, f'[[barcodes.links]]\nname = "моё правило"\n{rule}\n')
    with pytest.raises(ConfigurationError, match=says) as caught:
        link_rules(settings)
    assert "моё правило" in str(caught.value)


def test_no_rules_by_default(tmp_path: Path) -> None:
    assert link_rules(Settings.load(tmp_path, environ={})) == []


def _page_codes(document, *codes: str) -> None:
    document.pages.append(Page(number=1, width=100, height=100, text="", words=[], codes=list(codes)))


def test_codes_link_their_order_exactly_whenever_either_arrives_first(tmp_path: Path) -> None:
    home = tmp_path / "home"
    arc = Archive.init(home, environ={})
    (home / "finarchive.toml").write_text(EAN_RULE, encoding="utf-8")
    arc.close()
    with Archive.open(home, environ={}) as arc, arc.transaction() as s:
        early = factories.order(s, "ЗК-000781", amount="1.00", inn=None)
        early.extra = {"Штрихкод": PRINT_FORM}
        doc = factories.document(s, "waybill", order_no=None, buyer_inn=None)
        _page_codes(doc, "t=20260314T1200&s=1.00&fn=1&i=2&fp=3&n=1", PRINT_FORM)  # a fiscal QR beside it
        links = orders.auto_link(s, doc, actor="pipeline", settings=arc.settings)
        assert [(lk.order.order_no, lk.method, lk.state, lk.score) for lk in links] == [
            ("ЗК-000781", LinkMethod.BARCODE, LinkState.CONFIRMED, 1.0)]
        assert orders.auto_link(s, doc, actor="pipeline", settings=arc.settings) == []  # kept, not made again

        # documents before their orders: linked when the orders are imported
        waiting = factories.document(s, "upd", order_no=None, buyer_inn=None)
        _page_codes(waiting, "SO-12345")
        other = factories.document(s, "upd", order_no=None, buyer_inn=None)
        _page_codes(other, "2000000009994")
        assert orders.auto_link(s, waiting, actor="pipeline", settings=arc.settings) == []
        result = orders.import_orders(s, [
            OrderRow(order_no="SO-12345", order_date=dt.date(2026, 3, 1)),
            OrderRow(order_no="ЗК-000900", extra={"Штрихкод": "2000000009994"}),
        ], actor="crm", settings=arc.settings)
        assert result.linked == 2
        pairs = {(lk.document_id, lk.order.order_no, lk.method, lk.score)
                 for lk in s.scalars(select(OrderLink).where(OrderLink.document_id.in_([waiting.id, other.id])))}
        assert pairs == {(waiting.id, "SO-12345", "barcode", 1.0), (other.id, "ЗК-000900", "barcode", 1.0)}

        # a code that names two orders names none
        twin = factories.order(s, "ЗК-000999", amount="1.00", inn=None)
        twin.extra = {"Штрихкод": PRINT_FORM}
        s.flush()
        assert orders_for_code(s, PRINT_FORM, link_rules(arc.settings)) == []


def _scan_with_barcode(path: Path, text: str, fmt: str) -> Path:
    """A scanned waybill page (no order number in its text) with a barcode zxing-cpp writes, as 1C prints it."""
    import zxingcpp

    lines = [line for line in WAYBILL_LINES if "заказ" not in line]
    make_scan(path, lines)
    code = zxingcpp.create_barcode(text, getattr(zxingcpp.BarcodeFormat, fmt)).to_image(scale=4)
    page = Image.open(path).convert("L")
    page.paste(Image.fromarray(code), (page.width - code.shape[1] - 80, 40))
    page.save(path, dpi=(150, 150))
    return path


def test_a_scan_with_a_1c_barcode_links_to_its_order(tmp_path: Path) -> None:
    from archive.pipeline import Pipeline
    from capture import SerialExecutor

    home = tmp_path / "home"
    Archive.init(home, environ={}).close()
    (home / "finarchive.toml").write_text(EAN_RULE, encoding="utf-8")
    scans = tmp_path / "scans"
    scans.mkdir()
    _scan_with_barcode(scans / "ean.png", PRINT_FORM[:12], "EAN13")  # zxing-cpp adds the check digit
    _scan_with_barcode(scans / "code128.png", "SO-12345", "Code128")
    with Archive.open(home, environ={}) as arc:
        with arc.transaction() as s:
            orders.import_orders(s, [OrderRow(order_no="ЗК-000781", extra={"Штрихкод": PRINT_FORM})],
                                 actor="crm", settings=arc.settings)
        Pipeline(arc, SerialExecutor(), actor="tester").import_paths([scans])
        with arc.transaction() as s:
            linked = {(lk.document.filename, lk.order.order_no, lk.method, lk.state, lk.score)
                      for lk in s.scalars(select(OrderLink))}
            assert linked == {("ean.png", "ЗК-000781", "barcode", "confirmed", 1.0)}
            result = orders.import_orders(s, [OrderRow(order_no="SO-12345")], actor="crm", settings=arc.settings)
            assert result.linked == 1  # the Code 128 scan waited for its order

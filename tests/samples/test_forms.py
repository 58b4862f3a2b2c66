"""The statutory forms as 1C prints them: truth per DESIGN's table, values printed as the truth says,
real fiscal QR codes that decode to the receipt's fields, the forms' own titles and boxes."""

from __future__ import annotations

import json
import random
import re
import sys
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np
import pytest
import zxingcpp

from tests.samples.test_generator import ANY_TYPE, DOC_FIELDS, MONEY, inn_is_valid

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
SEEDS = range(12)


@pytest.fixture(scope="module")
def gen():
    sys.path.insert(0, str(SAMPLES))
    try:
        import _forms
        import _layout
        import _photo
        import generate
    finally:
        sys.path.remove(str(SAMPLES))
    return generate, _forms, _layout, _photo


def _text(doc) -> str:
    return " ".join(op[3] for sheet in doc.sheets for op in sheet.ops if op[0] == "text")


def _docs(gen):
    _, forms, _, _ = gen
    for doc_type, makers in forms.FORMS.items():
        for make in makers:
            for seed in SEEDS:
                yield doc_type, make(random.Random(f"t:{doc_type}:{seed}"))


def test_truth_follows_the_design_table(gen) -> None:
    seen = set()
    for doc_type, doc in _docs(gen):
        assert doc.doc_type == doc_type
        seen.add(doc_type)
        f = doc.fields
        assert set(f) <= DOC_FIELDS[doc_type] | ANY_TYPE, (doc_type, set(f) - DOC_FIELDS[doc_type])
        for name in ("total", "vat", "cash_total", "card_total"):
            if name in f:
                assert MONEY.match(f[name]), (name, f[name])
        for name in ("seller_inn", "buyer_inn"):
            if name in f:
                assert inn_is_valid(f[name]), (doc_type, name, f[name])
        for name in ("seller_kpp", "buyer_kpp"):
            if name in f:
                assert re.fullmatch(r"\d{9}", f[name])
        if doc_type in ("upd", "vat_invoice"):
            assert "buyer_kpp" in f
        if doc_type == "receipt":
            assert re.fullmatch(r"\d{16}", f["fn_no"]) and f["fd_no"].isdigit() and f["fp"].isdigit()
            paid = Decimal(f.get("cash_total", "0")) + Decimal(f.get("card_total", "0"))
            assert paid == Decimal(f["total"])
        if doc_type == "z_report":
            assert Decimal(f["cash_total"]) + Decimal(f["card_total"]) == Decimal(f["total"])
            assert f["fd_no"].isdigit()
    assert seen == {"upd", "waybill", "vat_invoice", "invoice", "act", "receipt", "z_report"}


def test_every_truth_value_is_printed(gen) -> None:
    for doc_type, doc in _docs(gen):
        text = _text(doc)
        digits = re.sub(r"\D", "", text)
        for name, value in doc.fields.items():
            if name == "vat" and doc_type == "receipt":  # the sum of the printed НДС amounts, one per rate
                parts = doc.meta["vat_by_rate"].values()
                assert sum(Decimal(v) for v in parts) == Decimal(value)
                assert all(re.sub(r"\D", "", v) in digits for v in parts)
            elif name in ("total", "vat", "cash_total", "card_total"):
                assert re.sub(r"\D", "", value) in digits, (doc_type, name, value)
            elif name == "date":
                continue  # printed in words or dotted; checked through the QR for receipts
            elif name not in ("currency",):
                assert value in text, (doc_type, name, value)


def test_vat_is_the_printed_rate_of_the_total(gen) -> None:
    data = sys.modules["_data"]  # the generator's own module, imported by the fixture

    for doc_type, doc in _docs(gen):
        if "vat" not in doc.fields or doc_type == "receipt":
            continue
        rate = doc.meta["vat_rate"]
        assert Decimal(doc.fields["vat"]) == data.vat_of_total(Decimal(doc.fields["total"]), rate), doc_type


def _decode(image) -> list[str]:
    return [b.text for b in zxingcpp.read_barcodes(np.asarray(image.convert("L")))
            if b.format == zxingcpp.BarcodeFormat.QRCode]


def test_receipt_qr_is_real_and_matches_the_truth(gen) -> None:
    _, forms, layout, _ = gen
    for seed in range(6):
        doc = forms.receipt_54fz(random.Random(f"qr:{seed}"))
        found = _decode(layout.render_image(doc.sheets[0]))
        assert found == [doc.meta["qr"]]
        q = {k: v[0] for k, v in parse_qs(found[0]).items()}
        f = doc.fields
        assert q["t"][:8] == f["date"].replace("-", "")
        assert q["s"] == f["total"] and q["fn"] == f["fn_no"] and q["i"] == f["fd_no"] and q["fp"] == f["fp"]
        assert q["n"] == "1"


def test_receipt_qr_survives_a_clear_phone_photo(gen) -> None:
    _, forms, _, photo = gen
    doc = forms.receipt_54fz(random.Random("qr-photo"))
    look = photo.PhotoLook(long_side=1600, fill=0.9, rotation=3.0, tilt=0.02, curl=0.01, background="wood",
                           shadow=0.0, blur=0.5, noise=2.0)
    image, _ = photo.photograph_sheet(doc.sheets[0], doc.fields, random.Random(1), look=look, marked=False)
    assert _decode(image) == [doc.meta["qr"]]


def test_forms_print_their_own_titles_and_boxes(gen) -> None:
    _, forms, _, _ = gen
    for status in ("1", "2"):
        docs = [forms.upd_fns(random.Random(f"upd:{i}")) for i in range(8)]
        doc = next(d for d in docs if d.meta["status"] == status)
        ops = [op[3] for op in doc.sheets[0].ops if op[0] == "text"]
        assert "Универсальный" in ops and status in ops and any(o.startswith("Счёт-фактура №") for o in ops)
    for title in forms.BILL_TITLES:
        doc = forms.bill_1c(random.Random(title), title)
        assert any(op[3].startswith(f"{title} № {doc.fields['number']} от") for op in doc.sheets[0].ops
                   if op[0] == "text")
        assert doc.doc_type == "invoice"
    acts = {forms.act_1c(random.Random(f"act:{i}")).meta["title"] for i in range(30)}
    assert {"Акт", "Акт выполненных работ", "Акт об оказании услуг"} <= acts
    torg = _text(forms.torg12_1c(random.Random("t")))
    assert "ТОВАРНАЯ НАКЛАДНАЯ" in torg and "0330212" in torg and "Унифицированная форма № ТОРГ-12" in torg
    sf = _text(forms.vat_invoice_1137(random.Random("s")))
    assert "от 26 декабря 2011 г. № 1137" in sf and sf.count("(6б)") == 1
    z = _text(forms.z_report_54fz(random.Random("z")))
    assert "ОТЧЕТ О ЗАКРЫТИИ СМЕНЫ" in z and "ФД:" in z


def test_random_forms_plan_and_committed_forms(gen) -> None:
    generate, _, _, _ = gen
    plan = generate.forms_plan(60, 3)
    assert {it.doc_type for it in plan} == {"upd", "waybill", "vat_invoice", "invoice", "act", "receipt", "z_report"}
    assert any(it.fmt == "photo" for it in plan) and any(it.fmt == "pdf_text" for it in plan)
    assert not any(it.fmt in ("pdf", "pdf_text") for it in plan if it.doc_type in ("receipt", "z_report"))
    truths = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((SAMPLES / "forms").glob("*.truth.json"))]
    assert {t["doc_type"] for t in truths} == {"upd", "waybill", "vat_invoice", "invoice", "act", "receipt",
                                               "z_report"}
    assert {"pdf_text", "photo", "jpg"} <= {t["meta"]["format"] for t in truths}
    for t in truths:
        assert (SAMPLES / "forms" / t["file"]).exists()
        item = next(it for it in generate.FORMS_PLAN if it.name == Path(t["file"]).stem)
        assert t["fields"] == generate.build(item, generate.DEFAULT_SEED).fields

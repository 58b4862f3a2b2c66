"""The sample generator: a small random set is well-formed, its truth is self-consistent, files open."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "samples" / "generate.py"
DOC_FIELDS = {  # DESIGN.md's table
    "z_report": {"date", "shift_no", "total", "cash_total", "card_total", "kkt_reg_no", "fn_no", "fd_no",
                 "seller_inn"},
    "sales_report": {"date", "total", "outlet_code"},
    "waybill": {"number", "date", "seller_inn", "seller_kpp", "buyer_inn", "total", "vat", "order_no"},
    "upd": {"number", "date", "seller_inn", "seller_kpp", "buyer_inn", "buyer_kpp", "total", "vat", "order_no"},
    "vat_invoice": {"number", "date", "seller_inn", "seller_kpp", "buyer_inn", "buyer_kpp", "total", "vat"},
    "invoice": {"number", "date", "seller_inn", "seller_kpp", "buyer_inn", "total", "vat", "order_no"},
    "act": {"number", "date", "seller_inn", "seller_kpp", "buyer_inn", "total", "vat", "order_no"},
    "contract": {"number", "date", "seller_inn", "customer_name", "order_no"},
    "receipt": {"date", "total", "vat", "cash_total", "card_total", "seller_name", "seller_address", "seller_inn",
                "fn_no", "fd_no", "fp"},
    "other": set(),
}
CLASSIC_TYPES = set(DOC_FIELDS) - {"act"}  # the classic templates of samples/ have no act
ANY_TYPE = {"seller_name", "seller_address", "currency"}
MONEY = re.compile(r"^-?\d+\.\d{2}$")


def inn_is_valid(inn: str) -> bool:
    """Independent of the generator: the published ИНН check-digit rules."""
    def check(digits: str, weights: list[int]) -> int:
        return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10

    if not inn.isdigit():
        return False
    if len(inn) == 10:
        return check(inn, [2, 4, 10, 3, 5, 9, 4, 6, 8]) == int(inn[9])
    if len(inn) == 12:
        return (check(inn, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == int(inn[10])
                and check(inn, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == int(inn[11]))
    return False


def test_inn_validator_rejects_a_wrong_check_digit() -> None:
    assert inn_is_valid("7707083893")  # a real, published ИНН
    assert not inn_is_valid("7707083894")
    assert inn_is_valid("500100732259")
    assert not inn_is_valid("500100732250")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("samples")
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(out), "--count", "4", "--seed", "7"],
                   check=True, capture_output=True, timeout=120)
    truths = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*.truth.json"))]
    return out, truths


def test_one_truth_per_file(generated: tuple[Path, list[dict]]) -> None:
    out, truths = generated
    assert len(truths) == 4
    files = sorted(p.name for p in out.iterdir() if not p.name.endswith(".truth.json"))
    assert files == sorted(t["file"] for t in truths)


def _committed() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GENERATOR.parent.glob("*.truth.json"))]


def test_committed_set_covers_every_type_and_format() -> None:
    truths = _committed()
    assert len(truths) >= 30
    assert {t["doc_type"] for t in truths} == CLASSIC_TYPES
    assert {t["meta"]["format"] for t in truths} == {"png", "jpg", "pdf", "pdf_text", "tif"}
    assert {t["lang"] for t in truths} == {"ru", "en"}
    assert any(t["pages"] > 1 for t in truths)
    assert any(s["turned_cw"] for t in truths for s in t["meta"]["scan"])
    for t in truths:
        path = GENERATOR.parent / t["file"]
        if path.suffix == ".pdf":
            assert len(PdfReader(path).pages) == t["pages"], t["file"]
        else:
            with Image.open(path) as img:
                assert getattr(img, "n_frames", 1) == t["pages"], t["file"]


def test_truth_is_well_formed(generated: tuple[Path, list[dict]]) -> None:
    _, truths = generated
    for t in truths + _committed():
        assert set(t) >= {"file", "doc_type", "fields", "lang", "pages"}
        assert t["lang"] in ("ru", "en")
        assert t["pages"] >= 1
        fields = t["fields"]
        assert set(fields) <= DOC_FIELDS[t["doc_type"]] | ANY_TYPE, t["file"]
        assert all(isinstance(v, str) and v for v in fields.values()), t["file"]
        if "date" in fields:
            date.fromisoformat(fields["date"])
        for name in ("total", "vat", "cash_total", "card_total"):
            if name in fields:
                assert MONEY.match(fields[name]), (t["file"], name, fields[name])
        for name in ("seller_inn", "buyer_inn"):
            if name in fields:
                assert inn_is_valid(fields[name]), (t["file"], name, fields[name])
        if "seller_kpp" in fields:
            assert re.fullmatch(r"\d{9}", fields["seller_kpp"])
            assert fields["seller_kpp"][:4] == fields["seller_inn"][:4]
        if "currency" in fields:
            assert fields["currency"] in ("RUB", "USD", "EUR")


def _generator_module():
    sys.path.insert(0, str(GENERATOR.parent))
    try:
        import generate
    finally:
        sys.path.remove(str(GENERATOR.parent))
    return generate


def test_vat_and_cash_arithmetic() -> None:
    """Build (without rendering) a larger random set and check every document's sums."""
    gen = _generator_module()
    checked = 0
    for item in gen.random_plan(80, seed=5):
        doc = gen.build(item, 5)
        f, meta = doc.fields, doc.meta
        if "vat" in f:
            total, vat, rate = Decimal(f["total"]), Decimal(f["vat"]), meta["vat_rate"]
            assert vat == (total * rate / (100 + rate)).quantize(Decimal("0.01"), ROUND_HALF_UP), item.name
            if "net" in meta:  # goods documents; a till slip's VAT is printed per line and in sum
                assert Decimal(meta["net"]) + vat == total, item.name
            checked += 1
        if doc.doc_type == "z_report":
            assert Decimal(f["cash_total"]) + Decimal(f["card_total"]) == Decimal(f["total"])
            checked += 1
        for name in ("seller_inn", "buyer_inn"):
            if name in f:
                assert inn_is_valid(f[name]), (item.name, f[name])
    assert checked >= 30


def test_printed_values_match_truth() -> None:
    """Every normalised money value of a goods document appears on its pages as printed text."""
    gen = _generator_module()
    for item in gen.DEFAULT_PLAN:
        doc = gen.build(item, gen.DEFAULT_SEED)
        text = " ".join(op[3] for sheet in doc.sheets for op in sheet.ops if op[0] == "text")
        digits_only = re.sub(r"[^0-9]", "", text)
        for name in ("total", "vat", "seller_inn", "buyer_inn", "order_no", "number", "shift_no", "outlet_code"):
            if name in doc.fields:
                value = doc.fields[name]
                probe = re.sub(r"[^0-9]", "", value) if name in ("total", "vat") else value
                haystack = digits_only if name in ("total", "vat") else text
                assert probe in haystack, (item.name, name, value)


def test_files_open_and_text_layer(tmp_path: Path) -> None:
    out = tmp_path / "s"
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(out), "--only",
                    "contract_02,contract_03,z_report_03", "--seed", "3"], check=True, capture_output=True, timeout=120)
    truths = {t["file"]: t for t in (json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.truth.json"))}
    assert sorted(t["meta"]["format"] for t in truths.values()) == ["pdf", "pdf_text", "tif"]
    for name, t in truths.items():
        path = out / name
        if path.suffix == ".pdf":
            reader = PdfReader(path)
            assert len(reader.pages) == t["pages"]
            text = "".join(page.extract_text() or "" for page in reader.pages)
            if t["meta"]["text_layer"]:
                assert t["fields"]["seller_inn"] in text
                assert t["fields"]["order_no"] in text
                assert t["fields"]["customer_name"] in text
            else:
                assert text.strip() == ""
        else:
            with Image.open(path) as img:
                assert getattr(img, "n_frames", 1) == t["pages"]
                img.load()


def test_same_seed_same_bytes_other_seed_other_values(tmp_path: Path) -> None:
    runs = {}
    for label, seed in (("a", "5"), ("b", "5"), ("c", "6")):
        out = tmp_path / label
        subprocess.run([sys.executable, str(GENERATOR), "--out", str(out), "--only", "z_report_03,receipt_01",
                        "--seed", seed], check=True, capture_output=True, timeout=120)
        runs[label] = {p.name: p.read_bytes() for p in out.iterdir()}
    assert runs["a"] == runs["b"]
    assert runs["a"].keys() == runs["c"].keys()
    assert runs["a"]["z_report_03.truth.json"] != runs["c"]["z_report_03.truth.json"]

"""bench/ru-dev: every truth file has its document, follows DESIGN's table, and names its source."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from capture.formats.office import read_docx, read_xlsx
from tests.samples.test_generator import ANY_TYPE, DOC_FIELDS, MONEY, inn_is_valid

DEV = Path(__file__).resolve().parents[2] / "bench" / "ru-dev"
# a real document, or another program's form as that program saves it, may be an office file, read as import reads it
SUFFIXES = {".jpg", ".png", ".pdf", ".docx", ".xlsx"}
SCANNED = {".jpg", ".png", ".pdf"}  # photos, scans and PDFs: every kind of the set


def _truths() -> list[tuple[Path, dict]]:
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(DEV.glob("*.json"))]


def test_at_least_forty_documents_of_every_russian_type() -> None:
    truths = _truths()
    files = [f for p, _ in truths for f in DEV.glob(p.stem + ".*") if f.suffix in SUFFIXES]
    assert len(files) >= 40
    kinds = {t["doc_type"] for _, t in truths}
    assert kinds >= {"invoice", "act", "upd", "waybill", "vat_invoice", "receipt", "z_report"}
    assert kinds <= set(DOC_FIELDS) - {"other"}  # a real договор may join them
    assert {f.suffix for f in files} >= SCANNED and {f.suffix for f in files} <= SUFFIXES
    assert sum(f.stat().st_size for f in DEV.iterdir()) < 30 * 2**20


def test_truth_follows_design_and_every_file_opens() -> None:
    for path, t in _truths():
        fields = t["fields"]
        assert set(fields) <= DOC_FIELDS[t["doc_type"]] | ANY_TYPE, path.name
        if "date" in fields:
            date.fromisoformat(fields["date"])
        for name in ("total", "vat", "cash_total", "card_total"):
            if name in fields:
                assert MONEY.match(fields[name]), (path.name, name)
        for name in ("seller_inn", "buyer_inn"):
            if name in fields:
                assert inn_is_valid(fields[name]), (path.name, name)
        for name in ("seller_kpp", "buyer_kpp"):
            if name in fields:
                assert re.fullmatch(r"\d{4}[\dA-Z]{2}\d{3}", fields[name]), (path.name, name)
        docs = [f for f in DEV.glob(path.stem + ".*") if f.suffix in SUFFIXES]
        assert docs, path.name
        for doc in docs:
            if doc.suffix == ".pdf":
                assert len(PdfReader(doc).pages) >= 1
            elif doc.suffix == ".docx":
                assert t["source"]["kind"] == "real", doc.name  # our own documents are printed, not written
                assert read_docx(str(doc)), doc.name
            elif doc.suffix == ".xlsx":
                assert t["source"]["kind"] in ("real", "template"), doc.name
                assert read_xlsx(str(doc)), doc.name
            else:
                with Image.open(doc) as img:
                    img.load()
                    assert max(img.size) <= 3600, doc.name  # a 300-dpi A4 scan at most


def test_real_documents_name_repository_path_commit_and_licence() -> None:
    """A real document, or one filled into another project's print form, is kept only with its repository,
    path, commit and a licence that lets us redistribute it; every other file is the generator's."""
    sources = (DEV / "SOURCES.md").read_text(encoding="utf-8")
    for path, t in _truths():
        src = t["source"]
        if src["kind"] in ("real", "template"):
            assert re.fullmatch(r"[0-9a-f]{40}", src["commit"]), path.name
            assert src["repository"] in sources and src["commit"] in sources and src["path"] in sources
            assert src["licence"] and not src["licence"].lower().startswith("none"), path.name
            if src["kind"] == "template":
                assert path.stem.startswith("tpl_")
                assert (DEV / "templates" / f"LICENSE.{src['repository'].split('/')[1]}").exists(), path.name
        else:
            assert src["kind"] == "generated" and path.stem.startswith("gen_")


def test_bench_measures_every_file_of_the_set() -> None:
    """bench/accuracy.py scores every document file beside a truth file, a real DOCX as import reads it."""
    from bench.accuracy import ru_dev_cases

    measured = {c.path.name for c in ru_dev_cases(DEV)}
    files = {f.name for p, _ in _truths() for f in DEV.glob(p.stem + ".*") if f.suffix in SUFFIXES}
    assert files <= measured

"""`extract` and `import` are one reading: the same doc_type and fields for any file (issue 12, item 1).

Real tesseract, a real SQLite archive with its own settings and its own trained model; the files are
samples, factory pages and phone photos of them (tests/photos.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

import classify
from archive.config import Settings
from archive.extract import extract_files
from archive.models import Document
from archive.pipeline import Pipeline
from archive.reading import Reader, ReadingSettings
from capture import SerialExecutor
from tests.conftest import SAMPLES
from tests.factories import WAYBILL_LINES, make_scan, make_text_pdf
from tests.photos import photograph, save_photo

SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in {".pdf", ".png", ".jpg", ".tif"})
FEW_SAMPLES = ("receipt_02.png", "contract_02.tif", "waybill_01.jpg", "upd_02.pdf")


def _generated(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    scan = make_scan(folder / "waybill.png", WAYBILL_LINES)
    pdf = make_text_pdf(folder / "invoice.pdf", ["СЧЁТ НА ОПЛАТУ № 118 от 02.03.2026",
                                                  "Поставщик: ООО «Ромашка», ИНН 7707083893, КПП 773601001",
                                                  "Итого к оплате: 12 000,00 руб."])
    photo = save_photo(folder / "waybill-photo.jpg", photograph(Image.open(scan), seed=3, background="checks"))
    bill = save_photo(folder / "bill-photo.jpg",
                      photograph(Image.open(SAMPLES / "invoice_01.jpg"), seed=5, background="wood"))
    return [scan, pdf, photo, bill]


def _archive_with_own_settings_and_model(sqlite_archive) -> Settings:
    """Settings that differ from the defaults, and a model trained in the archive (`finarchive train`)."""
    home = sqlite_archive.settings.home
    config = home / "finarchive.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('latin_engine = "auto"', 'latin_engine = "tesseract"'),
                      encoding="utf-8")
    texts = ["товарная накладная грузополучатель", "счёт на оплату поставщик", "договор стороны предмет",
             "кассовый чек итог", "накладная товар отпуск", "счёт банк получателя"]
    labels = ["waybill", "invoice", "contract", "receipt", "waybill", "invoice"]
    classify.train_classifier(texts, labels, sqlite_archive.settings.models_dir / classify.MODEL_FILENAME)
    settings = Settings.load(home, environ={})
    assert settings.latin_engine == "tesseract"
    return settings


def _imported(sqlite_archive, files: list[Path]) -> dict[str, tuple[str | None, dict[str, str], list[Any]]]:
    Pipeline(sqlite_archive, SerialExecutor(), actor="tester").import_paths(files)
    with sqlite_archive.sessions() as s:
        return {d.filename: (d.doc_type, {f.name: f.value for f in d.fields}, list(d.problems or []))
                for d in s.scalars(select(Document))}


def _assert_one_reading(sqlite_archive, files: list[Path]) -> None:
    settings = _archive_with_own_settings_and_model(sqlite_archive)
    reader = Reader(ReadingSettings.of(settings))
    assert reader.model is not None and set(reader.model.labels) == {"waybill", "invoice", "contract", "receipt"}
    extracted = {Path(line["file"]).name: line for line in extract_files(files, SerialExecutor(), reader=reader)}
    imported = _imported(sqlite_archive, files)
    assert set(imported) == set(extracted) == {f.name for f in files}
    for name, (doc_type, fields, problems) in imported.items():
        line = extracted[name]
        assert (line["doc_type"], line["fields"]) == (doc_type, fields), name
        for field, detail in line["details"].items():
            if detail.get("unsure"):  # flagged in both, given as a value in neither
                assert field not in line["fields"] and field not in fields
                assert any(p["code"] == "unsure_value" and field in p["fields"] for p in problems)
        assert all(line["details"][f]["confidence"] >= classify.FIELD_THRESHOLD for f in line["fields"])


def test_extract_and_import_read_generated_pages_and_photos_alike(sqlite_archive, tmp_path: Path) -> None:
    _assert_one_reading(sqlite_archive, _generated(tmp_path / "in"))


def test_extract_and_import_read_samples_alike(sqlite_archive, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    files = [Path(shutil.copy(SAMPLES / name, folder / name)) for name in FEW_SAMPLES]
    _assert_one_reading(sqlite_archive, files)


@pytest.mark.slow
def test_extract_and_import_read_every_sample_alike(sqlite_archive, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    files = [Path(shutil.copy(p, folder / p.name)) for p in SAMPLE_FILES]
    _assert_one_reading(sqlite_archive, files)


def test_extract_reads_with_defaults_when_there_is_no_archive(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path / "nowhere", environ={})
    reader = Reader(ReadingSettings.of(settings))
    assert reader.settings == ReadingSettings(models_dir=tmp_path / "nowhere" / "models")
    bundled = classify.default_classifier()
    assert (reader.model is None) == (bundled is None)
    assert not (tmp_path / "nowhere").exists()


def test_extract_and_import_give_a_bad_file_the_same_reason_russian_first(sqlite_archive, tmp_path: Path) -> None:
    """Before, `extract` said «empty.pdf is empty (0 bytes)» where `import` said «файл пуст / …»: a bad file's
    reason is one reading too."""
    from archive.intake import import_batch
    from tests.factories import make_bad_files

    bad = make_bad_files(tmp_path / "bad")
    bomb = tmp_path / "bad" / "bomb.png"
    Image.new("1", (20_000, 20_000), 1).save(bomb)  # 400 MP: Pillow refuses it as a decompression bomb
    files = [*bad.values(), bomb]
    extracted = {Path(line["file"]).name: line for line in extract_files(files, SerialExecutor())}
    summary = import_batch(Pipeline(sqlite_archive, SerialExecutor()), [tmp_path / "bad"])
    imported = {Path(o.item.path).name: o for o in summary.outcomes}
    assert set(extracted) == set(imported) == {f.name for f in files}
    for name, line in extracted.items():
        assert (line["reason"], line["error"]) == (imported[name].reason, imported[name].message), name
    assert extracted["bomb.png"]["error"].startswith("файл слишком велик")

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from capture import OcrTimeoutError, tesseract
from capture.preprocess import clean_page, estimate_skew, rotate_right_angle, whiten_borders
from capture_factories import text_image
from finarchive.errors import MissingDependencyError

PAGE_LINES = (
    "Товарная накладная № 4521 от 14 марта 2026 г.",
    "Поставщик: ООО Ромашка, ИНН 7707083893, КПП 770701001",
    "Покупатель: ООО Василёк, ИНН 7702070139",
    "Основание: заказ № ЗК-000781 от 10 марта 2026 г.",
    "Итого: 235 730,00 руб., в том числе НДС 39 288,33 руб.",
) * 3


def _page(angle: float = 0.0) -> np.ndarray:
    image = text_image(PAGE_LINES, size=(1654, 2339), font_size=30)  # A4 at 200 dpi
    return np.array(image.rotate(angle, fillcolor=255, resample=Image.Resampling.BILINEAR))


@pytest.mark.parametrize("angle", [-7.0, -2.5, 0.0, 1.2, 4.0, 11.0])
def test_estimated_skew_undoes_the_true_angle(angle: float) -> None:
    # the page was turned `angle` degrees counterclockwise: straightening turns it back
    assert estimate_skew(_page(angle)) == pytest.approx(-angle, abs=0.25)


def test_small_skews_are_left_to_tesseract_large_ones_are_corrected() -> None:
    assert clean_page(_page(1.0)).skew == 0.0
    assert clean_page(_page(6.0)).skew == pytest.approx(-6.0, abs=0.25)


def _ocr(gray: np.ndarray, tmp_path: Path, name: str) -> tesseract.OcrOutput:
    path = tmp_path / f"{name}.png"
    Image.fromarray(gray).save(path, dpi=(200, 200))
    return tesseract.ocr(str(path), dpi=200)


def test_deskew_improves_ocr_of_a_skewed_page(tmp_path: Path) -> None:
    skewed = _page(7.0)
    before = _ocr(skewed, tmp_path, "skewed")
    cleaned = clean_page(skewed)
    after = _ocr(cleaned.image, tmp_path, "cleaned")
    text = " ".join(w.text for w in after.words)
    assert "7707083893" in text and "ЗК-000781" in text
    mean = lambda out: sum(w.confidence for w in out.words) / len(out.words)
    assert mean(after) > mean(before)


def test_original_image_is_left_untouched() -> None:
    page = _page(5.0)
    page[:40, :] = 0  # a dark scanner edge
    copy = page.copy()
    cleaned = clean_page(page)
    assert np.array_equal(page, copy)
    assert cleaned.borders[1] >= 40 and cleaned.image[:40, :].min() == 255


def test_whiten_borders_keeps_the_text() -> None:
    page = _page()
    page[:, :30] = 0
    page[-25:, :] = 10
    sides = whiten_borders(page)
    assert sides[0] >= 30 and sides[3] >= 25 and sides[2] == 0
    assert page[:, 30:].min() == 0  # the text is still there


def test_right_angle_rotation_round_trips() -> None:
    page = _page()
    assert rotate_right_angle(page, 90).shape == page.shape[::-1]
    assert np.array_equal(rotate_right_angle(rotate_right_angle(page, 90), 270), page)


@pytest.mark.parametrize("by_program", [False, True], ids=["in-process", "program"])
def test_one_tesseract_run_gives_words_and_a_searchable_pdf(tmp_path: Path, by_program: bool) -> None:
    """Read by the worker's engine (its models loaded once) or by the tesseract program: the same kind of
    output, words with boxes and the page's PDF with its text."""
    assert tesseract.in_process()  # tesserocr is a dependency: pages are read in-process here
    path = tmp_path / "page.jpg"
    Image.fromarray(_page()).save(path, quality=85, dpi=(200, 200))
    out = tesseract.ocr(str(path), dpi=200, pdf=True, by_program=by_program)
    words = [w.text for w in out.words]
    assert "Товарная" in words and "7707083893," in words
    assert out.pdf is not None and out.pdf.startswith(b"%PDF")
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(out.pdf)
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1 and "7707083893" in reader.pages[0].extract_text()
    # line indexes grow down the page; confidences are 0..1
    assert [w.line for w in out.words] == sorted(w.line for w in out.words)
    assert all(0 < w.confidence <= 1 for w in out.words)


def test_parse_tsv() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t10\t20\t30\t40\t96.5\tИНН\n"
        "5\t1\t1\t1\t1\t2\t50\t20\t30\t40\t90\t7707083893\n"
        "5\t1\t1\t1\t2\t1\t10\t70\t30\t40\t80\tКПП\n"
        "5\t1\t2\t1\t1\t1\t10\t120\t30\t40\t70\t \n"
        "5\t1\t2\t1\t1\t2\t10\t120\t30\t40\t70\tИтого\n"
    )
    words = tesseract.parse_tsv(tsv)
    assert [(w.text, w.line, w.block) for w in words] == [
        ("ИНН", 0, 1), ("7707083893", 0, 1), ("КПП", 1, 1), ("Итого", 2, 2)]
    assert words[0].confidence == pytest.approx(0.965) and words[0].box == (10, 20, 40, 60)


def test_missing_language_names_the_package_to_install(tmp_path: Path) -> None:
    path = tmp_path / "p.png"
    Image.fromarray(_page()).save(path)
    with pytest.raises(MissingDependencyError, match="apt-get install -y tesseract-ocr-klingon"):
        tesseract.ocr(str(path), languages="rus+klingon")


@pytest.mark.parametrize("pdf", [False, True], ids=["words", "words-and-pdf"])
@pytest.mark.parametrize("by_program", [False, True], ids=["in-process", "program"])
def test_timeout_becomes_ocr_timeout_error(tmp_path: Path, by_program: bool, pdf: bool) -> None:
    path = tmp_path / "p.png"
    Image.fromarray(_page()).save(path)
    with pytest.raises(OcrTimeoutError) as caught:
        tesseract.ocr(str(path), timeout=0.01, pdf=pdf, by_program=by_program)
    assert caught.value.reason == "ocr_timeout"
    # the engine that timed out reads the next page whole
    assert len(tesseract.ocr(str(path), dpi=200, by_program=by_program).words) > 40


def test_version_probe() -> None:
    assert tesseract.version() >= (4, 0)


def test_lines_running_down_the_page_are_told_from_upright_ones() -> None:
    from capture.preprocess import lines_run_vertically

    page = np.asarray(text_image(), dtype=np.uint8)
    assert not lines_run_vertically(page)
    assert lines_run_vertically(np.ascontiguousarray(np.rot90(page)))
    assert lines_run_vertically(np.ascontiguousarray(np.rot90(page, 3)))
    assert not lines_run_vertically(np.ascontiguousarray(np.rot90(page, 2)))  # upside down: lines still run across


def _ruled_form() -> np.ndarray:
    """A form like a ТОРГ-12's table: text in cells, every row and column crossed by the table's rules."""
    image = text_image(PAGE_LINES, size=(1654, 2339), font_size=30)
    gray = np.array(image)
    for y in range(60, 2300, 57):
        gray[y:y + 3, 40:1620] = 0
    for x in (40, 500, 900, 1300, 1617):
        gray[60:2290, x:x + 3] = 0
    return gray


def test_a_ruled_form_turned_a_quarter_is_told_by_its_text_not_its_rules() -> None:
    from capture.preprocess import lines_run_vertically

    form = _ruled_form()
    assert not lines_run_vertically(form)
    assert lines_run_vertically(np.ascontiguousarray(np.rot90(form)))
    assert lines_run_vertically(np.ascontiguousarray(np.rot90(form, 3)))


def test_unsure_words_are_read_again_from_a_cut_out(tmp_path: Path) -> None:
    from capture._reread import reread_unsure
    from capture.types import OcrWord

    gray = np.asarray(text_image(("Номер УТ-7665 от 15.01.2025",), size=(1240, 240)), dtype=np.uint8)
    first = _ocr(gray, tmp_path, "first").words
    by_text = {w.text: w for w in first}
    assert {"УТ-7665", "15.01.2025"} <= set(by_text)
    # the first reading as it goes wrong on a busy line: the number as noise, with a short box
    noisy = by_text["УТ-7665"]
    left, top, right, bottom = noisy.box
    words = tuple(OcrWord("ЕЕ", 0.3, (left + 20, top + 6, right - 40, bottom - 4), noisy.line, noisy.block)
                  if w is noisy else w for w in first)
    got = reread_unsure(words, gray, 1, languages="rus+eng", dpi=300, tmp=str(tmp_path), timeout=60)
    # cut out of its line the number may come back in Latin look-alikes ("YT-7665"): the extractor folds them
    texts = [w.text.translate(str.maketrans("YT", "УТ")) for w in got]
    assert texts == [w.text for w in first]
    fixed = next(w for w in got if w.text.endswith("-7665"))
    assert fixed.confidence >= 0.7 and fixed.line == noisy.line
    assert abs(fixed.box[0] - left) <= 6 and abs(fixed.box[3] - bottom) <= 6  # in the page's pixels
    # words read with confidence are left as they are, even when wrong
    sure = tuple(OcrWord("УТ-7666", 0.8, w.box, w.line, w.block) if w is noisy else w for w in first)
    assert reread_unsure(sure, gray, 1, languages="rus+eng", dpi=300, tmp=str(tmp_path), timeout=60) == sure


def test_unsure_words_of_an_enlarged_reading_come_back_in_page_pixels(tmp_path: Path) -> None:
    import cv2

    from capture._reread import reread_unsure
    from capture.types import OcrWord

    page = np.asarray(text_image(("Итого 235730,00",), size=(620, 120), font_size=20), dtype=np.uint8)
    big = cv2.resize(page, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    first = _ocr(big, tmp_path, "big").words
    amount = next(w for w in first if "235730" in w.text)

    def halved(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        left, top, right, bottom = box
        return left // 2, top // 2, right // 2, bottom // 2

    left, _, right, _ = halved(amount.box)
    words = tuple(OcrWord("2З5", 0.2, halved(w.box), w.line, w.block) if w is amount else
                  OcrWord(w.text, w.confidence, halved(w.box), w.line, w.block) for w in first)
    got = reread_unsure(words, big, 2, languages="rus+eng", dpi=300, tmp=str(tmp_path), timeout=60)
    fixed = next(w for w in got if "235730" in w.text)
    assert abs(fixed.box[0] - left) <= 4 and abs(fixed.box[2] - right) <= 4 and fixed.box[3] <= 120


def test_cut_outs_are_read_in_process_and_by_the_cli_alike() -> None:
    """tesserocr (in-process, models kept loaded) reads the cut-outs; the tesseract CLI, which reads them
    where the tesserocr wheel is not installed, reads the same words."""
    cuts = [np.asarray(text_image((line,), size=(520, 160), font_size=32), dtype=np.uint8)
            for line in ("УТ-7665", "15.01.2025")]
    inprocess = tesseract.ocr_arrays(cuts, languages="rus+eng")
    cli = tesseract.ocr_arrays_by_cli(cuts, languages="rus+eng")
    for words in (inprocess, cli):
        assert [w.text for w in words[1]] == ["15.01.2025"]
        assert words[0][0].text.endswith("-7665") and words[0][0].confidence > 0.7
        assert 60 <= words[1][0].box[0] <= 100 and words[1][0].box[3] <= 160


def test_an_enlarged_photo_has_its_mostly_unsure_words_read_again_sharpened(tmp_path: Path) -> None:
    """A photo enlarged for its letters' height (blurred print) is read again however many of its words are
    unsure, from sharpened cut-outs; a scan with most words unsure is noise and is left as it is."""
    import cv2

    from capture._reread import _sharpened, reread_unsure
    from capture.types import OcrWord

    page = np.asarray(text_image(("Итого 235730,00",), size=(620, 120), font_size=20), dtype=np.uint8)
    big = cv2.GaussianBlur(cv2.resize(page, None, fx=2.5, fy=2.5, interpolation=cv2.INTER_CUBIC), (0, 0), 1.5)
    first = _ocr(big, tmp_path, "blurred").words
    amount = next(w for w in first if "235730" in w.text)
    unsure = tuple(OcrWord("2З5" if w is amount else w.text, 0.2, w.box, w.line, w.block) for w in first)
    assert reread_unsure(unsure, big, 1, languages="rus+eng", dpi=300, tmp=str(tmp_path), timeout=60) == unsure
    got = reread_unsure(unsure, big, 1, languages="rus+eng", dpi=300, tmp=str(tmp_path), timeout=60, blurred=True)
    fixed = next(w for w in got if "235730" in w.text)
    assert fixed.confidence >= 0.7
    white = np.full((40, 80), 255, np.uint8)
    assert (_sharpened(white) == 255).all() and _sharpened(big).dtype == np.uint8

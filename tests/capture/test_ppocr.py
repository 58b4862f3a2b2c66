"""PP-OCR as the reader of pages in Latin script: the real engine (rapidocr-onnxruntime, installed by
`make install`) over rendered pages, and the rules that choose it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from archive.config import Settings
from capture import ppocr
from capture.pages import plan_pages
from capture.read import read_page
from capture.types import OcrWord
from finarchive.errors import ConfigurationError
from tests.factories import make_scan

RECEIPT = ["KVT LO TRADING SDN BHD", "NO.2, JALAN VELORI 3/2, 61180 TANOVA",
           "Date: 09/01/2019 8:01:11 PM", "Plastic bag 2 x 15.50 31.00", "TOTAL: 31.00",
           "Cash received 101.00 Change 70.00", "Thank you, please come again"]


def _words(text: str, confidence: float = 0.9) -> list[OcrWord]:
    return [OcrWord(t, confidence, (0, 0, 10, 10)) for t in text.split()]


def _faint_receipt(path: Path) -> Path:
    """A till slip as a worn thermal print scans: grey ink on grey paper, blurred, grainy."""
    import cv2
    from PIL import Image, ImageDraw, ImageFont

    from tests.factories import FONT

    image = Image.new("L", (700, 420), 235)
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(RECEIPT):
        draw.text((30, 30 + n * 50), line, fill=60, font=ImageFont.truetype(FONT, 22))
    pixels = np.asarray(cv2.GaussianBlur(np.asarray(image, dtype=np.float32), (3, 3), 0), dtype=np.float32)
    pixels += np.random.default_rng(1).normal(0, 25, pixels.shape)
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(path, dpi=(200, 200))
    return path


def test_a_poorly_printed_latin_receipt_is_read_by_ppocr(tmp_path: Path) -> None:
    job = plan_pages(_faint_receipt(tmp_path / "receipt.png"), languages="eng")[0]
    first = read_page(dataclasses.replace(job, latin_engine="tesseract")).page
    assert ppocr.is_latin_page(first.words) and ppocr.reads_poorly(first.words)
    page = read_page(dataclasses.replace(job, latin_engine="auto")).page
    assert page.error is None
    assert [(w.text, w.confidence) for w in page.words] != [(w.text, w.confidence) for w in first.words]
    text = page.text
    for expected in ("TOTAL:31.00", "Change70.00", "SDNBHD", "TANOVA"):
        assert expected in text.replace(" ", "")  # spaced as either engine spaced it
    assert {"101.00", "31.00"} <= {w.text for w in page.words}  # amounts whole, not cut at the point
    # words, not whole lines: the date and the time are two words, each boxed inside the page
    assert any(w.text.endswith("09/01/2019") for w in page.words)
    assert "8:01:11PM" in text.replace(" ", "")
    for word in page.words:
        left, top, right, bottom = word.box
        assert 0 <= left < right <= page.width and 0 <= top < bottom <= page.height
        assert 0.0 <= word.confidence <= 1.0
    change = next(w for w in page.words if w.text == "Change")
    amount = next(w for w in page.words if w.text == "70.00")
    assert amount.box[0] > change.box[2] and abs(amount.box[1] - change.box[1]) < 15  # on its row, right


def test_a_clean_latin_page_keeps_tesseracts_reading(tmp_path: Path) -> None:
    scan = make_scan(tmp_path / "receipt.png", RECEIPT, size=(1240, 900), font_size=28)
    job = plan_pages(scan, languages="eng")[0]
    auto = read_page(dataclasses.replace(job, latin_engine="auto")).page
    plain = read_page(dataclasses.replace(job, latin_engine="tesseract")).page
    assert not ppocr.reads_poorly(plain.words)
    assert auto.words == plain.words


def test_the_engine_reads_the_page_at_its_own_scale() -> None:
    from PIL import Image, ImageDraw, ImageFont

    from tests.factories import FONT

    image = Image.new("L", (900, 200), 255)
    ImageDraw.Draw(image).text((40, 60), "TOTAL AMOUNT 125.40", fill=0, font=ImageFont.truetype(FONT, 40))
    big = np.asarray(image.resize((1800, 400)), dtype=np.uint8)
    small = ppocr.read(np.asarray(image, dtype=np.uint8))
    halved = ppocr.read(big, scale=2)
    assert [w.text for w in small] == [w.text for w in halved]
    for a, b in zip(small, halved, strict=True):
        assert all(abs(x - y) <= 6 for x, y in zip(a.box, b.box, strict=True))


def test_a_russian_page_keeps_tesseracts_reading(tmp_path: Path) -> None:
    scan = make_scan(tmp_path / "act.png", ["АКТ ВЫПОЛНЕННЫХ РАБОТ № 15", "Исполнитель: ООО «Ромашка»",
                                             "Итого к оплате: 12 500,00 руб."], size=(1240, 600))
    job = plan_pages(scan, languages="rus+eng")[0]
    auto = read_page(dataclasses.replace(job, latin_engine="auto")).page
    plain = read_page(dataclasses.replace(job, latin_engine="tesseract")).page
    assert auto.words == plain.words
    assert "Ромашка" in auto.text


def test_a_line_is_cut_into_words_where_the_recogniser_stepped_far() -> None:
    # the engine's own line format: quad, text, confidence, character boxes, characters, their confidences
    chars = list("Date09/01/2019")
    lefts = [0, 10, 20, 30, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150]
    boxes = [[[x, 0], [x + 8, 0], [x + 8, 20], [x, 20]] for x in lefts]
    line = [[[0, 0], [158, 0], [158, 20], [0, 20]], "Date09/01/2019", 0.95, boxes, chars, [0.9] * len(chars)]
    words = ppocr.words_from_lines([line])
    assert [w.text for w in words] == ["Date", "09/01/2019"]
    assert words[0].box == (0, 0, 38, 20) and words[1].box[0] == 60


def test_full_width_punctuation_is_read_as_ascii() -> None:
    line = [[[0, 0], [100, 0], [100, 20], [0, 20]], "KPB 6，KAWASAN", 0.9]
    assert [w.text for w in ppocr.words_from_lines([line])] == ["KPB", "6,KAWASAN"]


def test_which_pages_are_in_latin_script() -> None:
    assert ppocr.is_latin_page(_words("TAX INVOICE ABC TRADING TOTAL 31.00 CASH CHANGE"))
    assert not ppocr.is_latin_page(_words("Счёт-фактура № 15 от 14 марта 2026 г. Продавец ООО Ромашка"))
    assert not ppocr.is_latin_page(_words("TOTAL 12"))  # too little text to tell
    assert not ppocr.is_latin_page(_words("TAX INVOICE ABC TRADING TOTAL 31.00 CASH CHANGE", 0.2))  # unsure
    # an English contract naming a Russian customer: PP-OCR would lose the name
    assert not ppocr.is_latin_page(_words("SERVICE AGREEMENT between Alfa LLC and Новикова Елена Сергеевна"))
    # a Latin slip read with rus+eng gets a few words in look-alike Cyrillic letters: still Latin
    assert ppocr.is_latin_page(_words("ТАХ INVOICE ABC TRADING ТОТАL 31.00 САSН CHANGE"))


def test_only_an_unsure_reading_is_asked_again() -> None:
    assert ppocr.reads_poorly(_words("TAX INVOICE ABC TRADING", 0.7))
    assert not ppocr.reads_poorly(_words("TAX INVOICE ABC TRADING", 0.95))
    assert not ppocr.reads_poorly([])


def test_ppocrs_reading_replaces_only_one_that_holds_most_of_the_text() -> None:
    first = _words("TAX INVOICE ABC TRADING TOTAL 31.00 CASH CHANGE")
    assert ppocr.better(_words("TAXINVOICE ABC TRADING TOTAL 31.00 CASH"), first)
    assert not ppocr.better(_words("TOTAL"), first)
    assert not ppocr.better([], first)


def _line(line: int, *words: tuple[str, float, int, int]) -> list[OcrWord]:
    """Words of one text line at y 100..130: (text, confidence, left, right)."""
    return [OcrWord(t, c, (left, 100, right, 130), line) for t, c, left, right in words]


def test_where_both_engines_read_the_letters_alike_tesseracts_spaces_and_commas_are_kept() -> None:
    ours = _line(7, ("JALANAIRVOLTA", 0.97, 10, 300), ("MIRENKO.", 0.95, 320, 450))
    theirs = _line(0, ("JALAN", 0.9, 10, 100), ("AIR", 0.92, 115, 170), ("VOLTA,", 0.88, 185, 300),
                   ("MIRENKO,", 0.9, 320, 452))
    fused = ppocr.fuse(ours, theirs)
    assert " ".join(w.text for w in fused) == "JALAN AIR VOLTA, MIRENKO,"
    assert {w.line for w in fused} == {7}  # PP-OCR's line, and its height, so the rows stay as they were
    assert all(w.box[1] == 100 and w.box[3] == 130 for w in fused)
    assert all(w.confidence == 0.97 for w in fused[:3])  # two engines agreeing: the surer of them


def test_where_the_engines_read_differently_the_surer_one_stands() -> None:
    ours = _line(0, ("SPEED", 0.99, 10, 100), ("NART", 0.86, 120, 200))
    sure = _line(0, ("SPEED", 0.95, 10, 100), ("MART", 0.93, 120, 200))
    assert [w.text for w in ppocr.fuse(ours, sure)] == ["SPEED", "MART"]
    unsure = _line(0, ("SPEED", 0.95, 10, 100), ("MART", 0.6, 120, 200))  # tesseract unsure: PP-OCR's stands
    assert [w.text for w in ppocr.fuse(ours, unsure)] == ["SPEED", "NART"]
    print_sure = _line(0, ("SPEED", 0.95, 10, 100), ("MART", 0.9, 120, 200))
    sure_ours = _line(0, ("SPEED", 0.99, 10, 100), ("NART", 0.97, 120, 200))  # PP-OCR surer: its own stands
    assert [w.text for w in ppocr.fuse(sure_ours, print_sure)] == ["SPEED", "NART"]


def test_a_line_tesseract_did_not_read_keeps_ppocrs_words_and_tesseracts_extra_words_are_left_out() -> None:
    ours = [*_line(0, ("TOTAL", 0.99, 10, 100), ("31.00", 0.99, 300, 380)),
            OcrWord("THANK", 0.98, (10, 200, 100, 230), 1)]
    theirs = _line(0, ("TOTAL", 0.3, 10, 100), ("31.00", 0.95, 300, 380), ("|", 0.95, 500, 505))
    fused = ppocr.fuse(ours, theirs)
    assert [(w.text, w.line) for w in fused] == [("TOTAL", 0), ("31.00", 0), ("THANK", 1)]


def test_the_engine_setting(tmp_path: Path) -> None:
    assert ppocr.wanted("auto") and ppocr.wanted("ppocr") and not ppocr.wanted("tesseract")
    with pytest.raises(ValueError, match="latin_engine"):
        ppocr.wanted("abbyy")
    settings = Settings.load(tmp_path, environ={"FINARCHIVE_OCR_LATIN_ENGINE": "abbyy"})
    with pytest.raises(ConfigurationError, match="latin_engine"):
        _ = settings.latin_engine
    assert Settings.load(tmp_path, environ={}).latin_engine == "auto"


def _at(text: str, left: int, right: int, confidence: float = 0.9, top: int = 100, line: int = 0) -> OcrWord:
    return OcrWord(text, confidence, (left, top, right, top + 30), line, 0)


def test_ppocrs_number_replaces_tesseracts_other_digits_and_labels_stay() -> None:
    tesseract = (_at("Итого:", 10, 120, 0.95), _at("$47.49", 200, 320, 0.8), _at("руб.", 340, 400, 0.9))
    found = ppocr.fuse_numbers((_at("947,49", 195, 325, 0.96),), tesseract)
    assert [w.text for w in found] == ["Итого:", "947,49", "руб."]
    assert found[1].line == 0 and found[1].confidence <= 0.8  # the engines disagreed: no surer than tesseract


def test_a_number_read_alike_or_cut_short_by_ppocr_keeps_tesseracts_reading() -> None:
    tesseract = (_at("1705,07", 100, 240, 0.96),)
    assert ppocr.fuse_numbers((_at("705,07", 120, 240, 0.97),), tesseract) == tesseract
    assert ppocr.fuse_numbers((_at("1705,07", 100, 240, 0.97),), tesseract) == tesseract


def test_a_label_tesseract_read_surely_is_not_taken_for_a_misread_number() -> None:
    tesseract = (_at("ИНН", 100, 160, 0.95),)
    assert ppocr.fuse_numbers((_at("7701", 100, 160, 0.95),), tesseract) == tesseract
    unsure = (_at("ев", 100, 240, 0.36),)  # blurred digits tesseract took for letters, unsurely
    assert [w.text for w in ppocr.fuse_numbers((_at("08.08.2025", 100, 240, 0.94),), unsure)] == ["08.08.2025"]


def test_a_date_tesseract_read_in_pieces_is_ppocrs_one_word() -> None:
    tesseract = (_at("09", 100, 130), _at("04", 142, 165), _at("2025", 178, 237))
    found = ppocr.fuse_numbers((_at("09.04.2025", 100, 237, 0.92),), tesseract)
    assert [w.text for w in found] == ["09.04.2025"]


def test_a_number_tesseract_missed_is_put_in_its_row_only_when_ppocr_is_sure() -> None:
    tesseract = (_at("Всего", 10, 100, line=3), _at("к", 110, 130, line=3), _at("оплате:", 140, 260, line=3),
                 _at("Подпись", 10, 150, top=300, line=4))
    found = ppocr.fuse_numbers((_at("188563.60", 400, 540, 0.94), _at("308563609", 600, 740, 0.78)), tesseract)
    assert [w.text for w in found] == ["Всего", "к", "оплате:", "188563.60", "Подпись"]
    assert found[3].line == 3
    alone = ppocr.fuse_numbers((_at("44396,00", 400, 540, 0.97, top=600),), tesseract)
    assert alone[-1].text == "44396,00" and alone[-1].line == 5  # a line of its own after tesseract's


def test_only_a_photographed_form_of_small_print_has_its_numbers_read_again(tmp_path: Path) -> None:
    from PIL import Image

    from capture import read
    from capture.types import PageJob

    gray = np.full((400, 600), 255, np.uint8)
    reading = read._Reading((_at("$47.49", 200, 320, 0.8),), None, 0, "", 0.5, gray)
    job = PageJob(path=str(tmp_path / "page.jpg"), kind="image", index=0)

    def page(photo: bool, enlarged: float) -> read._Page:
        loaded = read._Loaded(Image.fromarray(gray), 300, photo=photo, enlarged=enlarged)
        return read._Page(job, loaded, str(tmp_path), False, best=reading)

    for kept in (page(False, 1.0), page(True, 1.5)):  # a scan; a till slip photographed close
        assert read.read_numbers_again(kept) is kept
    read_again = read.read_numbers_again(page(True, 3.0))  # a blank sheet: PP-OCR finds no number to put in
    assert read_again.best is not None and read_again.best.words == reading.words


def test_only_lines_where_a_number_could_change_the_reading_are_recognised() -> None:
    """A line covered by words tesseract read surely as letters is not recognised; one over a number, an
    unsure word, no word at all or a word-wide gap is; words of other rows do not count."""
    labels = (_at("Грузополучатель", 10, 200, 0.95), _at("склад", 210, 290, 0.9))
    assert not ppocr.may_change_numbers((5, 100, 295, 130), labels)
    assert ppocr.may_change_numbers((5, 100, 400, 130), labels)  # a gap after the labels: a skipped cell
    assert ppocr.may_change_numbers((5, 100, 295, 130), (labels[0], _at("1598,00", 210, 290, 0.9)))
    assert ppocr.may_change_numbers((5, 100, 295, 130), (labels[0], _at("склад", 210, 290, 0.4)))
    assert ppocr.may_change_numbers((5, 100, 295, 130), ())
    assert not ppocr.may_change_numbers((5, 100, 295, 130), (*labels, _at("1598,00", 10, 290, 0.9, top=300)))


def test_a_page_read_line_by_line_as_chosen_gives_the_chosen_lines_words() -> None:
    from PIL import Image, ImageDraw, ImageFont

    from tests.factories import FONT

    image = Image.new("L", (900, 300), 255)
    draw = ImageDraw.Draw(image)
    draw.text((40, 40), "TOTAL AMOUNT 125.40", fill=0, font=ImageFont.truetype(FONT, 40))
    draw.text((40, 180), "CASH 200.00", fill=0, font=ImageFont.truetype(FONT, 40))
    page = np.asarray(image, dtype=np.uint8)
    every = ppocr.read_lines_where(page, lambda box: True)
    assert [w.text for w in every] == [w.text for w in ppocr.read(page)]
    lower = ppocr.read_lines_where(page, lambda box: box[1] > 150)
    assert [w.text for w in lower] == ["CASH", "200.00"]


def test_a_number_ppocr_ran_its_label_into_is_taken_and_the_labels_stay() -> None:
    """«HHH5001234561,XI» is «ИНН 5001234561, КПП» read by a model without Cyrillic: the number inside stands
    where tesseract's misread digits did; the labels tesseract read surely stay. A short number glued to a
    name («A558/256GB») is not taken."""
    tesseract = (_at("ИНН", 100, 160, 0.9), _at("S001", 175, 250, 0.55), _at("23456I,", 262, 340, 0.38),
                 _at("КПП", 360, 420, 0.7))
    found = ppocr.fuse_numbers((_at("HHH5001234561,XI", 100, 420, 0.8),), tesseract)
    assert [w.text for w in found] == ["ИНН", "5001234561", "КПП"]
    model = (_at("Galaxy", 10, 90, 0.9), _at("A55", 100, 140, 0.9), _at("8/25608", 150, 240, 0.6))
    assert ppocr.fuse_numbers((_at("GalaxyA558/256GB", 10, 240, 0.9),), model) == model


def test_a_tax_number_is_chosen_by_its_check_digits() -> None:
    """PP-OCR's «S» for a 5 inside an INN is the digit when the INN then checks; tesseract's INN that checks is
    not replaced by PP-OCR's that does not."""
    tesseract = (_at("ИНН", 10, 70, 0.9), _at("50O1Z34561", 100, 240, 0.3))
    assert [w.text for w in ppocr.fuse_numbers((_at("S001234561", 100, 240, 0.85),), tesseract)][1] == "5001234561"
    sure = (_at("ИНН", 10, 70, 0.9), _at("5001234561", 100, 240, 0.6))
    assert ppocr.fuse_numbers((_at("5001284561", 100, 240, 0.9),), sure) == sure


def test_a_code_of_capitals_and_digits_is_a_number_and_one_read_alike_in_either_script_stays() -> None:
    tesseract = (_at("Заказ", 10, 90, 0.9), _at("ORD", 100, 150, 0.9), _at("202%", 160, 220, 0.8),
                 _at("40417", 230, 310, 0.7))
    found = ppocr.fuse_numbers((_at("ORD-2025-40417", 100, 310, 0.9),), tesseract)
    assert [w.text for w in found] == ["Заказ", "ORD-2025-40417"]
    cyrillic = (_at("УТ-4362", 100, 220, 0.9),)
    assert ppocr.fuse_numbers((_at("YT-4362", 100, 220, 0.95),), cyrillic) == cyrillic


def test_two_numbers_with_a_comma_between_that_ppocr_ran_together_stay_two() -> None:
    tesseract = (_at("540201001,", 100, 250, 0.9), _at("630132,", 262, 360, 0.9))
    assert ppocr.fuse_numbers((_at("540201001,630132", 100, 360, 0.9),), tesseract) == tesseract


def test_a_number_on_a_row_tesseract_read_nothing_on_is_put_in_when_fairly_sure() -> None:
    tesseract = (_at("Подпись", 10, 150, line=0),)
    found = ppocr.fuse_numbers((_at("7399,33", 400, 540, 0.85, top=600), _at("1234,56", 400, 540, 0.7, top=700)),
                               tesseract)
    assert [w.text for w in found] == ["Подпись", "7399,33"]


def test_a_number_put_in_is_written_once_wherever_it_stands() -> None:
    # one sure number left of tesseract's first word (on its row), one on a row tesseract read nothing on
    tesseract = (_at("Итого:", 200, 320, 0.95), _at("руб.", 340, 400, 0.9))
    before = _at("1598,00", 10, 150, 0.96)
    below = _at("12500,00", 10, 150, 0.96, top=400)
    fused = ppocr.fuse_numbers((before, below), tesseract)
    assert [w.text for w in fused] == ["1598,00", "Итого:", "руб.", "12500,00"]
    assert fused[0].line == 0 and fused[-1].line == 1  # the row's own line; a new line below the page's last

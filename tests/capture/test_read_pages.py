from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from capture import (
    CorruptFileError,
    PageJob,
    TextSource,
    merge_pdfs,
    plan_pages,
    read_document,
    read_page,
    searchable_pdf,
)
from capture_factories import image_pdf, text_image, text_pdf


def test_ocr_reads_a_russian_line(waybill_png: Path) -> None:
    [result] = read_document(waybill_png)
    page = result.page
    assert page.error is None
    assert page.source is TextSource.OCR
    assert "Товарная накладная № 4521" in page.text
    assert "7707083893" in page.text
    assert page.mean_confidence > 0.8
    assert all(0.0 <= w.confidence <= 1.0 for w in page.words)
    # words sit inside the page, lines in reading order
    assert all(0 <= w.box[0] < w.box[2] <= page.width and 0 <= w.box[1] < w.box[3] <= page.height for w in page.words)
    first_line = [w for w in page.words if w.line == page.words[0].line]
    assert [w.text for w in first_line][:2] == ["Товарная", "накладная"]


def test_text_layer_is_used_without_ocr(tmp_path: Path) -> None:
    lines = ["Счёт на оплату № 17 от 3 апреля 2026 г.", "Поставщик: ООО Ромашка, ИНН 7707083893",
             "Итого: 1 200,00 руб."]
    pdf = text_pdf(tmp_path / "bill.pdf", [lines])
    [result] = read_document(pdf)
    page = result.page
    assert page.source is TextSource.PDF_TEXT
    assert page.text.splitlines() == lines
    assert {w.confidence for w in page.words} == {1.0}
    # A4 in 300 dpi pixel space; the first line is 72 pt (300 px) from the left, near the top
    assert (page.width, page.height) == (2480, 3508)
    first = page.words[0]
    assert abs(first.box[0] - 300) <= 3 and first.box[1] < 400


def test_scanned_pdf_pages_are_rendered_and_ocred_with_derived_files(tmp_path: Path) -> None:
    pdf = image_pdf(tmp_path / "scan.pdf", [text_image(), text_image(["Акт сверки взаимных расчётов"])], dpi=150)
    derived = tmp_path / "derived"
    results = read_document(pdf, derived_dir=derived)
    assert [r.page.number for r in results] == [1, 2]
    assert "4521" in results[0].page.text
    assert "сверки" in results[1].page.text
    for result in results:
        n = result.page.number
        assert result.cleaned_image == str(derived / f"page-{n}.jpg")
        with Image.open(result.cleaned_image) as cleaned:
            assert cleaned.mode == "L" and cleaned.size == (result.page.width, result.page.height)
        assert result.thumbnail is not None and result.page_pdf is not None
        with Image.open(result.thumbnail) as thumb:
            assert thumb.format == "JPEG" and thumb.width == 200
        reader = PdfReader(result.page_pdf)
        assert len(reader.pages) == 1
        assert result.page.words[0].text in reader.pages[0].extract_text()
    merged = searchable_pdf(pdf, results, tmp_path / "searchable.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(merged).pages)
    assert "4521" in text and "сверки" in text


def test_born_digital_pdf_is_its_own_searchable_pdf(tmp_path: Path) -> None:
    pdf = text_pdf(tmp_path / "contract.pdf",
                   [["Договор поставки № 12/26 от 1 марта 2026 г.", "Покупатель: ООО Василёк"]])
    results = read_document(pdf, derived_dir=tmp_path / "d")
    assert searchable_pdf(pdf, results, tmp_path / "out.pdf") == str(pdf)
    assert not (tmp_path / "out.pdf").exists()
    assert results[0].thumbnail is not None and Path(results[0].thumbnail).exists()
    assert results[0].page_pdf is not None and Path(results[0].page_pdf).exists()


def test_mixed_pdf_reads_each_page_its_own_way(tmp_path: Path) -> None:
    born = text_pdf(tmp_path / "born.pdf", [["Счёт-фактура № 88 от 5 мая 2026 г.", "Продавец: ООО Ромашка"]])
    scan = image_pdf(tmp_path / "scan.pdf", [text_image()])
    mixed = merge_pdfs([born, scan], tmp_path / "mixed.pdf")
    results = read_document(mixed)
    assert [r.page.source for r in results] == [TextSource.PDF_TEXT, TextSource.OCR]
    assert "4521" in results[1].page.text


def test_tiff_frames_are_read(tmp_path: Path) -> None:
    path = tmp_path / "two.tif"
    frames = [text_image(["Кассовый чек № 1"]), text_image(["Кассовый чек № 2"]).convert("1")]
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_deflate", dpi=(200, 200))
    results = read_document(path)
    assert ["№ 1" in results[0].page.text, "№ 2" in results[1].page.text] == [True, True]


def test_upside_down_page_is_read_right(tmp_path: Path) -> None:
    path = tmp_path / "upside.png"
    text_image().rotate(180).save(path, dpi=(200, 200))
    [result] = read_document(path)
    assert result.page.rotation == 180
    assert "Товарная накладная № 4521" in result.page.text


def test_page_that_fails_is_reported_not_raised(tmp_path: Path) -> None:
    # two frames announced, the second cut off: frame 1 reads, frame 2 comes back with an error
    path = tmp_path / "cut.tif"
    frames = [text_image(["Первый кадр"]), text_image(["Второй кадр"])]
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(200, 200))
    data = path.read_bytes()
    jobs = plan_pages(path)
    assert len(jobs) == 2
    path.write_bytes(data[: len(data) - 20_000])
    results = [read_page(job) for job in jobs]
    assert results[0].page.error is None and "Первый" in results[0].page.text
    assert results[1].page.error is not None and results[1].page.error.startswith("corrupt")


def test_unreadable_file_raises(tmp_path: Path) -> None:
    path = tmp_path / "gone.pdf"
    path.write_bytes(b"%PDF-1.4 nothing here")
    with pytest.raises(CorruptFileError):
        read_page(PageJob(path=str(path), kind="pdf", index=0))


def test_page_turned_a_quarter_is_read_upright(tmp_path: Path) -> None:
    path = tmp_path / "sideways.png"
    upright = text_image()
    upright.rotate(90, expand=True).save(path, dpi=(200, 200))  # turned counterclockwise
    [result] = read_document(path, derived_dir=tmp_path / "d")
    page = result.page
    assert "Товарная накладная № 4521" in page.text
    assert page.rotation == 90
    assert (page.width, page.height) == upright.size
    assert result.cleaned_image is not None
    with Image.open(result.cleaned_image) as cleaned:
        assert cleaned.size == upright.size  # the viewer gets the page upright


def test_blank_page_has_no_words_and_no_error(tmp_path: Path) -> None:
    path = tmp_path / "blank.png"
    Image.new("L", (1240, 1754), 255).save(path, dpi=(150, 150))
    [result] = read_document(path)
    assert result.page.error is None and result.page.words == () and result.page.rotation == 0


@pytest.mark.parametrize("turn", [90, 270])
def test_a_born_digital_page_shown_sideways_is_read_upright(tmp_path: Path, turn: int) -> None:
    """A text page with /Rotate 90 or 270 shows its lines running down (or up): its words are turned
    upright, in rows as on an OCR'd page, and the viewer's image is turned the same way."""
    from PIL import Image
    from pypdf import PdfReader, PdfWriter

    flat = text_pdf(tmp_path / "flat.pdf", [["Счёт на оплату № 2718 от 21.06.2025", "Итого к оплате: 4 500,00"]])
    writer = PdfWriter()
    page = PdfReader(flat).pages[0]
    page.rotate(turn)
    writer.add_page(page)
    turned = tmp_path / "turned.pdf"
    with turned.open("wb") as fh:
        writer.write(fh)
    upright = read_document(flat, derived_dir=tmp_path / "a")[0]
    result = read_document(turned, derived_dir=tmp_path / "b")[0]
    got = result.page
    assert got.rotation == 360 - turn
    assert "Счёт на оплату № 2718 от 21.06.2025" in got.text.splitlines()[0]
    assert (got.width, got.height) == (upright.page.width, upright.page.height)
    first = next(w for w in got.words if w.text == "Счёт")
    same = next(w for w in upright.page.words if w.text == "Счёт")
    assert all(abs(a - b) <= 3 for a, b in zip(first.box, same.box, strict=True))  # where the upright page has it
    assert result.cleaned_image is not None
    with Image.open(result.cleaned_image) as image:  # (pdfium rounds the rendered size up)
        assert abs(image.width - got.width) <= 1 and abs(image.height - got.height) <= 1


def test_large_print_read_surely_takes_the_place_of_the_unsure_words_under_it() -> None:
    from capture.read import put_in_sure_words
    from capture.types import OcrWord

    reading = (
        OcrWord("Rnmz", 0.3, (100, 100, 300, 140), line=0, block=1),  # a title read as noise
        OcrWord("ьв", 0.2, (320, 100, 500, 140), line=0, block=1),
        OcrWord("Поставщик", 0.9, (100, 300, 300, 320), line=1, block=2),
        OcrWord("шшш", 0.2, (320, 300, 400, 320), line=1, block=2),
    )
    other = (
        OcrWord("СЧЁТ-ФАКТУРА", 0.93, (98, 98, 502, 142), line=0, block=1),
        OcrWord("Поставшик", 0.85, (100, 298, 300, 322), line=3, block=2),  # the reading has it surely
        OcrWord("ab", 0.95, (320, 300, 400, 320), line=3, block=2),  # too short to be taken
    )
    words = put_in_sure_words(reading, other, 0.8)
    assert [w.text for w in words] == ["СЧЁТ-ФАКТУРА", "Поставщик", "шшш"]
    assert [w.line for w in words] == [0, 1, 1]  # the title's line first, as it stands above the others
    assert words[0].block not in {1, 2}
    assert put_in_sure_words(reading, other[1:], 0.8) is reading  # nothing put in: the reading as it was

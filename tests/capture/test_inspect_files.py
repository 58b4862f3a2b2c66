from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from capture import (
    ActiveContentError,
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    OversizedFileError,
    UnsupportedFileError,
    inspect_file,
    plan_pages,
)
from capture_factories import image_pdf, text_image, text_pdf


def test_png_is_one_page(waybill_png: Path) -> None:
    info = inspect_file(waybill_png)
    assert (info.media_type, info.kind, info.page_count) == ("image/png", "image", 1)
    assert not info.has_text_layer
    jobs = plan_pages(waybill_png, derived_dir="/tmp/x")
    assert [(j.kind, j.index, j.derived_dir) for j in jobs] == [("image", 0, "/tmp/x")]


def test_jpeg_named_pdf_is_judged_by_content(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    text_image().convert("RGB").save(path, "JPEG")
    info = inspect_file(path)
    assert (info.media_type, info.page_count) == ("image/jpeg", 1)


def test_tiff_frames_are_pages(tmp_path: Path) -> None:
    path = tmp_path / "batch.tif"
    frames = [text_image(["Страница один"]), text_image(["Страница два"]), text_image(["Три"]).convert("1")]
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_deflate")
    info = inspect_file(path)
    assert (info.media_type, info.page_count) == ("image/tiff", 3)
    assert [j.index for j in plan_pages(path)] == [0, 1, 2]


def test_pdf_pages_and_text_layer(tmp_path: Path) -> None:
    born = text_pdf(tmp_path / "born.pdf", [["Счёт на оплату № 17 от 3 апреля 2026 г.", "Итого: 1 200,00 руб."]] * 2)
    info = inspect_file(born)
    assert (info.media_type, info.page_count, info.text_layer) == ("application/pdf", 2, (True, True))
    assert all(j.has_text_layer and j.kind == "pdf" for j in plan_pages(born))

    scanned = image_pdf(tmp_path / "scan.pdf", [text_image(), text_image()])
    info = inspect_file(scanned)
    assert (info.page_count, info.text_layer, info.has_text_layer) == (2, (False, False), False)


def test_a_few_characters_are_not_a_text_layer(tmp_path: Path) -> None:
    path = text_pdf(tmp_path / "stamp.pdf", [["стр. 1"]])
    assert inspect_file(path).text_layer == (False,)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(EmptyFileError) as caught:
        inspect_file(path)
    assert caught.value.reason == "empty"


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n garbage garbage \x00\x01\x02" * 20)
    with pytest.raises(CorruptFileError) as caught:
        inspect_file(path)
    assert caught.value.reason == "corrupt"


def test_truncated_png_is_corrupt(tmp_path: Path, waybill_png: Path) -> None:
    path = tmp_path / "cut.png"
    path.write_bytes(waybill_png.read_bytes()[:300])
    with pytest.raises(CorruptFileError):
        inspect_file(path)


def _locked_pdf(tmp_path: Path) -> Path:
    plain = text_pdf(tmp_path / "plain.pdf", [["Договор № 12/26 поставки товара от 1 марта"]])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    path = tmp_path / "locked.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def test_encrypted_pdf(tmp_path: Path) -> None:
    with pytest.raises(EncryptedFileError) as caught:
        inspect_file(_locked_pdf(tmp_path))
    assert caught.value.reason == "encrypted"


def test_a_pdf_without_pages_after_a_locked_one_is_not_called_locked(tmp_path: Path) -> None:
    """pdfium keeps its last error: a PDF it refuses without one was reported "protected by a password"
    when a locked PDF came before it in the same process."""
    with pytest.raises(EncryptedFileError):
        inspect_file(_locked_pdf(tmp_path))
    empty = tmp_path / "no-pages.pdf"
    with open(empty, "wb") as fh:
        PdfWriter().write(fh)
    with pytest.raises(CorruptFileError, match="without pages") as caught:
        inspect_file(empty)
    assert caught.value.reason == "corrupt"


def _with_action(source: Path, path: Path, where: str, action: dict[str, str]) -> Path:
    """``source`` with ``action`` (``/S`` and its keys) as the document's open action, or behind a link on
    page 1 (after a harmless URI action, as its ``/Next``)."""
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

    def pdf_object(value: str) -> NameObject | TextStringObject:
        return NameObject(value) if value.startswith("/") else TextStringObject(value)

    act = DictionaryObject({NameObject(k): pdf_object(v) for k, v in action.items()})
    writer = PdfWriter(clone_from=source)
    if where == "open":
        writer._root_object[NameObject("/OpenAction")] = act
    else:
        uri = DictionaryObject({NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("https://x"),
                                NameObject("/Next"): act})
        link = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                                 NameObject("/Rect"): ArrayObject([FloatObject(0)] * 2 + [FloatObject(99)] * 2),
                                 NameObject("/A"): uri})
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    writer.write(path)
    return path


@pytest.mark.parametrize(("where", "action", "what"), [
    ("open", {"/S": "/JavaScript", "/JS": "app.alert(1);"}, "JavaScript"),
    ("open", {"/S": "/Launch", "/F": "cmd.exe"}, "a launch action"),
    ("link", {"/S": "/JavaScript", "/JS": "this.exportDataObject({});"}, "JavaScript"),
])
def test_a_pdf_that_would_run_something_is_refused(tmp_path: Path, where: str, action: dict[str, str],
                                                   what: str) -> None:
    plain = text_pdf(tmp_path / "plain.pdf", [["Счёт на оплату № 17 от 3 апреля 2026 г."]])
    path = _with_action(plain, tmp_path / "active.pdf", where, action)
    with pytest.raises(ActiveContentError, match=what) as caught:
        inspect_file(path)
    assert caught.value.reason == "active_content"
    # a plain link is no action that runs anything
    linked = _with_action(plain, tmp_path / "linked.pdf", "link", {"/S": "/URI", "/URI": "https://example.org"})
    assert inspect_file(linked).page_count == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.pdf", "Это просто текст, а не PDF.\n".encode()),
        ("letter.docx", b"PK\x03\x04" + b"\x00" * 100),
        ("picture.png", b"GIF89a" + b"\x00" * 100),
        ("data.tif", b"\x00\x01\x02\x03" * 50),
        ("scans.7z", b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 100),
    ],
)
def test_unsupported(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnsupportedFileError) as caught:
        inspect_file(path)
    assert caught.value.reason == "unsupported"


def test_an_archive_other_than_zip_is_named_in_its_refusal(tmp_path: Path) -> None:
    import tarfile

    scan = text_pdf(tmp_path / "scan.pdf", [["Счёт № 5"]])
    path = tmp_path / "scans.pdf"  # its name says PDF; its bytes a tar archive
    with tarfile.open(path, "w") as tar:
        tar.add(scan, arcname="scan.pdf")
    with pytest.raises(UnsupportedFileError, match=r"tar archive \(send a ZIP"):
        inspect_file(path)


def test_image_above_pixel_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    Image.new("L", (2000, 2000), 255).save(path)
    with pytest.raises(OversizedFileError) as caught:
        inspect_file(path, max_pixels=1_000_000)
    assert caught.value.reason == "oversized"
    assert inspect_file(path, max_pixels=5_000_000).page_count == 1


def _png_bomb(path: Path, width: int, height: int) -> Path:
    """A real decompression bomb: a PNG header announcing a huge image over a few bytes of data."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))
    return path


def test_image_above_pillow_bomb_limit_is_refused_not_allocated(tmp_path: Path) -> None:
    path = _png_bomb(tmp_path / "bomb.png", 20_000, 20_000)  # 400 MP: over twice Pillow's own limit
    with pytest.raises(OversizedFileError):
        inspect_file(path, max_pixels=10**12)  # our limit out of the way: Pillow's bomb check must hold


def test_file_above_byte_limit(tmp_path: Path, waybill_png: Path) -> None:
    with pytest.raises(OversizedFileError):
        inspect_file(waybill_png, max_bytes=100)

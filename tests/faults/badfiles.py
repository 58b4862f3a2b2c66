"""One file (or folder entry) of each kind of bad input the fault campaign found, written by the
libraries that make such files in the field (reportlab, pypdf, Pillow), plus the good scans they are
mixed with. Keyed by what the import must say about them.
"""

from __future__ import annotations

import io
import os
import socket
from pathlib import Path

from PIL import Image

from tests.factories import WAYBILL_LINES, make_scan, make_text_pdf

# A name of 250 bytes in UTF-8 (Cyrillic letters are two bytes each): the quarantine's reason file
# beside it would be 261 bytes, over the 255 a file name may have.
LONG_NAME = "б" * 123 + ".pdf"


def good_scans(folder: Path) -> list[Path]:
    """Three good documents: a born-digital PDF, a PNG scan and a two-page scanned PDF."""
    folder.mkdir(parents=True, exist_ok=True)
    pdf = make_text_pdf(folder / "good-waybill.pdf", WAYBILL_LINES)
    png = make_scan(folder / "good-scan.png", WAYBILL_LINES[:4], size=(1000, 700), font_size=28)
    pages = [Image.open(make_scan(folder / f".p{n}.png", WAYBILL_LINES[n:n + 3], size=(1000, 700), font_size=28))
             for n in (0, 3)]
    scanned = folder / "good-two-pages.pdf"
    pages[0].convert("RGB").save(scanned, "PDF", resolution=100, save_all=True,
                                 append_images=[p.convert("RGB") for p in pages[1:]])
    for n in (0, 3):
        (folder / f".p{n}.png").unlink()
    return [pdf, png, scanned]


def cut_xref_pdf(path: Path) -> Path:
    """A PDF whose xref table and trailer are cut off: pdfium rebuilds it, pdfminer refuses it."""
    whole = make_text_pdf(path.with_name(".whole.pdf"), ["Счёт № 17", "Итого: 100,00 руб."])
    data = whole.read_bytes()
    whole.unlink()
    path.write_bytes(data[: data.rindex(b"xref")])
    return path


def no_permissions_pdf(path: Path) -> Path:
    """Encrypted with an empty user password and an owner password, every permission withdrawn."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import UserAccessPermissions

    plain = make_text_pdf(path.with_name(".plain.pdf"), ["Счёт № 18", "Итого: 200,00 руб."])
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password="", owner_password="owner-secret", permissions_flag=UserAccessPermissions(0),
                   algorithm="RC4-128")
    with open(path, "wb") as fh:
        writer.write(fh)
    plain.unlink()
    return path


def huge_tiff(path: Path, side: int = 15_000) -> Path:
    """A two-frame bilevel TIFF of side x side pixels (225 MP), a few hundred KB on disk (group 4)."""
    big = Image.new("1", (side, side), 1)
    small = Image.new("1", (800, 600), 1)
    big.save(path, format="TIFF", compression="group4", save_all=True, append_images=[small])
    return path


def truncated_tiff(path: Path) -> Path:
    """A three-frame TIFF cut in the middle of its second frame."""
    frames = [make_scan(path.with_name(f".f{n}.png"), WAYBILL_LINES[n:n + 2], size=(800, 600)) for n in range(3)]
    images = [Image.open(f) for f in frames]
    buf = io.BytesIO()
    images[0].save(buf, format="TIFF", save_all=True, append_images=images[1:])
    for f in frames:
        f.unlink()
    data = buf.getvalue()
    path.write_bytes(data[: len(data) // 2])
    return path


def huge_page_pdf(path: Path, points: int = 200_000) -> Path:
    """A tiny PDF whose one page is 200,000 pt square (70 m): rendered as asked it would take many GB."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(points, points))
    c.drawString(100, 100, "Счёт")
    c.showPage()
    c.save()
    return path


def truncated_jpeg(path: Path) -> Path:
    """A JPEG scan cut at 40% of its bytes."""
    full = make_scan(path.with_name(".full.jpg"), WAYBILL_LINES, size=(1000, 1400), fmt="JPEG")
    data = full.read_bytes()
    full.unlink()
    path.write_bytes(data[: int(len(data) * 0.4)])
    return path


def long_named_bad_file(folder: Path) -> Path:
    path = folder / LONG_NAME
    path.write_bytes(b"%PDF-1.4\n" + b"\x00broken" * 40)
    return path


def special_entries(folder: Path) -> dict[str, Path]:
    """A FIFO, a listening UNIX socket (left bound: the caller closes it), a symlink to /etc/passwd and a
    symlink to a good file elsewhere."""
    fifo = folder / "scanner.fifo"
    os.mkfifo(fifo)
    sock_path = folder / "agent.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(sock_path))
    passwd = folder / "passwd.pdf"
    passwd.symlink_to("/etc/passwd")
    return {"fifo": fifo, "socket": sock_path, "symlink": passwd, "_socket_object": sock}  # type: ignore[dict-item]


def locked_pdf(path: Path) -> Path:
    """Encrypted with a user password (AES-128): nobody can open it without it."""
    from pypdf import PdfReader, PdfWriter

    plain = make_text_pdf(path.with_name(".plain-locked.pdf"), ["Счёт № 19", "Итого: 300,00 руб."])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    with open(path, "wb") as fh:
        writer.write(fh)
    plain.unlink()
    return path


def pageless_pdf(path: Path) -> Path:
    """A PDF whose page tree is empty (pypdf writes one when given no page)."""
    from pypdf import PdfWriter

    with open(path, "wb") as fh:
        PdfWriter().write(fh)
    return path


def scripted_pdf(path: Path) -> Path:
    """A good invoice that also runs JavaScript when it is opened."""
    from pypdf import PdfWriter
    from pypdf.actions import JavaScript

    plain = make_text_pdf(path.with_name(".plain-scripted.pdf"), ["Счёт № 20", "Итого: 400,00 руб."])
    writer = PdfWriter(clone_from=plain)
    writer.add_open_action(JavaScript("app.launchURL('http://example.invalid/', true);"))
    with open(path, "wb") as fh:
        writer.write(fh)
    plain.unlink()
    return path


def tar_of_scans(path: Path) -> Path:
    import tarfile

    scan = make_text_pdf(path.with_name(".in-tar.pdf"), ["Счёт № 21"])
    with tarfile.open(path, "w") as tar:
        tar.add(scan, arcname="scan.pdf")
    scan.unlink()
    return path


def bad_batch(folder: Path, *, tiff_side: int = 15_000) -> dict[str, Path]:
    """Every bad file of the campaign in one folder (no FIFO: see :func:`special_entries`)."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "cut_xref": cut_xref_pdf(folder / "cut-xref.pdf"),
        "no_permissions": no_permissions_pdf(folder / "no-permissions.pdf"),
        "huge_tiff": huge_tiff(folder / "huge.tiff", tiff_side),
        "truncated_tiff": truncated_tiff(folder / "truncated.tiff"),
        "huge_page": huge_page_pdf(folder / "huge-page.pdf"),
        "truncated_jpeg": truncated_jpeg(folder / "truncated.jpg"),
        "long_name": long_named_bad_file(folder),
        "empty": _empty(folder / "empty.jpg"),
        "locked": locked_pdf(folder / "locked.pdf"),
        # after the locked one: pdfium's stale error called it "protected by a password"
        "pageless": pageless_pdf(folder / "pageless.pdf"),
        "scripted": scripted_pdf(folder / "scripted.pdf"),
        "tar": tar_of_scans(folder / "scans.tar"),
    }


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path

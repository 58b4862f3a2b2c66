"""Sniffing file types by their magic bytes and opening them safely (size and pixel limits)."""

from __future__ import annotations

import functools
import logging
import os
import stat
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image, ImageOps

from capture.exceptions import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    OversizedFileError,
    UnsupportedFileError,
)

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_PIXELS = 100_000_000  # a little above Pillow's own bomb limit (89.5 MP); A0 at 300 dpi is 139 MP


@dataclass(frozen=True)
class Magic:
    prefix: bytes
    media_type: str
    kind: str  # "pdf" | "image" | "" (recognised but not supported)


# The formats we read, and a few we recognise only to name them in the error message.
MAGICS: tuple[Magic, ...] = (
    Magic(b"%PDF-", "application/pdf", "pdf"),
    Magic(b"\x89PNG\r\n\x1a\n", "image/png", "image"),
    Magic(b"\xff\xd8\xff", "image/jpeg", "image"),
    Magic(b"II*\x00", "image/tiff", "image"),
    Magic(b"MM\x00*", "image/tiff", "image"),
    Magic(b"II+\x00", "image/tiff", "image"),  # BigTIFF
    Magic(b"MM\x00+", "image/tiff", "image"),
    # not an office file (capture.formats judged it first), and not unpacked: only a file named .zip is, and
    # not one inside another ZIP or a message
    Magic(b"PK\x03\x04", "a ZIP archive not unpacked (a ZIP inside a ZIP, or one not named .zip): unpack it "
          "and send its files", ""),
    Magic(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage (doc, xls...)", ""),
    Magic(b"GIF87a", "image/gif", ""),
    Magic(b"GIF89a", "image/gif", ""),
    Magic(b"BM", "image/bmp", ""),
    Magic(b"{\\rtf", "application/rtf", ""),
    # archives other than ZIP: named, so the sender knows to unpack them (or send a ZIP)
    Magic(b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive (send a ZIP, or the files themselves)", ""),
    Magic(b"Rar!\x1a\x07", "a RAR archive (send a ZIP, or the files themselves)", ""),
    Magic(b"\x1f\x8b", "a gzip archive (send a ZIP, or the files themselves)", ""),
    Magic(b"BZh", "a bzip2 archive (send a ZIP, or the files themselves)", ""),
    Magic(b"\xfd7zXZ\x00", "an xz archive (send a ZIP, or the files themselves)", ""),
)
TAR_MAGIC_OFFSET = 257  # "ustar" in a tar header (POSIX and GNU)

# A PDF header may follow a little junk (the spec tolerates it within the first 1024 bytes).
PDF_HEADER_WINDOW = 1024

PIL_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/tiff": "TIFF", "image/heic": "HEIF",
               "image/webp": "WEBP"}
# ISO base media brands of HEIF still images (phones write heic; mif1/msf1 are the generic brands)
HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
READ_FORMATS = "PDF, TIFF, JPEG, PNG, HEIC, WebP, ЭДО XML, XLSX, XLS, DOCX, ODT, EML, MSG"


# What an entry that is not a regular file is, for the message that lists it (never opened: a FIFO would
# block the reader for ever, a device could be endless).
_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)


def entry_problem(path: str | os.PathLike[str]) -> tuple[str, str] | None:
    """Why a folder entry must not be read as a document: ``(reason, message)``, or None for a regular
    file we may read. Looks with ``lstat`` only: a symlink is not followed (it could lead out of the
    folder the user meant, to /etc/passwd), a FIFO, socket or device is never opened."""
    name = os.path.basename(os.fspath(path))
    try:
        st = os.lstat(path)
    except OSError as exc:
        return "unreadable", f"{name}: не удаётся прочитать / cannot be read: {exc.strerror}"
    if stat.S_ISLNK(st.st_mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return "symlink", f"{name}: символическая ссылка не читается / a symbolic link (to {target}) is not followed"
    if stat.S_ISDIR(st.st_mode):
        try:
            os.listdir(path)
        except OSError as exc:  # a folder we may not list: whatever is in it was not taken in
            return "unreadable", (f"{name}: папка не читается / the folder cannot be read ({exc.strerror}): "
                                  "nothing in it was taken in")
    if not stat.S_ISREG(st.st_mode):
        kind = next((what for test, what in _SPECIAL_KINDS if test(st.st_mode)), "not a regular file")
        return "not_a_file", f"{name}: не обычный файл / is {kind}, skipped"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        return "unreadable", f"{name}: не удаётся прочитать / cannot be read: {exc.strerror}"
    try:
        os.read(fd, 1)
    except OSError as exc:
        return "unreadable", f"{name}: не удаётся прочитать / cannot be read: {exc.strerror}"
    finally:
        os.close(fd)
    return None


def read_within(path: str, max_bytes: int, what: str = "") -> bytes:
    """The whole file, refused as oversized when it is over ``max_bytes`` (``what``, e.g. "an XML of ", names
    the kind in the message)."""
    size = os.path.getsize(path)
    if size > max_bytes:
        raise OversizedFileError(
            f"{os.path.basename(path)} is {what}{size} bytes, over the limit of {max_bytes}", path=path)
    with open(path, "rb") as fh:
        return fh.read()


def sniff(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Return ``(media_type, kind)`` of the file, judged by its bytes, never its name."""
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise CorruptFileError(f"cannot open {path}: {exc.strerror}", path=path) from exc
    if size == 0:
        raise EmptyFileError(f"{os.path.basename(path)} is empty (0 bytes)", path=path)
    if size > max_bytes:
        raise OversizedFileError(
            f"{os.path.basename(path)} is {size} bytes, over the limit of {max_bytes}", path=path
        )
    with open(path, "rb") as fh:
        head = fh.read(PDF_HEADER_WINDOW)
    phone = _phone_image(head)
    if phone:
        return phone, "image"
    from capture import formats

    electronic = formats.sniff(path, head)
    if electronic is not None:
        return electronic
    for magic in MAGICS:
        if head.startswith(magic.prefix):
            if not magic.kind:
                raise UnsupportedFileError(
                    f"{os.path.basename(path)} is {magic.media_type}; finarchive reads {READ_FORMATS}",
                    path=path,
                )
            return magic.media_type, magic.kind
    if b"%PDF-" in head:
        return "application/pdf", "pdf"
    if head[TAR_MAGIC_OFFSET:TAR_MAGIC_OFFSET + 5] == b"ustar":
        raise UnsupportedFileError(
            f"{os.path.basename(path)} is a tar archive (send a ZIP, or the files themselves); "
            f"finarchive reads {READ_FORMATS}", path=path)
    what = "text" if _looks_like_text(head) else "of an unknown type"
    raise UnsupportedFileError(
        f"{os.path.basename(path)} is {what}, not one of {READ_FORMATS} "
        "(the file's content decides, not its name)",
        path=path,
    )


def _phone_image(head: bytes) -> str | None:
    """A phone's photo formats: HEIC/HEIF (an ISO base media ``ftyp`` box of a HEIF brand), WebP."""
    if head[4:8] == b"ftyp" and (head[8:12] in HEIF_BRANDS or any(
            head[i:i + 4] in HEIF_BRANDS for i in range(16, min(len(head), int.from_bytes(head[:4], "big")), 4))):
        return "image/heic"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@functools.cache
def _register_heif() -> None:
    """Pillow reads HEIC/HEIF through pillow-heif's plugin, registered once per process."""
    from pillow_heif import register_heif_opener

    register_heif_opener()


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        # a multibyte character cut at the window's end is still text
        try:
            head[:-4].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return b"\x00" not in head


@contextmanager
def open_image(path: str, media_type: str, *, max_pixels: int) -> Iterator[Image.Image]:
    """Open an image lazily, refusing it before Pillow allocates more than ``max_pixels``."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            if media_type == "image/heic":
                _register_heif()
            image = Image.open(path, formats=[PIL_FORMATS[media_type]])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise OversizedFileError(f"{os.path.basename(path)}: {exc}", path=path) from exc
        except (OSError, SyntaxError, ValueError, TypeError, struct.error, EOFError) as exc:
            raise CorruptFileError(
                f"{os.path.basename(path)} cannot be decoded as {media_type}: {exc}", path=path
            ) from exc
    try:
        check_pixels(image, path, max_pixels)
        yield image
    finally:
        image.close()


def check_pixels(image: Image.Image, path: str, max_pixels: int) -> None:
    width, height = image.size
    if width * height > max_pixels:
        raise OversizedFileError(
            f"{os.path.basename(path)} has {width}x{height} pixels, over the limit of {max_pixels}",
            path=path,
        )


def frame_count(image: Image.Image) -> int:
    return int(getattr(image, "n_frames", 1) or 1)


def load_frame(image: Image.Image, index: int, path: str, max_pixels: int) -> Image.Image:
    """Decode frame ``index`` as 8-bit grayscale on white, EXIF orientation applied."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image.seek(index)
            check_pixels(image, path, max_pixels)
            image.load()
            frame = ImageOps.exif_transpose(image) if image.format == "JPEG" else image
            return to_gray(frame)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise OversizedFileError(f"{os.path.basename(path)}: {exc}", path=path) from exc
        except EOFError as exc:
            raise CorruptFileError(
                f"{os.path.basename(path)} has no frame {index + 1}", path=path
            ) from exc
        except (OSError, SyntaxError, ValueError, TypeError, struct.error) as exc:
            raise CorruptFileError(
                f"{os.path.basename(path)} frame {index + 1} cannot be decoded: {exc}", path=path
            ) from exc


def to_gray(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L")
    if image.mode == "L":
        return image.copy()
    if image.mode.startswith("I;16") or image.mode == "I":
        return image.point(lambda v: v / 256).convert("L")
    return image.convert("L")


def image_dpi(image: Image.Image, default: int = 300) -> int:
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    return value if 70 <= value <= 1200 else default


def open_pdf(path: str):  # -> pypdfium2.PdfDocument
    """Open a PDF with pdfium, translating its failures into capture errors."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        # pdfium's last error is not reset by a load that fails without one: a PDF refused after a
        # password-protected one would be called protected too, unless it declares encryption itself.
        if "password" in str(exc).lower() and _declares_encryption(path):
            raise EncryptedFileError(
                f"{os.path.basename(path)} is protected by a password; "
                "save it without protection and send it again",
                path=path,
            ) from exc
        if _pdf_without_pages(path):
            raise CorruptFileError(f"{os.path.basename(path)} is a PDF without pages: nothing to archive",
                                   path=path) from exc
        raise CorruptFileError(f"{os.path.basename(path)} is a damaged PDF: {exc}", path=path) from exc


def _declares_encryption(path: str) -> bool:
    """The PDF's trailer names an ``/Encrypt`` dictionary (looked for in its bytes: pdfium could not
    open it, and a damaged file may still say so)."""
    import mmap

    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data.find(b"/Encrypt") >= 0


def _pdf_without_pages(path: str) -> bool:
    """pypdf reads the PDF pdfium refused, and its page tree is empty (pdfium refuses such a file)."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        return len(PdfReader(path).pages) == 0
    except Exception:  # damaged for pypdf too: not this case
        return False


# Actions a PDF may run when it is opened or clicked: a script, or a program started on the reader's
# computer. An archive whose originals accountants open must not keep them (PDF 32000-1, 12.6.4).
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/RichMediaExecute"})
_ACTION_KEYS = ("/OpenAction", "/AA", "/A", "/Next", "/Names", "/Annots", "/Pages", "/Kids", "/Outlines",
                "/First", "/AcroForm", "/Fields", "/D", "/U", "/X", "/Fo", "/Bl", "/PO", "/PC", "/PV", "/PI",
                "/O", "/C", "/K", "/F", "/V", "/WC", "/WS", "/DS", "/WP", "/DP", "/E")
_MAX_NODES = 200_000  # a bound on the walk (a page tree of 50,000 pages with its annotations fits)


def active_content(path: str) -> str | None:
    """What in the PDF would run in a reader (``"JavaScript"``, ``"a launch action"``), or None.

    Walks the catalogue's actions, the JavaScript name tree, the outlines, the form fields and every page's
    actions and annotations (their ``/A`` and ``/AA``), following each action's ``/Next``."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repairs of a damaged file are not our news
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        root = reader.trailer["/Root"].get_object()
    except Exception:  # pdfium reads it; what pypdf cannot parse it cannot judge
        return None
    if not isinstance(root, DictionaryObject):
        return None
    try:
        names = root.get("/Names")
        if isinstance(names, DictionaryObject) and "/JavaScript" in names:
            return "JavaScript"
    except Exception:  # a broken name tree: the walk below still looks at the rest
        pass
    seen: set[int] = set()
    stack: list[object] = [root]
    nodes = 0
    while stack and nodes < _MAX_NODES:
        node = stack.pop()
        nodes += 1
        try:
            if isinstance(node, IndirectObject):
                if node.idnum in seen:
                    continue
                seen.add(node.idnum)
                node = node.get_object()
            if isinstance(node, ArrayObject):
                stack.extend(node)
            elif isinstance(node, DictionaryObject):
                kind = node.get("/S")
                if kind in ACTIVE_ACTIONS or "/JS" in node:
                    return "a launch action" if kind == "/Launch" else "JavaScript"
                stack.extend(dict.get(node, key) for key in _ACTION_KEYS if key in node)  # unresolved: seen once
        except Exception:  # a broken branch: pdfium judges readability, this judges only what is there
            continue
    return None

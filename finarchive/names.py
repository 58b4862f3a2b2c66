"""Names that come from outside (file systems, mail, archives) as text every store and printout takes."""

from __future__ import annotations


def printable(text: str, *, limit: int | None = None) -> str:
    """``text`` with what UTF-8 cannot hold spelled out: the bytes of a file name that are not UTF-8 (which
    Python decodes as lone surrogates, so the name still opens the file) as ``\\xNN``, and NUL as ``\\x00``;
    cut to ``limit`` characters (with ``…``) when given. For the database, JSON and messages only: the
    file itself is always opened by its real path."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no file system decoding made (from JSON, a mail header)
        raw = text.encode("utf-8", "backslashreplace")
    clean = raw.decode("utf-8", "backslashreplace").replace("\0", "\\x00")
    if limit is not None and len(clean) > limit:
        clean = clean[: limit - 1] + "…"
    return clean

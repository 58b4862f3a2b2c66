"""ZIP batches: path traversal, links and bombs refused before anything is written; manifests."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from capture.sources import (
    DamagedArchiveError,
    ManifestError,
    UnsafeArchiveError,
    ZipLimits,
    parse_manifest,
    read_manifest,
    unpack_zip,
)


def _zip(path: Path, members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_members_unpack_with_their_folders_and_temporary_names_are_skipped(tmp_path: Path) -> None:
    z = _zip(tmp_path / "a.zip", {"a.pdf": b"%PDF-a", "scans/b.png": b"png", "__MACOSX/._a.pdf": b"junk",
                                   "scans/.DS_Store": b"junk"})
    files = unpack_zip(z, tmp_path / "out").files
    assert [f.relative_to(tmp_path / "out").as_posix() for f in files] == ["a.pdf", "scans/b.png"]
    assert (tmp_path / "out" / "scans" / "b.png").read_bytes() == b"png"
    assert unpack_zip(z, tmp_path / "out").files == files  # complete: reused as it is


@pytest.mark.parametrize("name", ["../evil.pdf", "scans/../../evil.pdf", "/etc/evil.pdf", "C:/evil.pdf",
                                  "..\\evil.pdf"])
def test_path_traversal_is_refused_and_nothing_is_written(tmp_path: Path, name: str) -> None:
    z = _zip(tmp_path / "evil.zip", {"fine.pdf": b"ok", name: b"evil"})
    with pytest.raises(UnsafeArchiveError):
        unpack_zip(z, tmp_path / "deep" / "out")
    assert not (tmp_path / "deep" / "out").exists() and not (tmp_path / "evil.pdf").exists()
    assert not list(tmp_path.rglob("evil.pdf"))


def test_symbolic_links_are_refused(tmp_path: Path) -> None:
    z = tmp_path / "link.zip"
    with zipfile.ZipFile(z, "w") as zf:
        info = zipfile.ZipInfo("link.pdf")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeArchiveError, match="symbolic link"):
        unpack_zip(z, tmp_path / "out")


def test_a_zip_bomb_is_stopped_by_the_bytes_actually_written(tmp_path: Path) -> None:
    z = _zip(tmp_path / "bomb.zip", {"bomb.pdf": b"\0" * (8 << 20)})  # 8 MiB of zeros packs to ~8 KiB
    with pytest.raises(UnsafeArchiveError, match="ZIP bomb"):
        unpack_zip(z, tmp_path / "out", ZipLimits(max_ratio=100))
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.unpacking").exists()
    small = _zip(tmp_path / "big.zip", {"a.pdf": b"x" * 3000, "b.pdf": b"y" * 3000}, compression=zipfile.ZIP_STORED)
    with pytest.raises(UnsafeArchiveError, match="more than"):
        unpack_zip(small, tmp_path / "out2", ZipLimits(max_total_bytes=5000))


def test_not_a_zip_is_an_unsafe_archive(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(UnsafeArchiveError):
        unpack_zip(bad, tmp_path / "out")


def _flip_in(whole: Path, marker: bytes, out: Path) -> Path:
    data = bytearray(whole.read_bytes())
    data[data.index(marker) + 100] ^= 0xFF
    out.write_bytes(bytes(data))
    return out


def test_a_zip_cut_short_is_corrupt_whole_and_nothing_is_left(tmp_path: Path) -> None:
    whole = _zip(tmp_path / "whole.zip", {"a.pdf": b"%PDF-1.4 " + b"a" * 5000, "b.pdf": b"%PDF-1.4 b"},
                 compression=zipfile.ZIP_STORED)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(DamagedArchiveError, match="not a readable ZIP") as caught:
        unpack_zip(cut, tmp_path / "out")
    assert caught.value.reason == "corrupt"
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.unpacking").exists()


def test_a_member_whose_bytes_fail_their_crc_is_refused_alone(tmp_path: Path) -> None:
    """Before, one damaged member made the whole archive `corrupt`: the good members were not taken."""
    whole = _zip(tmp_path / "whole.zip", {"a.pdf": b"%PDF-1.4 " + b"a" * 5000, "b.pdf": b"%PDF-1.4 b"},
                 compression=zipfile.ZIP_STORED)
    flipped = _flip_in(whole, b"aaaa", tmp_path / "flipped.zip")
    got = unpack_zip(flipped, tmp_path / "out")
    assert [f.name for f in got.files] == ["b.pdf"] and got.files[0].read_bytes() == b"%PDF-1.4 b"
    (bad,) = got.refused
    assert (bad.name, bad.reason) == ("a.pdf", "corrupt")
    assert "flipped.zip!a.pdf" in bad.message and "Bad CRC-32" in bad.message
    assert not (tmp_path / "out" / "a.pdf").exists()
    again = unpack_zip(flipped, tmp_path / "out")  # complete: reused, its refusals too
    assert again.files == got.files and again.refused == got.refused


def test_a_member_packed_by_a_method_we_lack_is_refused_alone_as_unsupported(tmp_path: Path) -> None:
    z = _zip(tmp_path / "odd.zip", {"a.pdf": b"%PDF-1.4 a", "b.pdf": b"%PDF-1.4 b"}, compression=zipfile.ZIP_STORED)
    data = bytearray(z.read_bytes())
    for signature, method_at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):  # local header, central directory
        at = data.index(signature)
        data[at + method_at: at + method_at + 2] = (9).to_bytes(2, "little")  # Deflate64: not in zipfile
    z.write_bytes(bytes(data))
    got = unpack_zip(z, tmp_path / "out")
    assert [f.name for f in got.files] == ["b.pdf"]
    assert [(r.name, r.reason) for r in got.refused] == [("a.pdf", "unsupported")]


def test_a_member_with_a_password_is_refused_alone_as_encrypted(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("zip") is None:
        pytest.skip("Info-ZIP's zip (it writes password-protected archives) is not installed")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4 secret")
    (tmp_path / "open.pdf").write_bytes(b"%PDF-1.4 open")
    subprocess.run(["zip", "-q", "-P", "secret", "mixed.zip", "scan.pdf"], cwd=tmp_path, check=True)
    subprocess.run(["zip", "-q", "mixed.zip", "open.pdf"], cwd=tmp_path, check=True)
    got = unpack_zip(tmp_path / "mixed.zip", tmp_path / "out")
    assert [f.name for f in got.files] == ["open.pdf"]
    (bad,) = got.refused
    assert (bad.name, bad.reason) == ("scan.pdf", "encrypted")
    assert "mixed.zip!scan.pdf" in bad.message and "protected by a password" in bad.message


def test_names_written_by_russian_windows_in_cp866_are_read_as_such(tmp_path: Path) -> None:
    """Explorer's "send to compressed folder" stores names in the OEM code page without the UTF-8 flag."""
    name = "накладная.pdf"
    placeholder = "x" * len(name.encode("cp866"))
    raw = _zip(tmp_path / "a.zip", {placeholder: b"%PDF-1.4 n", "plain.pdf": b"%PDF-1.4 p"}).read_bytes()
    (tmp_path / "ru.zip").write_bytes(raw.replace(placeholder.encode(), name.encode("cp866")))
    files = unpack_zip(tmp_path / "ru.zip", tmp_path / "out").files
    assert sorted(f.name for f in files) == ["plain.pdf", name]
    assert (tmp_path / "out" / name).read_bytes() == b"%PDF-1.4 n"


def test_manifest_semicolons_russian_headers_and_cp1251(tmp_path: Path) -> None:
    text = "Файл;Точка;Тип;Заказ\n.\\scans\\a.pdf;SPB-01;waybill;ЗК-1\nb.pdf;;;\n\n"
    path = tmp_path / "manifest.csv"
    path.write_bytes(text.encode("cp1251"))
    entries = read_manifest(path)
    assert entries["scans/a.pdf"].outlet == "SPB-01"
    assert entries["scans/a.pdf"].hints == {"doc_type": "waybill", "order_no": "ЗК-1"}
    assert entries["b.pdf"].hints == {} and entries["b.pdf"].outlet is None
    comma = parse_manifest("file,outlet,doc_type,order_no\na.pdf,MSK-02,upd,7\n")
    assert comma["a.pdf"].doc_type == "upd"


def test_manifest_without_a_file_column_is_an_error() -> None:
    with pytest.raises(ManifestError, match="file"):
        parse_manifest("outlet;type\nSPB-01;upd\n")

"""ZIP batches: members read as bytes into files of ours; a member named outside the archive, a link, a bomb
refused alone, before anything of it is written; manifests."""

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


def test_members_are_read_as_bytes_into_files_named_by_us_and_temporary_names_are_skipped(tmp_path: Path) -> None:
    """A member's name is kept as its name, never used as a path: its bytes go to a file the unpacker
    names (its number and a plain suffix), so no folder of the archive's is made and no name of it reaches
    the file system."""
    z = _zip(tmp_path / "a.zip", {"a.pdf": b"%PDF-a", "scans/b.png": b"png", "__MACOSX/._a.pdf": b"junk",
                                   "scans/.DS_Store": b"junk"})
    got = unpack_zip(z, tmp_path / "out")
    assert [m.name for m in got.members] == ["a.pdf", "scans/b.png"]
    assert [m.path.read_bytes() for m in got.members] == [b"%PDF-a", b"png"]
    assert all(m.path.parent == tmp_path / "out" for m in got.members)
    assert not (tmp_path / "out" / "scans").exists() and not (tmp_path / "out" / "a.pdf").exists()
    assert unpack_zip(z, tmp_path / "out") == got  # complete: reused as it is


@pytest.mark.parametrize("name", ["../evil.pdf", "scans/../../evil.pdf", "/etc/evil.pdf", "C:/evil.pdf",
                                  "..\\evil.pdf"])
def test_a_member_named_outside_the_archive_is_refused_alone_and_nothing_is_written_there(
        tmp_path: Path, name: str) -> None:
    """Before, one such name refused the whole archive: its good members were not taken."""
    z = _zip(tmp_path / "evil.zip", {"fine.pdf": b"%PDF-1.4 ok", name: b"evil"})
    got = unpack_zip(z, tmp_path / "deep" / "out")
    assert [(m.name, m.path.read_bytes()) for m in got.members] == [("fine.pdf", b"%PDF-1.4 ok")]
    (bad,) = got.refused
    assert (bad.name, bad.reason) == (name, "unsafe_archive") and "evil.zip!" in bad.message
    assert not list(tmp_path.rglob("evil.pdf")) and not (tmp_path / "deep" / "out" / "etc").exists()
    assert not any(p.read_bytes() == b"evil" for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".zip")


def test_a_symbolic_link_member_is_refused_alone(tmp_path: Path) -> None:
    z = tmp_path / "link.zip"
    with zipfile.ZipFile(z, "w") as zf:
        info = zipfile.ZipInfo("link.pdf")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
        zf.writestr("scan.pdf", b"%PDF-1.4 scan")
    got = unpack_zip(z, tmp_path / "out")
    assert [m.name for m in got.members] == ["scan.pdf"]
    assert [(r.name, r.reason) for r in got.refused] == [("link.pdf", "unsafe_archive")]
    assert "symbolic link" in got.refused[0].message
    assert not any(p.is_symlink() for p in (tmp_path / "out").rglob("*"))


def test_a_zip_bomb_member_is_refused_alone_by_the_bytes_actually_read(tmp_path: Path) -> None:
    z = _zip(tmp_path / "bomb.zip", {"bomb.pdf": b"\0" * (8 << 20), "scan.pdf": b"%PDF-1.4 fine"})
    got = unpack_zip(z, tmp_path / "out", ZipLimits(max_ratio=100))
    assert [m.name for m in got.members] == ["scan.pdf"]
    assert [(r.name, r.reason) for r in got.refused] == [("bomb.pdf", "unsafe_archive")]
    assert "ZIP bomb" in got.refused[0].message
    assert sum(p.stat().st_size for p in (tmp_path / "out").iterdir()) < 1 << 20  # the 8 MiB never landed


def test_a_member_declaring_fewer_bytes_than_it_holds_is_refused_alone(tmp_path: Path) -> None:
    """A forged header: the member says 100 bytes and holds 4 MiB. Its declared size bounds what is read:
    reading stops there, its CRC fails, it is refused alone and no more than it declared is ever written."""
    data = b"%PDF-1.4 " + bytes(range(256)) * (1 << 14)
    z = _zip(tmp_path / "lie.zip", {"lie.pdf": data, "scan.pdf": b"%PDF-1.4 fine"}, compression=zipfile.ZIP_STORED)
    raw = bytearray(z.read_bytes())
    size = len(data).to_bytes(4, "little")
    for signature, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # uncompressed size: local header, directory
        start = raw.index(signature)
        assert raw[start + at: start + at + 4] == size
        raw[start + at: start + at + 4] = (100).to_bytes(4, "little")
    z.write_bytes(bytes(raw))
    got = unpack_zip(z, tmp_path / "out")
    assert [m.name for m in got.members] == ["scan.pdf"]
    assert [(r.name, r.reason) for r in got.refused] == [("lie.pdf", "corrupt")]
    assert "CRC" in got.refused[0].message


def test_members_past_the_archive_budget_are_refused_alone_and_those_before_taken(tmp_path: Path) -> None:
    small = _zip(tmp_path / "big.zip", {"a.pdf": b"x" * 3000, "b.pdf": b"y" * 3000, "c.pdf": b"z" * 10},
                 compression=zipfile.ZIP_STORED)
    got = unpack_zip(small, tmp_path / "out", ZipLimits(max_total_bytes=5000))
    assert [m.name for m in got.members] == ["a.pdf", "c.pdf"]
    assert [(r.name, r.reason) for r in got.refused] == [("b.pdf", "oversized")]
    assert "more than 5000 bytes" in got.refused[0].message


def test_an_archive_of_mostly_hostile_members_is_refused_whole(tmp_path: Path) -> None:
    """Each refused member is a quarantine entry holding a copy of the archive: past ``max_refused`` of
    them the archive is one entry, refused whole, not thousands of copies of itself."""
    z = _zip(tmp_path / "many.zip", {f"../x{n}.pdf": b"x" for n in range(12)} | {"ok.pdf": b"%PDF-1.4"})
    with pytest.raises(UnsafeArchiveError, match="over 10 members cannot be taken"):
        unpack_zip(z, tmp_path / "out", ZipLimits(max_refused=10))
    assert not (tmp_path / "out").exists()


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
    assert [m.name for m in got.members] == ["b.pdf"] and got.members[0].path.read_bytes() == b"%PDF-1.4 b"
    (bad,) = got.refused
    assert (bad.name, bad.reason) == ("a.pdf", "corrupt")
    assert "flipped.zip!a.pdf" in bad.message and "Bad CRC-32" in bad.message
    assert len(list((tmp_path / "out").iterdir())) == 1 + 3  # b's bytes; the members, refusals, .complete
    again = unpack_zip(flipped, tmp_path / "out")  # complete: reused, its refusals too
    assert again == got


def test_a_member_packed_by_a_method_we_lack_is_refused_alone_as_unsupported(tmp_path: Path) -> None:
    z = _zip(tmp_path / "odd.zip", {"a.pdf": b"%PDF-1.4 a", "b.pdf": b"%PDF-1.4 b"}, compression=zipfile.ZIP_STORED)
    data = bytearray(z.read_bytes())
    for signature, method_at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):  # local header, central directory
        at = data.index(signature)
        data[at + method_at: at + method_at + 2] = (9).to_bytes(2, "little")  # Deflate64: not in zipfile
    z.write_bytes(bytes(data))
    got = unpack_zip(z, tmp_path / "out")
    assert [m.name for m in got.members] == ["b.pdf"]
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
    assert [m.name for m in got.members] == ["open.pdf"]
    (bad,) = got.refused
    assert (bad.name, bad.reason) == ("scan.pdf", "encrypted")
    assert "mixed.zip!scan.pdf" in bad.message and "protected by a password" in bad.message


def test_names_written_by_russian_windows_in_cp866_are_read_as_such(tmp_path: Path) -> None:
    """Explorer's "send to compressed folder" stores names in the OEM code page without the UTF-8 flag."""
    name = "накладная.pdf"
    placeholder = "x" * len(name.encode("cp866"))
    raw = _zip(tmp_path / "a.zip", {placeholder: b"%PDF-1.4 n", "plain.pdf": b"%PDF-1.4 p"}).read_bytes()
    (tmp_path / "ru.zip").write_bytes(raw.replace(placeholder.encode(), name.encode("cp866")))
    members = {m.name: m.path.read_bytes() for m in unpack_zip(tmp_path / "ru.zip", tmp_path / "out").members}
    assert members == {name: b"%PDF-1.4 n", "plain.pdf": b"%PDF-1.4 p"}


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

"""The counts `finarchive stats` shows are kept by the commits (archive/counts.py): after imports, deletes,
type corrections, status and state changes, bulk updates and concurrent commits they equal a recount of the
tables, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import delete, func, select, update
from typer.testing import CliRunner

from archive import counts as counted
from archive.models import (
    ArchiveCount,
    Document,
    DocumentStatus,
    IntakeOutcome,
    IntakeRecord,
    Original,
    OriginalState,
    Page,
)
from archive.verification import correct_field, reject_document
from archive.views import archive_stats
from tests.archive import factories


def _kept(arc) -> dict:
    with arc.transaction() as session:
        return archive_stats(session)


def _recounted(arc) -> dict:
    with arc.transaction() as session:
        counted.recount(session)
        return archive_stats(session)


def _assert_kept_equals_recount(arc) -> dict:
    with arc.transaction() as session:
        every_count = counted.counts(session)  # those `stats` does not show too (an outlet's by status)
    kept = _kept(arc)
    assert kept == _recounted(arc)
    with arc.transaction() as session:
        assert every_count == counted.counts(session)
    return kept


def _import(session, n: int, *, doc_type: str = "waybill", outlet_code: str | None = "SPB-02",
            start: int = 0) -> list[Document]:
    """Documents as the commit step leaves them: pages, an original, the intake ledger's row."""
    docs = []
    for i in range(n):
        doc = factories.document(session, doc_type, outlet_code=outlet_code)
        doc.pages.append(Page(number=1, text="Товарная накладная"))
        doc.pages.append(Page(number=2, text="лист 2"))
        session.add(Original(document=doc, barcode=f"OR-T{start + i:06d}", state=OriginalState.EXPECTED,
                             outlet=doc.outlet))
        session.add(IntakeRecord(source="watch", filename=doc.filename, outlet_code=outlet_code,
                                 outcome=IntakeOutcome.ARCHIVED, document_id=doc.id))
        docs.append(doc)
    session.flush()
    return docs


def test_counts_follow_imports_deletes_and_corrections(archive) -> None:
    with archive.transaction() as s:
        docs = _import(s, 6)
        _import(s, 3, doc_type="act", outlet_code="MSK-01", start=100)
        _import(s, 1, outlet_code=None, start=200)
        s.add(IntakeRecord(source="mail", filename="broken.pdf", outcome=IntakeOutcome.QUARANTINED,
                           reason="unreadable"))
        ids = [d.id for d in docs]
    stats = _assert_kept_equals_recount(archive)
    assert stats["documents"] == 10 and stats["pages"] == 20
    assert stats["by_type"] == {"waybill": 7, "act": 3}
    assert stats["by_outlet"] == {"SPB-02": 6, "MSK-01": 3, "-": 1}
    assert stats["quarantined_total"] == 1 and stats["intake_by_source"]["mail"] == {"quarantined": 1}

    with archive.transaction() as s:  # the desk: a type corrected, a document rejected, an outlet moved
        correct_field(s, s.get(Document, ids[0]), "doc_type", "upd", actor="ivanova")
        reject_document(s, s.get(Document, ids[1]), "пересканируйте", actor="ivanova")
        s.get(Document, ids[2]).outlet = factories.outlet(s, "MSK-01")
        s.get(Document, ids[3]).original.state = OriginalState.IN_TRANSIT
    stats = _assert_kept_equals_recount(archive)
    assert stats["by_type"] == {"waybill": 6, "act": 3, "upd": 1}
    assert stats["by_status"]["rejected"] == 1
    assert stats["by_outlet"] == {"SPB-02": 5, "MSK-01": 4, "-": 1}
    assert stats["originals"] == {"expected": 9, "in_transit": 1}

    with archive.transaction() as s:  # deleted (as the pipeline drops a document that failed), its pages with it
        doc = s.get(Document, ids[4])
        s.delete(doc.original)
        s.delete(doc)
    with archive.transaction() as s:  # a bulk UPDATE and a bulk DELETE, past the ORM
        s.execute(update(Document).where(Document.doc_type == "act").values(status=DocumentStatus.VERIFIED))
        s.execute(delete(Document).where(Document.id == ids[5]))
    stats = _assert_kept_equals_recount(archive)
    assert stats["documents"] == 8 and stats["pages"] == 16
    assert stats["by_status"]["verified"] == 3
    assert stats["originals"] == {"expected": 7, "in_transit": 1}


def test_a_rolled_back_commit_counts_nothing(archive) -> None:
    with archive.transaction() as s:
        _import(s, 2)
    before = _kept(archive)
    try:
        with archive.transaction() as s:
            _import(s, 3, start=10)
            raise RuntimeError("the commit fails")
    except RuntimeError:
        pass
    assert _kept(archive) == before
    assert before["documents"] == 2


def test_counts_stay_right_under_concurrent_commits(archive, monkeypatch) -> None:
    """Four writers commit documents and change each other's at once, folding the counts' rows as the pipeline
    does; on PostgreSQL none waits on a counter, and a fold beside another is left to that one."""
    monkeypatch.setattr(counted, "FOLD_ABOVE", 20)
    with archive.transaction() as s:
        factories.outlet(s, "SPB-02")
        factories.outlet(s, "MSK-01")
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for round_ in range(5):
                with archive.transaction() as s:
                    docs = _import(s, 2, doc_type="act" if k % 2 else "waybill",
                                   outlet_code="MSK-01" if k % 2 else "SPB-02", start=1000 * k + 10 * round_)
                    docs[0].status = DocumentStatus.VERIFIED
                    s.flush()
                    counted.fold_if_piled(s)
                with archive.transaction() as s:
                    s.get(Document, docs[1].id).doc_type = "upd"
                    s.flush()
                    counted.fold_if_piled(s)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    stats = _assert_kept_equals_recount(archive)
    assert stats["documents"] == 40 and stats["by_type"] == {"waybill": 10, "act": 10, "upd": 20}
    assert stats["by_status"] == {"processed": 20, "verified": 20}


def _rows(arc) -> int:
    with arc.sessions() as s:
        return s.scalar(select(func.count(ArchiveCount.id))) or 0


def test_counts_fold_into_one_row_each(archive, monkeypatch) -> None:
    monkeypatch.setattr(counted, "FOLD_ABOVE", 10)
    with archive.transaction() as s:
        _import(s, 8)
    rows_before = _rows(archive)
    stats = _assert_kept_equals_recount(archive)
    with archive.transaction() as s:
        _import(s, 8, start=50)
        assert counted.FoldWatch()(s)
    assert _kept(archive)["documents"] == 16
    assert rows_before > 40 and _rows(archive) <= 10
    assert stats["documents"] == 8


def test_stats_reads_rows_unfolded_and_writes_nothing(archive, archive_env, monkeypatch) -> None:
    """Rows far past the fold's threshold: `stats` and the API's stats sum them as they are, and leave them."""
    from cli.app import app

    monkeypatch.setattr(counted, "FOLD_ABOVE", 10)
    with archive.transaction() as s:
        _import(s, 12)
    rows = _rows(archive)
    assert rows > 40
    for name, value in archive_env.items():
        monkeypatch.setenv(name, value)
    out = CliRunner().invoke(app, ["stats", "--json"])
    assert out.exit_code == 0, out.output
    assert '"documents": 12' in out.output and '"pages": 24' in out.output
    with archive.sessions() as s:
        assert archive_stats(s)["documents"] == 12
    assert _rows(archive) == rows


def test_an_outlets_counts_by_status(archive) -> None:
    with archive.transaction() as s:
        docs = _import(s, 4)
        _import(s, 2, outlet_code="MSK-01", start=10)
        reject_document(s, docs[0], "пересканируйте", actor="ivanova")
        spb = str(factories.outlet(s, "SPB-02").id)
    with archive.sessions() as s:
        assert counted.of_key(s, "outlet_status", spb) == {"processed": 3, "rejected": 1}


def test_commits_fold_the_rows_once_they_pile_up(archive, monkeypatch) -> None:
    """One document a commit: the rows are counted only when they may have piled up past the threshold
    (a few times in sixty commits of eight rows each, not at each), folded then, and never stand far above it."""
    monkeypatch.setattr(counted, "FOLD_ABOVE", 100)
    looks: list[bool] = []
    real = counted.fold_if_piled

    def looked(session) -> bool:
        looks.append(real(session))
        return looks[-1]

    monkeypatch.setattr(counted, "fold_if_piled", looked)
    watch = counted.FoldWatch()
    most = 0
    for i in range(60):
        with archive.transaction() as s:
            _import(s, 1, start=i)
            watch(s)
        most = max(most, _rows(archive))
    assert 3 <= looks.count(True) <= 5 and looks.count(False) <= 2
    groups = len({(k, key, sub) for k, key, sub in _recount_keys(archive)})
    assert most <= groups + 100 + 10  # a commit's own rows beyond the threshold at the most
    assert _assert_kept_equals_recount(archive)["documents"] == 60


def _recount_keys(arc) -> list[tuple[str, str, str]]:
    with arc.sessions() as s:
        return [(k, key, sub) for k, key, sub in s.execute(
            select(ArchiveCount.kind, ArchiveCount.key, ArchiveCount.sub).distinct())]


def test_stats_recount_rebuilds_counts_gone_wrong(archive, archive_env, monkeypatch) -> None:
    from cli.app import app

    with archive.transaction() as s:
        _import(s, 3)
        s.add(ArchiveCount(kind="status", key="processed", sub="", n=5))  # as if a count had gone wrong
    for name, value in archive_env.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    wrong = runner.invoke(app, ["stats", "--json"])
    assert wrong.exit_code == 0 and '"documents": 8' in wrong.output
    right = runner.invoke(app, ["stats", "--recount", "--json"])
    assert right.exit_code == 0, right.output
    assert '"documents": 3' in right.output
    assert _kept(archive)["documents"] == 3

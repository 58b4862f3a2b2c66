"""The archive's counts kept by its commits: documents by status, type and outlet, pages, originals by state,
the intake ledger by source and outcome (what `finarchive stats` shows).

Counting them at each `stats` grew with the archive (seconds at a million documents on PostgreSQL). Instead
the database's own triggers write a row ``(kind, key, sub, ±1)`` into ``archive_count`` for each row of
``document``, ``page``, ``original`` and ``intake_record`` inserted, deleted or moved to another status,
type, outlet, state or outcome: in the same transaction as the change, whatever wrote it (the ORM, a bulk
UPDATE, a cascade), and rolled back with it. The triggers only insert, so concurrent commits never wait for
each other on a counter row nor deadlock over two. A count is the sum of its rows; :func:`counts` folds
them into one row a count when they have piled up (:class:`FoldWatch`, after the pipeline's commits: two
index lookups a commit, a count of the rows only when they may have piled up); reading never folds, so
`stats` is a read. :func:`recount` rebuilds them from the tables
(`finarchive stats --recount`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, select, text
from sqlalchemy.orm import Session

from archive.models import ArchiveCount

__all__ = ["COUNTED", "Counted", "FoldWatch", "counts", "create_triggers", "drop_triggers", "fold_if_piled", "of_key",
           "recount"]

FOLD_ABOVE = 2_000  # rows more than counts: fold them (a day's imports leave a few per document)


@dataclass(frozen=True)
class Counted:
    """One count kept of a table's rows: ``kind`` by the values of ``by`` (the key's column and the sub's),
    NULL counted as ''."""

    table: str
    kind: str
    by: tuple[str, ...] = ()

    @property
    def key(self) -> str | None:
        return self.by[0] if self.by else None

    @property
    def sub(self) -> str | None:
        return self.by[1] if len(self.by) > 1 else None

    def columns(self) -> list[str]:
        return list(self.by)

    def values(self, row: str, sign: int) -> str:
        """The SQL row ``(kind, key, sub, n)`` for the trigger's ``NEW`` or ``OLD`` row."""
        def value(column: str | None) -> str:
            if column is None:
                return "''"
            cast = f"CAST({row}.{column} AS TEXT)" if column.endswith("_id") else f"{row}.{column}"
            return f"coalesce({cast}, '')"
        return f"('{self.kind}', {value(self.key)}, {value(self.sub)}, {sign})"

    def changed(self, dialect: str) -> str:
        differs = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
        return " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in self.columns())


COUNTED = (
    Counted("document", "status", ("status",)),
    Counted("document", "type", ("doc_type",)),
    Counted("document", "outlet", ("outlet_id",)),
    Counted("document", "outlet_status", ("outlet_id", "status")),  # an outlet page's counts
    Counted("page", "pages"),
    Counted("original", "original", ("state",)),
    Counted("intake_record", "intake", ("source", "outcome")),
)
TABLES = tuple(dict.fromkeys(c.table for c in COUNTED))


def _of(table: str) -> list[Counted]:
    return [c for c in COUNTED if c.table == table]


def _insert(rows: list[str]) -> str:
    return f"INSERT INTO archive_count (kind, key, sub, n) VALUES {', '.join(rows)};"


def _sqlite_ddl(table: str) -> list[str]:
    counted = _of(table)
    name = f"archive_count_{table}"
    came, went = _insert([c.values("NEW", 1) for c in counted]), _insert([c.values("OLD", -1) for c in counted])
    statements = [f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {came} END",
                  f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {went} END"]
    moved = [c for c in counted if c.columns()]
    if moved:
        columns = ", ".join(dict.fromkeys(col for c in moved for col in c.columns()))
        body = " ".join(f"INSERT INTO archive_count (kind, key, sub, n) SELECT * FROM (VALUES "
                        f"{c.values('OLD', -1)}, {c.values('NEW', 1)}) WHERE {c.changed('sqlite')};"
                        for c in moved)
        statements.append(f"CREATE TRIGGER {name}_update AFTER UPDATE OF {columns} ON {table} BEGIN {body} END")
    return statements


def _postgresql_ddl(table: str) -> list[str]:
    counted = _of(table)
    name = f"archive_count_{table}"
    moved = [c for c in counted if c.columns()]
    updates = " ".join(f"IF {c.changed('postgresql')} THEN "
                       f"{_insert([c.values('OLD', -1), c.values('NEW', 1)])} END IF;"
                       for c in moved)
    function = (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'INSERT' THEN {_insert([c.values('NEW', 1) for c in counted])} "
        f"ELSIF TG_OP = 'DELETE' THEN {_insert([c.values('OLD', -1) for c in counted])} "
        + (f"ELSE {updates} " if updates else "")
        + "END IF; RETURN NULL; END $$"
    )
    columns = ", ".join(dict.fromkeys(col for c in moved for col in c.columns()))
    events = f"INSERT OR UPDATE OF {columns} OR DELETE" if columns else "INSERT OR DELETE"
    return [function, f"CREATE TRIGGER {name} AFTER {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"]


def create_triggers(conn: Connection) -> None:
    """The triggers that keep ``archive_count`` (migration 0014; bench/make_archive.py after a bulk fill)."""
    postgres = conn.dialect.name == "postgresql"
    for table in TABLES:
        for statement in (_postgresql_ddl if postgres else _sqlite_ddl)(table):
            conn.execute(text(statement))


def drop_triggers(conn: Connection) -> None:
    """No counting while a bulk fill writes millions of rows (:func:`recount` after it)."""
    postgres = conn.dialect.name == "postgresql"
    for table in TABLES:
        name = f"archive_count_{table}"
        if postgres:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
            conn.execute(text(f"DROP FUNCTION IF EXISTS {name}()"))
        else:
            for suffix in ("insert", "delete", "update"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {name}_{suffix}"))


def _counted(conn: Connection | Session) -> dict[tuple[str, str, str], int]:
    """Every count from the tables themselves, each by one GROUP BY over an index."""
    from archive.models import Base

    out: dict[tuple[str, str, str], int] = {}
    for c in COUNTED:
        table = Base.metadata.tables[c.table]
        columns = [table.c[name] for name in c.columns()]
        for row in conn.execute(select(*columns, func.count()).select_from(table).group_by(*columns)):
            *keys, n = row
            values = ["" if v is None else str(v) for v in keys] + ["", ""]
            out[(c.kind, values[0], values[1])] = n
    return out


def recount(session: Session) -> None:
    """Rebuild the counts from the tables, in the caller's transaction. On PostgreSQL the counted tables are
    locked against writes meanwhile (another commit's rows would be counted twice or not at all)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE {', '.join(TABLES)} IN SHARE MODE"))
    session.execute(delete(ArchiveCount))
    rows = [{"kind": k, "key": key, "sub": sub, "n": n} for (k, key, sub), n in _counted(session).items()]
    if rows:
        session.execute(insert(ArchiveCount), rows)


def counts(session: Session) -> dict[str, dict[tuple[str, str], int]]:
    """The counts by kind: ``{"status": {("verified", ""): 9120, ...}, ...}``; keys ``''`` stand for NULL.

    The sums of ``archive_count``'s rows, folded or not: a read only (the commits fold, :class:`FoldWatch`)."""
    summed = session.execute(select(ArchiveCount.kind, ArchiveCount.key, ArchiveCount.sub, func.sum(ArchiveCount.n))
                             .group_by(ArchiveCount.kind, ArchiveCount.key, ArchiveCount.sub)).all()
    out: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for kind, key, sub, n in summed:
        if n:
            out[kind][(key, sub)] = int(n)
    return dict(out)


def of_key(session: Session, kind: str, key: str) -> dict[str, int]:
    """One count's values by ``sub``: e.g. ``of_key(session, "outlet_status", "3")`` is outlet 3's documents
    by status (read in ``ix_archive_count_kind_key``, without folding)."""
    rows = session.execute(select(ArchiveCount.sub, func.sum(ArchiveCount.n))
                           .where(ArchiveCount.kind == kind, ArchiveCount.key == key).group_by(ArchiveCount.sub))
    return {sub: int(n) for sub, n in rows if n}


def fold_if_piled(session: Session) -> bool:
    """Fold the counts' rows when they outnumber the counts by :data:`FOLD_ABOVE`; True when it folded.
    Counts every row: :class:`FoldWatch` calls it only when the rows may have piled up."""
    rows = session.scalar(select(func.count(ArchiveCount.id))) or 0
    if rows > FOLD_ABOVE and rows - _groups(session) > FOLD_ABOVE:
        return _fold(session)
    return False


def _span(session: Session) -> int:
    """How many ids the counts' rows span: no fewer than there are rows (two lookups in the primary key)."""
    top = session.scalar(select(func.max(ArchiveCount.id)))
    return 0 if top is None else top - (session.scalar(select(func.min(ArchiveCount.id))) or top) + 1


class FoldWatch:
    """When the counts' rows a process's commits leave are folded (a commit hook of the pipeline).

    Each new row takes a higher id, so the rows added since the last look are at most the growth of the ids'
    span; the rows are counted (a scan of the table and of its counts) only once that span has grown past
    what could leave :data:`FOLD_ABOVE` rows more than counts, and folded then if they do."""

    def __init__(self) -> None:
        self._look_above: int | None = None  # the span past which the rows are counted

    def __call__(self, session: Session) -> bool:
        span = _span(session)
        if span <= (FOLD_ABOVE if self._look_above is None else self._look_above):
            return False
        folded = fold_if_piled(session)
        pending = 0 if folded else (session.scalar(select(func.count(ArchiveCount.id))) or 0) - _groups(session)
        self._look_above = _span(session) + max(FOLD_ABOVE - pending, 0)
        return folded


def _groups(session: Session) -> int:
    grouped = select(ArchiveCount.kind, ArchiveCount.key, ArchiveCount.sub).distinct().subquery()
    return session.scalar(select(func.count()).select_from(grouped)) or 0


FOLD_LOCK = 0x66_6F_6C_64  # PostgreSQL advisory lock of the fold, one transaction's at a time


def _fold(session: Session) -> bool:
    """One row a count; False when another transaction is folding (PostgreSQL: this one does not wait for
    it). The rows taken are the ones deleted (DELETE … RETURNING): rows of commits still running are not seen
    and stay."""
    if session.get_bind().dialect.name == "postgresql" and not session.scalar(
            text("SELECT pg_try_advisory_xact_lock(:lock)"), {"lock": FOLD_LOCK}):
        return False
    sums: dict[tuple[str, str, str], int] = defaultdict(int)
    for kind, key, sub, n in session.execute(delete(ArchiveCount).returning(ArchiveCount.kind, ArchiveCount.key,
                                                                            ArchiveCount.sub, ArchiveCount.n)):
        sums[(kind, key, sub)] += n
    rows = [{"kind": k, "key": key, "sub": sub, "n": n} for (k, key, sub), n in sums.items() if n]
    if rows:
        session.execute(insert(ArchiveCount), rows)
    return True

"""Engines and sessions. SQLite by default (WAL, foreign keys, one writer), PostgreSQL by URL."""

from __future__ import annotations

import contextlib
import functools
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc as sa_exc, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from finarchive.errors import ConfigurationError

# SQLite stores Numeric as text-ish REAL; our values have two places and are read back as Decimal.
warnings.filterwarnings("ignore", message=".*does \\*not\\* support Decimal objects natively.*")

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout (30 s, or the URL's own
    ``?timeout=`` in seconds): how long a write waits for another process's lock before it fails."""
    if url.startswith("sqlite"):
        own = "timeout" in make_url(url).query
        engine = create_engine(url, connect_args={"check_same_thread": False, **({} if own else {"timeout": 30})})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except (sa_exc.ArgumentError, ImportError) as exc:
        raise ConfigurationError(f"cannot use database URL {url!r}: {exc}") from exc


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration."""
    from alembic import command

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


_REVISION = re.compile(r"^(down_)?revision\s*=\s*['\"]?([\w-]+|None)['\"]?", re.MULTILINE)


@functools.lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration's revision, read from the migration files' own ``revision``/``down_revision``
    lines (the one no other file names as its parent); None when that cannot be told without Alembic."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = {bool(down): value for down, value in _REVISION.findall(path.read_text(encoding="utf-8"))}
        if False not in found:
            return None
        revisions.add(found[False])
        parents.add(found.get(True))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def is_current(engine: Engine) -> bool:
    """True when the database is at the newest migration: one small query, no Alembic imported (opening an
    archive at every command start would cost Alembic's import and its scripts, about 0.4 CPU-s)."""
    head = head_revision()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except sa_exc.DBAPIError:  # no version table yet
        return False
    return rows == [head]


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextlib.contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session

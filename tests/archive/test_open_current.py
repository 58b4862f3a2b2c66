"""Opening an archive whose database is at the newest migration asks one query, not Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text

from archive.db import MIGRATIONS, alembic_config, head_revision, is_current
from archive.store import Archive


def test_the_head_read_from_the_files_is_alembics() -> None:
    cfg = alembic_config("sqlite://")
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert head_revision() == ScriptDirectory.from_config(cfg).get_current_head()


def test_only_a_database_at_the_head_is_current(tmp_path: Path) -> None:
    archive = Archive.init(tmp_path / "home")
    assert is_current(archive.engine)
    with archive.engine.begin() as conn:  # as an archive of the previous version left it
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": "0001"})
    assert not is_current(archive.engine)
    with archive.engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    assert not is_current(archive.engine)

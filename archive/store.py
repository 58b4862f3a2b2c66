"""`Archive`: one archive's settings, database, blob store and search backend, opened together."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session, sessionmaker

from archive.blobs import BlobStore
from archive.config import CONFIG_NAME, Settings, default_config_text
from archive.db import current_revision, is_current, make_engine, make_sessionmaker, transaction, upgrade
from archive.routes import load_routes
from finarchive.errors import ConfigurationError


class Archive:
    """An opened archive. Use :meth:`init` once, then :meth:`open`."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings.database_url)
        self.sessions: sessionmaker[Session] = make_sessionmaker(self.engine)
        self.sessions.configure(info={"settings": settings})  # routes and notifications read them (archive.routes)
        self.blobs = BlobStore(settings.blob_dir)

    @classmethod
    def init(cls, home: str | Path | None = None, environ: dict[str, str] | None = None) -> Archive:
        """Create the folders and config (if missing) and migrate the database to the newest schema."""
        settings = Settings.load(home, environ)
        settings.home.mkdir(parents=True, exist_ok=True)
        config = settings.home / CONFIG_NAME
        if not config.exists():
            config.write_text(default_config_text(), encoding="utf-8")
            settings = Settings.load(settings.home, environ)
        for folder in (settings.blob_dir, settings.quarantine_dir, settings.models_dir):
            folder.mkdir(parents=True, exist_ok=True)
        load_routes(settings)  # a bad [[routes]] rule fails here, with its line
        archive = cls(settings)
        upgrade(archive.engine)
        return archive

    @classmethod
    def open(cls, home: str | Path | None = None, environ: dict[str, str] | None = None) -> Archive:
        """Open an initialised archive; a missing or outdated one is a ConfigurationError."""
        settings = Settings.load(home, environ)
        if not (settings.home / CONFIG_NAME).exists():
            raise ConfigurationError(
                f"no archive at {settings.home} (run `finarchive init` or set FINARCHIVE_HOME)"
            )
        load_routes(settings)  # a bad [[routes]] rule fails here, with its line
        archive = cls(settings)
        if is_current(archive.engine):
            return archive
        if current_revision(archive.engine) is None and not inspect(archive.engine).has_table("document"):
            raise ConfigurationError(f"the database of {settings.home} is not initialised (run `finarchive init`)")
        upgrade(archive.engine)
        return archive

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        with transaction(self.sessions) as session:
            yield session

    @cached_property
    def search(self):
        from search import make_backend

        options = dict(self.settings.search_options)
        return make_backend(options.pop("kind"), **options)

    def close(self) -> None:
        if "search" in self.__dict__:
            self.search.close()
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

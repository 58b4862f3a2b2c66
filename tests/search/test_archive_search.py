"""The archive's search settings: the backend a name chooses, refused names and settings, PostgreSQL full text."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.config import Settings
from archive.indexing import reindex
from archive.pipeline import Pipeline
from archive.search_service import run_search
from archive.store import Archive
from capture import SerialExecutor
from finarchive.errors import ConfigurationError
from search.fts import SqliteFtsBackend
from search.postgres import PostgresBackend
from search.tantivy_index import TantivyBackend
from tests.conftest import pg_database
from tests.factories import make_text_pdf


def test_the_default_is_the_embedded_tantivy_index_in_the_home_folder(tmp_path: Path) -> None:
    with Archive.init(tmp_path / "home", environ={}) as arc:
        assert isinstance(arc.search, TantivyBackend)
        assert arc.search.path == (tmp_path / "home" / "search-index").resolve()
    env = {"FINARCHIVE_SEARCH_BACKEND": "sqlite"}
    with Archive.open(tmp_path / "home", environ=env) as arc:
        assert isinstance(arc.search, SqliteFtsBackend)
        assert Path(arc.search.path) == (tmp_path / "home" / "search.db").resolve()


def test_the_postgresql_url_defaults_to_the_database_url(tmp_path: Path) -> None:
    url = "postgresql+psycopg://finarchive@127.0.0.1:5432/finarchive"
    env = {"FINARCHIVE_DATABASE_URL": url, "FINARCHIVE_SEARCH_BACKEND": "postgresql"}
    settings = Settings.load(tmp_path, environ=env)
    assert settings.search_options == {"kind": "postgresql", "url": url}
    other = "postgresql+psycopg://search@10.0.0.5/search"
    env = {"FINARCHIVE_SEARCH_BACKEND": "postgresql", "FINARCHIVE_SEARCH_URL": other}
    settings = Settings.load(tmp_path, environ=env)
    assert settings.search_options == {"kind": "postgresql", "url": other}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('[search]\nbackend = "solr"\n', "one of tantivy, sqlite, postgresql, elasticsearch, not 'solr'"),
        ('[search]\nbackend = "tantivy"\npaht = "x"\n', r"unknown setting \[search\] paht"),
        ('[serch]\nbackend = "tantivy"\n', r"unknown section \[serch\]"),
    ],
)
def test_an_unknown_backend_or_setting_stops_init_and_start_up(tmp_path: Path, config: str, message: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "finarchive.toml").write_text(config, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message):
        Archive.init(home, environ={})
    assert not (home / "finarchive.db").exists()  # refused before anything was made
    with pytest.raises(ConfigurationError, match=message):
        Archive.open(home, environ={})


def test_an_unknown_backend_from_the_environment_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="not 'whoosh'"):
        Archive.init(tmp_path / "home", environ={"FINARCHIVE_SEARCH_BACKEND": "whoosh"})


@pytest.mark.postgres
def test_an_archive_on_postgresql_finds_an_imported_document_by_a_stemmed_russian_word(
    tmp_path: Path, pg_server_url: str
) -> None:
    pdf = make_text_pdf(tmp_path / "torg12.pdf", [
        "ТОВАРНАЯ НАКЛАДНАЯ № 4521 от 14.03.2026",
        "Поставщик: ООО «Ромашка», ИНН 7707083893, КПП 773601001",
        "Молоко пастеризованное, кефир. Всего к оплате: 12 000,00 руб.",
    ])
    with pg_database(pg_server_url, "finarchive_search_archive") as url:
        env = {"FINARCHIVE_DATABASE_URL": url, "FINARCHIVE_SEARCH_BACKEND": "postgresql",
               "FINARCHIVE_OCR_WORKERS": "1"}
        with Archive.init(tmp_path / "home", environ=env) as arc:
            assert isinstance(arc.search, PostgresBackend)
            summary = Pipeline(arc, SerialExecutor(), actor="tester").import_paths([pdf], outlet_code="MSK-01")
            assert summary.archived == 1
            result = run_search(arc, "накладной ромашки", facets=True)
            assert [hit.title for hit in result.hits] == ["torg12.pdf"]
            assert "<mark>НАКЛАДНАЯ</mark>" in result.hits[0].snippet
            assert result.facets["outlet"] == {"MSK-01": 1}
            assert run_search(arc, "молока -кефир").total == 0
            assert reindex(arc) == 1
            assert run_search(arc, "поставщика").total == 1

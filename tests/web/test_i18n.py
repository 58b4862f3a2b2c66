"""Russian first, English too (issue 20): every text of the desk's pages is in the gettext catalogue and
translated; the language follows the user's setting, the login page's choice, Accept-Language, the archive's
default; numbers, money, dates and times follow the locale and the archive's time zone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.web.conftest import PASSWORD, Desk, _desk, form_token
from tests.web.test_pages import login
from web import _i18n

WEB = Path(__file__).resolve().parents[2] / "web"
TEMPLATES = WEB / "templates"
LOCALE = WEB / "locale"
JINJA = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
TRANSLATED_CALL = re.compile(r"""\b(?:_|gettext)\(\s*(['"]).*?\1|\bngettext\(\s*(['"]).*?\2\s*,\s*(['"]).*?\3""", re.S)
LITERAL = re.compile(r"""'([^']*)'|"([^"]*)\"""")
LETTER = re.compile(r"[A-Za-zА-Яа-яЁё]")
NOT_WORDS = {"finarchive", "PDF", "OR0000123 / TR000045"}  # the name, a format's name, barcode examples
SHOWN_ATTRIBUTES = {"placeholder", "title", "alt", "aria-label"}
EXAMPLE = re.compile(r"\d|@|://")  # a placeholder showing a value to type (MSK-01, an address, a URL) is no text


class _Visible(HTMLParser):
    """The text a template shows (outside <script>) and its shown attributes, Jinja taken out."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._script = tag == "script"
        self.found += [v for k, v in attrs if k in SHOWN_ATTRIBUTES and v
                       and not (k == "placeholder" and EXAMPLE.search(v))]

    def handle_endtag(self, tag: str) -> None:
        self._script = False

    def handle_data(self, data: str) -> None:
        if not self._script:
            self.found.append(data)


def _less_names(text: str) -> str:
    for name in NOT_WORDS:
        text = text.replace(name, "")
    return text


def _untranslated(source: str) -> list[str]:
    parser = _Visible()
    parser.feed(JINJA.sub(" ", source))
    texts = [t.strip() for t in parser.found if LETTER.search(_less_names(t))]
    for block in JINJA.findall(source):
        rest = TRANSLATED_CALL.sub(" ", block)
        for single, double in LITERAL.findall(rest):
            literal = single or double
            if LETTER.search(_less_names(literal)) and not re.fullmatch(r"[a-z_0-9.%]+", literal):
                texts.append(literal)
    return texts


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_no_template_shows_a_string_outside_the_catalogue(template: str) -> None:
    assert _untranslated((TEMPLATES / template).read_text(encoding="utf-8")) == []


def test_the_checker_finds_a_raw_string() -> None:
    assert _untranslated('<p>Nothing to review</p><input placeholder="value">{{ x or "unknown type" }}') == \
        ["Nothing to review", "value", "unknown type"]
    assert _untranslated('<p>{{ _("Nothing") }} ✓ {{ ngettext("a %(num)s", "b %(num)s", n) }}</p>') == []


def _key(value: str | Iterable[str] | None) -> str | tuple[str, ...]:
    return value if isinstance(value, str) else tuple(value or ())  # a plural's forms


def _catalogue(language: str):
    with open(LOCALE / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=language)


def test_every_message_of_the_desk_is_translated_into_russian_and_the_mo_files_are_fresh() -> None:
    method_map = [("web/**.py", "python"), ("web/templates/**.html", "jinja2")]
    options = {"web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    root = WEB.parent
    extracted = {m[2] if isinstance(m[2], str) else m[2][0]
                 for m in extract_from_dir(str(root), method_map=method_map, options_map=options, keywords=keywords)
                 if str(m[0]).startswith("web")}
    assert len(extracted) > 150
    for language in _i18n.LANGUAGES:
        catalogue = _catalogue(language)
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
        assert extracted - ids == set(), f"not in {language}'s catalogue: run make locale"
        with open(LOCALE / language / "LC_MESSAGES" / "messages.mo", "rb") as f:
            compiled = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
        translated = {_key(m.id): _key(m.string) for m in catalogue
                      if m.id and m.string and (isinstance(m.string, str) or all(m.string))}
        assert compiled == translated, \
            f"{language}'s .mo is stale: run make locale"
    russian = _catalogue("ru")
    untranslated = [m.id for m in russian if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    assert untranslated == []


# -- formats ---------------------------------------------------------------------------------------
def test_money_numbers_dates_and_times_by_the_locale() -> None:
    _i18n.use("ru", "Europe/Moscow")
    assert _i18n.money("136909.47").replace("\u00a0", " ") == "136 909,47 ₽"
    assert _i18n.when(dt.datetime(2026, 12, 1, 11, 36, 3)) == "01.12.2026 14:36"  # UTC 11:36 is 14:36 in Moscow
    assert _i18n.when("2026-12-01T11:36:03") == "01.12.2026 14:36"
    assert _i18n.when(dt.date(2026, 3, 14)) == "14.03.2026"
    assert _i18n.number("1234567").replace("\u00a0", " ") == "1 234 567"
    _i18n.use("en", "Asia/Yekaterinburg")
    assert _i18n.money("136909.47").endswith("136,909.47")
    assert _i18n.when(dt.datetime(2026, 12, 1, 11, 36)) == "12/1/26 4:36\u202fPM".replace("\u202f", " ") or \
        _i18n.when(dt.datetime(2026, 12, 1, 11, 36)).replace("\u202f", " ") == "12/1/26 4:36 PM"
    _i18n.use("ru", "Europe/Moscow")


def test_accept_language_is_read_by_its_weights() -> None:
    assert _i18n.negotiate("en-US,en;q=0.9,ru;q=0.8") == "en"
    assert _i18n.negotiate("de-DE, ru;q=0.5, en;q=0.4") == "ru"
    assert _i18n.negotiate("fr, de") is None
    assert _i18n.choose(None, None, "fr", "ru") == "ru"
    assert _i18n.choose("en", "ru", "ru", "ru") == "en"


# -- the language of a request ---------------------------------------------------------------------
@pytest.fixture
def desk(sqlite_desk: Desk) -> Desk:
    return sqlite_desk


def test_russian_by_default_english_when_the_browser_asks(desk: Desk) -> None:
    page = desk.client().get("/login").text
    assert '<html lang="ru">' in page and "Пароль" in page and "Password" not in page
    english = desk.client().get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert '<html lang="en">' in english and "Password" in english


def test_the_archive_default_language_from_the_settings(sqlite_archive, tmp_path) -> None:
    sqlite_archive.settings.values["web"] = {"language": "en"}
    d = _desk(sqlite_archive, tmp_path)
    try:
        assert "Password" in d.client().get("/login").text
        assert "Пароль" in d.client().get("/login", headers={"Accept-Language": "ru"}).text
    finally:
        d.app.state.uploads.close()


def test_the_user_s_setting_wins_and_is_kept(desk: Desk) -> None:
    client, _ = login(desk, "anna")
    assert "Проверка документов" in client.get("/review").text
    r = client.post("/language", data={"language": "en", "next": "/review?outlet=MSK-01"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review?outlet=MSK-01"
    assert "Verification desk" in client.get("/review", headers={"Accept-Language": "ru"}).text
    again, _ = login(desk, "anna")  # another browser: the setting is the user's
    assert "Verification desk" in again.get("/review").text
    js = again.get("/review").text
    assert "Enter saves it" in js  # the page's script messages too


def test_the_login_page_choice_lasts_through_the_login(desk: Desk) -> None:
    client = desk.client()
    token = form_token(client.get("/login").text)
    client.post("/language", data={"language": "en", "csrf_token": token, "next": "/login"})
    page = client.get("/login").text
    assert "Password" in page
    r = client.post("/login", data={"username": "boris", "password": PASSWORD, "csrf_token": form_token(page)},
                    follow_redirects=False)
    assert r.status_code == 303
    assert "documents" in client.get("/search").text


def test_pages_show_money_and_times_in_russian(desk: Desk) -> None:
    client, _ = login(desk, "boris")
    html = client.get("/search", params={"q": "Ромашка"}).text.replace("\u00a0", " ")
    assert "235 730,00 ₽" in html and "14.03.2026" in html
    queue = desk.client("anna").get("/review").text
    assert "14.03.2026 13:00" in queue  # created 10:00 UTC, shown in Moscow time
    errors = client.get("/documents/999999").text
    assert "Не найдено" in errors

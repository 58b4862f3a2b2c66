"""The desk's languages: gettext catalogues (``web/locale/<lang>/LC_MESSAGES/messages.po``, compiled to ``.mo``
by ``make locale``), the language of a request, and numbers, money, dates and times by its locale (Babel).

The language is the user's setting, else the one chosen on the login page, else the browser's
``Accept-Language``, else the archive's default (``[web] language``, ``ru``). Times are stored in UTC and shown
in the archive's time zone (``[web] timezone``, Europe/Moscow).
"""

from __future__ import annotations

import contextvars
import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

from finarchive.errors import ConfigurationError

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"
DEFAULT_TIMEZONE = "Europe/Moscow"
CURRENCY = "RUB"
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}

_language: contextvars.ContextVar[str] = contextvars.ContextVar("finarchive_language", default=DEFAULT_LANGUAGE)
_zone: contextvars.ContextVar[str] = contextvars.ContextVar("finarchive_timezone", default=DEFAULT_TIMEZONE)


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of ``language`` (English is the source language: its catalogue may be empty)."""
    found = Translations.load(str(LOCALE_DIR), [language], domain=DOMAIN)
    return found if isinstance(found, NullTranslations) else NullTranslations()


def use(language: str, timezone: str | None = None) -> None:
    """Make ``language`` (and ``timezone``) the current ones for what this request renders."""
    _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    if timezone:
        _zone.set(timezone)


def current() -> str:
    return _language.get()


def gettext(message: str, **values: Any) -> str:
    """``message`` in the current language, ``%(name)s`` filled from ``values``."""
    text = translations(_language.get()).gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
    text = translations(_language.get()).ngettext(singular, plural, n)
    return text % {"num": n, **values}


def N_(message: str) -> str:
    """The gettext convention: ``message`` marked for the catalogue, translated where it is shown."""
    return message


def check_settings(section: dict[str, Any]) -> tuple[str, str]:
    """``[web] language`` and ``[web] timezone``, checked."""
    language = str(section.get("language", DEFAULT_LANGUAGE))
    if language not in LANGUAGES:
        raise ConfigurationError(f"[web] language = {language!r}: one of {', '.join(LANGUAGES)}")
    zone = str(section.get("timezone", DEFAULT_TIMEZONE))
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError(f"[web] timezone = {zone!r}: not a time zone") from exc
    return language, zone


def negotiate(accept_language: str | None) -> str | None:
    """The first of our languages the browser's ``Accept-Language`` names, by its weights."""
    asked = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag:
            asked.append((-weight, i, tag.strip().lower()))
    for _, _, tag in sorted(asked):
        base = tag.split("-")[0]
        if base in LANGUAGES:
            return base
    return None


def choose(user_language: str | None, chosen: str | None, accept_language: str | None, default: str) -> str:
    """The user's setting, else the login page's choice, else the browser's, else the archive's default."""
    for language in (user_language, chosen, negotiate(accept_language)):
        if language in LANGUAGES:
            return str(language)
    return default


# -- formats ---------------------------------------------------------------------------------------
def _locale() -> Locale:
    return _locale_of(_language.get())


@cache
def _locale_of(language: str) -> Locale:
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LANGUAGE)


# A page lists many rows of the same few days and minutes: each is formatted once a language (Babel's
# formatting was a tenth of the originals desk's time)
@lru_cache(maxsize=8192)
def _short_date(day: dt.date, language: str) -> str:
    return format_date(day, "short", locale=_locale_of(language))


@lru_cache(maxsize=4096)
def _short_time(hour: int, minute: int, language: str) -> str:  # the short formats show no seconds
    return format_time(dt.time(hour, minute), "short", locale=_locale_of(language))


def money(value: Any, currency: str | None = None) -> str:
    """``136 909,47 ₽`` (ru), ``RUB 136,909.47`` (en); a value that is no amount as it is."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_currency(amount, currency or CURRENCY, locale=_locale())


def number(value: Any) -> str:
    if value in (None, ""):
        return ""
    try:
        return format_decimal(Decimal(str(value)), locale=_locale())
    except InvalidOperation:
        return str(value)


def _as_time(value: Any) -> dt.date | dt.datetime | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.datetime.fromisoformat(value) if "T" in value or " " in value else dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def when(value: Any) -> str:
    """A date as ``01.12.2026`` (ru), a time as ``01.12.2026 14:36`` in the archive's time zone (times are kept
    in UTC); ``12/1/26`` and ``12/1/26 2:36 PM`` in English. Anything else as it is."""
    moment = _as_time(value)
    if moment is None:
        return str(value or "")
    language = _language.get()
    if not isinstance(moment, dt.datetime):
        return _short_date(moment, language)
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    local = aware.astimezone(ZoneInfo(_zone.get()))
    return f"{_short_date(local.date(), language)} {_short_time(local.hour, local.minute, language)}"


def install(env: Any) -> None:
    """Jinja2's i18n extension with our gettext (``{% trans %}``, ``_()``), and the format filters."""
    env.add_extension("jinja2.ext.i18n")
    # newstyle: Jinja fills %(name)s itself (escaping the values), so these give the translation unfilled
    env.install_gettext_callables(gettext=lambda s: translations(_language.get()).gettext(s),
                                  ngettext=lambda s, p, n: translations(_language.get()).ngettext(s, p, n),
                                  newstyle=True)
    env.filters.update(money=money, number=number, when=when)
    env.globals.update(LANGUAGES=LANGUAGES, LANGUAGE_NAMES=LANGUAGE_NAMES, current_language=current)


__all__ = ["LANGUAGES", "N_", "choose", "gettext", "install", "money", "ngettext", "number", "use", "when"]

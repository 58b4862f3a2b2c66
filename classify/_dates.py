"""Dates as OCR misreads them on till slips: digits read as letters of their shape, separators read as
other marks, as a one or a seven, as spaces, or lost, a year's halves read apart, a month's name with a
capital read for another.

:func:`misread_date` reads one such date at the start of a text (after a date label); :func:`timed_dates`
finds them anywhere in a row when the time of day follows them, as a till prints its sale's date and
time together ("24/0512018 13:04"). Which letters stand for which digits comes from the shared look-alike
table (``classify/data/lookalikes.toml``: ``[digits]`` everywhere, ``[date_digits]`` inside a run of digits
only; ``[capitals]`` for a month's name, "JUM" for "JUN"). Every reading must be a valid day, month and
year of this century; where two readings differ the text is not read at all (the field is then left out,
not guessed).
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from classify._lookalikes import DATE_DIGITS, DIGIT_LETTERS, capitals_alike
from classify.normalise import ENGLISH_MONTHS

_MARK = r"[/.\-,:;'’‘`_]"  # a separator read as another mark
_AS_SLASH = "17"  # a slash read as a one or a seven (after the look-alike letters became digits)


@cache
def _letters() -> dict[str, str]:
    """A letter (or mark) read for a digit → the digit: the shared table's and the date-only ones."""
    out: dict[str, str] = {}
    for digit, letters in (*DIGIT_LETTERS.items(), *DATE_DIGITS.items()):
        for ch in letters:
            if not ch.isdigit() and ch not in "/.-,:;'":
                out.setdefault(ch, digit)
    return out


def _digitish() -> str:
    return "0-9" + re.escape("".join(_letters()))


@cache
def _candidate() -> re.Pattern[str]:
    d = f"[{_digitish()}]"
    # a run of digits, their look-alikes, separators and single spaces, from a digit to a digit
    return re.compile(rf"(?<![^\W_]){d}(?:{d}|{_MARK}|\s(?=\S)){{3,30}}{d}")


def _as_digits(text: str) -> str:
    table = _letters()
    return "".join(table.get(ch, ch) for ch in text)


def _valid(day: str, month: str, year: str) -> str | None:
    y = int(year) + (2000 if len(year) == 2 else 0)
    if not 2000 <= y <= 2099:
        return None
    try:
        return date(y, int(month), int(day)).isoformat()
    except ValueError:
        return None


_S = rf"\s?(?:{_MARK}\s?)+"  # one separator read as a mark, spaces about it
_YEAR = r"(2\s?0\s?\d\s?\d|\d\s?\d)"  # a space read inside it: "2 018", "20 18"
_PART = r"(\d\s?\d|\d)"  # a day or a month, a space read inside it: "1 3"
# readings of a run of digits and marks, surest first; each as day, month, year
_READINGS = (
    re.compile(rf"{_PART}{_S}{_PART}{_S}{_YEAR}"),  # marks, any of them: "24,05/2018", "24:05:2018"
    re.compile(rf"(\d{{1,2}})\s(\d{{1,2}})\s{_YEAR}"),  # spaces for both: "24 05 2018"
    re.compile(rf"(\d{{2}})[{_AS_SLASH}](\d{{2}}){_S}{_YEAR}"),  # the first read as 1 or 7: "24705/2018"
    re.compile(rf"(\d{{1,2}}){_S}(\d{{1,2}})[{_AS_SLASH}](20\d\d|\d\d)"),  # the second: "24/0512018", "24/05118"
    re.compile(rf"(\d{{2}})[{_AS_SLASH}](\d{{2}})[{_AS_SLASH}](20\d\d)"),  # both: "2410512018"
    re.compile(rf"(\d{{2}})\s?(\d{{2}}){_S}{_YEAR}"),  # the first lost: "2405/2018", "2405/18"
    re.compile(rf"(\d{{1,2}}){_S}(\d{{2}})\s?(20\d\d|\d\d)"),  # the second lost: "24/052018", "24/0518"
    re.compile(r"(\d{2})[ ]?(\d{2})[ ]?(20\d\d)"),  # both lost: "24052018"
)


_YEAR_FIRST = re.compile(r"(20\d\d)(\d\d)(\d\d)")  # a year, a month and a day run together, no day first reads


def _read(run: str) -> tuple[str, int] | None:
    """The date a whole run reads as, and how many readings agree; None when none or two differ."""
    digits = _as_digits(run)
    if re.match(rf"\d\s{_MARK}", digits):
        return None  # «1 -06-2018»: a day of one digit, a space before its mark: its other digit was lost
    found: set[str] = set()
    for n, pattern in enumerate(_READINGS):
        m = pattern.fullmatch(digits)
        if not m:
            continue
        day, month, year = (g.replace(" ", "") for g in m.groups())
        iso = _valid(day, month, year)
        if iso:
            found.add(iso)
            if n < 2:  # marks where separators stand: the surest reading, the others not tried
                break
    if not found and (m := _YEAR_FIRST.fullmatch(digits)):  # "20190314": the year first, no separator
        iso = _valid(m.group(3), m.group(2), m.group(1))
        if iso:
            found.add(iso)
    return (next(iter(found)), len(found)) if len(found) == 1 else None


def _runs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _candidate().finditer(text)]


def _date_in(text: str, start: int, end: int) -> tuple[str, int, int] | None:
    """The date of the run ``text[start:end]``, or of the run less a time or a number after a space."""
    run = text[start:end]
    got = _read(run)
    if got:
        return got[0], start, end
    for cut in (m.start() for m in re.finditer(r"\s", run)):  # "24/0512018 13" — the time's hour joined
        got = _read(run[:cut].rstrip())
        if got:
            return got[0], start, start + cut
    return None


@cache
def _month_run() -> re.Pattern[str]:
    d = f"[{_digitish()}]"
    # a day, a month's name of three letters (and the rest of it), a year; the marks between them misread
    return re.compile(rf"(?<![^\W_])({d}{{1,2}})\s?{_MARK}?\s?([A-Za-z0-9|]{{3}})[A-Za-z]{{0,6}}\.?\s?{_MARK}?\s?"
                      rf"({d}{{4}}|{d}{{2}})(?![^\W_])")


def _month_of(word: str) -> int | None:
    """The month a three-letter name read with capitals' look-alikes is, when it is one only; else the one month
    whose name it is with one letter read as any other («DEG», «M4Y»), when no other month's is."""
    if sum(ch.isalpha() for ch in word) < 2:
        return None
    months = {n for stem, n in ENGLISH_MONTHS.items() if capitals_alike(word, stem)}
    if not months:
        months = {n for stem, n in ENGLISH_MONTHS.items()
                  if sum(a != b for a, b in zip(word.upper(), stem, strict=True)) == 1}
    return months.pop() if len(months) == 1 else None


def _named(m: re.Match[str]) -> tuple[str, int, int] | None:
    if len(m.group(1)) == 1 and re.search(r"(?<![^\s(])\d\s$", m.string[:m.start()]):
        return None  # «1 2 Jun 2018»: the 12th with a space read inside its day, or the 2nd: not known
    day, year = _as_digits(m.group(1)), _as_digits(m.group(3))
    month = _month_of(m.group(2))
    if month is None or not (day.isdigit() and year.isdigit()):
        return None
    iso = _valid(day, str(month), year)
    return (iso, m.start(), m.end()) if iso else None


def misread_date(text: str) -> tuple[str, int, int] | None:
    """A misread date at the start of ``text`` (after a date label and a few marks), as
    ``(iso, start, end)``; None when there is none or it reads two ways."""
    m = re.match(r"\W{0,3}", text)
    lead = m.end() if m else 0
    for start, end in _runs(text):
        if start > lead:
            break
        if start == lead and (got := _date_in(text, start, end)):
            return got
    named = _month_run().match(text, lead)
    return _named(named) if named else None


# the time of day as a till prints it after its date
TIME_AFTER = re.compile(r"\s*[,|]?\s*\d{1,2}\s?[:.;]\s?\d{2}(?:\s?[:.;]\s?\d{2})?\s*(?:[ap]\.?m\b)?", re.IGNORECASE)


def timed_dates(text: str) -> list[tuple[str, int, int]]:
    """Misread dates anywhere in ``text`` with the time of day after them ("2405/2018 13:04"); a run
    whose parts read as two dates before the time ("1 3/05/2024": the 13th or the 3rd) gives none."""
    out = []
    for start, end in _runs(text):
        starts = [start] + [start + m.end() for m in re.finditer(r"\s", text[start:end])]
        readings = {got for s in starts if (got := _date_in(text, s, end)) and TIME_AFTER.match(text, got[2])}
        if len({iso for iso, _, _ in readings}) == 1:
            out.append(min(readings, key=lambda r: r[1]))
    for m in _month_run().finditer(text):  # "04 JUM 2018 18:28", "O4-N0V-18 9:05"
        if (got := _named(m)) and TIME_AFTER.match(text, got[2]) and all(got[1] >= e or got[2] <= s for _, s, e in out):
            out.append(got)
    return sorted(out, key=lambda r: r[1])


_TIME_FIRST = re.compile(r"\W*\d{1,2}\s?[:.]\s?\d{2}(?:\s?[:.]\s?\d{2})?\s*(?:[AaPp]\.?[Mm]\b)?")


def lone_date(text: str) -> tuple[str, int, int] | None:
    """A misread date that is the whole of its row but for marks about it ("15-0718"), or that ends a row
    beginning with the time of day ("05:03PM 4471 15-0718"), as till slips print their date; its month also
    a name read with its look-alikes ("19 NAR 2018")."""
    m = re.fullmatch(r"\W*(.*?)\W*", text)
    if not m or not m.group(1):
        return None
    start, end = m.span(1)
    timed = _TIME_FIRST.match(text)
    runs = [r for r in _runs(text) if r[1] == end and (r[0] == start or (timed and r[0] >= timed.end()))]
    if not runs:
        # a month's name read with its look-alikes: «19 NAR 2018» alone, or after the time («09:06PM 5695 19 NAR 2018»)
        named = [hit for m in _month_run().finditer(text) if (hit := _named(m)) and hit[2] == end
                 and (hit[1] == start or (timed and hit[1] >= timed.end()))]
        return named[-1] if len(named) == 1 else None
    run_start = runs[0][0]
    starts = [run_start] + ([run_start + g.end() for g in re.finditer(r"\s", text[run_start:end])] if timed else [])
    readings = {(got[0], s) for s in starts if (got := _read(text[s:end]))}
    if len({iso for iso, _ in readings}) != 1:
        return None
    iso, s = min(readings, key=lambda r: r[1])
    return iso, s, end

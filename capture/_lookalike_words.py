"""Words put right at text level where OCR took a letter for its look-alike of the other script or for a digit.

Blurred or small print (a phone photo at 80-120 dpi) is read letter by letter with tesseract's rus+eng models
side by side, and a letter of one shape comes out in either script: «Мoсква» with a Latin o, «KПП» with a
Latin K, «000 «Липа»» with zeros for the legal form's letters. The words are put right by their own
evidence only:

- a run of letters mixing Latin and Cyrillic takes one script (``classify/_lookalikes.one_script``: the
  script of its letters that have no twin, else the script most of them are in);
- a word of Cyrillic letters holding the digits Cyrillic letters are read for (0 for О, 3 for З), and no other
  digit nor one at its end, has them as letters («Т0ВАР»; «стр3» is a house number glued to its word);
- a word before a quoted Cyrillic name that, read as Cyrillic letters, is a Russian legal form («000», «OOO»,
  «AO» before «Липа») is that legal form;
- a code headed by a 3 and capitals, before its hyphen and its digits, is headed by letters: the 3 is the З
  it was read for, and the heading takes one script, Cyrillic («3К-004521», «3K-1290» for ЗК-…); a heading
  with a letter that has no Cyrillic twin («3D-1200», «3G-24»), or with no letter, is left; so is its hyphen
  read as a stop before five digits or more («3К.001115»);
- a dollar sign between two letters is the S it was read for («М$К-204»: then the word takes one script, MSK-204);
  a currency sign stands before or after a number, never inside a word;
- in a line of an address (one holding a postcode, six digits before a comma, or a town's «г.» before its name)
  the marks of its parts read for their look-alikes in blurred print are those marks: a house's «д.» read as
  «a.», «А.» or «a» before the house's number («, a. 35», «, a72»), the street's «ул.» read with its «л» as
  «а», «х» or «п» («ya. Вайнера», «ух. Новый»), a «пр-т» with its «п» as another letter («ар-т»), and a
  part's stop read as a comma or an underscore, or lost, before what it marks («г, Казань», «д, 16», «д_28»,
  «г Казань»).

The look-alike table (``classify/data/lookalikes.toml``) and the legal forms (``classify/data/parties.ru.json``)
are the ones every parser reads. Digits standing alone, Latin words and codes mixing letters with other digits
are left as read.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from capture.types import OcrWord

_LETTERS = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_OPENING_QUOTES = "«„\"“"
# A Cyrillic word holding these digits (and no other) was read with digits for its letters.
_LETTER_DIGITS = "03"
_WORD_WITH_DIGITS = re.compile(r"[^\W_]+")
# A code headed by a 3 and one or two capitals (a 0 among them too), a hyphen and three digits or more
# («3К-004521»); a capital before the 3 («A3-500», «М3-20») is a size or a model's name, and is left.
_CODE_HEAD = re.compile(r"(?<![^\W_])(3[0A-ZА-ЯЁ]{1,2})(?=-[0-9]{3,})")
# The same heading with its hyphen read as a stop before five digits or more («3К.001115»): a 1C number's.
_CODE_HEAD_STOP = re.compile(r"(?<![^\W_])(3[0A-ZА-ЯЁ]{1,2})\.(?=[0-9]{5,}(?![^\W_]))")
# The digit that only a Cyrillic capital looks like (Latin has no З): a code's heading holding it is Cyrillic.
_CYRILLIC_ONLY_DIGIT = "3"
_DOLLAR_IN_WORD = re.compile(r"(?<=[^\W\d_])\$(?=[^\W\d_])")  # «М$К»: an S between letters


def load_tables() -> None:
    """Read the tables now (the pool's fork server does, capture/engines/warm.py, so that no worker imports
    classify on its first page: about 0.25 CPU-s a process)."""
    from classify import _lookalikes  # noqa: F401  # imported for its table

    _legal_forms()


@cache
def _legal_forms() -> frozenset[str]:
    """The Russian legal forms written as one word of capitals (ООО, АО, ИП)."""
    from classify.partywords import party_words  # classify is imported by the first page that needs it

    return frozenset(f for f in party_words(("ru",)).legal_forms if f.isalpha() and f.isupper())


def fix_lookalike_words(words: tuple[OcrWord, ...]) -> tuple[OcrWord, ...]:
    """``words`` with the look-alikes of the module's rules put right; the words' boxes and lines are kept."""
    if not words:
        return words
    fixed = [_one_word(w.text) for w in words]
    for i, word in enumerate(words[:-1]):
        after = words[i + 1]
        if (after.block, after.line) != (word.block, word.line):
            continue
        form = _legal_form(fixed[i], fixed[i + 1])
        if form is not None:
            fixed[i] = form
    _fix_address_marks(words, fixed)
    if all(w.text == text for w, text in zip(words, fixed, strict=True)):
        return words
    return tuple(w if w.text == text else replace(w, text=text) for w, text in zip(words, fixed, strict=True))


def _one_word(text: str) -> str:
    from classify import _lookalikes as lookalikes

    if "$" in text:
        text = _DOLLAR_IN_WORD.sub("S", text)
    if _CYRILLIC.search(text) and _LATIN.search(text):
        text = _LETTERS.sub(lambda m: lookalikes.one_script(m.group()), text)
    if _CYRILLIC_ONLY_DIGIT in text and "-" in text:
        text = _CODE_HEAD.sub(lambda m: _code_head(m.group()), text)
    if _CYRILLIC_ONLY_DIGIT in text and "." in text:
        text = _CODE_HEAD_STOP.sub(lambda m: _code_head_stop(m.group(1), m.group()), text)
    if any(d in text for d in _LETTER_DIGITS) and _CYRILLIC.search(text):
        text = _WORD_WITH_DIGITS.sub(lambda m: _digits_as_letters(m.group()), text)
    return text


def _digits_as_letters(token: str) -> str:
    from classify import _lookalikes as lookalikes

    letters = token.translate({ord(d): None for d in _LETTER_DIGITS})
    if len(letters) < 2 or not letters.isalpha() or _LATIN.search(letters) or letters == token or token[-1].isdigit():
        return token  # a number glued to a word («стр3», «кв30») ends in its digits
    lower = letters.islower() or (letters[:1].isupper() and letters[1:].islower())
    # a word's first letter is a capital; Cyrillic has a look-alike of every digit in _LETTER_DIGITS
    return "".join(lookalikes.letter_for(ch, cyrillic=True, lower=lower and i > 0) or ch if ch in _LETTER_DIGITS
                   else ch for i, ch in enumerate(token))


def _code_head(head: str) -> str:
    """A code's heading capitals as letters: the 3 read for З, its Latin twins of Cyrillic capitals Cyrillic."""
    from classify import _lookalikes as lookalikes

    if not any(ch.isalpha() for ch in head):
        return head
    letters = lookalikes.to_cyrillic("".join(ch for ch in head if ch.isalpha()))
    if _LATIN.search(letters) or any(ch.isdigit() and ch not in _LETTER_DIGITS for ch in head):
        return head  # a letter with no Cyrillic twin, or another digit: a code of its own kind
    return "".join(lookalikes.letter_for(ch, cyrillic=True, lower=False) or ch if ch.isdigit()
                   else lookalikes.to_cyrillic(ch) for ch in head)


def _code_head_stop(head: str, read: str) -> str:
    """A code's heading read with a stop for its hyphen: the heading as letters and the hyphen, when it is one."""
    letters = _code_head(head)
    return read if letters == head else letters + "-"


def _legal_form(word: str, after: str) -> str | None:
    """The legal form ``word`` is read for when the next word opens a quoted Cyrillic name, else ``None``."""
    from classify import _lookalikes as lookalikes

    forms = _legal_forms()
    if not after or after[0] not in _OPENING_QUOTES or not _CYRILLIC.search(after):
        return None
    if word.upper() in forms:
        return None
    as_letters = lookalikes.to_cyrillic(word)
    as_letters = "".join(lookalikes.letter_for(ch, cyrillic=True, lower=False) or ch if ch.isdigit() else ch
                         for ch in as_letters)
    return as_letters.upper() if as_letters.upper() in forms and as_letters.isupper() else None


# An address's line: a postcode (six digits, a comma after them) or a town's «г.» before a capitalised name.
_POSTCODE = re.compile(r"\d{6},")
_TOWN = re.compile(r"[гГ][.,]")
_STREET_MARK = re.compile(r"(?:ул\.|пр-т,?|пер\.|просп\.)")
_CAPITALISED = re.compile(r"[«\"]?[А-ЯЁ][а-яё]")
# A part's mark with its stop read as a comma or an underscore (or lost), before what it marks: a number (house,
# building, office) or a capitalised name (town, street).
_MARK_BEFORE_NUMBER = re.compile(r"(д|стр|корп|кв|оф)(?:[,_](\d*[,.]?)|())")
_MARK_BEFORE_NAME = re.compile(r"([гГ]|ул|пер)[,_]|([гГ])")
# The house's «д» read as a Latin or Cyrillic «a»/«А» (blurred, its descenders lost), with its stop or without,
# the house's number after it in the word or in the next.
_HOUSE = re.compile(r"[aаAА][._]?(\d{1,4}[а-я]?[,.]?)?")
# The street's «ул.» with its «л» read as «а», «х» or «п» (Latin or Cyrillic), its «у» as a Latin y.
_STREET = re.compile(r"[уy][аaхxпn]\.")
_AVENUE = re.compile(r"[а-яa-z]р-т([.,]?)")


def _fix_address_marks(words: tuple[OcrWord, ...], fixed: list[str]) -> None:
    """The marks of an address's parts put right in ``fixed`` (the words' texts so far), line by line: lines of an
    address, and a line after one that ends in a comma (the address wrapped)."""
    lines: dict[tuple[int, int], list[int]] = {}
    for i, word in enumerate(words):
        lines.setdefault((word.block, word.line), []).append(i)
    wrapped = False
    for indices in lines.values():
        address = wrapped or any(_POSTCODE.fullmatch(fixed[i]) or _STREET_MARK.fullmatch(fixed[i])
                                 or (_TOWN.fullmatch(fixed[i]) and k + 1 < len(indices)
                                     and _CAPITALISED.match(fixed[indices[k + 1]])) for k, i in enumerate(indices))
        wrapped = address and fixed[indices[-1]].endswith(",")
        if not address:
            continue
        for k, i in enumerate(indices):
            after = fixed[i + 1] if i + 1 < len(fixed) else ""  # the next word, on this line or the next
            before = fixed[indices[k - 1]] if k else fixed[i - 1] if i else ""
            fixed[i] = _address_mark(fixed[i], before, after)


def _address_mark(text: str, before: str, after: str) -> str:
    number_after = after[:1].isdigit()
    name_after = _CAPITALISED.match(after) is not None
    mark = _MARK_BEFORE_NUMBER.fullmatch(text)
    if mark and (mark.group(2) or number_after):
        return f"{mark.group(1)}.{mark.group(2) or ''}"
    name = _MARK_BEFORE_NAME.fullmatch(text)
    # after a name («Москва г, ул. …») the type follows its town, and the comma after it is as printed
    if name and name_after and not (before[-1:].isalpha() and _CAPITALISED.match(before)):
        return (name.group(1) or name.group(2)) + "."
    house = _HOUSE.fullmatch(text)
    if house and before.endswith(",") and (house.group(1) or number_after):
        return "д." + (house.group(1) or "")
    if _STREET.fullmatch(text) and name_after:
        return "ул."
    avenue = _AVENUE.fullmatch(text)
    if avenue and text[0] != "п":
        return "пр-т" + avenue.group(1)
    return text

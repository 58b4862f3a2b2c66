"""Field labels as locale data: ``data/labels.<lang>.toml`` for each language our users' documents are
in, read once. ``labels(group)`` gives a field's labels in every language; ``words(group)`` the role
words printed before a party as one alternation; tokens (``<no>``) are every language's together."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classify._lookalikes import alike, faded

LANGUAGES = ("ru", "en")
_DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Label:
    pattern: str  # over folded text; the value is looked for after the match
    priority: float = 1.0
    below: bool = False  # the value may stand under the label
    last: bool = False  # take the last row that matches (totals at the bottom)


def _read(lang: str) -> dict[str, Any]:
    return tomllib.loads((_DATA / f"labels.{lang}.toml").read_text(encoding="utf-8"))


_TABLES = {lang: _read(lang) for lang in LANGUAGES}
TOKENS: dict[str, str] = {
    name: "|".join(t["tokens"][name] for t in _TABLES.values() if name in t.get("tokens", {}))
    for name in sorted({n for t in _TABLES.values() for n in t.get("tokens", {})})
}


def _expand(pattern: str) -> str:
    """``pattern`` with its tokens (``<no>``) put in, each ``<faded:word>`` as the word read off a faint print
    (classify/_lookalikes.py ``faded``) and each ``<alike:word>`` with its capitals read as their look-alikes."""
    pattern = re.sub(r"<faded:(\w+)>", lambda m: faded(m.group(1)), pattern)
    pattern = re.sub(r"<alike:(\w+)>", lambda m: alike(m.group(1)), pattern)
    return re.sub(r"<(\w+)>", lambda m: TOKENS[m.group(1)] if m.group(1) in TOKENS else m.group(), pattern)


def labels(group: str) -> tuple[Label, ...]:
    """The labels of ``group`` (a field, or a kind of amount such as ``tendered``) in every language."""
    out = []
    for table in _TABLES.values():
        for entry in table.get(group, ()):
            pattern = any_hyphen(_expand(entry["pattern"]))
            re.compile(pattern)
            out.append(Label(pattern, float(entry.get("priority", 1.0)), bool(entry.get("below", False)),
                             bool(entry.get("last", False))))
    if not out:
        raise KeyError(f"no labels for {group!r} in classify/data/labels.*.toml")
    return tuple(out)


def token(name: str) -> str:
    """A token of every language as one group: ``token("inn")`` → ``(?:инн|…|inn)``."""
    return f"(?:{TOKENS[name]})"


def words(group: str) -> str:
    """The role words of ``group`` (``seller``, ``buyer``, ``other``) in every language, as one group."""
    found = [w for t in _TABLES.values() for w in t.get("roles", {}).get(group, ())]
    return "(?:" + "|".join(found) + ")"


MISREAD_FROM = 8  # a word of this many letters or more is still itself with one letter misread


# a compound word's hyphen as documents print it («Счет-фактура», «СЧЕТ - ФАКТУРА», «Счет–фактура», «Счет фактура»)
# and as OCR reads it («Счёт. фактура», «Счет_оферта», «СЧЕТ, ДОГОВОР»)
HYPHEN = r"(?:\s?[-\u2010\u2011\u2012\u2013\u2014.,_~:;]\s?|\s)"
# a hyphen between two letters in a pattern's source («счет[- ]?фактур», «сдачи-приемки»); a class kept whole
_SOURCE_HYPHEN = re.compile(r"\\.|\[- \]\??|\[(?:\\.|[^\]\\])*\]|-\??")


def any_hyphen(pattern: str) -> str:
    """``pattern`` with each hyphen between two letters (``-`` or ``[- ]``, optional or not) matching any
    dash, spaced or not, or a space (:data:`HYPHEN`): how a title's compound word is printed is no part of it."""
    def hyphen(m: re.Match[str]) -> str:
        before, after = pattern[m.start() - 1:m.start()], pattern[m.end():m.end() + 1]
        if m.group()[0] == "\\" or (m.group()[0] == "[" and not m.group().startswith("[- ]")):
            return m.group()
        if not (before.isalpha() and after.isalpha()):
            return m.group()
        return HYPHEN + ("?" if m.group().endswith("?") else "")
    return _SOURCE_HYPHEN.sub(hyphen, pattern)


def misread_once(pattern: str) -> str:
    """``pattern`` with each literal word of :data:`MISREAD_FROM` letters or more also matching with any
    one of its letters read as another («Поставщих», «Пожупатель»): OCR's commonest error in a label,
    and at that length no other word of a document reads so."""
    def variants(m: re.Match[str]) -> str:
        word = m.group()
        return "(?:" + "|".join(word[:i] + r"[^\W\d_]" + word[i + 1:] for i in range(len(word))) + ")"
    return re.sub(rf"(?<![\\\[{{])[^\W\d_]{{{MISREAD_FROM},}}", variants, pattern)


def either(group: str) -> str:
    """The patterns of ``group``'s labels as one alternation (to test a row for any of them)."""
    return "|".join(f"(?:{label.pattern})" for label in labels(group))

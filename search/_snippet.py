"""Snippets: a window of the original text around the best matches, HTML-escaped, matches in <mark>."""

from __future__ import annotations

import html
from collections.abc import Sequence

from search.stemming import Token, iter_tokens

WINDOW = 30  # words in a snippet


def _matches(term: str, whole: frozenset[str], prefixes: Sequence[str]) -> bool:
    return term in whole or any(term.startswith(p) for p in prefixes)


def best_window(flags: Sequence[str | None], size: int = WINDOW) -> tuple[int, int]:
    """Start and end of the ``size``-token window with the most distinct matched terms (then most matches)."""
    if len(flags) <= size:
        return 0, len(flags)
    best, best_score = 0, (-1, -1)
    counts: dict[str, int] = {}
    hits = 0
    for i, flag in enumerate(flags):
        if flag is not None:
            counts[flag] = counts.get(flag, 0) + 1
            hits += 1
        if i >= size:
            old = flags[i - size]
            if old is not None:
                counts[old] -= 1
                hits -= 1
                if not counts[old]:
                    del counts[old]
        if i >= size - 1:
            score = (len(counts), hits)
            if score > best_score:
                best, best_score = i - size + 1, score
    # start a little before the first match so it has some context
    first = next((j for j in range(best, best + size) if flags[j] is not None), best)
    start = max(0, min(best, first - 3))
    return start, min(len(flags), start + size)


def make_snippet(
    text: str, whole: Sequence[str], prefixes: Sequence[str] = (), size: int = WINDOW
) -> tuple[str, bool]:
    """An HTML snippet of ``text`` and whether it contains a match.

    ``whole`` are index terms to mark, ``prefixes`` term prefixes; both are compared with the terms of
    the original words, so ``накладной`` marks the word ``НАКЛАДНАЯ`` as it is written.
    """
    tokens: list[Token] = list(iter_tokens(text))
    if not tokens:
        return html.escape(" ".join(text.split()[:size])), False
    whole_set = frozenset(whole)
    flags = [token.term if _matches(token.term, whole_set, prefixes) else None for token in tokens]
    start, end = best_window(flags, size)
    parts: list[str] = ["… "] if start > 0 else []
    position = tokens[start].start
    for token, flag in zip(tokens[start:end], flags[start:end], strict=True):
        parts.append(html.escape(text[position : token.start]))
        word = html.escape(text[token.start : token.end])
        parts.append(f"<mark>{word}</mark>" if flag is not None else word)
        position = token.end
    if end < len(tokens):
        parts.append(" …")
    snippet = " ".join("".join(parts).split())
    return snippet, any(flag is not None for flag in flags[start:end])

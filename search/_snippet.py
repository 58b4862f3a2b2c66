"""Snippets: a window of the original text around the best matches, HTML-escaped, matches in <mark>."""

from __future__ import annotations

import html
from collections.abc import Sequence

from search.stemming import piece_tokens

WINDOW = 30  # words in a snippet
CONTEXT = 3  # words shown before the first match of the window


def best_window(flags: Sequence[str | None], size: int = WINDOW) -> tuple[int, int]:
    """Start and end of the ``size``-token window with the most distinct matched terms (then most matches).

    Only windows that begin at a match are scored (another window holds no more matches than the one
    beginning at its first match); the window then starts a few tokens earlier, for context.
    """
    if len(flags) <= size:
        return 0, len(flags)
    hits = [i for i, flag in enumerate(flags) if flag is not None]
    if not hits:
        return 0, size
    best, best_score = hits[0], (-1, -1)
    for n, first in enumerate(hits):
        inside = [flags[i] for i in hits[n:] if i < first + size]
        score = (len(set(inside)), len(inside))
        if score > best_score:
            best, best_score = first, score
    start = max(0, best - CONTEXT)
    return start, min(len(flags), start + size)


def make_snippet(
    text: str, whole: Sequence[str], prefixes: Sequence[str] = (), size: int = WINDOW
) -> tuple[str, bool]:
    """An HTML snippet of ``text`` and whether it contains a match.

    ``whole`` are index terms to mark, ``prefixes`` term prefixes; both are compared with the terms of
    the original words, so ``накладной`` marks the word ``НАКЛАДНАЯ`` as it is written. Text between
    the words keeps its punctuation; runs of whitespace become one space.
    """
    pieces = text.split()
    tokens = [(n, start, end, term) for n, piece in enumerate(pieces) for start, end, term in piece_tokens(piece)]
    if not tokens:
        return html.escape(" ".join(pieces[:size])), False
    whole_set = frozenset(whole)
    starts = tuple(prefixes)
    flags = [
        term if term in whole_set or (starts and term.startswith(starts)) else None for _, _, _, term in tokens
    ]
    first, last = best_window(flags, size)
    parts: list[str] = ["… "] if first > 0 else []
    at_piece, at = tokens[first][0], tokens[first][1]
    for (n, start, end, _), flag in zip(tokens[first:last], flags[first:last], strict=True):
        if n != at_piece:  # the rest of the previous piece, the pieces without tokens, the head of this one
            between = [pieces[at_piece][at:], *pieces[at_piece + 1 : n], pieces[n][:start]]
            parts.append(html.escape(" ".join(between)))
        else:
            parts.append(html.escape(pieces[n][at:start]))
        word = html.escape(pieces[n][start:end])
        parts.append(f"<mark>{word}</mark>" if flag is not None else word)
        at_piece, at = n, end
    if last < len(tokens):
        parts.append(" …")
    snippet = " ".join("".join(parts).split())
    return snippet, any(flag is not None for flag in flags[first:last])


def first_snippet(texts: Sequence[str], whole: Sequence[str], prefixes: Sequence[str] = ()) -> str:
    """The snippet of the first of ``texts`` (body, extracted fields, title) with a match, else of the first."""
    snippet = ""
    for source in texts:
        candidate, matched = make_snippet(source, whole, prefixes)
        if matched:
            return candidate
        snippet = snippet or candidate
        if snippet and not whole and not prefixes:  # nothing to mark (filters alone): the later texts cannot
            return snippet
    return snippet

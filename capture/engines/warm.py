"""Imported by the pool's fork server (finarchive/forkserver.py ``PRELOAD``): tesseract's models for the languages
named in ``FINARCHIVE_WARM_LANGUAGES`` (``rus+eng``; several sets separated by commas) are loaded once, there,
and every worker forked from it starts with them loaded, instead of each loading them (about 0.15 CPU-s a
set) on its first page. Nothing is loaded when the variable is unset or tesserocr is not installed. The look-alike
tables the reading's last step puts words right by are read here too."""

from __future__ import annotations

import os

from capture import tesseract
from capture._lookalike_words import load_tables
from finarchive.forkserver import WARM_LANGUAGES_ENV



def warm(sets: str) -> list[str]:
    """Load the page engine of each language set in ``sets``; the sets loaded (those tesseract has data for)."""
    loaded = []
    for languages in (s.strip() for s in sets.split(",")):
        if not languages or not tesseract.in_process():
            continue
        try:
            tesseract.check_languages(languages)
            tesseract.page_api(languages)
        except Exception:  # a worker meets the same error on its first page, and reports it there
            continue
        loaded.append(languages)
    return loaded


warm(os.environ.get(WARM_LANGUAGES_ENV, ""))
load_tables()

"""Retraining the classifier from what accountants verified."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

import classify
from archive.models import Document, DocumentStatus
from finarchive.errors import InvalidInputError


def train_from_verified(arc, *, min_docs: int = 20) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Train on the text and confirmed type of every verified document; replace the model atomically."""
    texts: list[str] = []
    labels: list[str] = []
    with arc.sessions() as session:
        docs = session.scalars(
            select(Document).options(selectinload(Document.pages))
            .where(Document.status == DocumentStatus.VERIFIED, Document.doc_type.is_not(None))
        )
        for doc in docs:
            texts.append(doc.text)
            labels.append(doc.doc_type)
    kinds = sorted(set(labels))
    if len(texts) < min_docs or len(kinds) < 2:
        raise InvalidInputError(
            f"need at least {min_docs} verified documents of at least 2 types to train; have {len(texts)} "
            f"of {len(kinds)} type(s)"
        )
    path = arc.settings.models_dir / classify.MODEL_FILENAME
    path.parent.mkdir(parents=True, exist_ok=True)
    classify.train_classifier(texts, labels, path)
    return {"documents": len(texts), "types": kinds, "path": str(path)}

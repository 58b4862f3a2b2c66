"""`finarchive train`: the learned models rebuilt from what accountants verified.

Two models learn from verified documents: the supplier memory (archive/learning.py, in the database,
one lesson per document) and the document-type classifier (a file with a format version, replaced
atomically). Both are rebuilt from scratch here, so a model or a lesson of an older format is replaced.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

import classify
from archive.learning import rebuild
from archive.models import Document, DocumentStatus
from classify.exceptions import ModelError


def train_from_verified(arc, *, min_docs: int = 20) -> dict[str, Any]:
    """Rebuild the supplier memory; retrain the classifier when there are enough verified documents."""
    with arc.transaction() as session:
        memory = rebuild(session)
    return {"memory": memory, "classifier": train_classifier(arc, min_docs=min_docs)}


def train_classifier(arc, *, min_docs: int = 20) -> dict[str, Any]:
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
        return {"skipped": f"нужно не меньше {min_docs} подтверждённых документов двух типов, есть {len(texts)} "
                           f"({len(kinds)} тип.) / need at least {min_docs} verified documents of at least 2 types; "
                           f"have {len(texts)} of {len(kinds)} type(s)", "documents": len(texts), "types": kinds}
    path = arc.settings.models_dir / classify.MODEL_FILENAME
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        classify.train_classifier(texts, labels, path)
    except ModelError as exc:
        return {"skipped": str(exc), "documents": len(texts), "types": kinds}
    return {"documents": len(texts), "types": kinds, "path": str(path)}

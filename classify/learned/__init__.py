"""classify.learned: the supplier memory, taught by verified documents.

``lesson_from(pages, doc_type, values, document_id=...)`` is what one verified document teaches: its
supplier (seller INN, or its layout where none is printed), its type, and for each field the printed
label it stands after or under. ``SupplierMemory(lessons).recall(doc, pages)`` reads a new document of a
known supplier from that memory; ``classify.analyse(pages, memory=...)`` puts it before the generic rules.
Lessons are plain JSON (``Lesson.as_json``) with a format version, ``LESSON_FORMAT``.
"""

from classify.learned._lesson import LESSON_FORMAT, Anchor, Lesson, layout_key, lesson_from
from classify.learned._memory import Layout, Recall, SupplierMemory

__all__ = ["LESSON_FORMAT", "Anchor", "Layout", "Lesson", "Recall", "SupplierMemory", "layout_key", "lesson_from"]

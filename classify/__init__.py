"""classify: document types, fields and their validation, from the words a page was read as.

``analyse(pages)`` does it all: the type (keyword rules, blended with a trained model when one is
given), the fields of that type (labels and values by their boxes), and the problems validation
finds; a low confidence or any error sends the document to review.
"""

from classify.analyse import FIELD_THRESHOLD, TYPE_THRESHOLD, analyse
from classify.catalogue import DOC_TYPES, DocType
from classify.classifier import (
    MODEL_FILENAME,
    MODEL_FORMAT,
    Classifier,
    classify_text,
    default_classifier,
    load_classifier,
    train_classifier,
)
from classify.exceptions import ClassifyError, ModelError
from classify.extract import extract_fields
from classify.normalise import (
    amount_in_words_ru,
    normalise_currency,
    normalise_date,
    normalise_money,
    normalise_code,
    normalise_number,
    valid_inn,
    valid_kpp,
    valid_ogrn,
)
from classify.types import Extraction, FieldValue, Problem
from classify.validate import validate, vat_matches

__all__ = [
    "DOC_TYPES",
    "FIELD_THRESHOLD",
    "MODEL_FILENAME",
    "MODEL_FORMAT",
    "TYPE_THRESHOLD",
    "Classifier",
    "ClassifyError",
    "DocType",
    "Extraction",
    "FieldValue",
    "ModelError",
    "Problem",
    "amount_in_words_ru",
    "analyse",
    "classify_text",
    "default_classifier",
    "extract_fields",
    "load_classifier",
    "normalise_code",
    "normalise_currency",
    "normalise_date",
    "normalise_money",
    "normalise_number",
    "train_classifier",
    "valid_inn",
    "valid_kpp",
    "valid_ogrn",
    "validate",
    "vat_matches",
]

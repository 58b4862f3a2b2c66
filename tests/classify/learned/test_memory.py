"""The supplier memory on pages laid out as a scan gives them: what one supplier's verified documents
teach, read back onto its next document, and nothing else changed."""

from __future__ import annotations

import random
from datetime import date

import pytest

import classify
from classify.extract import make_doc
from classify.learned import LESSON_FORMAT, Lesson, SupplierMemory, lesson_from
from samples._data import inn_legal
from tests.classify.pagetext import page

TODAY = date(2026, 12, 1)
CHAIN = "7707083893"  # the buyer on every document
NORTH, SOUTH = inn_legal(random.Random(1), "7801"), inn_legal(random.Random(2), "5402")
OWN_LABELS = {"title": "ТРЕБОВАНИЕ ОПЛАТЫ", "number": "Док. №", "date": "Сформирован", "inn": "Код налогоплательщика:",
              "buyer": "Код клиента:", "total": "К зачислению:"}
OTHER_LABELS = {"title": "ИЗВЕЩЕНИЕ НА ПЛАТЁЖ", "number": "Шифр бланка", "date": "Оформлено",
                "inn": "Учётный номер:", "buyer": "Номер плательщика:", "total": "Причитается:"}


def bill(inn: str, n: int, *, labels: dict[str, str] = OWN_LABELS, name: str = "ООО «Север»", goods: int = 2,
         with_inn: bool = True):
    """Document ``n`` of a supplier printing its own labels; returns (page, truth)."""
    truth = {"number": f"ТР-{1000 + n}", "date": f"2026-0{1 + n % 9}-1{n % 10}", "total": f"{1000 + 37 * n}.50",
             "buyer_inn": CHAIN, "seller_name": name}
    day = date.fromisoformat(truth["date"]).strftime("%d.%m.%Y")
    rows = [(600, 100, labels["title"]), (100, 200, name), (100, 300, f"{labels['number']} {truth['number']}"),
            (100, 380, f"{labels['date']} {day}"), (100, 540, f"{labels['buyer']} {CHAIN}")]
    if with_inn:
        truth["seller_inn"] = inn
        rows.append((100, 460, f"{labels['inn']} {inn}"))
    y = 640
    for g in range(goods + n % 3):  # the goods differ from one document to the next
        rows.append((100, y, f"Товар {['чай', 'сахар', 'мука', 'рис', 'соль'][(g + n) % 5]} {g + 2} шт."))
        y += 60
    rows.append((100, y + 40, f"{labels['total']} {truth['total'].replace('.', ',')} руб."))
    return page(rows, block_per_column=False), truth


def learned(docs: list[tuple[object, dict[str, str]]], doc_type: str = "invoice", start: int = 1) -> list[Lesson]:
    return [lesson_from([p], doc_type, truth, document_id=start + i) for i, (p, truth) in  # type: ignore[list-item]
            enumerate(docs)]


def test_the_generic_rules_miss_this_supplier() -> None:
    p, _ = bill(NORTH, 9)
    got = classify.analyse([p], today=TODAY)
    assert got.doc_type == "other" and not got.fields


def test_one_verified_document_teaches_type_and_fields_marked_learned() -> None:
    memory = SupplierMemory(learned([bill(NORTH, 1)]))
    p, truth = bill(NORTH, 9)
    got = classify.analyse([p], memory=memory, today=TODAY)
    assert got.doc_type == "invoice"
    assert got.values() == truth
    total = got.fields["total"]
    assert total.source == "learned" and total.box is not None and total.page == 1
    assert total.note == ("выучено по 1 подтверждённым документам ООО «Север» / "
                          "learned from 1 verified documents of ООО «Север»")


def test_agreement_of_several_verified_documents_raises_confidence() -> None:
    p, _ = bill(NORTH, 9)
    one = classify.analyse([p], memory=SupplierMemory(learned([bill(NORTH, 1)])), today=TODAY)
    three = classify.analyse([p], memory=SupplierMemory(learned([bill(NORTH, n) for n in (1, 2, 3)])),
                             today=TODAY)
    assert three.confidence > one.confidence >= classify.TYPE_THRESHOLD
    assert three.fields["total"].confidence > one.fields["total"].confidence
    assert "learned from 3 verified documents" in (three.fields["total"].note or "")
    assert not three.needs_review


def test_a_new_layout_from_the_same_inn_falls_back_to_the_rules_and_goes_to_review() -> None:
    memory = SupplierMemory(learned([bill(NORTH, n) for n in (1, 2, 3)]))
    p, _ = bill(NORTH, 9, labels=OTHER_LABELS)
    got = classify.analyse([p], memory=memory, today=TODAY)
    assert got.needs_review and got.doc_type == "other"
    assert all(f.source == "extracted" for f in got.fields.values())
    assert "learned_layout_changed" in [pr.code for pr in got.problems if pr.severity == "error"]
    # once verified, the new layout is the supplier's second one: both are read from memory
    memory.add(learned([bill(NORTH, 10, labels=OTHER_LABELS)], start=10)[0])
    assert len(memory.suppliers[f"inn:{NORTH}"]) == 2
    for labels in (OWN_LABELS, OTHER_LABELS):
        p, truth = bill(NORTH, 11, labels=labels)
        assert classify.analyse([p], memory=memory, today=TODAY).values() == truth


def test_two_suppliers_sharing_a_layout_keep_their_own_memory() -> None:
    p_south, _ = bill(SOUTH, 9, name="АО «Юг»")
    alone = classify.analyse([p_south], memory=SupplierMemory(learned([bill(NORTH, 1)])), today=TODAY)
    assert alone.values() == classify.analyse([p_south], today=TODAY).values()  # North's memory is not South's
    north_lessons = learned([bill(NORTH, n) for n in (1, 2, 3)])
    p_north, north_truth = bill(NORTH, 9)
    before = classify.analyse([p_north], memory=SupplierMemory(north_lessons), today=TODAY)
    south_lessons = learned([bill(SOUTH, n, name="АО «Юг»") for n in (4, 5)], doc_type="waybill", start=10)
    both = SupplierMemory(north_lessons + south_lessons)
    after = classify.analyse([p_north], memory=both, today=TODAY)
    assert after == before and after.values() == north_truth
    south = classify.analyse([p_south], memory=both, today=TODAY)
    assert south.doc_type == "waybill" and south.fields["seller_inn"].value == SOUTH
    assert "АО «Юг»" in (south.fields["total"].note or "")


def test_the_chains_own_inn_on_a_strangers_bill_is_no_changed_layout() -> None:
    own = page([(100, 100, "ОТЧЁТ О ЗАКРЫТИИ СМЕНЫ"), (100, 200, f"ИНН {CHAIN}"), (100, 300, "ИТОГ 5000,00")],
               block_per_column=False)
    z_report = lesson_from([own], "z_report", {"seller_inn": CHAIN, "total": "5000.00"}, document_id=9)
    memory = SupplierMemory([*learned([bill(NORTH, 1)]), z_report])
    p_south, _ = bill(SOUTH, 2, labels=OTHER_LABELS, name="АО «Юг»")  # prints the chain's INN as its client's
    assert memory.recall(make_doc([p_south]), [p_south]) is None
    assert classify.analyse([p_south], memory=memory, today=TODAY) == classify.analyse([p_south], today=TODAY)


def test_a_supplier_printing_no_inn_is_known_by_its_layout() -> None:
    lessons = learned([bill(NORTH, n, with_inn=False) for n in (1, 2)])
    assert lessons[0].supplier_key.startswith("layout:")
    memory = SupplierMemory()
    for lesson in lessons:  # the archive asks the memory for the key of a layout it already knows
        key = memory.key_for_layout(lesson.words)
        memory.add(Lesson(lesson.document_id, key, lesson.supplier_name, lesson.doc_type, lesson.words,
                          lesson.anchors, lesson.values))
    assert len(memory.suppliers) == 1
    p, truth = bill(NORTH, 9, with_inn=False)
    assert classify.analyse([p], memory=memory, today=TODAY).values() == truth
    p, _ = bill(NORTH, 9, labels=OTHER_LABELS, with_inn=False)
    assert memory.recall(make_doc([p]), [p]) is None  # another layout is another supplier


def test_a_lesson_round_trips_as_json_and_an_older_format_is_refused() -> None:
    lesson = learned([bill(NORTH, 1)])[0]
    data = lesson.as_json()
    assert data["format"] == LESSON_FORMAT and Lesson.from_json(data) == lesson
    with pytest.raises(ValueError, match="format"):
        Lesson.from_json({**data, "format": LESSON_FORMAT - 1})

"""A small corpus of search records in Russian and English with known filters."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from search import SearchRecord

WAYBILL_TEXT = (
    "ТОВАРНАЯ НАКЛАДНАЯ № 4521 от 14.03.2026\n"
    "Поставщик: ООО «Ромашка», ИНН 7707083893, КПП 773601001\n"
    "Грузополучатель: ООО «Василёк», ИНН 7736207543\n"
    "Основание: заказ покупателя ЗК-000781\n"
    "Молоко пастеризованное 3,2% <1 л> & кефир\n"
    "Всего к оплате: 235 730,00 руб."
)


def record(doc_id: int, **changes: Any) -> SearchRecord:
    base = SearchRecord(doc_id=doc_id, title=f"scan-{doc_id}.pdf", text="")
    return replace(base, **changes)


def corpus() -> list[SearchRecord]:
    return [
        record(
            1, title="torg12-4521.pdf", text=WAYBILL_TEXT, doc_type="waybill", outlet="MSK-01",
            status="archived", date="2026-03-14", total="235730.00", number="4521", order_no="ЗК-000781",
            inns=("7707083893", "7736207543"), original_state="expected", created_at="2026-03-15T10:00:00",
            fields={"seller_name": "ООО «Ромашка»", "seller_inn": "7707083893"},
        ),
        record(
            2, title="invoice-77.pdf",
            text="INVOICE No 77\nBill to: Vasilek LLC\nDelivery of dairy products, invoices are payable in 5 days.\n"
                 "Total due 1 500.00 RUB",
            doc_type="invoice", outlet="SPB-02", status="needs_review", date="2025-12-30", total="1500.00",
            number="77", inns=("7736207543",), original_state="not_required",
        ),
        record(
            3, title="schet-faktura-12.pdf",
            text="СЧЁТ-ФАКТУРА № 12 от 02.03.2026\nПродавец: ООО «Лютик», ИНН 5003052454\n"
                 "Покупатель: ООО «Василёк», ИНН 7736207543\nТовар: сыр твёрдый, 10 кг\n"
                 "Всего к оплате 4 800,00",
            doc_type="vat_invoice", outlet="MSK-01", status="archived", date="2026-03-02", total="4800.00",
            number="12", inns=("5003052454", "7736207543"), original_state="received",
        ),
        record(
            4, title="z-report-0311.pdf",
            text="Z-ОТЧЁТ ОТЧЁТ О ЗАКРЫТИИ СМЕНЫ № 311\nНаличными 2 000,00 Безналичными 1 200,00 ИТОГ 3 200,00\n"
                 "Кассир Иванова",
            doc_type="z_report", outlet="MSK-02", status="archived", date="2026-03-31", total="3200.00",
            inns=("7707083893",), original_state="not_required",
        ),
        record(
            5, title="contract-2026-7.pdf",
            text="ДОГОВОР ПОСТАВКИ № 7 г. Москва\nООО «Ромашка» (Поставщик) обязуется поставить товар, "
                 "указанный в накладных, по заказу ЗК-000781. Товарные накладные оформляются на каждую поставку.",
            doc_type="contract", outlet="SPB-02", status="needs_review", date="2026-01-10", total=None,
            number="7", order_no="ЗК-000781", inns=("7707083893",), original_state="archived",
        ),
    ]

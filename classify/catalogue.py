"""The document-type catalogue: one row per type of DESIGN.md, read by the whole project.

Keywords are lower-case stems matched against OCR text folded by :func:`classify.normalise.fold_text`
(Latin look-alikes turned Cyrillic in Cyrillic words, ``ё`` as ``е``). A keyword's weight says how much
it points at its type; ``title`` keywords are the document's own name and count more when they stand
near the top of the first page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocType:
    name: str
    title_ru: str
    title_en: str
    fields: tuple[str, ...]
    key_fields: tuple[str, ...]
    keywords: tuple[tuple[str, float], ...]  # (stem, weight)
    original_required: bool = False


COMMON_FIELDS = ("seller_name", "seller_address", "currency")

_CATALOGUE = (
    DocType(
        "z_report", "Z-отчёт (отчёт о закрытии смены)", "Z-report (shift close)",
        ("date", "shift_no", "total", "cash_total", "card_total", "kkt_reg_no", "fn_no", "fd_no", "seller_inn"),
        ("date", "shift_no", "total", "cash_total", "card_total"),
        (("z-отчет", 6), ("z отчет", 5), ("отчет о закрытии смены", 8), ("закрытии смены", 6),
         ("z-report", 6), ("z report", 5), ("shift close", 5), ("close of shift", 5), ("shift closing", 5),
         ("смена", 1.5), ("смены", 1.5), ("shift", 1.5), ("рн ккт", 2), ("регистрационный номер ккт", 3),
         ("фн", 0.5), ("фд", 0.5), ("наличными", 1), ("безналичными", 1.5), ("cashless", 1.5),
         ("чеков за смену", 3), ("receipts in shift", 3), ("итог", 0.5)),
        original_required=True,
    ),
    DocType(
        "sales_report", "Отчёт о продажах", "Sales report",
        ("date", "total", "outlet_code"),
        ("date", "total", "outlet_code"),
        (("отчет о продажах", 8), ("отчет по продажам", 8), ("отчет по выручке", 8), ("сводный отчет", 4),
         ("отчет о розничных продажах", 8), ("выручке", 2), ("sales report", 8), ("daily sales", 5),
         ("продажи за", 3), ("sales for", 3), ("торговая точка", 2), ("outlet", 2), ("выручка", 2),
         ("revenue", 1.5), ("код точки", 2), ("outlet code", 3), ("за период", 1), ("period", 0.5)),
    ),
    DocType(
        "waybill", "Товарная накладная (ТОРГ-12)", "Waybill / delivery note",
        ("number", "date", "seller_inn", "seller_kpp", "buyer_inn", "total", "vat", "order_no"),
        ("number", "date", "total", "vat", "seller_inn", "seller_kpp", "order_no"),
        (("торг-12", 8), ("торг 12", 7), ("товарная накладная", 8), ("накладная", 4), ("грузоотправитель", 3),
         ("грузополучатель", 3), ("груз принял", 3), ("груз получил", 2), ("отпуск груза", 3),
         ("delivery note", 8), ("waybill", 8), ("consignor", 3), ("consignee", 3), ("goods received", 2),
         ("по оквэд", 1), ("окуд", 1)),
        original_required=True,
    ),
    DocType(
        "upd", "Универсальный передаточный документ (УПД)", "Universal transfer document (UPD)",
        ("number", "date", "seller_inn", "seller_kpp", "buyer_inn", "buyer_kpp", "total", "vat", "order_no"),
        ("number", "date", "total", "vat", "seller_inn", "seller_kpp", "order_no"),
        (("универсальный передаточный документ", 10), ("передаточный документ", 8), ("упд", 6),
         ("universal transfer document", 10), ("transfer document", 5), ("статус", 1.5),
         ("товары (груз) передал", 3), ("товары (груз) получил", 3), ("передал", 1), ("основание передачи", 3)),
        original_required=True,
    ),
    DocType(
        "vat_invoice", "Счёт-фактура", "VAT invoice",
        ("number", "date", "seller_inn", "seller_kpp", "buyer_inn", "buyer_kpp", "total", "vat"),
        ("number", "date", "total", "vat", "seller_inn", "seller_kpp"),
        (("счет-фактура", 8), ("счет фактура", 7), ("счета-фактуры", 5), ("vat invoice", 8), ("tax invoice", 6),
         ("исправление", 1.5), ("идентификатор государственного контракта", 3), ("валюта: наименование", 2),
         ("к платежному документу", 3)),
        original_required=True,
    ),
    DocType(
        "invoice", "Счёт на оплату", "Invoice / bill",
        ("number", "date", "seller_inn", "seller_kpp", "buyer_inn", "total", "vat", "order_no"),
        ("number", "date", "total", "vat", "seller_inn", "seller_kpp", "order_no"),
        (("счет на оплату", 8), ("счет №", 4), ("счет n", 3), ("оплата счета", 2), ("образец заполнения", 3),
         ("банк получателя", 3), ("бик", 1.5), ("к/с", 1), ("р/с", 1), ("сч. №", 1),
         ("invoice", 5), ("bill to", 3), ("invoice no", 4), ("invoice number", 4), ("invoice date", 3),
         ("due date", 2), ("amount due", 2), ("payment terms", 2), ("subtotal", 1), ("iban", 1.5),
         ("swift", 1), ("vat", 0.5), ("tax", 0.5),
         # the word for an invoice in the languages of foreign suppliers
         ("facture", 5), ("factuur", 5), ("rechnung", 5), ("faktura", 5), ("fattura", 5), ("factura", 5),
         ("montant", 1), ("betrag", 1), ("bedrag", 1), ("total ttc", 3), ("mwst", 2), ("btw", 2), ("tva", 2)),
    ),
    DocType(
        "act", "Акт выполненных работ (оказанных услуг)", "Act of work done / services rendered",
        ("number", "date", "seller_inn", "seller_kpp", "buyer_inn", "total", "vat", "order_no"),
        ("number", "date", "total", "seller_inn"),
        # "акт" alone is a part of other words ("фактура", "контакт"): its keywords are phrases
        (("акт №", 5), ("акт n", 3), ("выполненных работ", 6), ("оказанных услуг", 6), ("акт выполненных", 8),
         ("акт оказанных", 8), ("акт сдачи-приемки", 8), ("акт приемки", 6), ("работы выполнены", 4),
         ("услуги оказаны", 4), ("претензий по объему", 5), ("претензий не имеет", 4), ("исполнитель", 1.5),
         ("заказчик", 1.5), ("certificate of completion", 8), ("acceptance certificate", 8),
         ("act of acceptance", 8), ("services rendered", 4), ("work completed", 3)),
        original_required=True,
    ),
    DocType(
        "contract", "Договор", "Contract",
        ("number", "date", "seller_inn", "customer_name", "order_no"),
        ("number", "date", "seller_inn", "order_no"),
        (("договор", 5), ("исполнитель", 3), ("заказчик", 3), ("покупатель обязуется", 3), ("предмет договора", 6),
         ("стороны", 2), ("именуем", 3), ("реквизиты сторон", 4), ("ответственность сторон", 4),
         ("agreement", 5), ("contract", 4), ("the parties", 3), ("hereinafter", 4), ("subject of the", 3),
         ("customer", 1), ("contractor", 2), ("terms and conditions", 2), ("signatures", 1.5)),
        original_required=True,
    ),
    DocType(
        "receipt", "Кассовый чек", "Receipt / till slip",
        ("date", "total", "vat", "cash_total", "card_total", "seller_name", "seller_address", "seller_inn",
         "fn_no", "fd_no", "fp"),
        ("date", "total"),
        (("кассовый чек", 8), ("чек", 2), ("приход", 3), ("спасибо за покупку", 4), ("сайт фнс", 3),
         ("фн №", 1), ("фп", 0.5), ("кассир", 2), ("итог", 1.5), ("наличными", 1), ("сдача", 2),
         ("receipt", 5), ("cash receipt", 6), ("tax invoice", 1), ("cashier", 3), ("change", 2),
         ("thank you", 3), ("total", 1), ("rounding", 2), ("gst", 2.5), ("qty", 1), ("cash", 1.5),
         ("tendered", 2), ("please come again", 4), ("member", 1),
         # a till slip that calls itself a (simplified) tax invoice, with its tax summary and rounding
         ("simplified tax invoice", 8), ("cash bill", 6), ("cash sale", 3), ("gst summary", 3),
         ("rounding adj", 3), ("total qty", 2), ("item count", 2), ("change due", 2)),
    ),
    DocType(
        "other", "Прочее", "Other",
        (), (),
        (("служебная записка", 6), ("письмо", 3), ("уважаемый", 3), ("уважаемая", 3), ("memo", 6),
         ("memorandum", 6), ("dear", 3), ("sincerely", 3), ("regards", 2), ("просим", 2), ("сообщаем", 2),
         ("уведомление", 3), ("приказ", 3), ("notice", 2), ("to whom", 2), ("с уважением", 3)),
    ),
)

DOC_TYPES: dict[str, DocType] = {t.name: t for t in _CATALOGUE}
"""Document types by name, in the order of DESIGN.md."""

"""The learning curve of the supplier memory: how well document k+1 of a supplier is read after k of its
documents were verified, k = 0…5, with the memory and without it (the generic rules alone).

The suppliers are generated here (no fixture, no benchmark file): each has a title, labels and a layout
of its own, of the kind the generic rules do not know («ТРЕБОВАНИЕ ОПЛАТЫ», «Док. № …», «Сформирован …»,
«К зачислению: …»), and prints its documents the same way every time with new numbers, dates, goods and
amounts. Pages are drawn with Pillow and read by the real pipeline's page reader (tesseract); the readings
are cached under bench/out/learning-cache.

Halves: suppliers come from a seed; ``--half tune`` (seed 1) is what the memory's constants were tuned on,
``--half report`` (seed 2, the default) is what docs/benchmarks.md reports.

    python bench/learning.py                     # the report half: 8 suppliers, 7 documents each
    python bench/learning.py --half tune --verbose
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import pickle
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

CACHE = REPO / "bench" / "out" / "learning-cache"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SIZE = (1240, 1754)
SEEDS = {"tune": 1, "report": 2}
MAX_K = 5

# Titles, labels and layouts of the generated suppliers, invented for this benchmark: none is in the
# generic rules' tables, so those read such documents as `other` or miss most fields.
TITLES = {
    "invoice": ("ТРЕБОВАНИЕ ОПЛАТЫ", "ИЗВЕЩЕНИЕ НА ПЛАТЁЖ", "ПРЕДЛОЖЕНИЕ К ПЕРЕЧИСЛЕНИЮ", "РАСЧЁТНОЕ ИЗВЕЩЕНИЕ",
                "ЗАПРОС НА ПЕРЕЧИСЛЕНИЕ СРЕДСТВ"),
    "waybill": ("ЛИСТ ОТПУСКА ТОВАРА", "ВЕДОМОСТЬ ОТПУСКА", "СПЕЦИФИКАЦИЯ ПЕРЕДАЧИ ТОВАРА"),
}
LABELS = {
    "number": ("Док. №", "Рег. номер", "Шифр документа", "Исх. номер", "Идентификатор", "Запись №", "Код бланка"),
    "date": ("Сформирован", "Дата формирования", "Составлено", "Выписано", "Оформлено", "Создан"),
    "total": ("К зачислению:", "Подлежит уплате:", "Сумма требования:", "Итог к перечислению:", "Причитается:",
              "К расчёту:"),
    "vat": ("в т. ч. налог:", "Налог (20%):", "из них налог:", "Налоговая часть:", "Налог в составе:"),
    "seller_inn": ("Код налогоплательщика:", "Налоговый номер:", "Учётный номер:", "Рег. код:"),
    "seller_kpp": ("Код причины:", "Причина учёта:", "Доп. код:"),
    "buyer_inn": ("Код клиента:", "Налоговый номер клиента:", "Учётный код получателя:", "Номер плательщика:"),
}
NUMBER_SHAPES = ("{p}-{n:05d}", "{y}/{n:04d}", "{n:06d}", "{p}{n:04d}", "{p}-{y}-{n:03d}")
PREFIXES = ("ТР", "ВО", "ЛО", "СП", "ИЗ", "КЛ", "РТ", "ПМ")
NAMES = ("Альфа-Снаб", "Берёзка Трейд", "Волжский Опт", "Гранит Логистик", "Дельта Пром", "Енисей Маркет",
         "Жемчуг Плюс", "Заря Поставка", "Изумруд Ком", "Каскад Групп", "Ладога Сервис", "Меридиан")
FORMS = ("ООО", "АО", "ООО ТД", "ПАО")
GOODS = ("Крупа гречневая 1 кг", "Масло подсолнечное 1 л", "Сахар-песок 5 кг", "Чай чёрный 100 пак.",
         "Мука пшеничная 2 кг", "Соль поваренная 1 кг", "Макароны 450 г", "Кофе молотый 250 г",
         "Рис длиннозёрный 900 г", "Печенье овсяное 300 г", "Сок яблочный 1 л", "Вода питьевая 5 л")
PEOPLE = ("Иванова А. П.", "Смирнов В. К.", "Кузнецова О. Л.", "Попов Д. С.", "Орлова Е. Н.")
STYLES = ("inline", "columns", "stacked")
CHAIN_NAME = "ООО «Торговая сеть Пример»"


@dataclass(frozen=True)
class Supplier:
    name: str
    inn: str
    kpp: str | None
    doc_type: str
    title: str
    labels: dict[str, str]
    style: str
    number_shape: str
    prefix: str
    order: tuple[str, ...]  # the order the labelled fields are printed in
    font_size: int
    left: int


@dataclass
class Document:
    supplier: Supplier
    index: int
    truth: dict[str, str]
    lines: list[tuple[int, str]] = field(default_factory=list)  # (x, text) per printed line

    @property
    def key(self) -> str:
        text = repr((self.supplier.name, self.supplier.style, self.supplier.font_size, self.lines))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _inn(rng: random.Random) -> str:
    from samples._data import inn_legal

    return inn_legal(rng, f"{rng.randint(10, 79):02d}{rng.randint(1, 40):02d}")


def make_suppliers(seed: int, count: int) -> list[Supplier]:
    rng = random.Random(seed)
    out = []
    names = rng.sample(NAMES, count)
    for n in range(count):
        doc_type = rng.choice(("invoice", "invoice", "waybill"))
        labels = {name: rng.choice(options) for name, options in LABELS.items()}
        fields = ["number", "date", "seller_inn", "seller_kpp", "buyer_inn", "total", "vat"]
        with_kpp = rng.random() < 0.6
        if not with_kpp:
            fields.remove("seller_kpp")
        head, tail = fields[:2], fields[2:]
        rng.shuffle(tail)
        out.append(Supplier(
            name=f"{rng.choice(FORMS)} «{names[n]}»", inn=_inn(rng),
            kpp=f"{rng.randint(1000, 9999)}01001" if with_kpp else None,
            doc_type=doc_type, title=rng.choice(TITLES[doc_type]), labels=labels, style=rng.choice(STYLES),
            number_shape=rng.choice(NUMBER_SHAPES), prefix=rng.choice(PREFIXES),
            order=tuple(head + tail), font_size=rng.choice((24, 26, 28)), left=rng.choice((70, 90, 120)),
        ))
    return out


CHAIN_INN = "7707083893"  # the buyer on every document: the chain itself (a valid INN of the generator's)


def make_document(supplier: Supplier, index: int, seed: int) -> Document:
    rng = random.Random(f"{seed}:{supplier.inn}:{index}")
    day = dt.date(2026, 1, 10) + dt.timedelta(days=rng.randint(0, 300))
    number = supplier.number_shape.format(p=supplier.prefix, n=100 + 37 * index + rng.randint(0, 30), y=day.year)
    goods = rng.sample(GOODS, rng.randint(2, 5))
    rows = []
    total = Decimal("0")
    for name in goods:
        qty, price = rng.randint(2, 60), Decimal(rng.randint(4000, 90000)) / 100
        amount = (qty * price).quantize(Decimal("0.01"))
        total += amount
        rows.append((name, qty, price, amount))
    vat = (total * 20 / 120).quantize(Decimal("0.01"))
    truth = {"doc_type": supplier.doc_type, "number": number, "date": day.isoformat(),
             "seller_inn": supplier.inn, "buyer_inn": CHAIN_INN, "total": f"{total}", "vat": f"{vat}",
             "seller_name": supplier.name}
    if supplier.kpp:
        truth["seller_kpp"] = supplier.kpp
    printed = {"number": number, "date": day.strftime("%d.%m.%Y"), "seller_inn": supplier.inn,
               "seller_kpp": supplier.kpp or "", "buyer_inn": CHAIN_INN, "total": _money(total) + " руб.",
               "vat": _money(vat) + " руб."}
    left = supplier.left
    lines: list[tuple[int, str]] = [(left + 200, supplier.title), (left, supplier.name)]
    for name in supplier.order:
        label, value = supplier.labels[name], printed[name]
        if name == "total":
            lines.append((left, ""))
            for g, qty, price, amount in rows:
                lines.append((left, f"{g}   {qty} шт. x {_money(price)} = {_money(amount)}"))
            lines.append((left, ""))
        if name == "buyer_inn":
            lines.append((left, f"Клиент: {CHAIN_NAME}"))
        if supplier.style == "inline":
            lines.append((left, f"{label} {value}"))
        elif supplier.style == "columns":
            lines.append((left, label))
            lines[-1] = (left, label + "\t" + value)
        else:
            lines.append((left, label))
            lines.append((left + 40, value))
    lines.append((left, ""))
    lines.append((left, f"Ответственный: {rng.choice(PEOPLE)}"))
    return Document(supplier, index, truth, lines)


def _money(amount: Decimal) -> str:
    whole, cents = f"{amount:.2f}".split(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return " ".join(groups) + "," + cents


def render(document: Document, path: Path) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", SIZE, 255)
    draw = ImageDraw.Draw(img)
    size = document.supplier.font_size
    font = ImageFont.truetype(FONT, size)
    bold = ImageFont.truetype(FONT.replace("DejaVuSans", "DejaVuSans-Bold"), size + 6)
    y = 110
    for n, (x, text) in enumerate(document.lines):
        if "\t" in text:
            label, value = text.split("\t")
            draw.text((x, y), label, fill=0, font=font)
            draw.text((x + 560, y), value, fill=0, font=font)
        elif text:
            draw.text((x, y), text, fill=0, font=bold if n == 0 else font)
        y += int(size * 1.8)
    img.save(path)
    return path


def read(document: Document):
    """The pages of ``document`` as the pipeline reads them (tesseract), cached by what was drawn."""
    from capture import read_document

    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"{document.key}.pickle"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    image = render(document, CACHE / f"{document.key}.png")
    pages = [r.page for r in read_document(image)]
    cached.write_bytes(pickle.dumps(pages))
    return pages


def _read_one(document: Document):
    return read(document)


FIELDS = ("number", "date", "seller_inn", "seller_kpp", "buyer_inn", "total", "vat", "seller_name")


def score(extraction, truth: dict[str, str]) -> tuple[int, int, int, bool]:
    """(right, given, expected) over the truth's fields, and whether the type is right."""
    from classify.learned._values import same_value

    right = given = expected = 0
    for name in FIELDS:
        if name not in truth:
            continue
        expected += 1
        got = extraction.fields.get(name)
        if got is None:
            continue
        given += 1
        right += same_value(name, got.value, truth[name])
    return right, given, expected, extraction.doc_type == truth["doc_type"]


def curve(documents: dict[str, list[Document]], pages: dict[str, list], *, verbose: bool = False
          ) -> dict[str, list[tuple[float, float, float]]]:
    """For k = 0…MAX_K: (field recall, field precision, type accuracy) of document k+1, with and without."""
    import classify
    from classify.learned import Lesson, SupplierMemory, lesson_from

    out: dict[str, list[tuple[float, float, float]]] = {"memory": [], "generic": []}
    for k in range(MAX_K + 1):
        lessons: list[Lesson] = []
        for docs in documents.values():
            for d in docs[:k]:
                values = {n: v for n, v in d.truth.items() if n != "doc_type"}
                lessons.append(lesson_from(pages[d.key], d.truth["doc_type"], values,
                                           document_id=len(lessons) + 1))
        memory = SupplierMemory(lessons)
        for mode, mem in (("memory", memory), ("generic", None)):
            tally = [0, 0, 0, 0, 0]
            for docs in documents.values():
                d = docs[k]
                got = classify.analyse(pages[d.key], memory=mem, today=dt.date(2026, 12, 1))
                right, given, expected, typed = score(got, d.truth)
                tally = [tally[0] + right, tally[1] + given, tally[2] + expected, tally[3] + typed, tally[4] + 1]
                if verbose and mode == "memory":
                    wrong = {n: (got.fields[n].value if n in got.fields else None, d.truth[n]) for n in FIELDS
                             if n in d.truth and (n not in got.fields or got.fields[n].value != d.truth[n])}
                    print(f"k={k} {d.supplier.name} {d.supplier.style} type {got.doc_type}/{d.truth['doc_type']} "
                          f"wrong {wrong}")
            out[mode].append((tally[0] / tally[2], tally[0] / tally[1] if tally[1] else float("nan"),
                              tally[3] / tally[4]))
    return out


def _share(x: float) -> str:
    return "-" if x != x else f"{x:.1%}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--half", choices=sorted(SEEDS), default="report")
    parser.add_argument("--suppliers", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    seed = SEEDS[args.half]
    suppliers = make_suppliers(seed, args.suppliers)
    documents = {s.inn: [make_document(s, i, seed) for i in range(MAX_K + 2)] for s in suppliers}
    every = [d for docs in documents.values() for d in docs]
    started = time.process_time()
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(args.workers) as pool:
        readings = list(pool.map(_read_one, every))
    pages = {d.key: p for d, p in zip(every, readings, strict=True)}
    result = curve(documents, pages, verbose=args.verbose)
    print(f"{len(suppliers)} generated suppliers (half {args.half}, seed {seed}), document k+1 after k verified;"
          f" styles {', '.join(sorted({s.style for s in suppliers}))}")
    print(f"{'k':>2} | {'memory: fields recall':>22} {'precision':>9} {'type':>5} | "
          f"{'generic: fields recall':>22} {'precision':>9} {'type':>5}   (precision -: no field given)")
    for k in range(MAX_K + 1):
        (mr, mp, mt), (gr, gp, gt) = result["memory"][k], result["generic"][k]
        print(f"{k:>2} | {mr:>22.1%} {_share(mp):>9} {mt:>5.0%} | {gr:>22.1%} {_share(gp):>9} {gt:>5.0%}")
    print(f"analysis CPU {time.process_time() - started:.1f} s (main process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

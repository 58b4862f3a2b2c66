"""Print and photograph a real document of the dev set: a PDF's first page rendered at 300 dpi (or a real
scan as it is), stamped and signed, then photographed by samples/_photo.py — a phone photo of a real
document with the same truth.

    python bench/ru-dev/photograph_real.py NAME    # NAME.pdf -> NAME.jpg (a real PDF added with its licence)
                                                   # NAME.jpg -> NAME.png (a real scan: the photo of its print,
                                                   #   JPEG-compressed as a phone saves it, kept as PNG beside it)
"""

from __future__ import annotations

import io
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "samples"))

import pypdfium2 as pdfium  # noqa: E402
from _photo import draw_marks, marks_for, photograph, random_photo_look  # noqa: E402
from PIL import Image  # noqa: E402

SEED = 1137


def main(names: list[str]) -> int:
    for name in names:
        fields = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))["fields"]
        pdf = HERE / f"{name}.pdf"
        rng = random.Random(f"{SEED}:{name}")
        if pdf.exists():
            page = pdfium.PdfDocument(str(pdf))[0].render(scale=300 / 72).to_pil().convert("RGB")
            page, _ = draw_marks(page, marks_for(fields, rng), "DejaVuSans", rng)
            out = HERE / f"{name}.jpg"
        else:  # a real scan, already stamped and signed: printed again as it is
            with Image.open(HERE / f"{name}.jpg") as scan:
                page = scan.convert("RGB")
            if page.width < 2480:  # printed on A4 at 300 dpi, the scan's pixels enlarged as a printer does
                page = page.resize((2480, round(page.height * 2480 / page.width)), Image.Resampling.LANCZOS)
            out = HERE / f"{name}.png"
        look = random_photo_look(rng, landscape_page=page.width > page.height)  # a landscape form: the phone turned
        image, info = photograph(page, look, rng.randrange(2**32))
        if out.suffix == ".jpg":
            image.save(out, "JPEG", quality=info["quality"], optimize=True)
        else:
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=info["quality"])
            with Image.open(buffer) as saved:
                saved.save(out, "PNG", optimize=True)
        print(f"{out.name}  {image.size[0]}x{image.size[1]}  {info['background']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

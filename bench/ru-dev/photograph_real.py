"""Print and photograph a real PDF of the dev set: its first page rendered at 300 dpi, stamped and signed,
then photographed by samples/_photo.py — a phone photo of a real document with the same truth.

    python bench/ru-dev/photograph_real.py NAME    # NAME.pdf -> NAME.jpg (a real PDF added with its licence)
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "samples"))

import pypdfium2 as pdfium  # noqa: E402
from _photo import draw_marks, marks_for, photograph, random_photo_look  # noqa: E402

SEED = 1137


def main(names: list[str]) -> int:
    for name in names:
        fields = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))["fields"]
        page = pdfium.PdfDocument(str(HERE / f"{name}.pdf"))[0].render(scale=300 / 72).to_pil().convert("RGB")
        rng = random.Random(f"{SEED}:{name}")
        page, _ = draw_marks(page, marks_for(fields, rng), "DejaVuSans", rng)
        image, info = photograph(page, random_photo_look(rng), rng.randrange(2**32))
        image.save(HERE / f"{name}.jpg", "JPEG", quality=info["quality"], optimize=True)
        print(f"{name}.jpg  {image.size[0]}x{image.size[1]}  {info['background']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""How legible are a set's photos? Per photo: the letters' height and the blur on the flat sheet, and how many of
its truth values the archived text holds.

For every image of a set with truth files (as bench/reading.py finds them) that the reading takes for a phone
photo (capture.preprocess.flatten_photo finds a sheet), it prints:

- ``letters``: the median height (pixels) of the letter-sized ink on the flat sheet as photographed, before
  it is enlarged (capture.preprocess.letter_height; headings count, so a form's small print is smaller);
- ``scale``: how much the reading enlarges the sheet for tesseract (at most 3);
- ``blur``: the width ``sigma`` (pixels of the flat sheet as photographed) of a Gaussian blur that explains its
  steepest edges: an edge between ink and paper blurred so rises at most ``contrast / (sigma sqrt(2 pi))`` a
  pixel, and the steepest gradients of a page are its print's edges;
- ``blur/letters``: the blur as a share of the letters' height (what decides whether strokes run together);
- ``present``: the truth values found in the archived text of the cached reading (bench/accuracy.py's OCR cache
  for the checkout's reading code; ``-`` when the file was not read under it yet), compared as
  bench/reading.py compares them.

    python bench/legibility.py                    # the Russian dev set, tuning half
    python bench/legibility.py --half held        # (measure only: tune on the tuning half)
    python bench/legibility.py --dir samples/photos
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

INK_PERCENTILE = 1.0  # grey levels of the page taken as ink and as paper
PAPER_PERCENTILE = 95.0
EDGE_PERCENTILE = 99.5  # the steepest half per cent of the gradients: the print's edges


def blur_width(gray: np.ndarray) -> float:
    """The width (sigma, pixels) of a Gaussian blur that explains the page's steepest edges; 0.0 without contrast."""
    image = gray.astype(np.float32)
    ink, paper = np.percentile(image, (INK_PERCENTILE, PAPER_PERCENTILE))
    # the 3x3 Sobel kernel weighs a unit step by 8
    gx = np.asarray(cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=3), dtype=np.float32) / np.float32(8.0)
    gy = np.asarray(cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=3), dtype=np.float32) / np.float32(8.0)
    gradient = np.asarray(cv2.magnitude(gx, gy), dtype=np.float32)
    steepest = float(np.percentile(gradient, EDGE_PERCENTILE))
    if steepest <= 0.0 or paper <= ink:
        return 0.0
    return float(paper - ink) / (math.sqrt(2.0 * math.pi) * steepest)


def flat_sheet(path: Path) -> np.ndarray | None:
    """The photo's sheet as the reading makes it flat (perspective, cast, marks, light), not yet enlarged;
    None when the reading takes the image for a scan."""
    from capture import preprocess

    bgr = cv2.imread(str(path))
    if bgr is None:
        return None
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    if not (preprocess.has_background(gray) or preprocess.may_have_background(gray)):
        return None
    found = preprocess.locate_sheet(rgb)
    if found is None:
        return None
    sheet = preprocess.white_balance(preprocess.follow_edges(rgb, found))
    return preprocess.even_light(preprocess.ink_channel(sheet))


def main() -> None:
    from bench.accuracy import Case, cached_pages
    from bench.reading import occurs, truth_items
    from capture.preprocess import letter_height, photo_scale

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", type=Path, default=REPO / "bench" / "ru-dev")
    ap.add_argument("--half", choices=("tuning", "held", "all"), default="tuning")
    args = ap.parse_args()
    items = [i for i in truth_items(args.dir) if i.image.suffix.lower() != ".pdf"]
    if args.half != "all":
        items = [i for i in items if i.half in ("", args.half)]
    print(f"{'photo':34} {'letters':>7} {'scale':>5} {'blur':>5} {'blur/letters':>12} {'present':>8}")
    for item in items:
        flat = flat_sheet(item.image)
        if flat is None:
            continue
        letters, sigma = letter_height(flat), blur_width(flat)
        pages = cached_pages(Case(item.image, None, item.values))
        present = "-"
        if pages is not None:
            text = " ".join(w.text for p in pages for w in p.words)
            present = f"{sum(occurs(k, v, text) for k, v in item.values.items())}/{len(item.values)}"
        ratio = sigma / letters if letters else float("nan")
        print(f"{item.image.name:34} {letters:7.1f} {photo_scale(flat):5.2f} {sigma:5.2f} {ratio:12.3f} {present:>8}",
              flush=True)


if __name__ == "__main__":
    main()

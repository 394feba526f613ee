"""Write ``src/convscope/data/digits/digits.npz`` from scikit-learn's copy of the UCI digits.

The UCI "Optical Recognition of Handwritten Digits" set (E. Alpaydin, C. Kaynak, CC BY 4.0,
DOI 10.24432/C50P49): 1,797 images of 8×8 integers 0..16 with their labels. scikit-learn ships
that set as ``sklearn/datasets/data/digits.csv.gz``: one image per line, 64 pixel counts in
reading order, then the label. Get it once (scikit-learn is not a dependency of convscope)::

    pip download --no-deps scikit-learn -d /tmp/skl
    python -m zipfile -e /tmp/skl/scikit_learn-*.whl /tmp/skl/wheel
    python scripts/make_digits.py /tmp/skl/wheel/sklearn/datasets/data/digits.csv.gz

The output holds ``images`` (uint8, 1797×8×8) and ``labels`` (uint8, 1797), in the file's
order, stored with a fixed date so the same input gives the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import sys
from pathlib import Path

import numpy as np

from convscope.network.files import write_npz

OUT = Path(__file__).resolve().parents[1] / "src" / "convscope" / "data" / "digits" / "digits.npz"


def read_digits(csv_gz: Path) -> tuple[np.ndarray, np.ndarray]:
    """Return the images (N, 8, 8) and labels (N,) of the gzipped CSV, as uint8."""
    with gzip.open(csv_gz, "rt", encoding="ascii") as lines:
        table = np.loadtxt(lines, delimiter=",", dtype=np.int64)
    if table.shape[1] != 65 or table.min() < 0 or table[:, :64].max() > 16:
        raise SystemExit(f"{csv_gz}: expected 65 columns of 0..16, got {table.shape}")
    return table[:, :64].reshape(-1, 8, 8).astype(np.uint8), table[:, 64].astype(np.uint8)


def main(csv_gz: Path) -> None:
    images, labels = read_digits(csv_gz)
    write_npz(OUT, {"images": images, "labels": labels})
    digest = hashlib.sha256(csv_gz.read_bytes()).hexdigest()
    print(f"{len(labels)} images from {csv_gz.name} (sha256 {digest}) -> {OUT}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python scripts/make_digits.py path/to/digits.csv.gz")
    main(Path(sys.argv[1]))

"""Array files written the same way every time: ``.npz`` archives with a fixed date.

NumPy's ``savez`` stamps each member with the clock, so two identical trainings would give
two different files; here the members carry 1980-01-01, and the same arrays give the same bytes.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

_FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def write_npz(path: Path, arrays: Mapping[str, NDArray[Any]]) -> None:
    """Write ``arrays`` to ``path`` as a compressed ``.npz`` that :func:`numpy.load` reads.

    The file appears whole or not at all: it is written beside ``path`` and then renamed.
    """
    partial = path.with_name(f".{path.name}.partial")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, array in arrays.items():
                member = zipfile.ZipInfo(f"{name}.npy", date_time=_FIXED_DATE)
                member.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(member, "w") as stream:
                    np.lib.format.write_array(stream, np.asarray(array, order="C"))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def read_npz(path: Path, what: str) -> dict[str, NDArray[Any]]:
    """Return every array of the ``.npz`` at ``path``; ``what`` names the file in errors."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except FileNotFoundError:
        raise ValueError(f"{what} {str(path)!r} does not exist") from None
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise ValueError(f"{what} {str(path)!r} is not a NumPy .npz file ({error})") from None

"""Writing the export's files: never a half-written file under its final name.

Every file is written to a temporary name in its own folder and renamed into place, so a reader
(or a crash) sees the old file or the new one, never a part. The folder must be new or empty
unless the caller allows overwriting.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def prepare_folder(out: Path, *, force: bool) -> Path:
    """Return ``out`` resolved and created, refusing a non-empty folder unless ``force``.

    Raises
    ------
    ValueError
        When ``out`` is a file, or a folder that already holds something and ``force`` is off.
    """
    out = out.expanduser().resolve()
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {str(out)!r} is a file; give a new or empty folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ValueError(
            f"--out {str(out)!r} is not empty; give a new or empty folder, "
            "or add --force to write the export over what is there"
        )
    out.mkdir(parents=True, exist_ok=True)
    return out


def write_atomic(root: Path, relative: str, data: bytes | str) -> Path:
    """Write ``data`` to ``root / relative`` through a temporary file and a rename."""
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the page from a web server
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target

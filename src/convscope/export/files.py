"""Writing the export's files: never a half-written file, never a file outside the folder.

Every file is written to a temporary name in its own folder and renamed into place, so a reader
(or a crash) sees the old file or the new one, never a part. The folder must be new or empty
unless the caller allows overwriting.

Overwriting is where a link could lead the export astray: with ``SITE/assets`` a symbolic link
to ``/somewhere``, writing ``assets/css/…`` would write in ``/somewhere``. So every step below
the output folder is taken from an open folder to the next with ``O_NOFOLLOW`` (a link that
appears between a check and a write makes the open fail instead of being followed), and a link
found anywhere on the way, the file itself included, is refused with :class:`LinkInOutput`
naming it. Refused rather than replaced: ``--force`` promises to write over the export's own
files, not to delete what someone set up, and a link there is either a plan the user should
know the export breaks, or a trap they should hear about.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


class LinkInOutput(ValueError):
    """A path the export would write through is a symbolic link; the message names it."""

    def __init__(self, root: Path, relative: str, points_to: str) -> None:
        super().__init__(
            f"--out {str(root)!r} holds a symbolic link at {relative!r} (to {points_to!r}); "
            "the export writes only real files and folders inside --out, never through a link: "
            "remove the link or give another folder"
        )


def prepare_folder(out: Path, *, force: bool) -> Path:
    """Return ``out`` resolved and created, refusing a non-empty folder unless ``force``.

    ``out`` itself may be a link (the user named it); what lies inside may not, see
    :func:`refuse_links`.

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


def refuse_links(root: Path, relatives: Iterable[str]) -> None:
    """Raise :class:`LinkInOutput` if any step of any of ``relatives`` under ``root`` is a link.

    Called before the first write, so a folder with a link in the way is refused whole, not
    half-written; :func:`write_atomic` checks again as it writes.
    """
    for relative in relatives:
        steps = PurePosixPath(relative).parts
        for depth in range(1, len(steps) + 1):
            step = "/".join(steps[:depth])
            if (root / step).is_symlink():
                raise LinkInOutput(root, step, os.readlink(root / step))


def write_atomic(root: Path, relative: str, data: bytes | str) -> Path:
    """Write ``data`` to ``root / relative`` through a temporary file and a rename.

    Folders on the way are created; none of them, nor the file, may be a link.

    Raises
    ------
    LinkInOutput
        When a folder on the way or the file itself is a symbolic link.
    """
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts:
        raise ValueError(f"an export file's path must stay inside --out, got {relative!r}")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    *folders, name = path.parts
    with _open_folder(root, folders) as folder:
        _refuse_link(root, relative, name, folder)
        temporary = f".{name}.{secrets.token_hex(6)}.part"
        handle = os.open(temporary, _NEW_FILE_FLAGS, 0o644, dir_fd=folder)
        try:
            with os.fdopen(handle, "wb") as stream:
                os.fchmod(stream.fileno(), 0o644)  # the umask could hide the page from a server
                stream.write(payload)
            # rename replaces whatever is at `name` (a link included) and never follows it
            os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            os.unlink(temporary, dir_fd=folder)
            raise
    return root / relative


@contextmanager
def _open_folder(root: Path, folders: list[str]) -> Iterator[int]:
    # Step from the output folder down, one open folder at a time, creating what is missing.
    current = os.open(root, _FOLDER_FLAGS)
    try:
        for depth, step in enumerate(folders, start=1):
            with suppress(FileExistsError):
                os.mkdir(step, dir_fd=current)
            try:
                following = os.open(step, _FOLDER_FLAGS, dir_fd=current)
            except OSError as error:
                if error.errno in (errno.ELOOP, errno.ENOTDIR):
                    _refuse_link(root, "/".join(folders[:depth]), step, current)
                raise
            os.close(current)
            current = following
        yield current
    finally:
        os.close(current)


def _refuse_link(root: Path, relative: str, name: str, folder: int) -> None:
    try:
        points_to = os.readlink(name, dir_fd=folder)
    except OSError:  # not there yet, or not a link
        return
    raise LinkInOutput(root, relative, points_to)

"""The secret that seals a teacher's own questions: held in memory, never in an environment.

Learner code runs on the teacher's computer (sandboxed), and any process may try to read
``/proc/<pid>/environ`` of the server, so the key must not sit in an environment variable of
any server process. It reaches a process one of three ways, first found wins:

1. a teacher's ``CONVSCOPE_QUESTION_KEY`` (to keep pages valid across restarts or servers):
   read once and then removed from the process's environment, its original bytes in the
   process's memory overwritten, so neither worker processes nor ``/proc`` see it;
2. a key file (:func:`share_with_workers`): ``convscope serve --workers N`` writes the key to a
   file only its own user can read (``0600`` in a private ``0700`` folder) and passes the
   file's path, which is no secret, to its workers, which read it once; the folder is removed
   when the server stops;
3. otherwise a random key, drawn on first use.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

KEY_VARIABLE = "CONVSCOPE_QUESTION_KEY"
KEY_FILE_VARIABLE = "CONVSCOPE_SERVE_KEY_FILE"
_LOCK = threading.Lock()
_held: list[str] = []  # the process's key, once known


def question_secret() -> str:
    """Return this process's sealing key (the teacher's, the server's shared one, or random)."""
    with _LOCK:
        if not _held:
            _held.append(_from_environment() or _from_key_file() or secrets.token_hex(32))
        return _held[0]


def _from_environment() -> str | None:
    started_with = _initial_entry(KEY_VARIABLE)
    secret = os.environ.pop(KEY_VARIABLE, None)  # gone for every process started from now on
    if started_with is not None:
        address, length = started_with
        ctypes.memset(address, ord("x"), length)
    return secret or None


def _from_key_file() -> str | None:
    path = os.environ.pop(KEY_FILE_VARIABLE, None)
    if not path:
        return None
    with contextlib.suppress(OSError):
        return Path(path).read_text(encoding="ascii").strip() or None
    return None


def _initial_entry(name: str) -> tuple[int, int] | None:
    """Return where ``name=value`` sits in this process's memory, and its length (glibc).

    ``/proc/<pid>/environ`` shows the environment the process started with, read from its
    own memory; unsetting a variable leaves those bytes in place, so they are overwritten.
    """
    with contextlib.suppress(OSError, AttributeError, ValueError):
        libc = ctypes.CDLL(None)
        entries = ctypes.POINTER(ctypes.c_char_p).in_dll(libc, "environ")
        addresses = ctypes.cast(entries, ctypes.POINTER(ctypes.c_void_p))
        prefix = name.encode() + b"="
        index = 0
        while (entry := entries[index]) is not None:
            if entry.startswith(prefix):
                return int(addresses[index] or 0), len(entry)
            index += 1
    return None


@contextlib.contextmanager
def share_with_workers() -> Iterator[None]:
    """Let worker processes started inside this block share this process's key.

    The key goes to a ``0600`` file in a fresh ``0700`` folder; its path (not the key) is put
    in this process's environment for the workers to find, and the folder is removed on exit.
    """
    folder = Path(tempfile.mkdtemp(prefix="convscope-key-"))  # mkdtemp makes it 0700
    try:
        key_file = folder / "question.key"
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as stream:
            stream.write(question_secret())
        os.environ[KEY_FILE_VARIABLE] = str(key_file)
        yield
    finally:
        os.environ.pop(KEY_FILE_VARIABLE, None)
        shutil.rmtree(folder, ignore_errors=True)

"""A Landlock ruleset: read only what Python needs, write only the run's folder, no TCP.

Landlock is the kernel's unprivileged access control (Linux 5.13 and later). A process builds
a ruleset naming the rights it wants to control, grants some of them beneath a few folders, and
restricts itself for good; its threads and children created afterwards inherit the domain.
Everything this module handles and does not grant is refused, whatever the file's owner and
mode say. From ABI 4 on TCP bind and connect are refused outright; from ABI 6 on signals to
processes outside the domain and abstract Unix sockets are too.
"""

from __future__ import annotations

import ctypes
import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446  # the same on every architecture
_VERSION_FLAG = 1  # LANDLOCK_CREATE_RULESET_VERSION
_PATH_BENEATH = 1

EXECUTE = 1 << 0
WRITE_FILE = 1 << 1
READ_FILE = 1 << 2
READ_DIR = 1 << 3
REMOVE_DIR = 1 << 4
REMOVE_FILE = 1 << 5
MAKE_CHAR = 1 << 6
MAKE_DIR = 1 << 7
MAKE_REG = 1 << 8
MAKE_SOCK = 1 << 9
MAKE_FIFO = 1 << 10
MAKE_BLOCK = 1 << 11
MAKE_SYM = 1 << 12
REFER = 1 << 13  # ABI 2
TRUNCATE = 1 << 14  # ABI 3
IOCTL_DEV = 1 << 15  # ABI 5

_FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}
_NET_ALL = 0b11  # BIND_TCP, CONNECT_TCP (ABI 4)
_SCOPE_ALL = 0b11  # ABSTRACT_UNIX_SOCKET, SIGNAL (ABI 6)

READ = READ_FILE | READ_DIR
"""What the read-only folders grant."""

WRITE = READ | WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_DIR | MAKE_REG | REFER | TRUNCATE
"""What the run's folder grants: ordinary files and folders, no devices, pipes, sockets or
links (a link could not reach outside anyway: Landlock checks the path it resolves to)."""

_FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV


def abi_version() -> int:
    """Return the Landlock ABI the kernel offers, or 0 when it has none (or it is disabled)."""
    libc = ctypes.CDLL(None, use_errno=True)
    version = libc.syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), _VERSION_FLAG)
    return max(int(version), 0)


@dataclass(frozen=True)
class Grant:
    """``rights`` beneath ``path`` (a folder, or a single file for file rights)."""

    path: Path
    rights: int


def ruleset(grants: Iterable[Grant]) -> tuple[int, int]:
    """Return a ruleset holding ``grants`` (a file descriptor) and the ABI it was built for.

    Build it before dropping privileges: the folders are opened here, and an unprivileged
    user may not be able to reach them by name. Paths that do not exist are skipped.

    Raises
    ------
    OSError
        When the kernel has no Landlock or refuses a rule: this wall is then not up.
    """
    abi = abi_version()
    if abi < 1:
        raise OSError(38, "this kernel has no Landlock (or it is turned off)")
    handled = _FS_BY_ABI[max(level for level in _FS_BY_ABI if level <= abi)]
    attr = struct.pack("=QQQ", handled, _NET_ALL if abi >= 4 else 0, _SCOPE_ALL if abi >= 6 else 0)
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.syscall(_CREATE_RULESET, attr, ctypes.c_size_t(size), 0)
    if fd < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    try:
        for grant in grants:
            _add_rule(libc, fd, grant, handled)
    except OSError:
        os.close(fd)
        raise
    return fd, abi


def restrict_self(fd: int) -> None:
    """Restrict this thread (and what it starts later) to the ruleset ``fd``, for good.

    ``no_new_privs`` is set first, as Landlock needs. The descriptor is closed.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    try:
        if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if libc.syscall(_RESTRICT_SELF, fd, 0) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(fd)


def _add_rule(libc: ctypes.CDLL, ruleset: int, grant: Grant, handled: int) -> None:
    try:
        parent = os.open(grant.path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # nothing there to grant
    try:
        rights = grant.rights & handled
        if not os.path.isdir(grant.path):
            rights &= _FILE_RIGHTS
        rule = struct.pack("=Qi", rights, parent)
        if libc.syscall(_ADD_RULE, ruleset, _PATH_BENEATH, rule, 0) != 0:
            raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {grant.path}")
    finally:
        os.close(parent)

"""A seccomp-bpf filter built from :mod:`~convscope.tracing.walls.policy`, installed for good.

The filter is a short classic-BPF program the kernel runs on every system call of the process
and of its threads (``SECCOMP_FILTER_FLAG_TSYNC``): a call of another architecture kills the
process, an allowed call passes, a call allowed only with some arguments is checked argument
by argument, and everything else returns ``EPERM``. Once installed it cannot be removed, and
``no_new_privs`` (which installing needs) is never cleared either.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct

from ._syscalls import NUMBERS
from .policy import (
    ALLOWED,
    CLONE_THREAD,
    IOCTL_REQUESTS,
    NEW_NAMESPACES,
    NOT_IMPLEMENTED,
    PRCTL_OPTIONS,
)

_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_SECCOMP_SYSCALL = {"x86_64": 317, "aarch64": 277}
_X32_BIT = 0x40000000  # x86-64's x32 calls carry this bit: refused as a whole

# classic BPF opcodes
_LOAD = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_JSET = 0x45  # BPF_JMP | BPF_JSET | BPF_K
_RET = 0x06  # BPF_RET | BPF_K

_ALLOW = 0x7FFF0000
_KILL_PROCESS = 0x80000000
_ERRNO = 0x00050000
_DENY = _ERRNO | errno.EPERM

_NR, _ARCH = 0, 4


def _arg_low(index: int) -> int:
    return 16 + 8 * index  # seccomp_data.args[index], little-endian low word


def _arg_high(index: int) -> int:
    return 20 + 8 * index


Instruction = tuple[int, int, int, int]


def supported_architecture() -> str | None:
    """Return the name of this machine's architecture if the filter knows it, else ``None``."""
    machine = platform.machine().lower()
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)
    return machine if machine in _AUDIT_ARCH else None


def build_filter(arch: str, own_pid: int) -> list[Instruction]:
    """Return the BPF program for ``arch``, letting signals go to ``own_pid`` only.

    Each allowed call is a test followed by its own ``ALLOW``, so no jump is longer than a
    few instructions (BPF jumps reach at most 255 ahead).
    """
    table = NUMBERS[arch]
    program: list[Instruction] = [
        (_LOAD, 0, 0, _ARCH),
        (_JEQ, 1, 0, _AUDIT_ARCH[arch]),
        (_RET, 0, 0, _KILL_PROCESS),
        (_LOAD, 0, 0, _NR),
    ]
    if arch == "x86_64":
        program += [(_JGE, 0, 1, _X32_BIT), (_RET, 0, 0, _DENY)]
    for name in ALLOWED:
        if name in table:
            program += [(_JEQ, 0, 1, table[name]), (_RET, 0, 0, _ALLOW)]
    for name in NOT_IMPLEMENTED:
        if name in table:
            program += [(_JEQ, 0, 1, table[name]), (_RET, 0, 0, _ERRNO | errno.ENOSYS)]
    checked = {
        "clone": _clone_block(),
        "kill": _one_of(0, (own_pid,), whole=True),
        "tgkill": _one_of(0, (own_pid,), whole=True),
        "prlimit64": _one_of(0, (0,), whole=True),
        "ioctl": _one_of(1, IOCTL_REQUESTS, whole=False),
        "prctl": _one_of(0, PRCTL_OPTIONS, whole=False),
    }
    for name, block in checked.items():
        if name in table:
            program.append((_JEQ, 0, len(block), table[name]))
            program += block
    program.append((_RET, 0, 0, _DENY))
    return program


def _clone_block() -> list[Instruction]:
    """Allow ``clone`` for a thread (``CLONE_THREAD`` set, no new namespace), nothing else."""
    return [
        (_LOAD, 0, 0, _arg_low(0)),
        (_JSET, 0, 2, CLONE_THREAD),
        (_JSET, 1, 0, NEW_NAMESPACES),
        (_RET, 0, 0, _ALLOW),
        (_RET, 0, 0, _DENY),
    ]


def _one_of(index: int, values: tuple[int, ...], *, whole: bool) -> list[Instruction]:
    """Allow the call when argument ``index`` is one of ``values`` (its high word 0 if whole)."""
    block: list[Instruction] = []
    count = len(values)
    if whole:
        block += [(_LOAD, 0, 0, _arg_high(index)), (_JEQ, 0, count + 2, 0)]
    block.append((_LOAD, 0, 0, _arg_low(index)))
    for position, value in enumerate(values):
        last = position == count - 1
        block.append((_JEQ, count - 1 - position, 1 if last else 0, value & 0xFFFFFFFF))
    block += [(_RET, 0, 0, _ALLOW), (_RET, 0, 0, _DENY)]
    return block


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install(own_pid: int) -> None:
    """Install the filter on every thread of this process, for good.

    Raises
    ------
    OSError
        When the architecture is unknown or the kernel refuses (no seccomp, or an older kernel
        without ``TSYNC``): the caller then knows this wall is not up.
    """
    arch = supported_architecture()
    if arch is None:
        raise OSError(errno.ENOSYS, f"no seccomp filter for the {platform.machine()} machine")
    program = build_filter(arch, own_pid)
    code = b"".join(struct.pack("=HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(code, len(code))
    fprog = _SockFprog(len(program), ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    set_mode_filter, tsync = 1, 1
    result = libc.syscall(_SECCOMP_SYSCALL[arch], set_mode_filter, tsync, ctypes.byref(fprog))
    if result != 0:
        raise OSError(ctypes.get_errno(), "the kernel refused the seccomp filter")

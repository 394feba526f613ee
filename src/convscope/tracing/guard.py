"""The limits the sandbox child puts on itself before it runs a stranger's code.

Two layers, both one-way (a process cannot raise its hard limits again, nor remove an audit
hook): POSIX resource limits, enforced by the kernel, and a :pep:`578` audit hook, enforced by
the interpreter, which refuses the events listed in :data:`REFUSED_EVENTS` and writing files
outside the working folder. Used only by :mod:`convscope.tracing.sandbox`.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

REFUSED_EVENTS: dict[str, str] = {
    "os.system": "running shell commands",
    "subprocess.Popen": "starting programs",
    "os.exec": "starting programs",
    "os.posix_spawn": "starting programs",
    "os.spawn": "starting programs",
    "os.fork": "starting processes",
    "os.forkpty": "starting processes",
    "pty.spawn": "starting programs",
    "os.kill": "sending signals",
    "os.killpg": "sending signals",
    "ctypes.dlopen": "loading native code",
    "ctypes.dlsym": "loading native code",
    "ctypes.call_function": "calling native code",
    "ctypes.cdata": "reading raw memory",
    "ctypes.addressof": "reading raw memory",
    "ctypes.string_at": "reading raw memory",
    "ctypes.wstring_at": "reading raw memory",
    "socket.__new__": "opening network sockets",
    "socket.connect": "opening network sockets",
    "socket.bind": "opening network sockets",
    "socket.getaddrinfo": "looking up network addresses",
    "socket.gethostbyname": "looking up network addresses",
    "urllib.Request": "network requests",
    "webbrowser.open": "opening a browser",
}
"""Audit events refused inside the sandbox, with what they would have done."""

_PATH_EVENTS = frozenset(
    {
        "os.remove",
        "os.rename",
        "os.rmdir",
        "os.mkdir",
        "os.chmod",
        "os.chown",
        "os.link",
        "os.symlink",
        "os.truncate",
        "os.utime",
        "shutil.rmtree",
        "shutil.copyfile",
        "shutil.move",
    }
)
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
_NATIVE_SUFFIXES = (".so", ".pyd", ".dll", ".dylib")
_MB = 1024 * 1024


def limit_resources(cpu_seconds: int, memory_mb: int, file_mb: int) -> list[str]:
    """Lower this process's resource limits; return the names of those that could not be set.

    ``memory_mb`` is added to the address space already in use (NumPy's imports included), so
    the traced code gets about that much more.
    """
    import resource

    # A file past RLIMIT_FSIZE should be an OSError in the code, not a killed process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    wanted = {
        "RLIMIT_CPU": (cpu_seconds, cpu_seconds + 1),
        "RLIMIT_AS": _address_space_limit(memory_mb),
        "RLIMIT_FSIZE": (file_mb * _MB, file_mb * _MB),
        "RLIMIT_NPROC": (0, 0),
        "RLIMIT_CORE": (0, 0),
    }
    refused = []
    for name, (soft, hard) in wanted.items():
        try:
            resource.setrlimit(getattr(resource, name), (soft, hard))
        except (AttributeError, ValueError, OSError):
            refused.append(name)
    return refused


def install_audit_hook(work_folder: Path) -> Callable[[str, tuple[object, ...]], None]:
    """Install (for good) the hook that refuses :data:`REFUSED_EVENTS` and outside writes."""
    home = os.path.realpath(work_folder)

    def refuse_outside(path: object, what: str) -> None:
        if isinstance(path, str | bytes | os.PathLike):
            target = os.path.realpath(os.fsdecode(path))
            if os.path.commonpath([home, target]) != home:
                raise PermissionError(f"{what} outside the sandbox folder is not allowed: {target}")
            if target.endswith(_NATIVE_SUFFIXES):
                raise PermissionError(f"writing native libraries is not allowed: {target}")

    def hook(event: str, args: tuple[object, ...]) -> None:
        reason = REFUSED_EVENTS.get(event)
        if reason is not None:
            raise PermissionError(f"{reason} ({event}) is not allowed in the convscope sandbox")
        if event == "open" and len(args) >= 3 and _writes(args[1], args[2]):
            refuse_outside(args[0], "writing files")
        elif event in _PATH_EVENTS and args:
            refuse_outside(args[0], "changing files")
            if event in {"os.rename", "os.link", "os.symlink", "shutil.move"} and len(args) > 1:
                refuse_outside(args[1], "changing files")

    sys.addaudithook(hook)
    return hook


def _writes(mode: object, flags: object) -> bool:
    if isinstance(mode, str) and any(letter in mode for letter in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)


def _address_space_limit(memory_mb: int) -> tuple[int, int]:
    in_use = 0
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    in_use = int(line.split()[1]) * 1024
    except OSError:
        pass
    limit = in_use + memory_mb * _MB
    return limit, limit

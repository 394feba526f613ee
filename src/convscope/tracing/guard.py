"""The sandbox child's second line: a :pep:`578` audit hook that words refusals clearly.

The wall is the kernel's (:mod:`convscope.tracing.walls`): code that switches this hook off,
or reaches native functions around it, still meets the seccomp filter and the Landlock
ruleset. What the hook adds is a message a learner understands ("starting programs
(subprocess.Popen) is not allowed in the convscope sandbox") where the kernel would only say
``Operation not permitted``. Used only by :mod:`convscope.tracing.sandbox`.
"""

from __future__ import annotations

import os
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

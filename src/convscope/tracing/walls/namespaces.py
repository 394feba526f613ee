"""New PID, network and mount namespaces, a size-capped folder, and an unprivileged user.

:func:`enter` detaches the calling (single-threaded) process from the machine's PID, network,
mount, IPC and host-name namespaces, through a new user namespace when it is not root (the way
unprivileged container tools do), and forks twice: the first child is the namespace's init,
which mounts a small in-memory file system (tmpfs, capped in bytes and files) over the run's
folder and waits; the second is where the walls go up and the learner's code runs. The callers
above wait and leave with its status, so only the second child returns from :func:`enter`.
When its init ends, the kernel kills everything left in the PID namespace.
"""

from __future__ import annotations

import ctypes
import os
import signal
import stat
from pathlib import Path

_NEWNS, _NEWUTS, _NEWIPC = 0x00020000, 0x04000000, 0x08000000
_NEWUSER, _NEWPID, _NEWNET = 0x10000000, 0x20000000, 0x40000000
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 2, 4, 8
_MS_REC, _MS_PRIVATE = 1 << 14, 1 << 18

NOBODY = 65534
"""The user and group the code runs as when the server is root."""

NAMES = ("pid", "net", "mount", "ipc", "uts")


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def unshare() -> tuple[str, ...]:
    """Leave the machine's namespaces; return their names, or ``()`` when the kernel refused."""
    flags = _NEWNS | _NEWUTS | _NEWIPC | _NEWPID | _NEWNET
    uid, gid = os.geteuid(), os.getegid()
    libc = _libc()
    if uid == 0:
        return NAMES if libc.unshare(flags) == 0 else ()
    if libc.unshare(flags | _NEWUSER) != 0:
        return ()
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    return (*NAMES, "user")


def fork_and_wait(cpu_seconds: float | None = None) -> None:
    """Fork; the parent waits for the child and leaves with its status (128 + a signal).

    With ``cpu_seconds``, a child killed after using that much CPU time is reported as ended
    by ``SIGXCPU``: it ignored the soft limit's signal and met the hard limit's ``SIGKILL``.
    """
    child = os.fork()
    if child == 0:
        return
    while True:
        try:
            _, status, usage = os.wait4(child, 0)
            break
        except InterruptedError:
            continue
    code = os.waitstatus_to_exitcode(status)
    used = usage.ru_utime + usage.ru_stime
    if code == -signal.SIGKILL and cpu_seconds is not None and used >= cpu_seconds:
        code = -signal.SIGXCPU
    os._exit(128 - code if code < 0 else code)


def mount_private_folder(folder: Path, size_mb: int, owner: tuple[int, int]) -> None:
    """Mount a tmpfs of ``size_mb`` over ``folder``, seen by this mount namespace only."""
    libc = _libc()
    if libc.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None) != 0:
        raise OSError(ctypes.get_errno(), "could not make the mounts private")
    options = f"size={size_mb * 1024}k,nr_inodes=512,mode=0700,uid={owner[0]},gid={owner[1]}"
    flags = _MS_NOSUID | _MS_NODEV | _MS_NOEXEC
    if libc.mount(b"tmpfs", os.fsencode(folder), b"tmpfs", flags, options.encode()) != 0:
        raise OSError(ctypes.get_errno(), f"could not mount the run's folder {folder}")
    os.chdir(folder)  # the old working folder is under the mount now


def nobody_can_run(needed: list[Path]) -> bool:
    """Whether to run the code as :data:`NOBODY`: this process is root and may read ``needed``.

    ``needed`` are the folders the code must read (Python and its packages). When root owns one
    that other users may not enter (pyenv under ``/root``, say), ``nobody`` could not import
    anything, so the code keeps user 0 without a single capability instead, confined by
    Landlock and seccomp like any other user.
    """
    root = os.getuid() == 0 and _is_initial_user_namespace()
    return root and all(_others_may_read(path) for path in needed)


def drop_privileges(as_nobody: bool) -> str:
    """Become :data:`NOBODY`, or drop every capability; say who runs the code, in words."""
    if as_nobody:
        os.setgroups([])
        os.setresgid(NOBODY, NOBODY, NOBODY)
        os.setresuid(NOBODY, NOBODY, NOBODY)
        return f"nobody ({NOBODY})"
    _drop_capabilities()
    if os.getuid() == 0:
        return "root without capabilities (Python is not readable by nobody)"
    return f"uid {os.getuid()} without capabilities"


def _others_may_read(path: Path) -> bool:
    """Whether a user with no claim on ``path`` or its parents may list and enter it."""
    try:
        if not path.exists():
            return True
        entered = [path.resolve(), *path.resolve().parents]
        modes = [folder.stat().st_mode for folder in entered]
    except OSError:
        return False
    return bool(modes[0] & stat.S_IROTH) and all(mode & stat.S_IXOTH for mode in modes)


def _drop_capabilities() -> None:
    for capability in range(64):  # the bounding set: no way back through a file's capabilities
        _libc().prctl(24, capability, 0, 0, 0)  # PR_CAPBSET_DROP; past the last one: EINVAL
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()
    if _libc().capset(header, data) != 0:
        raise OSError(ctypes.get_errno(), "could not drop capabilities")


def _is_initial_user_namespace() -> bool:
    try:
        return Path("/proc/self/uid_map").read_text().split() == ["0", "0", "4294967295"]
    except OSError:
        return False

"""The operating system's walls around the sandbox child: what goes up, in which order.

:func:`enter` turns the calling process (single-threaded, imports done) into a confined one:

1. new PID, network, mount, IPC and host-name namespaces (:mod:`.namespaces`), with a tmpfs
   capped at the run's file quota as the only writable folder;
2. an unprivileged user (``nobody`` when the server is root, no capabilities otherwise);
3. resource limits: CPU seconds, address space, file size, processes and threads, open files,
   no core dumps;
4. a Landlock ruleset (:mod:`.landlock`): read the Python installation and the packages, write
   the run's folder, nothing else; no TCP; no signals out of the domain;
5. a seccomp-bpf filter (:mod:`.seccomp`): no exec, no fork but threads, no sockets, signals to
   itself only, no ptrace, mount, mknod, xattr, setsid, namespaces.

Namespaces are used where the kernel allows them; seccomp and Landlock are required: when
``require`` is set and either cannot be raised, :class:`WallsDown` is raised instead of running
anything.
"""

from __future__ import annotations

import os
import resource
import signal
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import landlock, namespaces, seccomp

_MB = 1024 * 1024
MAX_TASKS = 16
"""Processes and threads the code's user may have (``RLIMIT_NPROC``): a thread bomb stops here."""
MAX_OPEN_FILES = 64


@dataclass
class Walls:
    """Which walls are up around a run (or would be, for :func:`probe`)."""

    seccomp: bool = False
    landlock_abi: int = 0
    namespaces: tuple[str, ...] = ()
    user: str = ""
    quota_mb: int | None = None
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    """How long raising them took, from the first step to the code's first line."""

    @property
    def complete(self) -> bool:
        """Whether both required walls, seccomp and Landlock, are up."""
        return self.seccomp and self.landlock_abi > 0

    def summary(self) -> str:
        """Return one line saying what is up, for a server's start-up log."""
        parts = [
            "seccomp filter" if self.seccomp else "NO seccomp filter",
            f"Landlock ABI {self.landlock_abi}" if self.landlock_abi else "NO Landlock",
            f"namespaces: {', '.join(self.namespaces)}" if self.namespaces else "NO namespaces",
            f"runs as {self.user}",
        ]
        return "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        data = asdict(self)
        data["namespaces"] = list(self.namespaces)
        return data


class WallsDown(RuntimeError):
    """A required wall could not be raised; nothing of the learner's code has run."""

    def __init__(self, walls: Walls) -> None:
        super().__init__("the sandbox could not raise its walls: " + "; ".join(walls.problems))
        self.walls = walls


@dataclass(frozen=True)
class Allowance:
    """The resources one run may use."""

    cpu_seconds: int
    memory_mb: int
    file_mb: int


def enter(work: Path, allowance: Allowance, *, require: bool = True) -> Walls:
    """Confine this process for good; only the confined grandchild returns.

    Raises
    ------
    WallsDown
        When ``require`` is set and seccomp or Landlock could not be raised.
    """
    started = time.perf_counter()  # CLOCK_MONOTONIC: the same clock in the grandchild
    walls = Walls()
    if sys.platform != "linux":
        walls.problems.append(f"{sys.platform} has neither seccomp nor Landlock")
        if require:
            raise WallsDown(walls)
        _limit_resources(allowance, _address_space_limit(allowance.memory_mb))
        return walls
    if _thread_count() != 1:
        walls.problems.append("the process has more than one thread")
        raise WallsDown(walls)
    grants = _grants()
    as_nobody = namespaces.nobody_can_run([g.path for g in grants if g.rights == landlock.READ])
    walls.namespaces = namespaces.unshare()
    namespaces.fork_and_wait()
    if walls.namespaces:
        owner = (namespaces.NOBODY,) * 2 if as_nobody else (os.getuid(), os.getgid())
        _try(walls, "tmpfs", namespaces.mount_private_folder, work, allowance.file_mb, owner)
        walls.quota_mb = None if walls.problems else allowance.file_mb
    # The code is not the namespace's init, which ignores signals it has no handler for.
    namespaces.fork_and_wait(cpu_seconds=allowance.cpu_seconds)
    address_space = _address_space_limit(allowance.memory_mb)
    if walls.quota_mb is not None:  # without its own tmpfs, the run writes nowhere
        grants.append(landlock.Grant(work, landlock.WRITE))
    built = _try(walls, "Landlock", landlock.ruleset, grants)  # opens folders: still privileged
    walls.user = namespaces.drop_privileges(as_nobody)
    if built is not None and _try(walls, "Landlock", landlock.restrict_self, built[0]):
        walls.landlock_abi = built[1]
    _limit_resources(allowance, address_space)
    walls.seccomp = _try(walls, "seccomp", seccomp.install, os.getpid()) is not None
    if require and not walls.complete:
        raise WallsDown(walls)
    walls.seconds = time.perf_counter() - started
    return walls


def _try(walls: Walls, name: str, step: Any, *args: Any) -> Any:
    """Run one step; on failure note it in ``walls.problems`` and return ``None``."""
    try:
        result = step(*args)
    except OSError as error:
        walls.problems.append(f"{name}: {error.strerror or error}")
        return None
    return True if result is None else result


def _grants() -> list[landlock.Grant]:
    """Return what the code may read: Python and its packages, a few devices and files."""
    import convscope

    reads = {Path(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    reads |= {Path(p) for p in sys.path if p and Path(p).is_dir()}
    reads.add(Path(convscope.__file__).parent)
    reads |= {Path(p) for p in ("/usr/lib", "/usr/lib64", "/lib", "/lib64")}  # shared libraries
    grants = [landlock.Grant(path.resolve(), landlock.READ) for path in sorted(reads)]
    grants += [
        landlock.Grant(Path(name), landlock.READ_FILE)
        for name in ("/etc/ld.so.cache", "/etc/localtime", "/dev/urandom", "/dev/zero")
    ]
    grants.append(landlock.Grant(Path("/dev/null"), landlock.READ_FILE | landlock.WRITE_FILE))
    return grants


def _limit_resources(allowance: Allowance, address_space: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file too large is an OSError, not a kill
    cpu = allowance.cpu_seconds
    limits = {
        resource.RLIMIT_CPU: (cpu, cpu + 1),
        resource.RLIMIT_AS: (address_space, address_space),
        resource.RLIMIT_FSIZE: (allowance.file_mb * _MB,) * 2,
        resource.RLIMIT_NPROC: (MAX_TASKS, MAX_TASKS),
        resource.RLIMIT_NOFILE: (MAX_OPEN_FILES, MAX_OPEN_FILES),
        resource.RLIMIT_CORE: (0, 0),
    }
    for which, (soft, hard) in limits.items():
        _, current = resource.getrlimit(which)
        if current != resource.RLIM_INFINITY:  # a process can only lower its hard limits
            soft, hard = min(soft, current), min(hard, current)
        resource.setrlimit(which, (soft, hard))


def _address_space_limit(memory_mb: int) -> int:
    """Return the address space in use now plus ``memory_mb`` (read before /proc is walled)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024 + memory_mb * _MB
    except OSError:
        pass
    return 4096 * _MB + memory_mb * _MB


def _thread_count() -> int:
    return len(os.listdir("/proc/self/task"))

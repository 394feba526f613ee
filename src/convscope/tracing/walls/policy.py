"""What the sandbox child may ask of the kernel once its walls are up: the system-call policy.

Deny by default. :data:`ALLOWED` are the calls CPython, NumPy and the tracer make while running a
program: reading and writing open files, memory, time, threads' bookkeeping, and file-system
calls that the Landlock ruleset then confines to the run's own folder. :data:`WITH_ARGUMENTS`
are allowed only with the arguments named there (threads but not processes, signals only to
itself). Every other call, among them ``execve``, ``fork``, ``socket``, ``ptrace``, ``mount``,
``mknod``, the ``*xattr`` family, ``setsid``, ``pidfd_open``, ``unshare`` and ``bpf``, fails
with ``EPERM``.

The names are the kernel's; :mod:`convscope.tracing.walls._syscalls` maps them to numbers for
each architecture the filter supports (``scripts/gen_syscalls.py`` writes it).
"""

from __future__ import annotations

ALLOWED: tuple[str, ...] = (
    # reading and writing descriptors it holds
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev",
    "preadv2", "pwritev2", "lseek", "close", "close_range", "dup", "dup2", "dup3", "fcntl",
    "pipe", "pipe2", "poll", "ppoll", "select", "pselect6", "epoll_create", "epoll_create1",
    "epoll_ctl", "epoll_wait", "epoll_pwait", "eventfd2", "sendfile", "copy_file_range",
    "fsync", "fdatasync", "flock", "fadvise64",
    # looking at files (Landlock decides which)
    "fstat", "stat", "lstat", "newfstatat", "statx", "statfs", "fstatfs", "access",
    "faccessat", "faccessat2", "readlink", "readlinkat", "getdents64", "getcwd", "chdir",
    "fchdir",
    # opening and changing files (Landlock: only inside the run's folder)
    "open", "openat", "openat2", "creat", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat",
    "rename", "renameat", "renameat2", "truncate", "ftruncate", "fallocate", "chmod",
    "fchmod", "fchmodat", "utimensat", "umask",
    # memory
    "mmap", "munmap", "mprotect", "mremap", "madvise", "brk", "membarrier",
    # its own signals and timers
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigtimedwait",
    "rt_sigsuspend", "sigaltstack", "pause", "alarm", "getitimer", "setitimer",
    # time
    "nanosleep", "clock_nanosleep", "clock_gettime", "clock_getres", "gettimeofday", "time",
    "times",
    # who and where it is
    "getpid", "gettid", "getppid", "getuid", "geteuid", "getgid", "getegid", "getresuid",
    "getresgid", "getgroups", "getpgrp", "getpgid", "getsid", "capget", "uname", "sysinfo",
    "getrusage", "getrlimit", "sched_getaffinity", "sched_yield", "sched_getparam",
    "sched_getscheduler", "getcpu", "getrandom",
    # threads' bookkeeping, waiting and ending
    "futex", "futex_waitv", "set_robust_list", "get_robust_list", "set_tid_address", "rseq",
    "arch_prctl", "wait4", "waitid", "restart_syscall", "exit", "exit_group",
)  # fmt: skip
"""Calls allowed with any arguments."""

CLONE_THREAD = 0x00010000
NEW_NAMESPACES = 0x7E020000  # CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET

IOCTL_REQUESTS = (0x5401, 0x5421, 0x541B, 0x5450, 0x5451)
"""``TCGETS`` (``isatty``), ``FIONBIO``, ``FIONREAD``, ``FIONCLEX``, ``FIOCLEX``."""

PRCTL_OPTIONS = (15, 16, 21, 39, 0x53564D41)
"""``PR_SET_NAME``, ``PR_GET_NAME``, ``PR_GET_SECCOMP``, ``PR_GET_NO_NEW_PRIVS``, ``PR_SET_VMA``."""

WITH_ARGUMENTS: tuple[str, ...] = ("clone", "kill", "tgkill", "ioctl", "prctl", "prlimit64")
"""Calls allowed only with certain arguments (see :mod:`~convscope.tracing.walls.seccomp`)."""

NOT_IMPLEMENTED: tuple[str, ...] = ("clone3",)
"""Calls answered ``ENOSYS``: the C library then falls back to ``clone``, whose flags a filter
can read (``clone3`` passes them in memory, out of the filter's sight)."""

ALL_NAMES = ALLOWED + WITH_ARGUMENTS + NOT_IMPLEMENTED

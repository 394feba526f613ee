"""Code typed by a stranger runs in a limited child process and always comes back as a result.

Each test runs one hostile snippet and checks two things: the answer says clearly what happened
(``stopped`` or ``error``), and this process carried on (it got an answer in bounded time and
nothing outside the sandbox changed).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest

from convscope.tracing.sandbox import SandboxLimits, run_traced_source

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the sandbox needs POSIX limits")

QUICK = SandboxLimits(max_seconds=3.0, wall_seconds=6.0, cpu_seconds=3, memory_mb=256)


def run(source: str, call: str | None = None, limits: SandboxLimits = QUICK) -> dict[str, Any]:
    started = time.monotonic()
    answer = run_traced_source(source, call, limits)
    assert time.monotonic() - started < limits.wall_seconds + 5  # the caller got control back
    return answer


def test_ordinary_code_gives_the_same_json_as_in_process() -> None:
    answer = run("def double(x):\n    return 2 * x\n", "double(21)")
    assert answer["result"]["value"] == 42
    assert answer["stopped"] is None and answer["error"] is None
    assert [step["event"] for step in answer["steps"]][-1] == "return"


def test_numpy_is_available_inside() -> None:
    answer = run("import numpy as np\ntotal = int(np.arange(5).sum())\n")
    assert answer["error"] is None
    assert answer["steps"][-2]["changes"]["total"]["value"] == 10


def test_an_infinite_python_loop_stops_at_the_step_cap() -> None:
    answer = run("while True:\n    pass\n", limits=SandboxLimits(max_steps=20_000))
    assert answer["stopped"] == "stopped after 20000 steps"
    assert len(answer["steps"]) == 20_000


def test_an_infinite_loop_inside_a_builtin_is_ended_by_the_cpu_limit() -> None:
    limits = SandboxLimits(wall_seconds=8.0, cpu_seconds=1)
    answer = run("import itertools\nbiggest = max(itertools.count())\n", limits=limits)
    assert answer["stopped"] == "stopped after 1 s of CPU time"
    assert answer["steps"] == []


def test_a_sleeping_process_is_ended_by_the_wall_clock() -> None:
    limits = SandboxLimits(wall_seconds=2.0, max_seconds=30.0)
    answer = run("import time\ntime.sleep(60)\n", limits=limits)
    assert answer["stopped"] == "stopped after 2.0 s"


def test_a_memory_bomb_is_stopped_at_the_memory_limit() -> None:
    answer = run("blocks = []\nwhile True:\n    blocks.append(bytearray(20_000_000))\n")
    assert answer["stopped"] == "stopped: the code used more than 256 MB of memory"


def test_a_trace_larger_than_the_file_limit_says_so() -> None:
    # 4,000 steps, each recording a 300-character text: about 1.5 MB of answer for a 1 MB cap
    source = "for i in range(2_000):\n    word = str(i) * 300\n"
    answer = run(source, limits=SandboxLimits(file_mb=1, max_seconds=3.0, wall_seconds=6.0))
    assert answer["stopped"] == (
        "stopped: this run recorded more than the 1 MB the sandbox may send back;"
        " run fewer lines or keep smaller values"
    )
    assert answer["error"] is None
    assert run(source, limits=SandboxLimits(file_mb=4))["stopped"] is None


def test_deep_recursion_comes_back_as_a_recursion_error() -> None:
    answer = run("def down(n):\n    return down(n + 1)\n", "down(0)")
    assert answer["error"]["type"] == "RecursionError"
    assert len(answer["steps"]) > 100


def test_printing_a_hundred_megabytes_keeps_only_the_start() -> None:
    answer = run("print('x' * 100_000_000)\n")
    assert answer["error"] is None
    assert answer["stdout"].startswith("xxx") and "more characters not kept" in answer["stdout"]
    assert len(answer["stdout"]) < 200_000


def test_an_exception_comes_back_as_an_error_with_its_line() -> None:
    answer = run("def f():\n    return {}['missing']\n", "f()")
    assert answer["error"] == {"type": "KeyError", "message": "'missing'", "line": 2}


ATTACKS = {
    "shell": (
        "import os",
        "os.system('touch /tmp/convscope-sandbox-escape')",
        "running shell commands",
    ),
    "program": ("import subprocess", "subprocess.run(['true'])", "starting programs"),
    "fork": ("import os", "os.fork()", "starting processes"),
    "socket": ("import socket", "socket.socket()", "opening network sockets"),
    "ctypes": ("import ctypes", "ctypes.CDLL(None)", "loading native code"),
    "write": (
        "",
        "open('/tmp/convscope-sandbox-escape', 'w')",
        "writing files outside the sandbox",
    ),
}


@pytest.fixture(scope="module")
def attacks() -> dict[str, Any]:
    """Try every attack in one sandboxed run (one child process), printing what each raised."""
    lines = [
        f"{setup}\ntry:\n    {attack}\nexcept Exception as error:\n    print({name!r}, error)"
        for name, (setup, attack, _) in ATTACKS.items()
    ]
    return run("\n".join(lines) + "\n")


@pytest.mark.parametrize("name", list(ATTACKS))
def test_dangerous_calls_are_refused_with_a_clear_message(
    attacks: dict[str, Any], name: str
) -> None:
    printed = dict(line.split(" ", 1) for line in attacks["stdout"].splitlines())
    assert printed[name].startswith(ATTACKS[name][2])
    assert (
        printed[name].endswith("not allowed in the convscope sandbox") or "outside" in printed[name]
    )
    assert not Path("/tmp/convscope-sandbox-escape").exists()


def test_a_refused_call_left_uncaught_is_the_run_s_error() -> None:
    answer = run("import os\nos.system('true')\n")
    assert answer["error"]["type"] == "PermissionError"
    assert answer["error"]["line"] == 2


def test_files_can_be_written_inside_the_sandbox_folder() -> None:
    answer = run(
        "with open('notes.txt', 'w') as f:\n    f.write('ok')\nprint(open('notes.txt').read())\n"
    )
    assert answer["error"] is None and answer["stdout"] == "ok\n"


def test_the_environment_of_the_caller_does_not_leak_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVSCOPE_SECRET", "hunter2")
    answer = run("import os\nseen = dict(os.environ)\n")
    assert "hunter2" not in str(answer["steps"])


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match=r"SandboxLimits\.cpu_seconds must be a positive number"):
        SandboxLimits(cpu_seconds=0)

"""Write src/convscope/tracing/walls/_syscalls.py from the kernel headers of this machine.

Needs Debian's linux-libc-dev (``/usr/include/.../asm/unistd_64.h`` and
``/usr/include/asm-generic/unistd.h``). Run from the repository root:
``python scripts/gen_syscalls.py``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from convscope.tracing.walls.policy import ALL_NAMES

X86_64 = Path("/usr/include/x86_64-linux-gnu/asm/unistd_64.h")
GENERIC = Path("/usr/include/asm-generic/unistd.h")  # aarch64 uses the generic table
OUT = Path(__file__).resolve().parents[1] / "src/convscope/tracing/walls/_syscalls.py"
DEFINE = re.compile(r"^#define __NR(?:3264)?_(\w+)\s+(\d+)\s*$")
ALIAS = re.compile(r"^#define __NR_(\w+)\s+__NR3264_(\w+)\s*$")


def numbers(header: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    plain: dict[str, int] = {}
    lines = header.read_text().splitlines()
    for line in lines:
        if match := DEFINE.match(line):
            name, number = match[1], int(match[2])
            (plain if "__NR3264_" not in line else found).setdefault(name, number)
    for line in lines:  # __NR_fstat -> __NR3264_fstat and friends
        if (match := ALIAS.match(line)) and match[2] in found:
            plain.setdefault(match[1], found[match[2]])
    return {name: plain[name] for name in ALL_NAMES if name in plain}


def main() -> None:
    tables = {"x86_64": numbers(X86_64), "aarch64": numbers(GENERIC)}
    for arch, table in tables.items():
        assert len(set(table.values())) == len(table), f"{arch}: one number for two names"
    body = [
        '"""System-call numbers of the names in policy.py (written by scripts/gen_syscalls.py)."""'
    ]
    body += ["", "NUMBERS: dict[str, dict[str, int]] = {"]
    for arch, table in tables.items():
        pairs = ", ".join(f'"{name}": {number}' for name, number in sorted(table.items()))
        body.append(f'    "{arch}": {{{pairs}}},')
    body.append("}")
    OUT.write_text("\n".join(body) + "\n")


if __name__ == "__main__":
    main()

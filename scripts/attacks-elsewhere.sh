#!/usr/bin/env bash
# The sandbox's attack suite once more, where this machine allows it, with a Python that every
# user can read (Debian's /usr/bin/python3, in a virtual environment under /tmp):
#   - as root: the learner's code then runs as nobody (the main suite, whose Python may sit in
#     /root, covers root without capabilities);
#   - as nobody: an ordinary user's server, whose code runs in a user namespace.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != "0" ] || ! command -v setpriv >/dev/null || [ ! -x /usr/bin/python3 ]; then
  echo "== attacks as nobody: skipped (needs root, setpriv and /usr/bin/python3)"
  exit 0
fi
other=/tmp/convscope-attacks-venv
if [ ! -x "$other/bin/python" ] && ! /usr/bin/python3 -m venv "$other"; then
  echo "== attacks as nobody: skipped (/usr/bin/python3 cannot make a virtual environment)"
  exit 0
fi
"$other/bin/pip" install --quiet --disable-pip-version-check pytest pytest-xdist
"$other/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps .
"$other/bin/pip" install --quiet --disable-pip-version-check .

suite=$(mktemp -d /tmp/convscope-attacks-XXXXXX)
trap 'rm -rf "$suite"' EXIT
cp tests/attacks/test_sandbox_walls.py "$suite/"
printf '[pytest]\nmarkers =\n    attack: tries to break out of the sandbox\n' > "$suite/pytest.ini"
chmod -R a+rX "$suite"

echo "== attacks, server as root with a Python nobody can read (code runs as nobody)"
(cd "$suite" && "$other/bin/python" -m pytest -q -n 2 -p no:cacheprovider test_sandbox_walls.py)
echo "== attacks, server as an ordinary user (nobody)"
(cd "$suite" && setpriv --reuid=65534 --regid=65534 --clear-groups \
  "$other/bin/python" -m pytest -q -n 2 -p no:cacheprovider test_sandbox_walls.py)

"""``convscope serve``: its options, its address and the free port it picks."""

from __future__ import annotations

import socket

from typer.testing import CliRunner

from convscope.cli import _register, app
from convscope.cli.serve import free_port, lesson_url


def test_free_port_can_be_bound_right_away() -> None:
    port = free_port("127.0.0.1")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", port))
    assert 1024 <= port <= 65535


def test_lesson_url_is_local_and_brackets_ipv6() -> None:
    assert lesson_url("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert lesson_url("0.0.0.0", 8000) == "http://127.0.0.1:8000/"
    assert lesson_url("::1", 8000) == "http://[::1]:8000/"


def test_serve_help_lists_port_host_and_no_open() -> None:
    _register()
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--port", "--host", "--no-open"):
        assert option in result.output

"""Which names a browser may use to reach the server: a ``Host`` check against DNS rebinding.

A web page a learner visits can point its own domain at 127.0.0.1 (DNS rebinding) and then talk
to the server on this computer as if it were the same site; the browser then sends that
domain's name as ``Host``. :class:`HostCheck` answers ``400`` to any request whose ``Host`` is
not a name the server was meant to be reached by (:func:`allowed_hosts`): the loopback names,
the address it listens on, this computer's own names when it listens on every address, and
whatever the teacher added with ``convscope serve --allowed-host``.

An address typed as digits (``http://192.168.1.20:8000``) is accepted when it is the address the
connection arrived at: a page can only send such a ``Host`` from its own origin, which is the
server itself, so no rebinding hides behind it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from collections.abc import Collection, Iterable

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
WILDCARD_ADDRESSES = ("0.0.0.0", "::", "")


def host_name(value: str) -> str:
    """Return the name part of a ``Host`` header or address, lowercase, IPv6 in brackets.

    >>> host_name("LocalHost:8000"), host_name("[::1]:80"), host_name("::1")
    ('localhost', '[::1]', '[::1]')
    """
    value = value.strip().lower().rstrip(".")
    if value.startswith("["):
        return value.partition("]")[0] + "]"
    if value.count(":") > 1:  # a bare IPv6 address, as a listening address is written
        return f"[{value}]"
    return value.partition(":")[0].rstrip(".")


def _own_names() -> set[str]:
    names = {socket.gethostname(), socket.getfqdn()}
    with contextlib.suppress(OSError):
        for *_, address in socket.getaddrinfo(socket.gethostname(), None):
            names.add(str(address[0]))
    return {host_name(name) for name in names if name}


def allowed_hosts(bound: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """Return the ``Host`` names a server listening on ``bound`` answers to.

    The loopback names, ``bound`` itself, the ``extra`` names a teacher gave, and when ``bound``
    is a wildcard (``0.0.0.0``, ``::``) this computer's host name and addresses.
    """
    names = {*LOOPBACK_NAMES, *(host_name(name) for name in extra)}
    if bound in WILDCARD_ADDRESSES:
        names |= _own_names()
    else:
        names.add(host_name(bound))
    return frozenset(names)


def _arrived_at(scope: Scope) -> str | None:
    server = scope.get("server")
    if not server:
        return None
    with contextlib.suppress(ValueError):
        return host_name(str(ipaddress.ip_address(str(server[0]))))
    return None


def refusal(name: str) -> str:
    """Return the words of the ``400`` for a request that used the name ``name``."""
    return (
        f"this convscope server does not answer to the name {name!r}; open it by its own "
        "address (the one it printed when it started), or let the teacher start it with "
        f"--allowed-host {name or 'NAME'}"
    )


class HostCheck:
    """ASGI middleware answering ``400`` to requests whose ``Host`` is not in ``allowed``.

    Parameters
    ----------
    app : ASGI application
        The application behind the check.
    allowed : collection of str
        The accepted names, as :func:`host_name` writes them.
    """

    def __init__(self, app: ASGIApp, allowed: Collection[str]) -> None:
        self.app, self.allowed = app, frozenset(allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on if its ``Host`` is allowed; answer ``400`` otherwise."""
        if scope["type"] != "http":  # the app has no websockets; lifespan passes
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        name = host_name(headers.get(b"host", b"").decode("latin-1"))
        if name in self.allowed or (name and name == _arrived_at(scope)):
            await self.app(scope, receive, send)
            return
        await PlainTextResponse(refusal(name), status_code=400)(scope, receive, send)

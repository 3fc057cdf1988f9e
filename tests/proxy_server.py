"""A real HTTP CONNECT proxy on this computer, for testing ``msp sync`` through one.

Like a council's proxy it resolves names the laptop cannot (``hosts`` maps them to a
port on 127.0.0.1), may want a password (``Proxy-Authorization: Basic``), and joins
the two connections byte for byte once it has answered ``200``. ``divert`` makes it a
machine in the middle: every tunnel goes to that port instead, as a TLS-inspecting
proxy would put its own server in the way. It records each CONNECT it was asked for.
"""

from __future__ import annotations

import base64
import contextlib
import socket
import socketserver
import threading
from dataclasses import dataclass, field
from types import TracebackType


@dataclass
class Asked:
    """One CONNECT request: the target and the credentials, as the proxy received them."""

    target: str
    authorization: str | None


@dataclass
class ConnectProxy:
    """The proxy in a thread; a context manager that starts and stops it."""

    hosts: dict[str, int] = field(default_factory=dict)
    """Host name -> port on 127.0.0.1 that the tunnel goes to."""
    password: tuple[str, str] | None = None
    divert: int | None = None
    asked: list[Asked] = field(default_factory=list)

    def __post_init__(self) -> None:
        proxy = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.connection, self.rfile)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ConnectProxy:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, client: socket.socket, reader: object) -> None:
        rfile = reader  # the buffered reader over ``client``
        request = rfile.readline(8192).decode("latin-1").split()  # type: ignore[attr-defined]
        headers: dict[str, str] = {}
        while True:
            line = rfile.readline(8192).decode("latin-1")  # type: ignore[attr-defined]
            if line in ("\r\n", "\n", ""):
                break
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if len(request) != 3 or request[0] != "CONNECT":
            client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        target = request[1]
        self.asked.append(Asked(target, headers.get("proxy-authorization")))
        if self.password is not None:
            wanted = "Basic " + base64.b64encode(":".join(self.password).encode()).decode()
            if headers.get("proxy-authorization") != wanted:
                client.sendall(
                    b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                    b'Proxy-Authenticate: Basic realm="council"\r\nContent-Length: 0\r\n\r\n'
                )
                return
        host = target.rpartition(":")[0]
        if self.divert is not None:
            upstream_port = self.divert
        elif host in self.hosts:
            upstream_port = self.hosts[host]
        else:
            client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            return
        upstream = socket.create_connection(("127.0.0.1", upstream_port), timeout=10)
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        _join(client, upstream)


def _join(one: socket.socket, other: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""

    def pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    back = threading.Thread(target=pump, args=(other, one), daemon=True)
    back.start()
    pump(one, other)
    back.join(timeout=10)
    other.close()

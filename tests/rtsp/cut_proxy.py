"""A network cut between a client and a loopback server: a TCP relay on 127.0.0.1 that closes
its first connection (both ways, no goodbye) once ``cut_after`` bytes came from the server (0:
never); the connections after it are relayed whole. ``date_shift``: the server's ``Date:``
headers are moved by that many seconds on their way (a recorder whose clock is off)."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime


@dataclass
class CutProxy:
    upstream: int  # the server's port
    cut_after: int
    date_shift: float = 0.0
    port: int = 0
    connections: int = 0
    cut_done: bool = False
    closing: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def _pump(self, src: socket.socket, dst: socket.socket, count: bool, first: bool) -> None:
        sent = 0
        try:
            while not self.closing.is_set():
                try:
                    data = src.recv(65536)
                except TimeoutError:
                    continue
                if not data:
                    break
                if count and self.date_shift:
                    data = re.sub(rb"Date: ([^\r\n]+)", self._shifted, data)
                if count and first and self.cut_after and not self.cut_done \
                        and sent + len(data) >= self.cut_after:
                    dst.sendall(data[:max(0, self.cut_after - sent)])
                    self.cut_done = True
                    break
                dst.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _shifted(self, m: re.Match[bytes]) -> bytes:
        when = parsedate_to_datetime(m.group(1).decode()).timestamp() + self.date_shift
        return b"Date: " + formatdate(when, usegmt=True).encode()

    def _serve(self, client: socket.socket) -> None:
        self.connections += 1
        first = self.connections == 1
        server = socket.create_connection(("127.0.0.1", self.upstream), timeout=5)
        for s in (client, server):
            s.settimeout(0.2)
        pumps = [threading.Thread(target=self._pump, args=(client, server, False, first),
                                  daemon=True, name="cut-proxy-up"),
                 threading.Thread(target=self._pump, args=(server, client, True, first),
                                  daemon=True, name="cut-proxy-down")]
        for t in pumps:
            t.start()
        for t in pumps:
            t.join()
        client.close()
        server.close()


@contextmanager
def cut_proxy(upstream: int, cut_after: int = 0, date_shift: float = 0.0
              ) -> Iterator[CutProxy]:
    proxy = CutProxy(upstream, cut_after, date_shift)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    proxy.port = listener.getsockname()[1]

    def accept() -> None:
        while not proxy.closing.is_set():
            try:
                sock, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            t = threading.Thread(target=proxy._serve, args=(sock,), daemon=True,
                                 name="cut-proxy-conn")
            proxy.threads.append(t)
            t.start()

    acceptor = threading.Thread(target=accept, daemon=True, name="cut-proxy-accept")
    acceptor.start()
    try:
        yield proxy
    finally:
        proxy.closing.set()
        acceptor.join(5)
        listener.close()
        for t in proxy.threads:
            t.join(5)

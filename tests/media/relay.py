"""A counting TCP relay in front of the real RTSP server: what the recorder would see.

gst-rtsp-server does not log its clients, so tests that must count connections (the session
cap, the one-probe rule) put this relay between the engine and the server. It forwards bytes
unchanged, counts every accepted connection and the most held at once, and its upstream can be
switched — a recorder that comes back on the same address after a crash.
"""

from __future__ import annotations

import selectors
import socket
import threading


class CountingRelay:
    host = "127.0.0.1"

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.accepted = 0
        self.max_open = 0
        self._pairs: dict[socket.socket, socket.socket] = {}
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind((self.host, 0))
        self._listener.listen(128)
        self.port = self._listener.getsockname()[1]
        self._wake_r, self._wake_w = socket.socketpair()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="test-counting-relay",
                                        daemon=True)
        self._thread.start()

    def url(self, mount: str) -> str:
        return f"rtsp://{self.host}:{self.port}/{mount}"

    @property
    def open_now(self) -> int:
        with self._lock:
            return len(self._pairs) // 2

    def switch(self, upstream_port: int) -> None:
        """New connections go to ``upstream_port``; open ones are cut."""
        with self._lock:
            self.upstream_port = upstream_port
        self._wake_w.send(b"c")

    def close(self) -> None:
        self._stop = True
        self._wake_w.send(b"q")
        self._thread.join(5)
        self._listener.close()
        self._wake_r.close()
        self._wake_w.close()

    def _run(self) -> None:
        sel = selectors.DefaultSelector()
        sel.register(self._listener, selectors.EVENT_READ)
        sel.register(self._wake_r, selectors.EVENT_READ)
        while not self._stop:
            # Closes before accepts: a slot freed by a client that hung up is seen freed
            # before the next client's connection is counted.
            events = sorted(sel.select(0.5), key=lambda e: e[0].fileobj is self._listener)
            for key, _ in events:
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                if sock is self._listener:
                    self._accept(sel)
                elif sock is self._wake_r:
                    if b"c" in sock.recv(64):
                        self._cut_all(sel)
                elif sock in self._pairs:
                    self._forward(sel, sock)
        self._cut_all(sel)
        sel.close()

    def _accept(self, sel: selectors.BaseSelector) -> None:
        client, _ = self._listener.accept()
        with self._lock:
            self.accepted += 1
            port = self.upstream_port
        try:
            upstream = socket.create_connection((self.host, port), timeout=2)
        except OSError:
            client.close()  # the recorder is down: the client sees the connection drop
            return
        with self._lock:
            self._pairs[client] = upstream
            self._pairs[upstream] = client
            self.max_open = max(self.max_open, len(self._pairs) // 2)
        sel.register(client, selectors.EVENT_READ)
        sel.register(upstream, selectors.EVENT_READ)

    def _forward(self, sel: selectors.BaseSelector, sock: socket.socket) -> None:
        try:
            data = sock.recv(65536)
        except OSError:
            data = b""
        peer = self._pairs[sock]
        if data:
            try:
                peer.sendall(data)
                return
            except OSError:
                pass
        self._cut(sel, sock)

    def _cut(self, sel: selectors.BaseSelector, sock: socket.socket) -> None:
        with self._lock:
            peer = self._pairs.pop(sock, None)
            if peer is not None:
                self._pairs.pop(peer, None)
        for s in (sock, peer):
            if s is not None:
                sel.unregister(s)
                s.close()

    def _cut_all(self, sel: selectors.BaseSelector) -> None:
        with self._lock:
            socks = list(self._pairs)
        for s in socks:
            if s in self._pairs:
                self._cut(sel, s)

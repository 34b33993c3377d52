"""Fixtures for the recorder tests: vendor HTTP(S) devices on loopback, stopped at teardown."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.recorders.tls_certs import make_certificate
from tests.recorders.vendor_http import SilentHttpServer, VendorConfig, VendorHttpServer

Certificate = tuple[Path, Path, bytes]
Certs = dict[str, Certificate]
Start = Callable[..., VendorHttpServer]


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Certificate]:
    """Two self-signed certificates: "good" (the one pinned) and "other" (an impostor)."""
    d = tmp_path_factory.mktemp("certs")
    return {name: make_certificate(d, name) for name in ("good", "other")}


@pytest.fixture()
def vendor_server(certificates: dict[str, Certificate]
                  ) -> Iterator[Callable[..., VendorHttpServer]]:
    """``vendor_server("dahua", tls="good", auth="basic", ...)`` -> a running device."""
    servers: list[VendorHttpServer] = []

    def start(family: str, *, tls: str | None = None, **kwargs: object) -> VendorHttpServer:
        cert = certificates[tls][:2] if tls else None
        server = VendorHttpServer(VendorConfig(family, **kwargs), tls=cert)  # type: ignore[arg-type]
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture()
def silent_http() -> Iterator[SilentHttpServer]:
    server = SilentHttpServer()
    yield server
    server.close()

"""recorders/http.py against the vendor test server: digest and basic as the device asks,
typed errors, timeouts, and the TLS pin checked before any credential leaves."""

from __future__ import annotations

import time

import pytest

from csu_wall.core.errors import RecorderAuthError, RecorderUnreachable
from csu_wall.core.model import Recorder
from csu_wall.recorders.errors import RecorderCertificateError
from csu_wall.recorders.http import (
    RecorderHttp,
    digest_authorization,
    fetch_certificate,
    fingerprint,
    uses_https,
)
from tests.recorders.conftest import Certs, Start
from tests.recorders.vendor_http import SilentHttpServer

PATH = "/ISAPI/System/deviceInfo"


def _rec(port: int, pin: str | None = None) -> Recorder:
    return Recorder("nvr-t", "c", "hikvision", "127.0.0.1", http_port=port, tls_pin=pin)


class Calls:
    """A credential source that counts how often the secret was asked for."""

    def __init__(self, user: str = "viewer", password: str = "Right-Pass-1") -> None:
        self.cred = (user, password)
        self.n = 0

    def __call__(self) -> tuple[str, str]:
        self.n += 1
        return self.cred


@pytest.mark.parametrize("auth", ["digest", "basic"])
def test_the_client_answers_the_challenge_the_device_makes(vendor_server: Start, auth: str) -> None:
    srv = vendor_server("hikvision", auth=auth)
    calls = Calls()
    answer = RecorderHttp(_rec(srv.port), calls).get(PATH)
    assert answer.status == 200 and b"DS-7608NI-K2" in answer.body
    assert [had for _p, had in srv.requests] == [False, True]  # no credential before the 401
    assert calls.n == 1


def test_digest_matches_rfc_7616_example() -> None:
    # RFC 7616 §3.9.1 (MD5): user Mufasa, password "Circle of Life".
    chal = {"realm": "http-auth@example.org", "qop": "auth, auth-int", "algorithm": "MD5",
            "nonce": "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            "opaque": "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"}
    header = digest_authorization(chal, "Mufasa", "Circle of Life", "GET", "/dir/index.html",
                                  nc=1, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ")
    assert 'response="8ca523f5e9506fed4657c9700eebdbec"' in header


def test_a_wrong_password_is_a_terminal_auth_error_without_the_secret(vendor_server: Start) -> None:
    srv = vendor_server("dahua")
    with pytest.raises(RecorderAuthError, match="refuse l'identifiant") as info:
        RecorderHttp(_rec(srv.port), Calls(password="Canary-Wrong-77")).get("/x")
    assert "Canary-Wrong-77" not in str(info.value)
    with pytest.raises(RecorderAuthError, match="aucun n'est enregistré"):
        RecorderHttp(_rec(srv.port), None).get("/x")


def test_a_silent_or_absent_recorder_is_unreachable_within_the_timeout(
        silent_http: SilentHttpServer) -> None:
    started = time.monotonic()
    with pytest.raises(RecorderUnreachable, match="délai"):
        RecorderHttp(_rec(silent_http.port), Calls(), timeout=0.5).get(PATH)
    assert time.monotonic() - started < 5
    silent_http.close()
    with pytest.raises(RecorderUnreachable, match="injoignable"):
        RecorderHttp(_rec(silent_http.port), Calls(), timeout=0.5).get(PATH)


def test_the_pinned_certificate_is_accepted(vendor_server: Start, certificates: Certs) -> None:
    srv = vendor_server("hikvision", tls="good")
    pin = fingerprint(certificates["good"][2])
    der, seen = fetch_certificate("127.0.0.1", srv.port)
    assert seen == pin and der == certificates["good"][2]
    answer = RecorderHttp(_rec(srv.port, pin), Calls()).get(PATH)
    assert answer.status == 200


def test_a_wrong_certificate_aborts_before_any_credential_is_sent(
        vendor_server: Start, certificates: Certs) -> None:
    srv = vendor_server("hikvision", tls="other")  # an impostor with another certificate
    pin = fingerprint(certificates["good"][2])
    calls = Calls()
    with pytest.raises(RecorderCertificateError, match="n'est pas celui qui a été approuvé"):
        RecorderHttp(_rec(srv.port, pin), calls).get(PATH)
    assert srv.requests == [] and calls.n == 0  # not even a request line, no secret asked


def test_https_without_a_pin_is_refused_until_an_administrator_trusts_it(
        vendor_server: Start) -> None:
    srv = vendor_server("hikvision", tls="good")
    rec = Recorder("nvr-t", "c", "hikvision", "127.0.0.1", http_port=srv.port, scheme="https")
    calls = Calls()
    with pytest.raises(RecorderCertificateError, match="recorder trust nvr-t") as info:
        RecorderHttp(rec, calls).get(PATH)
    assert info.value.terminal
    assert calls.n == 0 and srv.handshakes == 0 and srv.requests == []


def test_the_scheme_not_the_port_chooses_https() -> None:
    assert not uses_https(Recorder("n", "c", "hikvision", "h", http_port=443))
    assert uses_https(Recorder("n", "c", "hikvision", "h", http_port=80, scheme="https"))
    assert uses_https(Recorder("n", "c", "hikvision", "h", tls_pin="AB"))  # never downgraded
    assert RecorderHttp(Recorder("n", "c", "axis", "h", http_port=8443)).base_url == (
        "http://h:8443")

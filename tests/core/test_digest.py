"""The one digest-auth implementation (csu_wall/core/digest.py) against RFC 7616's worked
examples (§3.9.1: MD5 and SHA-256), the ``-sess`` forms (§3.4.2: H(A1) over the password's
hash, the nonce and cnonce), and the challenges as servers write them."""

from __future__ import annotations

import hashlib
import re

import pytest

from csu_wall.core.digest import (
    Authenticator,
    basic_authorization,
    digest_authorization,
    parse_challenge,
    parse_challenges,
)
from csu_wall.core.errors import RecorderBadAnswer

# RFC 7616 §3.9.1: the server's two challenges, the client's values.
RFC_CHALLENGES = [
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, '
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", '
    'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, '
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", '
    'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
]
USER, PASSWORD, URI = "Mufasa", "Circle of Life", "/dir/index.html"
CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"


def _fields(header: str) -> dict[str, str]:
    assert header.startswith("Digest ")
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
            for m in re.finditer(r'([\w-]+)=(?:"([^"]*)"|([^,\s]*))', header[7:])}


@pytest.mark.parametrize(("challenge", "response"), [
    (RFC_CHALLENGES[1], "8ca523f5e9506fed4657c9700eebdbec"),
    (RFC_CHALLENGES[0], "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
], ids=["MD5", "SHA-256"])
def test_rfc_7616_examples(challenge: str, response: str) -> None:
    scheme, chal = parse_challenge(challenge)
    assert scheme == "digest"
    fields = _fields(digest_authorization(chal, USER, PASSWORD, "GET", URI, nc=1,
                                          cnonce=CNONCE))
    assert fields["response"] == response
    assert fields["qop"] == "auth" and fields["nc"] == "00000001" and fields["cnonce"] == CNONCE
    assert fields["opaque"] == "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
    assert fields["uri"] == URI and fields["username"] == USER


@pytest.mark.parametrize(("algorithm", "name"), [("MD5-sess", "md5"),
                                                 ("SHA-256-sess", "sha256")])
def test_sess_forms_hash_the_nonces_into_a1(algorithm: str, name: str) -> None:
    chal = dict(parse_challenge(RFC_CHALLENGES[0])[1], algorithm=algorithm)
    fields = _fields(digest_authorization(chal, USER, PASSWORD, "GET", URI, nc=1,
                                          cnonce=CNONCE))

    def h(text: str) -> str:
        return hashlib.new(name, text.encode()).hexdigest()

    nonce, realm = chal["nonce"], chal["realm"]
    a1 = h(f"{h(f'{USER}:{realm}:{PASSWORD}')}:{nonce}:{CNONCE}")
    expected = h(f"{a1}:{nonce}:00000001:{CNONCE}:auth:{h(f'GET:{URI}')}")
    assert fields["response"] == expected
    assert fields["algorithm"] == algorithm
    plain = _fields(digest_authorization(dict(chal, algorithm=algorithm.removesuffix("-sess")),
                                         USER, PASSWORD, "GET", URI, nc=1, cnonce=CNONCE))
    assert plain["response"] != expected  # the -sess form is not the plain one


def test_without_qop_the_answer_is_rfc_2069() -> None:
    # RFC 2617 §3.5's challenge, answered without qop (no nc, no cnonce).
    chal = {"realm": "testrealm@host.com", "nonce": "dcd98b7102dd2f0e8b11d0f600bfb0c093"}
    fields = _fields(digest_authorization(chal, "Mufasa", "Circle Of Life", "GET",
                                          "/dir/index.html"))
    ha1 = hashlib.md5(b"Mufasa:testrealm@host.com:Circle Of Life").hexdigest()
    ha2 = hashlib.md5(b"GET:/dir/index.html").hexdigest()
    assert fields["response"] == hashlib.md5(
        f"{ha1}:{chal['nonce']}:{ha2}".encode()).hexdigest()
    assert "qop" not in fields and "nc" not in fields


def test_the_strongest_offered_digest_is_answered() -> None:
    for headers in (RFC_CHALLENGES, RFC_CHALLENGES[::-1]):
        chosen = parse_challenges([*headers, 'Basic realm="x"'])
        assert chosen["digest"]["algorithm"] == "SHA-256"
        assert chosen["basic"] == {"realm": "x"}
    answer = Authenticator.answering(parse_challenges(RFC_CHALLENGES[::-1]), USER, PASSWORD)
    assert answer is not None and answer.scheme == "digest"
    assert len(_fields(answer.authorization("GET", URI))["response"]) == 64  # SHA-256


def test_quoted_values_keep_their_commas_and_escapes() -> None:
    scheme, chal = parse_challenge(r'Digest realm="Caméra, hall \"B\"", nonce=abc, qop=auth')
    assert scheme == "digest"
    assert chal == {"realm": 'Caméra, hall "B"', "nonce": "abc", "qop": "auth"}


def test_each_request_on_one_nonce_counts_up() -> None:
    auth = Authenticator.answering(parse_challenges(RFC_CHALLENGES[1:]), USER, PASSWORD)
    assert auth is not None
    counts = [_fields(auth.authorization("DESCRIBE", "rtsp://cam/1"))["nc"] for _ in range(3)]
    assert counts == ["00000001", "00000002", "00000003"]
    assert "Circle of Life" not in repr(auth)


def test_basic_when_asked_and_nothing_for_an_unknown_scheme() -> None:
    basic = Authenticator.answering(parse_challenges(['Basic realm="cam"']), "admin", "pw")
    assert basic is not None
    assert basic.authorization("GET", "/") == basic_authorization("admin", "pw") \
        == "Basic YWRtaW46cHc="
    assert Authenticator.answering(parse_challenges(['Negotiate abc']), "admin", "pw") is None


def test_an_unknown_algorithm_is_refused_in_french() -> None:
    with pytest.raises(RecorderBadAnswer, match="non pris en charge : SHA-512-256"):
        digest_authorization({"realm": "r", "nonce": "n", "algorithm": "SHA-512-256"},
                             USER, PASSWORD, "GET", URI)

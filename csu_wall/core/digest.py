"""Digest access authentication (RFC 7616), the one implementation of the recorder HTTP
client (csu_wall/recorders/http.py), the RTSP client (csu_wall/media/rtsp_client.py) and
snapshot polling (csu_wall/media/snapshot_poll.py); RTSP answers its challenges the same way.

MD5 and SHA-256, and their ``-sess`` forms; ``qop=auth`` when the server offers it (``auth-int``
alone is answered as RFC 2069 without qop, as the servers that offer it also accept);
``opaque`` returned. Basic authentication too, for devices that ask for it. Nothing here keeps
or logs a password.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from csu_wall.core.errors import RecorderBadAnswer

# A challenge's parameters: name=token or name="quoted string" (with \" escapes).
_PARAM = re.compile(r'([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))')
_HASHES = {"MD5": "md5", "SHA-256": "sha256"}
# When a server offers several digest challenges, the strongest known one is answered.
_PREFERENCE = ("SHA-256", "MD5")

Challenge = tuple[str, dict[str, str]]  # scheme in lower case, parameters (names lower case)


def parse_challenge(header: str) -> Challenge:
    """One ``WWW-Authenticate`` value: its scheme and parameters."""
    scheme, _, rest = header.strip().partition(" ")
    params = {m.group(1).lower(): (re.sub(r"\\(.)", r"\1", m.group(2)) if m.group(2) is not None
                                   else m.group(3))
              for m in _PARAM.finditer(rest)}
    return scheme.lower(), params


def parse_challenges(headers: Iterable[str]) -> dict[str, dict[str, str]]:
    """Every ``WWW-Authenticate`` value by scheme; of several digest challenges, the one with
    the strongest supported algorithm (the first of equals)."""
    out: dict[str, dict[str, str]] = {}
    for header in headers:
        scheme, params = parse_challenge(header)
        kept = out.get(scheme)
        if kept is None or (scheme == "digest" and _rank(params) < _rank(kept)):
            out[scheme] = params
    return out


def _rank(params: dict[str, str]) -> int:
    name = params.get("algorithm", "MD5").upper().removesuffix("-SESS")
    return _PREFERENCE.index(name) if name in _PREFERENCE else len(_PREFERENCE)


def digest_authorization(chal: dict[str, str], user: str, password: str, method: str,
                         uri: str, nc: int = 1, cnonce: str | None = None) -> str:
    """RFC 7616 ``Authorization: Digest …`` answering ``chal`` for ``method`` on ``uri``;
    ``nc`` counts the requests made with this nonce (from 1)."""
    algorithm = chal.get("algorithm", "MD5")
    name = algorithm.upper().removesuffix("-SESS")
    if name not in _HASHES:
        raise RecorderBadAnswer(f"Algorithme d'authentification non pris en charge : {name}.")

    def h(text: str) -> str:
        return hashlib.new(_HASHES[name], text.encode("utf-8")).hexdigest()

    realm, nonce = chal.get("realm", ""), chal.get("nonce", "")
    cnonce = cnonce or os.urandom(8).hex()
    ha1 = h(f"{user}:{realm}:{password}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{uri}")
    qops = [q.strip() for q in chal.get("qop", "").split(",") if q.strip()]
    fields = [f'username="{user}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"',
              f"algorithm={algorithm}"]
    if "auth" in qops:
        response = h(f"{ha1}:{nonce}:{nc:08x}:{cnonce}:auth:{ha2}")
        fields += ["qop=auth", f"nc={nc:08x}", f'cnonce="{cnonce}"']
    else:
        response = h(f"{ha1}:{nonce}:{ha2}")
    fields.append(f'response="{response}"')
    if "opaque" in chal:
        fields.append(f'opaque="{chal["opaque"]}"')
    return "Digest " + ", ".join(fields)


def basic_authorization(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


@dataclass
class Authenticator:
    """Answers one server's challenge for every request that follows it (RTSP keeps one per
    connection): the nonce count goes up by one per request."""

    scheme: str  # "digest" or "basic"
    challenge: dict[str, str]
    user: str
    password: str = field(repr=False)
    _nc: int = 0

    @classmethod
    def answering(cls, challenges: dict[str, dict[str, str]], user: str,
                  password: str) -> Authenticator | None:
        """Digest when offered, else Basic; None when the server asks for neither."""
        for scheme in ("digest", "basic"):
            if scheme in challenges:
                return cls(scheme, challenges[scheme], user, password)
        return None

    def authorization(self, method: str, uri: str) -> str:
        if self.scheme == "basic":
            return basic_authorization(self.user, self.password)
        self._nc += 1
        return digest_authorization(self.challenge, self.user, self.password, method, uri,
                                    nc=self._nc)

"""The one HTTP client of the recorder drivers: digest or basic auth as the device asks, a
timeout on every call, and TLS pinned to the site file's SHA-256 fingerprint.

Order on every connection: TCP connect, TLS handshake, compare the certificate's fingerprint
with the pin, and only then send anything; the credential is fetched only when the device
answers 401 (the credential vault has registered it for redaction by then). Nothing here logs
a header, a query string or a credential.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass

from csu_wall.core.digest import Authenticator, parse_challenges
from csu_wall.core.digest import digest_authorization as digest_authorization
from csu_wall.core.errors import (
    RecorderAuthError,
    RecorderBadAnswer,
    RecorderUnreachable,
)
from csu_wall.core.model import Recorder
from csu_wall.recorders.errors import RecorderCertificateError

log = logging.getLogger(__name__)

CredentialSource = Callable[[], "tuple[str, str] | None"]
MAX_BODY = 16 * 1024 * 1024

MSG_AUTH = ("L'enregistreur {rid} refuse l'identifiant ou le mot de passe : faites corriger ses "
            "identifiants par l'administrateur (csu-wall credentials set {rid}).")
MSG_FORBIDDEN = ("L'enregistreur {rid} refuse cette opération à l'utilisateur configuré : "
                 "donnez-lui les droits nécessaires sur l'enregistreur.")
MSG_TIMEOUT = ("L'enregistreur {rid} ne répond pas dans le délai : vérifiez qu'il est allumé et "
               "joignable, puis réessayez.")
MSG_UNREACHABLE = ("L'enregistreur {rid} est injoignable : vérifiez son adresse, son port HTTP "
                   "et le réseau, puis réessayez.")
MSG_TLS = ("La connexion chiffrée avec l'enregistreur {rid} a échoué : vérifiez son port HTTPS "
           "et son certificat.")
MSG_PIN = ("Le certificat de l'enregistreur {rid} n'est pas celui qui a été approuvé : "
           "connexion interrompue avant tout envoi d'identifiants. Si l'enregistreur a changé "
           "de certificat, faites-le approuver par un administrateur (csu-wall recorder trust "
           "{rid}) ; sinon, signalez-le : quelqu'un peut se faire passer pour lui.")
MSG_UNTRUSTED = ("Le certificat de l'enregistreur {rid} n'a pas encore été approuvé : un "
                 "administrateur doit vérifier son empreinte et l'approuver (csu-wall recorder "
                 "trust {rid}).")
MSG_STATUS = "L'enregistreur {rid} a répondu par une erreur (HTTP {status}) à {what}."


def uses_https(recorder: Recorder) -> bool:
    """The site file's ``scheme``; a pinned certificate means HTTPS whatever it says (the
    site check refuses the contradiction; a store that lost the scheme must not downgrade)."""
    return recorder.scheme == "https" or recorder.tls_pin is not None


def fingerprint(der: bytes) -> str:
    """SHA-256 of a DER certificate as the site file writes it: ``AB:CD:…`` (32 pairs)."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def _tls_context() -> ssl.SSLContext:
    # Recorders carry self-signed certificates: the pin, not a CA, is the trust anchor.
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def fetch_certificate(host: str, port: int, timeout: float = 5.0,
                      recorder_id: str = "") -> tuple[bytes, str]:
    """The server's certificate (DER) and its fingerprint; sends nothing but the handshake."""
    rid = recorder_id or host
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw, \
                _tls_context().wrap_socket(raw, server_hostname=host) as tls:
            der = tls.getpeercert(binary_form=True)
    except TimeoutError as exc:
        raise RecorderUnreachable(MSG_TIMEOUT.format(rid=rid)) from exc
    except ssl.SSLError as exc:
        raise RecorderCertificateError(MSG_TLS.format(rid=rid), terminal=False) from exc
    except OSError as exc:
        raise RecorderUnreachable(MSG_UNREACHABLE.format(rid=rid)) from exc
    if not der:
        raise RecorderCertificateError(MSG_TLS.format(rid=rid), terminal=False)
    return der, fingerprint(der)


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Checks the certificate's fingerprint right after the handshake, before any byte of the
    request (and so before any credential) is written."""

    def __init__(self, host: str, port: int, timeout: float, pin: str, rid: str) -> None:
        super().__init__(host, port, timeout=timeout, context=_tls_context())
        self._pin = pin.upper()
        self._rid = rid

    def connect(self) -> None:
        super().connect()
        assert isinstance(self.sock, ssl.SSLSocket)
        der = self.sock.getpeercert(binary_form=True) or b""
        if fingerprint(der) != self._pin:
            self.close()
            log.warning("recorder %s: certificate fingerprint differs from the pin", self._rid)
            raise RecorderCertificateError(MSG_PIN.format(rid=self._rid))


def _challenges(headers: list[str]) -> dict[str, dict[str, str]]:
    """The ``WWW-Authenticate`` challenges of an answer, by scheme (csu_wall/core/digest.py)."""
    return parse_challenges(headers)


class RecorderHttp:
    """GET (and the few POST) requests to one recorder's HTTP API."""

    def __init__(self, recorder: Recorder, credentials: CredentialSource | None = None, *,
                 timeout: float = 5.0) -> None:
        self.recorder = recorder
        self._credentials = credentials
        self.timeout = timeout
        self.https = uses_https(recorder)

    @property
    def base_url(self) -> str:
        host = self.recorder.host
        host = f"[{host}]" if ":" in host and not host.startswith("[") else host
        return f"{'https' if self.https else 'http'}://{host}:{self.recorder.http_port}"

    def _connection(self) -> http.client.HTTPConnection:
        rec = self.recorder
        host = rec.host.strip("[]")
        if not self.https:
            return http.client.HTTPConnection(host, rec.http_port, timeout=self.timeout)
        if rec.tls_pin is None:
            raise RecorderCertificateError(MSG_UNTRUSTED.format(rid=rec.id))
        return _PinnedHTTPSConnection(host, rec.http_port, self.timeout, rec.tls_pin, rec.id)

    def check_certificate(self) -> None:
        """Connect and compare the pin (nothing sent): for sources FFmpeg will open."""
        if not self.https:
            return
        conn = self._connection()
        try:
            self._call(conn.connect)
        finally:
            conn.close()

    def _call(self, fn: Callable[[], object]) -> object:
        rid = self.recorder.id
        try:
            return fn()
        except RecorderCertificateError:
            raise
        except TimeoutError as exc:
            raise RecorderUnreachable(MSG_TIMEOUT.format(rid=rid)) from exc
        except ssl.SSLError as exc:
            raise RecorderCertificateError(MSG_TLS.format(rid=rid), terminal=False) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise RecorderUnreachable(MSG_UNREACHABLE.format(rid=rid)) from exc

    def _once(self, path: str, authorization: str | None, method: str = "GET",
              data: bytes | None = None, content_type: str = ""
              ) -> tuple[int, str, list[str], bytes]:
        conn = self._connection()
        headers = {"Connection": "close", "User-Agent": "csu-wall",
                   "Accept": "*/*"}
        if authorization:
            headers["Authorization"] = authorization
        if data is not None:
            headers["Content-Type"] = content_type or "application/xml"

        def run() -> tuple[int, str, list[str], bytes]:
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                body = resp.read(MAX_BODY)
                return (resp.status, resp.getheader("Content-Type", "") or "",
                        resp.msg.get_all("WWW-Authenticate") or [], body)
            finally:
                conn.close()

        return self._call(run)  # type: ignore[return-value]

    def get(self, path: str, what: str = "la requête") -> Answer:
        """GET ``path`` (with its query). 2xx -> Answer; 404 -> Answer (the caller knows
        what is missing); 401/403 -> RecorderAuthError; other -> RecorderBadAnswer."""
        return self.request("GET", path, what)

    def post(self, path: str, data: bytes, what: str = "la requête",
             content_type: str = "application/xml") -> Answer:
        """POST ``data`` to ``path``: answered as :meth:`get` says."""
        return self.request("POST", path, what, data, content_type)

    def request(self, method: str, path: str, what: str = "la requête",
                data: bytes | None = None, content_type: str = "") -> Answer:
        rid = self.recorder.id
        status, ctype, challenges, body = self._once(path, None, method, data, content_type)
        if status == 401:
            status, ctype, body = self._authenticated(path, challenges, method, data,
                                                      content_type)
        if status in (401, 403):
            log.warning("recorder %s: HTTP %d on %s", rid, status, path.split("?", 1)[0])
            msg = MSG_AUTH if status == 401 else MSG_FORBIDDEN
            raise RecorderAuthError(msg.format(rid=rid))
        if status == 404 or 200 <= status < 300:
            return Answer(status, ctype, body)
        if status == 503:
            raise RecorderUnreachable(MSG_TIMEOUT.format(rid=rid))
        log.warning("recorder %s: HTTP %d on %s", rid, status, path.split("?", 1)[0])
        raise RecorderBadAnswer(MSG_STATUS.format(rid=rid, status=status, what=what))

    def _authenticated(self, path: str, headers: list[str], method: str = "GET",
                       data: bytes | None = None,
                       content_type: str = "") -> tuple[int, str, bytes]:
        cred = self._credentials() if self._credentials is not None else None
        if cred is None:
            raise RecorderAuthError(
                f"L'enregistreur {self.recorder.id} demande un identifiant, et aucun n'est "
                f"enregistré : csu-wall credentials set {self.recorder.id}.")
        user, password = cred
        answer = Authenticator.answering(_challenges(headers), user, password)
        if answer is None:
            raise RecorderBadAnswer(
                f"L'enregistreur {self.recorder.id} demande une authentification inconnue.")
        auth = answer.authorization(method, path)
        status, ctype, _chal, body = self._once(path, auth, method, data, content_type)
        return status, ctype, body

"""Recorded video downloaded over a recorder's HTTP API (Hikvision ISAPI
``ContentMgmt/download``, Dahua ``loadfile.cgi?action=startLoad``), streamed to a file as fast
as the recorder sends it, and resumable: after a cut the same request is sent again with
``Range: bytes=<received>-`` and the answer is appended (a recorder that ignores the range
answers 200 from the first byte: what was already received is skipped).

The HTTP client is the drivers' own (:class:`~csu_wall.recorders.http.RecorderHttp`): the same
pinned TLS, the same digest or basic authentication, the credential fetched only when asked.
"""

from __future__ import annotations

import http.client
import threading
import time
from base64 import b64encode
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from csu_wall.core.errors import RecorderAuthError, RecorderBadAnswer, RecorderNotSupported
from csu_wall.recorders.http import (
    MSG_AUTH,
    MSG_STATUS,
    RecorderHttp,
    _challenges,
    digest_authorization,
)

CHUNK = 1 << 20  # bytes read at a time (the cancel event is checked between reads)
Sink = Callable[[bytes], object]


@dataclass(frozen=True)
class DownloadRequest:
    """What to ask a recorder for one camera and period: method, path (with its query) and
    body (Hikvision's ``downloadRequest`` XML)."""

    method: str
    path: str
    body: bytes | None = None
    what: str = "le téléchargement de l'enregistrement"


@dataclass(frozen=True)
class DownloadAnswer:
    total: int | None  # the whole file's size when the recorder says it
    received: int  # bytes of the file written so far (all of it when complete)
    complete: bool
    date_offset: float | None  # the recorder's ``Date:`` minus our clock (s, ±0.5), if sent


class Cancelled(Exception):
    """The cancel event was set during a download."""


def download(client: RecorderHttp, request: DownloadRequest, sink: Sink, *, offset: int,
             cancel: threading.Event, progress: Callable[[int, int | None], None] | None = None
             ) -> DownloadAnswer:
    """One HTTP exchange: the file from byte ``offset`` on, written to ``sink``. A cut (closed
    connection, timeout) returns ``complete=False`` with what was received; refusals raise the
    recorder errors, in French."""
    status, headers, resp, conn = _open(client, request, offset)
    try:
        if status == 404:
            raise RecorderNotSupported(
                f"L'enregistreur {client.recorder.id} ne propose pas le téléchargement des "
                "enregistrements.")
        if status in (401, 403):
            raise RecorderAuthError(MSG_AUTH.format(rid=client.recorder.id))
        if status not in (200, 206):
            raise RecorderBadAnswer(MSG_STATUS.format(rid=client.recorder.id, status=status,
                                                      what=request.what))
        skip = offset if status == 200 else 0  # the range was ignored: whole file again
        total = _total(headers, status, offset)
        got = offset
        date = _date(headers.get("date"))
        date_offset = None if date is None else date + 0.5 - time.time()  # whole seconds
        try:
            while True:
                if cancel.is_set():
                    raise Cancelled()
                data = resp.read1(CHUNK) if hasattr(resp, "read1") else resp.read(CHUNK)
                if not data:
                    break
                if skip:
                    cut = min(skip, len(data))
                    data, skip = data[cut:], skip - cut
                    if not data:
                        continue
                sink(data)
                got += len(data)
                if progress is not None:
                    progress(got, total)
        except (OSError, http.client.HTTPException):
            return DownloadAnswer(total, got, False, date_offset)
        complete = total is None or got >= total
        return DownloadAnswer(total, got, complete, date_offset)
    finally:
        conn.close()


def _open(client: RecorderHttp, request: DownloadRequest, offset: int
          ) -> tuple[int, dict[str, str], http.client.HTTPResponse, http.client.HTTPConnection]:
    """Send the request (answering one 401 with the credential) and return the response open,
    its body unread."""
    auth: str | None = None
    for attempt in (0, 1):
        conn = client._connection()
        headers = {"Connection": "close", "User-Agent": "csu-wall", "Accept": "*/*"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        if auth:
            headers["Authorization"] = auth
        if request.body is not None:
            headers["Content-Type"] = "application/xml"

        def send(conn: http.client.HTTPConnection = conn,
                 headers: dict[str, str] = headers) -> http.client.HTTPResponse:
            conn.request(request.method, request.path, body=request.body, headers=headers)
            return conn.getresponse()

        try:
            resp: http.client.HTTPResponse = client._call(send)  # type: ignore[assignment]
        except BaseException:
            conn.close()
            raise
        lower = {k.lower(): v for k, v in resp.getheaders()}
        if resp.status != 401 or attempt == 1:
            return resp.status, lower, resp, conn
        challenges = resp.msg.get_all("WWW-Authenticate") or []
        conn.close()
        auth = _authorization(client, challenges, request)
    raise AssertionError("unreachable")


def _authorization(client: RecorderHttp, challenges: list[str], request: DownloadRequest
                   ) -> str:
    cred = client._credentials() if client._credentials is not None else None
    if cred is None:
        raise RecorderAuthError(
            f"L'enregistreur {client.recorder.id} demande un identifiant, et aucun n'est "
            f"enregistré : csu-wall credentials set {client.recorder.id}.")
    chal = _challenges(challenges)
    if "digest" in chal:
        return digest_authorization(chal["digest"], cred[0], cred[1], request.method,
                                    request.path)
    if "basic" in chal:
        return "Basic " + b64encode(f"{cred[0]}:{cred[1]}".encode()).decode("ascii")
    raise RecorderBadAnswer(
        f"L'enregistreur {client.recorder.id} demande une authentification inconnue.")


def _total(headers: dict[str, str], status: int, offset: int) -> int | None:
    if status == 206:
        rng = headers.get("content-range", "")  # bytes a-b/total
        size = rng.rpartition("/")[2].strip()
        if size.isdigit():
            return int(size)
        length = headers.get("content-length", "")
        return offset + int(length) if length.isdigit() else None
    length = headers.get("content-length", "")
    return int(length) if length.isdigit() else None


def _date(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None

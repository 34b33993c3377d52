from __future__ import annotations

import av.error

from csu_wall.core.errors import RecorderAuthError, RecorderUnreachable, StreamError
from csu_wall.media._errors import translate


def _ff(cls: type, code: int, msg: str, filename: str) -> Exception:
    return cls(code, msg, filename)  # type: ignore[no-any-return]


def test_unauthorised_is_an_auth_error_in_french_without_credentials() -> None:
    exc = _ff(av.error.HTTPUnauthorizedError, -825242872, "Server returned 401 Unauthorized",
              "rtsp://admin:Secret99@10.0.0.1/ch1")
    err = translate(exc)
    assert isinstance(err, RecorderAuthError) and isinstance(err, PermissionError)
    assert "identifiant" in str(err)
    assert "Secret99" not in str(err) and "Secret99" not in str(err.__cause__)


def test_refused_connection_and_timeouts_are_unreachable() -> None:
    refused = _ff(av.error.ConnectionRefusedError, 111, "Connection refused", "rtsp://h/x")
    assert isinstance(translate(refused), RecorderUnreachable)
    assert isinstance(translate(OSError("boom"), timed_out=True), RecorderUnreachable)
    assert isinstance(translate(FileNotFoundError(2, "No such file")), RecorderUnreachable)


def test_anything_else_is_a_stream_error() -> None:
    bad = _ff(av.error.InvalidDataError, -1094995529, "Invalid data found", "x.mp4")
    err = translate(bad)
    assert isinstance(err, StreamError)
    assert "nouvelle tentative" in str(err).lower()

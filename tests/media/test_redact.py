from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from csu_wall.media.redact import forget_secrets, redact, register_secret, route_ffmpeg_logs


@pytest.fixture(autouse=True)
def _no_secrets() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


@pytest.mark.parametrize(("text", "expected"), [
    ("rtsp://admin:S3cret!@10.0.0.5:554/ch1", "rtsp://***@10.0.0.5:554/ch1"),
    ("open 'http://u:p@host/x' failed", "open 'http://***@host/x' failed"),
    ("rtsp://admin:p@ss@10.0.0.5/ch1", "rtsp://***@10.0.0.5/ch1"),  # raw '@' in the password
    ("rtsp://admin:p%40ss%3Aw@10.0.0.5/", "rtsp://***@10.0.0.5/"),
    ("rtsp%3A%2F%2Fadmin%3AS3cret%40cam%2Fch1", "rtsp%3A%2F%2F***%40cam%2Fch1"),
    ("postgresql://csu:pw@db.local/csu", "postgresql://***@db.local/csu"),
    ("rtsp://10.0.0.5:554/ch1 no credentials", "rtsp://10.0.0.5:554/ch1 no credentials"),
])
def test_credentials_in_urls_are_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_registered_secrets_are_masked_with_their_url_encoded_forms() -> None:
    register_secret("pa ss/w@rd:é")
    for text in ("pa ss/w@rd:é", "pa%20ss%2Fw%40rd%3A%C3%A9", "pa+ss%2Fw%40rd%3A%C3%A9",
                 "pa%20ss%2fw%40rd%3a%c3%a9"):
        assert "***" in redact(f"password is {text}!")
        assert text not in redact(f"password is {text}!")


def test_short_secrets_are_not_registered() -> None:
    register_secret("ab")
    assert redact("abc ab") == "abc ab"


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_ffmpeg_messages_reach_python_logging_redacted() -> None:
    """A handler on the root logger (what the app's log files use) sees FFmpeg's message only
    redacted. (pytest's own capture attaches to non-propagating loggers too, hence no caplog.)"""
    route_ffmpeg_logs()
    register_secret("TopSecret42")
    root = logging.getLogger()
    handler = _ListHandler()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        logging.getLogger("libav.rtsp").error(
            "method DESCRIBE failed: 401 rtsp://viewer:TopSecret42@10.1.1.1/ch TopSecret42")
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    texts = [r.getMessage() for r in handler.records]
    assert [r.name for r in handler.records] == ["csu_wall.media.ffmpeg"]
    assert "401" in texts[0] and "rtsp://***@10.1.1.1" in texts[0]
    assert not any("TopSecret42" in t for t in texts)

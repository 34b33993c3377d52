"""One error family for csu-wall.

Each error also subclasses the matching standard exception, as PyAV does, so callers that only
know ``PermissionError`` or ``ConnectionError`` still catch the right thing.
"""

from __future__ import annotations

from dataclasses import dataclass


class CsuWallError(Exception):
    """Base of every error csu-wall raises on purpose."""


class AccessDenied(CsuWallError, PermissionError):
    """The operator is not habilitated for this commune (or the commune is detached)."""


class RecorderError(CsuWallError):
    """A recorder (NVR, camera) did not give what was asked."""


class RecorderUnreachable(RecorderError, ConnectionError):
    """No answer, refused connection or timeout."""


class RecorderAuthError(RecorderError, PermissionError):
    """The recorder refused the credentials. Terminal: never retried until they change."""


class RecorderNotSupported(RecorderError, NotImplementedError):
    """The driver or the recorder cannot do this (e.g. playback on a live-only camera)."""


class RecorderBadAnswer(RecorderError, ValueError):
    """The recorder answered something we cannot use."""


class StreamError(CsuWallError):
    """Demuxing or decoding failed (mapped from FFmpeg/PyAV errors in media._errors)."""


class StorageError(CsuWallError):
    """The database cannot be used (missing, wrong schema version, unreachable)."""


class SchemaVersionMismatch(StorageError):
    """The database schema is not the one this client was built for."""


@dataclass(frozen=True)
class SiteIssue:
    """One problem found in a site file: where it is and what is wrong."""

    file: str
    line: int
    field: str
    message: str
    severity: str = "error"  # "error" or "warning"

    def format(self) -> str:
        prefix = "" if self.severity == "error" else "avertissement: "
        return f"{self.file}:{self.line}: {self.field}: {prefix}{self.message}"


class SiteFileError(CsuWallError, ValueError):
    """A site file has errors. ``issues`` lists every one of them."""

    def __init__(self, issues: list[SiteIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(i.format() for i in issues))

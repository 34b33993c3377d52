"""The workstation's OS keyring, used for one thing: the site key (DESIGN §7), with the
sequence of the first audit record signed under it.

Only a secure backend is accepted — the Secret Service (GNOME Keyring, KWallet) on Linux, the
Credential Locker on Windows, the Keychain on macOS. keyring's ``fail`` and ``null`` backends
and every file backend of ``keyrings.alt`` (plaintext or "encrypted" files) are refused with a
French message; none is ever used silently. When keyring chains several backends, the
highest-priority secure one is called directly, so a plaintext backend of higher priority can
never receive the key.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from csu_wall.core.errors import CsuWallError

SERVICE = "csu-wall"

_INSECURE_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")
_INSECURE_NAMES = ("plaintext", "null", "fail", "file", "encryptedkeyring")


class SecretStoreError(CsuWallError):
    """The OS keyring cannot be used (none, insecure, locked) or holds no usable site key."""


def _describe(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def is_secure(backend: Any) -> bool:
    """True for a backend that keeps secrets in an OS-protected store."""
    cls = type(backend)
    module = cls.__module__
    if any(module == m or module.startswith(m + ".") for m in _INSECURE_MODULES):
        return False
    name = cls.__name__.lower()
    if any(word in name for word in _INSECURE_NAMES):
        return False
    try:
        return float(getattr(backend, "priority", 0)) > 0
    except Exception:  # keyring computes priority by probing; a failing probe means unusable
        return False


def secure_backend() -> Any:
    """The keyring backend to use, or :class:`SecretStoreError` with what to do."""
    import keyring
    from keyring.backends import chainer

    current = keyring.get_keyring()
    candidates = list(current.backends) if isinstance(current, chainer.ChainerBackend) else [
        current]
    secure = [b for b in candidates if is_secure(b)]
    if not secure:
        found = ", ".join(_describe(b) for b in candidates) or _describe(current)
        raise SecretStoreError(
            "Aucun trousseau sécurisé du système n'est disponible sur ce poste (trouvé : "
            f"{found}). Ouvrez une session avec le trousseau du système déverrouillé (GNOME "
            "Keyring ou KWallet sous Linux, gestionnaire d'identifiants sous Windows), puis "
            "recommencez. Un trousseau en clair (keyrings.alt, fichier) n'est jamais utilisé."
        )
    return max(secure, key=lambda b: float(getattr(b, "priority", 0)))


def _entry(site_id: str) -> str:
    return f"site-key:{site_id}"


def get_site_key(site_id: str) -> bytes | None:
    """The site key this workstation holds for ``site_id``, or None when not enrolled."""
    entry = get_site_entry(site_id)
    return entry[0] if entry is not None else None


def get_site_entry(site_id: str) -> tuple[bytes, int | None] | None:
    """(site key, first signed audit sequence) this workstation holds for ``site_id``; the
    sequence is None for an entry written before it was kept here. None when not enrolled."""
    backend = secure_backend()
    try:
        value = backend.get_password(SERVICE, _entry(site_id))
    except Exception as exc:
        raise SecretStoreError(
            "Le trousseau du système n'a pas pu être lu (verrouillé ou indisponible) : "
            f"{type(exc).__name__}. Déverrouillez-le puis recommencez.") from None
    if value is None:
        return None
    # "<base64 key>" (first format) or "<base64 key>;first_signed=<n>".
    encoded, _, rest = str(value).partition(";")
    first_signed: int | None = None
    if rest.startswith("first_signed=") and rest[13:].isdigit():
        first_signed = int(rest[13:])
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise SecretStoreError(
            "La clé de site du trousseau de ce poste est illisible. Réenrôlez le poste : "
            "`csu-wall workstation enroll`.")
    return key, first_signed


def set_site_key(site_id: str, key: bytes, first_signed: int | None = None) -> None:
    """Store the site key in the OS keyring (service ``csu-wall``, ``site-key:<site id>``),
    with the sequence of the first audit record signed under it: kept outside the database, so
    a database rewritten as unsigned records from there on fails verification."""
    backend = secure_backend()
    value = base64.b64encode(key).decode("ascii")
    if first_signed is not None:
        value += f";first_signed={int(first_signed)}"
    try:
        backend.set_password(SERVICE, _entry(site_id), value)
    except Exception as exc:
        raise SecretStoreError(
            "La clé de site n'a pas pu être écrite dans le trousseau du système "
            f"({type(exc).__name__}). Déverrouillez-le puis recommencez.") from None


def delete_site_key(site_id: str) -> None:
    """Remove the site key from this workstation's keyring (absent is fine)."""
    import keyring.errors

    backend = secure_backend()
    try:
        backend.delete_password(SERVICE, _entry(site_id))
    except keyring.errors.PasswordDeleteError:
        pass

"""The Ed25519 key that signs digests: created once with mode 0600, its public half exportable."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from audit.durable import fsync_dir
from audit.layout import AuditLayout


class AuditKeyError(ValueError):
    """A key file is missing, unreadable, of the wrong type, or too widely readable."""


def _write_new(path: Path, data: bytes, mode: int) -> None:
    # O_EXCL so two first runs never overwrite each other's key; the mode is set at creation, never later.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_id(key: Ed25519PublicKey) -> str:
    """A short fingerprint naming the key in each digest, so a verifier can tell which key to expect."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_or_create_signing_key(layout: AuditLayout) -> Ed25519PrivateKey:
    path = layout.signing_key
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            _write_new(path, pem, 0o600)
        except FileExistsError:
            pass  # another opener created it first; use theirs
        else:
            if not layout.public_key.exists():
                _write_new(layout.public_key, public_pem(key.public_key()), 0o644)
            fsync_dir(layout.directory)
            return key
    if path.stat().st_mode & 0o077:
        raise AuditKeyError(f"{path} is readable by group or others; it must be mode 0600")
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise AuditKeyError(f"{path} is not an Ed25519 private key")
    return loaded


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        loaded = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as error:
        raise AuditKeyError(f"cannot read public key {path}: {error}") from None
    if not isinstance(loaded, Ed25519PublicKey):
        raise AuditKeyError(f"{path} is not an Ed25519 public key")
    return loaded


def directory_public_key(layout: AuditLayout) -> Ed25519PublicKey:
    """The public key kept beside the log. Trust it only as far as you trust the directory: a verifier
    that must not trust the operators pins a copy exported earlier (`clinscribe audit public-key`)."""
    if layout.public_key.exists():
        return load_public_key(layout.public_key)
    raise AuditKeyError(f"no public key at {layout.public_key}")

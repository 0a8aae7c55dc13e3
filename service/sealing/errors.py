"""What goes wrong when opening sealed data; every failure is typed, never wrong content."""

from __future__ import annotations


class SealError(Exception):
    """Base of every sealing failure."""


class Tampered(SealError):
    """The sealed object, its header or its data key failed authentication (edited, swapped or truncated)."""


class Shredded(SealError):
    """The data key the object names doesn't exist: the object was deleted (crypto-shredded) or never sealed here."""


class KeyringError(SealError):
    """The local keyring file is missing, malformed or unsafe."""


class KeyringPermissions(KeyringError):
    """The keyring file is readable or writable by others than its owner."""


class KekUnavailable(SealError):
    """The key-encryption key service could not be reached or refused the request."""

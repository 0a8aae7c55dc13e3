"""The embedded key-encryption key: versioned 256-bit keys in one owner-only file (<data-dir>/keyring.json).

The file is created with mode 0600 on first use and refused when its mode is wider. `rotate()` adds a version
and makes it current; older versions stay so that data keys wrapped under them still unwrap until rewrapped.
Several processes may share the file: each notices a rotation by another (the file changed) on its next use.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import secrets
import stat
import struct
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from service.sealing.errors import KeyringError, KeyringPermissions, Tampered
from service.sealing.kek import context_bytes

FORMAT = "clinscribe-keyring-1"
KEY_BYTES = 32
_NONCE_BYTES = 12
# A wrapped data key: version (4 bytes, big-endian) | nonce | AES-GCM(dek) with the tag.
_VERSION = struct.Struct(">I")
_WRAP_LABEL = b"clinscribe/keyring-wrap\x00"


@dataclass(frozen=True, slots=True)
class KeyVersion:
    version: int
    created: float
    key: bytes


class LocalKeyring:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._versions: dict[int, KeyVersion] = {}
        self._current = 0
        self._seen: tuple[int, int, int] | None = None
        if not path.exists():
            self._create()
        self._load()

    @property
    def key_id(self) -> str:
        self._refresh()
        return f"local:{self._current}"

    @property
    def current_version(self) -> int:
        self._refresh()
        return self._current

    def versions(self) -> list[KeyVersion]:
        self._refresh()
        return [self._versions[v] for v in sorted(self._versions)]

    def wrap(self, dek: bytes, context: Mapping[str, str]) -> bytes:
        self._refresh()
        with self._lock:
            version = self._versions[self._current]
        nonce = secrets.token_bytes(_NONCE_BYTES)
        header = _VERSION.pack(version.version)
        return header + nonce + AESGCM(version.key).encrypt(nonce, dek, _WRAP_LABEL + header + context_bytes(context))

    def unwrap(self, blob: bytes, context: Mapping[str, str]) -> bytes:
        if len(blob) < _VERSION.size + _NONCE_BYTES + 16:
            raise Tampered("wrapped data key is truncated")
        (number,) = _VERSION.unpack_from(blob)
        version = self._version(number)
        header, nonce = blob[: _VERSION.size], blob[_VERSION.size : _VERSION.size + _NONCE_BYTES]
        try:
            return AESGCM(version.key).decrypt(
                nonce, blob[_VERSION.size + _NONCE_BYTES :], _WRAP_LABEL + header + context_bytes(context)
            )
        except InvalidTag as exc:
            raise Tampered("wrapped data key failed authentication") from exc

    def rotate(self) -> int:
        """Add a new key version and make it current; returns its number."""
        with self._file_lock():
            self._load()
            number = max(self._versions) + 1
            versions = [*self._versions.values(), KeyVersion(number, time.time(), secrets.token_bytes(KEY_BYTES))]
            self._write(versions, number, replace=True)
            self._load()
        return number

    def _version(self, number: int) -> KeyVersion:
        self._refresh()
        with self._lock:
            found = self._versions.get(number)
        if found is None:
            # Another process may have rotated since we last looked.
            self._load()
            with self._lock:
                found = self._versions.get(number)
        if found is None:
            raise Tampered(f"wrapped data key names keyring version {number}, which this keyring doesn't hold")
        return found

    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._file_lock():
            if not self.path.exists():
                self._write([KeyVersion(1, time.time(), secrets.token_bytes(KEY_BYTES))], 1, replace=False)

    def _write(self, versions: list[KeyVersion], current: int, replace: bool) -> None:
        document = {
            "format": FORMAT,
            "current": current,
            "keys": [
                {"version": v.version, "created": v.created, "key": base64.b64encode(v.key).decode()}
                for v in versions
            ],
        }
        # mkstemp creates the file 0600, so the key material is never readable by others, even for a moment.
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".keyring-")
        try:
            with os.fdopen(fd, "w") as out:
                json.dump(document, out, indent=1)
                out.flush()
                os.fsync(out.fileno())
            if replace:
                os.replace(tmp, self.path)
            else:
                os.link(tmp, self.path)  # fails if another process created it first
                os.unlink(tmp)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _refresh(self) -> None:
        try:
            info = self.path.stat()
        except FileNotFoundError as exc:
            raise KeyringError(f"keyring {self.path} has gone") from exc
        if (info.st_ino, info.st_mtime_ns, info.st_size) != self._seen:
            self._load()

    def _load(self) -> None:
        try:
            # Symlinks are followed (a Kubernetes Secret volume is made of them); the mode checked is the target's.
            fd = os.open(self.path, os.O_RDONLY)
        except OSError as exc:
            raise KeyringError(f"can't open keyring {self.path}: {exc.strerror}") from exc
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077:
            os.close(fd)
            if not stat.S_ISREG(info.st_mode):
                raise KeyringError(f"keyring {self.path} is not a regular file")
            raise KeyringPermissions(
                f"keyring {self.path} has mode {stat.S_IMODE(info.st_mode):04o}; it must be 0600 or narrower"
            )
        with os.fdopen(fd) as src:
            try:
                document = json.load(src)
                versions = {
                    int(k["version"]): KeyVersion(int(k["version"]), float(k["created"]), base64.b64decode(k["key"]))
                    for k in document["keys"]
                }
                current = int(document["current"])
            except (ValueError, KeyError, TypeError) as exc:
                raise KeyringError(f"keyring {self.path} is malformed") from exc
        if document.get("format") != FORMAT or current not in versions:
            raise KeyringError(f"keyring {self.path} is malformed")
        if any(len(v.key) != KEY_BYTES for v in versions.values()):
            raise KeyringError(f"keyring {self.path} holds a key that is not 256 bits")
        with self._lock:
            self._versions, self._current = versions, current
            self._seen = (info.st_ino, info.st_mtime_ns, info.st_size)

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        # A sidecar lock file: the keyring itself is replaced by rename, so locking it would lock a stale inode.
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

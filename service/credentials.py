"""Access keys: generation and the first key of a fresh installation."""

from __future__ import annotations

import os
import secrets
import string
import time
from dataclasses import dataclass
from pathlib import Path

from service.store.base import KeyStore
from service.store.records import AccessKey

_KEY_ALPHABET = string.ascii_uppercase + "234567"
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


def new_access_key(account_id: str | None = None, role: str = "transcriber") -> AccessKey:
    return AccessKey(
        access_key_id="CLIN" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16)),
        secret_access_key="".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40)),
        account_id=account_id or new_account_id(),
        role=role,
        created=time.time(),
    )


def new_account_id() -> str:
    return str(secrets.randbelow(9 * 10**11) + 10**11)


@dataclass(frozen=True, slots=True)
class Bootstrap:
    """What the first start did about credentials, to tell the operator once."""

    created_file: Path | None
    key_id: str | None


def ensure_bootstrap_key(
    keys: KeyStore, data_dir: Path, key_id: str | None, secret: str | None, account_id: str | None = None
) -> Bootstrap:
    """Install the configured bootstrap key, or on a fresh store create one and write it to a 0600 file."""
    if key_id and secret:
        if keys.get(key_id) is None:
            keys.add(AccessKey(key_id, secret, account_id or new_account_id(), "transcriber", time.time()))
        return Bootstrap(None, key_id)
    if keys.list():
        return Bootstrap(None, None)
    key = new_access_key(account_id)
    keys.add(key)
    path = data_dir / "bootstrap-credentials"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(
            "# clinscribe's first access key, in AWS shared-credentials format.\n"
            "# Use it with AWS_SHARED_CREDENTIALS_FILE=<this file> AWS_PROFILE=clinscribe\n"
            "[clinscribe]\n"
            f"aws_access_key_id = {key.access_key_id}\n"
            f"aws_secret_access_key = {key.secret_access_key}\n"
            f"# account_id = {key.account_id}\n"
        )
    os.chmod(path, 0o600)
    return Bootstrap(path, key.access_key_id)

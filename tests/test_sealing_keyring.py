"""The local keyring: created owner-only, refused when wider, versions that rotate and all still unwrap."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from service.sealing.errors import KeyringError, KeyringPermissions, Tampered
from service.sealing.keyring import LocalKeyring

CONTEXT = {"clinscribe:dek": "00ff", "clinscribe:kind": "object", "clinscribe:account": "111122223333"}
DEK = bytes(range(32))


def test_created_on_first_use_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "data" / "keyring.json"
    old = os.umask(0o002)  # a permissive umask: the keyring must be 0600 regardless
    try:
        keyring = LocalKeyring(path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keyring.key_id == "local:1" and keyring.current_version == 1
    document = json.loads(path.read_text())
    assert len(document["keys"]) == 1
    # A second process opening it reads the same key instead of making another.
    assert LocalKeyring(path).unwrap(keyring.wrap(DEK, CONTEXT), CONTEXT) == DEK


@pytest.mark.parametrize("mode", [0o640, 0o644, 0o604, 0o660, 0o666])
def test_refused_when_readable_by_others(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "keyring.json"
    LocalKeyring(path)
    path.chmod(mode)
    with pytest.raises(KeyringPermissions, match="0600"):
        LocalKeyring(path)


def test_widened_after_open_is_noticed_on_next_change(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    keyring = LocalKeyring(path)
    LocalKeyring(path).rotate()
    path.chmod(0o644)
    with pytest.raises(KeyringPermissions):
        keyring.wrap(DEK, CONTEXT)


def test_owner_read_only_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    wrapped = LocalKeyring(path).wrap(DEK, CONTEXT)
    path.chmod(0o400)
    assert LocalKeyring(path).unwrap(wrapped, CONTEXT) == DEK


@pytest.mark.parametrize(
    "content", ["", "{}", "[]", '{"format": "clinscribe-keyring-1", "current": 2, "keys": []}', "not json"]
)
def test_malformed_keyring_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "keyring.json"
    path.write_text(content)
    path.chmod(0o600)
    with pytest.raises(KeyringError):
        LocalKeyring(path)


def test_short_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    path.write_text(json.dumps({"format": "clinscribe-keyring-1", "current": 1,
                                "keys": [{"version": 1, "created": 0, "key": "AAAA"}]}))
    path.chmod(0o600)
    with pytest.raises(KeyringError, match="256"):
        LocalKeyring(path)


def test_symlinked_keyring_is_judged_by_its_target(tmp_path: Path) -> None:
    # As in a Kubernetes Secret volume: keyring.json -> ..data/keyring.json.
    real = tmp_path / "..data" / "keyring.json"
    wrapped = LocalKeyring(real).wrap(DEK, CONTEXT)
    link = tmp_path / "keyring.json"
    link.symlink_to(real)
    real.chmod(0o400)
    assert LocalKeyring(link).unwrap(wrapped, CONTEXT) == DEK
    real.chmod(0o644)
    with pytest.raises(KeyringPermissions):
        LocalKeyring(link)


def test_directory_in_place_of_keyring_is_refused(tmp_path: Path) -> None:
    (tmp_path / "keyring.json").mkdir(mode=0o700)
    with pytest.raises(KeyringError):
        LocalKeyring(tmp_path / "keyring.json")


def test_rotation_adds_a_current_version_and_old_wraps_still_open(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    keyring = LocalKeyring(path)
    old = keyring.wrap(DEK, CONTEXT)
    assert keyring.rotate() == 2
    assert keyring.key_id == "local:2"
    new = keyring.wrap(DEK, CONTEXT)
    assert old[:4] == (1).to_bytes(4, "big") and new[:4] == (2).to_bytes(4, "big")
    assert keyring.unwrap(old, CONTEXT) == DEK and keyring.unwrap(new, CONTEXT) == DEK
    assert [v.version for v in keyring.versions()] == [1, 2]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_rotation_by_another_process_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    first = LocalKeyring(path)
    second = LocalKeyring(path)
    second.rotate()
    wrapped = second.wrap(DEK, CONTEXT)
    assert first.unwrap(wrapped, CONTEXT) == DEK
    assert first.key_id == "local:2"


def test_wrap_is_bound_to_its_context(tmp_path: Path) -> None:
    keyring = LocalKeyring(tmp_path / "keyring.json")
    wrapped = keyring.wrap(DEK, CONTEXT)
    for name in CONTEXT:
        with pytest.raises(Tampered):
            keyring.unwrap(wrapped, {**CONTEXT, name: "other"})
    with pytest.raises(Tampered):
        keyring.unwrap(wrapped, {})


def test_every_flipped_byte_of_a_wrapped_key_fails(tmp_path: Path) -> None:
    keyring = LocalKeyring(tmp_path / "keyring.json")
    wrapped = keyring.wrap(DEK, CONTEXT)
    for i in range(len(wrapped)):
        edited = bytearray(wrapped)
        edited[i] ^= 0x01
        with pytest.raises(Tampered):
            keyring.unwrap(bytes(edited), CONTEXT)
    with pytest.raises(Tampered):
        keyring.unwrap(wrapped[:10], CONTEXT)


def test_another_keyring_cannot_unwrap(tmp_path: Path) -> None:
    wrapped = LocalKeyring(tmp_path / "a.json").wrap(DEK, CONTEXT)
    with pytest.raises(Tampered):
        LocalKeyring(tmp_path / "b.json").unwrap(wrapped, CONTEXT)

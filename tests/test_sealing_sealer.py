"""The envelope layer on both databases: round trips, tamper and swap detection, rotation, shredding."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service.sealing import envelope
from service.sealing.errors import SealError, Shredded, Tampered
from service.sealing.keyring import LocalKeyring
from service.sealing.sealer import Sealer
from service.sealing.setup import open_data_keys
from tests.sealing_dbs import BACKENDS, open_database

ACCOUNT, OTHER = "111122223333", "444455556666"
SECRET = b"Patient Jane Roe, DOB 1961-04-02, metformin 500 mg twice daily."


@pytest.fixture(params=BACKENDS)
def sealer(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Sealer]:
    with open_database(request.param, tmp_path) as db:
        yield Sealer(LocalKeyring(tmp_path / "keyring.json"), open_data_keys(db))


def test_round_trip(sealer: Sealer) -> None:
    sealed = sealer.seal("transcript", "job-1", ACCOUNT, SECRET)
    assert SECRET not in sealed and b"metformin" not in sealed
    assert sealer.open("transcript", "job-1", ACCOUNT, sealed) == SECRET
    empty = sealer.seal("media", "a.wav", ACCOUNT, b"")
    assert sealer.open("media", "a.wav", ACCOUNT, empty) == b""
    big = bytes(range(256)) * 4096
    assert sealer.open("media", "big.wav", ACCOUNT, sealer.seal("media", "big.wav", ACCOUNT, big)) == big


def test_each_object_has_its_own_data_key_and_nonce(sealer: Sealer) -> None:
    a = sealer.seal("transcript", "job-1", ACCOUNT, SECRET)
    b = sealer.seal("transcript", "job-1", ACCOUNT, SECRET)
    assert envelope.dek_id_of(a) != envelope.dek_id_of(b)
    assert a[20:32] != b[20:32] and a[32:] != b[32:]
    assert sum(sealer.status().values()) == 2


def test_every_flipped_byte_is_an_error(sealer: Sealer) -> None:
    sealed = sealer.seal("transcript", "job-1", ACCOUNT, SECRET)
    # Header (magic, data key id), nonce, ciphertext and tag: every position.
    for i in range(len(sealed)):
        for bit in (0x01, 0x80):
            edited = bytearray(sealed)
            edited[i] ^= bit
            with pytest.raises(SealError):
                sealer.open("transcript", "job-1", ACCOUNT, bytes(edited))
    assert sealer.open("transcript", "job-1", ACCOUNT, sealed) == SECRET


@pytest.mark.parametrize("cut", [0, 4, 20, 32, 47, -1])
def test_truncated_or_extended_is_an_error(sealer: Sealer, cut: int) -> None:
    sealed = sealer.seal("transcript", "job-1", ACCOUNT, SECRET)
    with pytest.raises(SealError):
        sealer.open("transcript", "job-1", ACCOUNT, sealed[:cut])
    with pytest.raises(Tampered):
        sealer.open("transcript", "job-1", ACCOUNT, sealed + b"\x00")


def test_plaintext_is_not_accepted_as_sealed(sealer: Sealer) -> None:
    with pytest.raises(Tampered):
        sealer.open("transcript", "job-1", ACCOUNT, SECRET)
    with pytest.raises(Tampered):
        sealer.open_text("job-field", "job-1#request", ACCOUNT, '{"Media": {}}')


@pytest.mark.parametrize(
    "kind, resource, account",
    [("media", "job-1", ACCOUNT), ("transcript", "job-2", ACCOUNT), ("transcript", "job-1", OTHER)],
)
def test_opened_as_another_object_fails(sealer: Sealer, kind: str, resource: str, account: str) -> None:
    sealed = sealer.seal("transcript", "job-1", ACCOUNT, SECRET)
    with pytest.raises(Tampered):
        sealer.open(kind, resource, account, sealed)


def test_swapped_ciphertexts_fail(sealer: Sealer) -> None:
    mine = sealer.seal("transcript", "job-1", ACCOUNT, SECRET)
    theirs = sealer.seal("transcript", "job-1", OTHER, b"other account's transcript")
    other_job = sealer.seal("transcript", "job-2", ACCOUNT, b"another job")
    other_kind = sealer.seal("vocabulary", "job-1", ACCOUNT, b"a vocabulary")
    for stranger in (theirs, other_job, other_kind):
        with pytest.raises(Tampered):
            sealer.open("transcript", "job-1", ACCOUNT, stranger)
    # Splicing one object's header onto another's body fails too.
    spliced = other_job[:20] + mine[20:]
    with pytest.raises(Tampered):
        sealer.open("transcript", "job-2", ACCOUNT, spliced)


def test_text_and_json_forms(sealer: Sealer) -> None:
    request = {"Media": {"MediaFileUri": "s3://media/jane-roe.wav"}, "Tags": [{"Key": "mrn", "Value": "12345"}]}
    token = sealer.seal_json("job-field", "job-1#request", ACCOUNT, request)
    assert token.startswith(envelope.TEXT_PREFIX) and "jane" not in token
    assert sealer.open_json("job-field", "job-1#request", ACCOUNT, token) == request
    with pytest.raises(Tampered):
        sealer.open_json("job-field", "job-2#request", ACCOUNT, token)
    # Every character of the text form: any change is an error (including base64's spare bits at the end).
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="
    for i in range(len(envelope.TEXT_PREFIX), len(token)):
        at = alphabet.index(token[i])
        for replacement in (alphabet[(at + 1) % 65], alphabet[(at + 17) % 65]):
            edited = token[:i] + replacement + token[i + 1 :]
            with pytest.raises(SealError):
                sealer.open_json("job-field", "job-1#request", ACCOUNT, edited)
    with pytest.raises(Tampered):
        sealer.open_json("job-field", "job-1#request", ACCOUNT, token[:20] + "!" + token[21:])


def test_shred_makes_the_object_unopenable(sealer: Sealer) -> None:
    sealed = sealer.seal("transcript", "job-1", ACCOUNT, SECRET)
    kept = sealer.seal("transcript", "job-2", ACCOUNT, SECRET)
    assert sealer.shred("transcript", "job-1", ACCOUNT) == 1
    with pytest.raises(Shredded):
        sealer.open("transcript", "job-1", ACCOUNT, sealed)
    assert sealer.open("transcript", "job-2", ACCOUNT, kept) == SECRET
    assert sealer.shred("transcript", "job-1", ACCOUNT) == 0


def test_discard_and_retire_older(sealer: Sealer) -> None:
    first = sealer.seal("object", "b/k", ACCOUNT, b"v1")
    second = sealer.seal("object", "b/k", ACCOUNT, b"v2")
    third = sealer.seal("object", "b/k", ACCOUNT, b"v3")
    assert sealer.discard(third)
    assert sealer.retire_older("object", "b/k", ACCOUNT, second) == 1
    with pytest.raises(Shredded):
        sealer.open("object", "b/k", ACCOUNT, first)
    with pytest.raises(Shredded):
        sealer.open("object", "b/k", ACCOUNT, third)
    assert sealer.open("object", "b/k", ACCOUNT, second) == b"v2"


def test_rotation_rewraps_without_reencrypting(sealer: Sealer) -> None:
    keyring = sealer.kek
    assert isinstance(keyring, LocalKeyring)
    old = [sealer.seal("transcript", f"job-{i}", ACCOUNT, SECRET + bytes([i])) for i in range(7)]
    assert sealer.status() == {"local:1": 7}
    keyring.rotate()
    # Before rewrapping, old data keys (version 1) still open; new ones use version 2.
    assert sealer.open("transcript", "job-0", ACCOUNT, old[0]) == SECRET + b"\x00"
    new = sealer.seal("transcript", "job-new", ACCOUNT, SECRET)
    assert sealer.status() == {"local:1": 7, "local:2": 1}
    assert sealer.keys.get(envelope.dek_id_of(new)).kek_id == "local:2"  # type: ignore[union-attr]
    result = sealer.rotate(batch=3)
    assert (result.rewrapped, result.failed) == (7, 0)
    assert sealer.status() == {"local:2": 8}
    # The same ciphertexts (not re-encrypted) open under the rewrapped keys.
    for i, sealed in enumerate(old):
        assert sealer.open("transcript", f"job-{i}", ACCOUNT, sealed) == SECRET + bytes([i])
    assert sealer.rotate() == type(result)(0, 0)


def test_rotation_reports_a_tampered_key_and_leaves_it(sealer: Sealer) -> None:
    sealer.seal("transcript", "job-1", ACCOUNT, SECRET)
    victim = sealer.seal("transcript", "job-2", ACCOUNT, SECRET)
    row = sealer.keys.get(envelope.dek_id_of(victim))
    assert row is not None
    sealer.keys.delete(row.dek_id)
    edited = bytearray(row.wrapped)
    edited[-1] ^= 1
    sealer.keys.insert(type(row)(row.dek_id, row.resource, row.kind, row.account_id, row.kek_id, bytes(edited),
                                 row.created))
    sealer.kek.rotate()  # type: ignore[attr-defined]
    result = sealer.rotate()
    assert (result.rewrapped, result.failed) == (1, 1)
    with pytest.raises(Tampered):
        sealer.open("transcript", "job-2", ACCOUNT, victim)


def test_a_key_row_moved_to_another_object_fails(sealer: Sealer) -> None:
    sealed = sealer.seal("transcript", "job-1", OTHER, SECRET)
    row = sealer.keys.get(envelope.dek_id_of(sealed))
    assert row is not None
    # Someone with database access relabels the key row as ACCOUNT's: the wrap context no longer matches.
    sealer.keys.delete(row.dek_id)
    mine = sealer.seal("transcript", "job-1", ACCOUNT, b"x")
    mine_row = sealer.keys.get(envelope.dek_id_of(mine))
    assert mine_row is not None
    sealer.keys.insert(type(row)(row.dek_id, mine_row.resource, "transcript", ACCOUNT, row.kek_id, row.wrapped,
                                 row.created))
    with pytest.raises(Tampered):
        sealer.open("transcript", "job-1", ACCOUNT, sealed)

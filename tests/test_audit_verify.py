"""Tampering with the audit log, each kind caught and located by verify."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.chain import read_entry, seal
from audit.digest import encode_digest, make_digest
from audit.entry import AuditEvent
from audit.layout import AuditLayout
from audit.log import AuditLog
from audit.verify import VerifyReport, verify_directory

ENTRIES = 20
DIGEST_EVERY = 5  # digests cover 1..5, 6..10, 11..15, 16..20


def event(n: int) -> AuditEvent:
    return AuditEvent(
        account_id="111122223333",
        actor="AKIAIOSFODNN7EXAMPLE",
        role="transcriber",
        action="GetMedicalTranscriptionJob",
        resource=f"medical-transcription-job/job-{n}",
        source_address="192.0.2.10",
        outcome="success" if n % 3 else "BadRequestException",
        request_id=f"req-{n}",
    )


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    with AuditLog(tmp_path, digest_every=DIGEST_EVERY, digest_interval_s=0) as log:
        for n in range(1, ENTRIES + 1):
            log.append(event(n))
    return tmp_path


def read(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


def write(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(line + b"\n" for line in lines))


def resealed(line: bytes, *, prev_hash: str | None = None, seq: int | None = None, **changes: Any) -> bytes:
    """The line rewritten by someone who knows the format: edited, then hashed again."""
    entry = read_entry(line)
    changed = dataclasses.replace(entry.event, **changes)
    _, new = seal(
        changed,
        seq=entry.seq if seq is None else seq,
        time=entry.time,
        prev_hash=entry.prev_hash if prev_hash is None else prev_hash,
    )
    return new[:-1]


def summary(report: VerifyReport) -> list[tuple[str, str, int | None, int | None]]:
    return [(p.kind, p.file, p.line, p.seq) for p in report.problems]


def test_intact_log_verifies(log_dir: Path) -> None:
    report = verify_directory(log_dir)
    assert report.ok, report.problems
    assert (report.entries, report.digests, report.last_seq, report.last_digested_seq) == (20, 4, 20, 20)
    assert report.notices == ()


def test_empty_directory_verifies(tmp_path: Path) -> None:
    report = verify_directory(tmp_path)
    assert report.ok and report.entries == 0


def test_edited_field_is_caught_at_its_line(log_dir: Path) -> None:
    entries = AuditLayout(log_dir).entries
    lines = read(entries)
    lines[6] = lines[6].replace(b'"outcome":"success"', b'"outcome":"AccessDeniedException"')
    write(entries, lines)
    assert summary(verify_directory(log_dir)) == [("edited", "entries.jsonl", 7, 7)]


def test_edited_and_rehashed_entry_breaks_the_next_link(log_dir: Path) -> None:
    entries = AuditLayout(log_dir).entries
    lines = read(entries)
    lines[6] = resealed(lines[6], actor="AKIAFORGEDFORGED0000")
    write(entries, lines)
    assert summary(verify_directory(log_dir)) == [("chain_break", "entries.jsonl", 8, 8)]


def test_rewritten_tail_is_caught_by_the_signed_digests(log_dir: Path) -> None:
    entries = AuditLayout(log_dir).entries
    lines = read(entries)
    prev = read_entry(lines[10]).prev_hash
    for index in range(10, ENTRIES):  # edit seq 11 and rehash everything after it
        changes: dict[str, Any] = {"resource": "medical-transcription-job/innocent"} if index == 10 else {}
        lines[index] = resealed(lines[index], prev_hash=prev, **changes)
        prev = read_entry(lines[index]).hash
    write(entries, lines)
    assert summary(verify_directory(log_dir)) == [
        ("digest_head", "entries.jsonl", 15, 15),
        ("digest_head", "entries.jsonl", 20, 20),
    ]


def test_deleted_entry_is_caught_where_it_was(log_dir: Path) -> None:
    entries = AuditLayout(log_dir).entries
    lines = read(entries)
    del lines[6]
    write(entries, lines)
    report = verify_directory(log_dir)
    assert summary(report) == [("missing", "entries.jsonl", 7, 7)]
    assert "seq 7 are missing" in str(report.problems[0])


def test_deleted_run_names_the_whole_range(log_dir: Path) -> None:
    entries = AuditLayout(log_dir).entries
    lines = read(entries)
    del lines[2:5]
    write(entries, lines)
    report = verify_directory(log_dir)
    assert summary(report) == [("missing", "entries.jsonl", 3, 3)]
    assert "seq 3..5" in report.problems[0].message


def test_inserted_forged_entry_is_caught_at_its_line(log_dir: Path) -> None:
    entries = AuditLayout(log_dir).entries
    lines = read(entries)
    genuine_seven = read_entry(lines[6])
    forged = resealed(lines[6], request_id="req-forged")  # same seq, chained from seq 6 like the real one
    assert read_entry(forged).prev_hash == genuine_seven.prev_hash
    lines.insert(6, forged)
    write(entries, lines)
    assert summary(verify_directory(log_dir)) == [("inserted", "entries.jsonl", 7, 7)]


def test_inserted_entry_with_a_stray_number_is_caught_at_its_line(log_dir: Path) -> None:
    entries = AuditLayout(log_dir).entries
    lines = read(entries)
    lines.insert(9, resealed(lines[9], seq=500))
    write(entries, lines)
    assert summary(verify_directory(log_dir)) == [("out_of_order", "entries.jsonl", 10, 500)]


def test_swapped_entries_are_caught(log_dir: Path) -> None:
    entries = AuditLayout(log_dir).entries
    lines = read(entries)
    lines[6], lines[7] = lines[7], lines[6]
    write(entries, lines)
    problems = summary(verify_directory(log_dir))
    assert len(problems) == 1
    kind, file, line, seq = problems[0]
    assert (kind, file) == ("out_of_order", "entries.jsonl")
    assert (line, seq) in {(7, 8), (8, 7)}


def test_truncated_log_is_caught_by_the_digests(log_dir: Path) -> None:
    entries = AuditLayout(log_dir).entries
    write(entries, read(entries)[:12])
    report = verify_directory(log_dir)
    assert summary(report) == [("truncated", "entries.jsonl", 12, 12), ("truncated", "entries.jsonl", 12, 12)]
    assert "covers up to seq 15" in report.problems[0].message


def test_truncated_mid_line_is_caught_too(log_dir: Path) -> None:
    entries = AuditLayout(log_dir).entries
    data = entries.read_bytes()
    entries.write_bytes(data[: data.index(b"req-14")])
    report = verify_directory(log_dir)
    assert {p.kind for p in report.problems} == {"truncated"}
    assert [n.kind for n in report.notices if n.kind == "torn_tail"] == ["torn_tail"]


def test_malformed_line_is_caught(log_dir: Path) -> None:
    entries = AuditLayout(log_dir).entries
    lines = read(entries)
    lines[4] = b"{not json"
    write(entries, lines)
    problems = summary(verify_directory(log_dir))
    assert ("malformed", "entries.jsonl", 5, None) in problems
    assert ("missing", "entries.jsonl", 6, 5) in problems  # seq 5 is gone; seq 6 at line 6 follows


def test_corrupted_digest_signature_is_caught(log_dir: Path) -> None:
    digests = AuditLayout(log_dir).digests
    lines = read(digests)
    start = lines[1].index(b'"signature":"') + len(b'"signature":"')
    flipped = b"A" if lines[1][start : start + 1] != b"A" else b"B"
    lines[1] = lines[1][:start] + flipped + lines[1][start + 1 :]
    write(digests, lines)
    # The digest chain hashes whole lines, so the next digest no longer chains either.
    assert summary(verify_directory(log_dir)) == [
        ("digest_signature", "digests.jsonl", 2, None),
        ("digest_chain", "digests.jsonl", 3, None),
    ]


def test_deleted_digest_is_caught(log_dir: Path) -> None:
    digests = AuditLayout(log_dir).digests
    lines = read(digests)
    del lines[1]
    write(digests, lines)
    problems = summary(verify_directory(log_dir))
    assert problems == [("digest_chain", "digests.jsonl", 2, None), ("digest_chain", "digests.jsonl", 2, None)]


def test_digest_signed_by_another_key_is_caught(log_dir: Path) -> None:
    other = Ed25519PrivateKey.generate().public_key()
    report = verify_directory(log_dir, public_key=other)
    assert [p.kind for p in report.problems] == ["digest_signature"] * 4
    assert "signed by key" in report.problems[0].message


def test_undigested_tail_is_a_notice(tmp_path: Path) -> None:
    log = AuditLog(tmp_path, digest_every=100, digest_interval_s=0)
    log.append(event(1))
    try:
        report = verify_directory(tmp_path)
    finally:
        log.close()
    assert report.ok and [n.kind for n in report.notices] == ["undigested"]


def test_swapped_digests_are_caught(log_dir: Path) -> None:
    digests = AuditLayout(log_dir).digests
    lines = read(digests)
    lines[1], lines[2] = lines[2], lines[1]
    write(digests, lines)
    report = verify_directory(log_dir)
    assert {p.kind for p in report.problems} == {"digest_chain"}
    assert {p.line for p in report.problems} >= {2, 3}


def test_forged_digest_from_another_key_is_caught(log_dir: Path) -> None:
    digests = AuditLayout(log_dir).digests
    lines = read(digests)
    entries = read(AuditLayout(log_dir).entries)
    forged = make_digest(
        Ed25519PrivateKey.generate(),
        digest_seq=5,
        time="2026-01-01T00:00:00.000000Z",
        first_seq=21,
        last_seq=20,
        head_hash=read_entry(entries[-1]).hash,
    )
    write(digests, [*lines, encode_digest(forged)[:-1]])
    kinds = [(p.kind, p.line) for p in verify_directory(log_dir).problems]
    assert ("digest_signature", 5) in kinds and ("digest_chain", 5) in kinds


def test_first_entry_must_start_the_chain(log_dir: Path) -> None:
    entries = AuditLayout(log_dir).entries
    lines = read(entries)
    lines[0] = resealed(lines[0], prev_hash="ab" * 32)
    write(entries, lines)
    problems = summary(verify_directory(log_dir))
    assert ("chain_break", "entries.jsonl", 1, 1) in problems

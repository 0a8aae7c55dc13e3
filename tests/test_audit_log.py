"""The audit log: append and reopen, durability across a kill -9, torn tails, threads, keys, bad events."""

from __future__ import annotations

import itertools
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from audit.chain import read_entry
from audit.digest import decode_digest
from audit.entry import GENESIS_HASH, AuditEvent, InvalidAuditEvent
from audit.filter import AuditFilter
from audit.layout import AuditLayout
from audit.log import AuditLog, AuditLogCorrupt, AuditLogFailed, AuditLogLocked
from audit.query import FileAuditSource
from audit.store import AuditSink, AuditSource
from audit.verify import verify_directory


def event(n: int = 0, **changes: Any) -> AuditEvent:
    fields: dict[str, object] = {
        "account_id": "111122223333",
        "actor": "AKIAIOSFODNN7EXAMPLE",
        "role": "transcriber",
        "action": "StartMedicalTranscriptionJob",
        "resource": f"medical-transcription-job/job-{n}",
        "source_address": "203.0.113.5",
        "outcome": "success",
        "request_id": f"req-{n}",
        "detail": {"MediaFormat": "wav", "n": n},
    }
    fields.update(changes)
    return AuditEvent(**fields)  # type: ignore[arg-type]


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


def test_append_seals_chains_and_survives_reopen(tmp_path: Path) -> None:
    with AuditLog(tmp_path, digest_interval_s=0) as log:
        first = log.append(event(1))
        second = log.append(event(2))
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    stored = [read_entry(line) for line in lines(AuditLayout(tmp_path).entries)]
    assert stored == [first, second]

    with AuditLog(tmp_path, digest_interval_s=0) as log:
        assert log.last_seq == 2
        third = log.append(event(3))
    assert third.seq == 3 and third.prev_hash == second.hash
    report = verify_directory(tmp_path)
    assert report.ok, report.problems
    assert (report.entries, report.last_seq, report.last_digested_seq) == (3, 3, 3)


def test_the_file_store_fits_the_storage_protocols(tmp_path: Path) -> None:
    sink: AuditSink = AuditLog(tmp_path, digest_interval_s=0)  # mypy checks the fit; this checks behaviour
    try:
        entry = sink.append(event(1))
        assert sink.verify().ok
    finally:
        sink.close()
    source: AuditSource = FileAuditSource(tmp_path)
    assert list(source.select(AuditFilter())) == [entry]


def test_append_uses_the_given_time_in_utc(tmp_path: Path) -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC) + timedelta()
    with AuditLog(tmp_path, digest_interval_s=0) as log:
        entry = log.append(event(), at=moment)
        with pytest.raises(InvalidAuditEvent):
            log.append(event(), at=datetime(2026, 1, 1))  # naive: which zone?
    assert entry.time == "2026-01-02T03:04:05.678901Z"


def test_digest_every_n_entries_covers_contiguous_ranges(tmp_path: Path) -> None:
    with AuditLog(tmp_path, digest_every=4, digest_interval_s=0) as log:
        for n in range(10):
            log.append(event(n))
    digests = [decode_digest(line) for line in lines(AuditLayout(tmp_path).digests)]
    assert [(d.first_seq, d.last_seq) for d in digests] == [(1, 4), (5, 8), (9, 10)]
    assert [d.digest_seq for d in digests] == [1, 2, 3]


def test_digest_on_interval_without_further_appends(tmp_path: Path) -> None:
    log = AuditLog(tmp_path, digest_every=1000, digest_interval_s=0.05)
    try:
        log.append(event())
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not AuditLayout(tmp_path).digests.read_bytes():
            time.sleep(0.02)
        assert [decode_digest(x).last_seq for x in lines(AuditLayout(tmp_path).digests)] == [1]
    finally:
        log.close()


def test_signing_key_is_private_and_public_key_exported(tmp_path: Path) -> None:
    with AuditLog(tmp_path, digest_interval_s=0) as log:
        pem = log.public_key_pem()
    layout = AuditLayout(tmp_path)
    assert stat.S_IMODE(layout.signing_key.stat().st_mode) == 0o600
    assert layout.public_key.read_bytes() == pem
    assert b"PRIVATE" not in pem


def test_widely_readable_signing_key_is_refused(tmp_path: Path) -> None:
    AuditLog(tmp_path, digest_interval_s=0).close()
    AuditLayout(tmp_path).signing_key.chmod(0o644)
    with pytest.raises(ValueError, match="0600"):
        AuditLog(tmp_path, digest_interval_s=0)


def test_second_writer_is_locked_out(tmp_path: Path) -> None:
    with AuditLog(tmp_path, digest_interval_s=0), pytest.raises(AuditLogLocked):
        AuditLog(tmp_path, digest_interval_s=0)
    AuditLog(tmp_path, digest_interval_s=0).close()  # released on close


def test_closed_log_refuses_appends(tmp_path: Path) -> None:
    log = AuditLog(tmp_path, digest_interval_s=0)
    log.close()
    log.close()
    with pytest.raises(AuditLogFailed):
        log.append(event())


@pytest.mark.parametrize(
    "changes",
    [
        {"detail": {"note": "patient John Smith has diabetes"}},  # free text: spaces
        {"resource": "job/<script>"},
        {"action": ""},
        {"actor": 12},
        {"detail": {"k": 2**64}},
        {"detail": {f"k{n}": n for n in range(17)}},
        {"request_id": "x" * 513},
    ],
)
def test_events_that_are_not_identifiers_are_rejected(changes: dict[str, Any]) -> None:
    with pytest.raises(InvalidAuditEvent):
        event(**changes)


def test_torn_tail_is_cut_on_reopen_and_kept_aside(tmp_path: Path) -> None:
    with AuditLog(tmp_path, digest_interval_s=0) as log:
        for n in range(3):
            log.append(event(n))
    entries = AuditLayout(tmp_path).entries
    whole = entries.read_bytes()
    torn = whole.splitlines(keepends=True)[1][:50]
    with entries.open("ab") as handle:
        handle.write(torn)
    report = verify_directory(tmp_path)
    assert report.ok and [n.kind for n in report.notices] == ["torn_tail"]
    with AuditLog(tmp_path, digest_interval_s=0) as log:
        assert log.recovered_torn_bytes == 50
        assert log.append(event(9)).seq == 4
    assert entries.read_bytes().startswith(whole)
    kept = list(AuditLayout(tmp_path).quarantine.iterdir())
    assert [p.read_bytes() for p in kept] == [torn]
    report = verify_directory(tmp_path)
    assert report.ok and not [n for n in report.notices if n.kind == "torn_tail"]


def test_reopen_refuses_a_log_cut_before_its_last_digest(tmp_path: Path) -> None:
    with AuditLog(tmp_path, digest_every=2, digest_interval_s=0) as log:
        for n in range(4):
            log.append(event(n))
    entries = AuditLayout(tmp_path).entries
    entries.write_bytes(b"".join(line + b"\n" for line in lines(entries)[:2]))
    with pytest.raises(AuditLogCorrupt, match="entries were removed"):
        AuditLog(tmp_path, digest_interval_s=0)


def test_reopen_refuses_an_edited_last_entry(tmp_path: Path) -> None:
    with AuditLog(tmp_path, digest_interval_s=0) as log:
        log.append(event(1))
    entries = AuditLayout(tmp_path).entries
    entries.write_bytes(entries.read_bytes().replace(b"job-1", b"job-7"))
    with pytest.raises(AuditLogCorrupt, match="fails its hash"):
        AuditLog(tmp_path, digest_interval_s=0)


def test_threads_keep_one_consistent_chain(tmp_path: Path) -> None:
    threads, per_thread = 8, 150
    seen: list[int] = []
    seen_lock = threading.Lock()

    def work(worker: int) -> None:
        for n in range(per_thread):
            entry = log.append(event(n, request_id=f"w{worker}-{n}"))
            with seen_lock:
                seen.append(entry.seq)

    with AuditLog(tmp_path, digest_every=100, digest_interval_s=0) as log:
        pool = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
    total = threads * per_thread
    assert sorted(seen) == list(range(1, total + 1))
    stored = list(FileAuditSource(tmp_path).select(AuditFilter()))
    assert [e.seq for e in stored] == list(range(1, total + 1))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(stored))
    assert len({e.request_id for e in stored}) == total
    report = verify_directory(tmp_path)
    assert report.ok, report.problems
    assert report.last_digested_seq == total


_BURST = textwrap.dedent(
    """
    import sys, threading
    from audit.entry import AuditEvent
    from audit.log import AuditLog

    log = AuditLog(sys.argv[1], digest_every=50, digest_interval_s=0.01)
    out_lock = threading.Lock()

    def work(worker):
        n = 0
        while True:
            n += 1
            entry = log.append(AuditEvent(
                account_id="111122223333", actor="AKIAIOSFODNN7EXAMPLE", role="transcriber",
                action="GetMedicalTranscriptionJob", resource=f"medical-transcription-job/w{worker}-{n}",
                source_address="198.51.100.7", outcome="success", request_id=f"w{worker}-{n}"))
            with out_lock:
                sys.stdout.write(f"{entry.seq}\\n")
                sys.stdout.flush()

    for worker in range(6):
        threading.Thread(target=work, args=(worker,), daemon=True).start()
    threading.Event().wait()
    """
)


def test_kill_9_during_a_burst_loses_no_acknowledged_entry(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    process = subprocess.Popen(
        [sys.executable, "-c", _BURST, str(tmp_path)], stdout=subprocess.PIPE, env=env, text=True
    )
    assert process.stdout is not None
    acknowledged: list[int] = []
    try:
        for line in process.stdout:
            acknowledged.append(int(line))
            if len(acknowledged) >= 400:
                break
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert len(acknowledged) >= 400, "the writer died before the burst"

    before = verify_directory(tmp_path)  # read-only, the tail exactly as the kill left it
    assert before.ok, before.problems
    assert before.last_seq >= max(acknowledged)

    with AuditLog(tmp_path, digest_interval_s=0) as log:  # recovery, then one more append
        resumed = log.append(event())
    after = verify_directory(tmp_path)
    assert after.ok, after.problems
    assert not [n for n in after.notices if n.kind == "torn_tail"]
    assert resumed.seq == after.last_seq == before.last_seq + 1
    stored = {e.seq for e in FileAuditSource(tmp_path).select(AuditFilter())}
    assert set(acknowledged) <= stored


def test_a_failed_sync_fails_this_and_later_appends_and_reopen_recovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = AuditLog(tmp_path, digest_interval_s=0)
    log.append(event(1))
    real_sync = os.fdatasync

    def broken_sync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fdatasync", broken_sync)
    with pytest.raises(AuditLogFailed, match="Input/output error"):
        log.append(event(2))
    with pytest.raises(AuditLogFailed):
        log.append(event(3))
    monkeypatch.setattr(os, "fdatasync", real_sync)
    log.close()

    with AuditLog(tmp_path, digest_interval_s=0) as reopened:
        # The failed entry reached the page cache, so it may be there; either way the chain continues.
        assert reopened.append(event(4)).seq == reopened.last_seq
    assert verify_directory(tmp_path).ok

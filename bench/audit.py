"""Audit log throughput: durable appends per second from many threads, and entries verified per second.

Targets on 2 cores (issue 8): at least 5,000 appends/s, each fdatasync'd before append returns, and
50,000 entries verified/s. Run: .venv/bin/python bench/audit.py [--threads 16] [--appends 40000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would hide the audit package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

from audit.entry import AuditEvent
from audit.log import AuditLog
from audit.verify import verify_directory


def _event(worker: int, n: int) -> AuditEvent:
    return AuditEvent(
        account_id="111122223333",
        actor="AKIAIOSFODNN7EXAMPLE",
        role="transcriber",
        action="StartMedicalTranscriptionJob",
        resource=f"medical-transcription-job/bench-{worker}-{n}",
        source_address="203.0.113.17",
        outcome="success",
        request_id=f"7f0c2a1e-{worker:04d}-{n:08d}",
        detail={"MediaFormat": "wav", "MediaSampleRateHertz": 16000},
    )


def sync_latency_ms(directory: Path, rounds: int = 200) -> float:
    """One small write plus fdatasync, the floor under a single unbatched append."""
    path = directory / "sync-probe"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        start = time.perf_counter()
        for _ in range(rounds):
            os.write(fd, b"x" * 300 + b"\n")
            os.fdatasync(fd)
        return (time.perf_counter() - start) / rounds * 1000
    finally:
        os.close(fd)
        path.unlink()


def appends_per_second(directory: Path, threads: int, total: int) -> tuple[float, float]:
    """(appends per wall second, CPU microseconds of this process per append)."""
    per_thread = total // threads
    with AuditLog(directory, digest_every=1000, digest_interval_s=60) as log:
        gate = threading.Barrier(threads + 1)

        def work(worker: int) -> None:
            gate.wait()
            for n in range(per_thread):
                log.append(_event(worker, n))

        pool = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
        for thread in pool:
            thread.start()
        gate.wait()
        start, cpu = time.perf_counter(), time.process_time()
        for thread in pool:
            thread.join()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    done = per_thread * threads
    return done / elapsed, cpu / done * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--appends", type=int, default=40000, help="appends per thread-count run")
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default: a temp dir)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="audit-bench-", dir=args.dir))
    try:
        print(f"cores: {os.cpu_count()}  directory: {root}")
        print(f"write + fdatasync latency: {sync_latency_ms(root):.3f} ms")
        biggest = root
        for threads in args.threads:
            directory = root / f"t{threads}"
            total = args.appends if threads > 1 else min(args.appends, 3000)
            rate, cpu_us = appends_per_second(directory, threads, total)
            print(
                f"durable appends/s with {threads:3d} threads: {rate:9,.0f}   (target >= 5,000; "
                f"{cpu_us:.0f} us CPU each)"
            )
            biggest = directory
        start, cpu = time.perf_counter(), time.process_time()
        report = verify_directory(biggest)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert report.ok, report.problems[:5]
        print(
            f"entries verified/s: {report.entries / elapsed:9,.0f}   ({report.entries} entries, "
            f"{report.digests} digests, {elapsed:.2f} s; target >= 50,000; "
            f"{report.entries / cpu:,.0f}/s per CPU second)"
        )
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (other work shares the cores)")
    finally:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()

"""`clinscribe audit verify|query|public-key`: check, search and export the audit log."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO

from audit.entry import parse_time
from audit.export import write_csv, write_jsonl
from audit.filter import AuditFilter
from audit.keys import AuditKeyError, load_public_key
from audit.layout import AuditLayout
from audit.query import FileAuditSource, UnreadableEntry
from audit.verify import verify_directory
from service.config import load_settings

EXIT_INTACT = 0
EXIT_TAMPERED = 1
EXIT_ERROR = 2


def audit_dir(data_dir: Path | None) -> Path:
    """`<data-dir>/audit`; the data dir comes from --data-dir, then CLINSCRIBE_DATA_DIR, then the default."""
    return load_settings({"data_dir": data_dir}).data_dir / "audit"


def _time(text: str) -> datetime:
    try:
        return parse_time(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("audit", help="verify, query and export the audit log")
    actions = parser.add_subparsers(dest="audit_action", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=None, help="data directory (audit log in ./audit)")

    verify = actions.add_parser("verify", parents=[common], help="check the chain and the signed digests")
    verify.add_argument(
        "--public-key", type=Path, default=None, help="PEM exported earlier; default: the one in the log"
    )
    verify.add_argument("--quiet", action="store_true", help="print problems only")
    verify.set_defaults(func=_verify)

    query = actions.add_parser("query", parents=[common], help="filter entries and export them")
    query.add_argument("--since", type=_time, default=None, help="ISO 8601 time, inclusive (naive = UTC)")
    query.add_argument("--until", type=_time, default=None, help="ISO 8601 time, exclusive")
    query.add_argument("--actor", default=None)
    query.add_argument("--action", default=None)
    query.add_argument("--resource", default=None)
    query.add_argument("--outcome", default=None, help='"success" or an error type name')
    query.add_argument("--account", default=None, help="account id")
    query.add_argument("--limit", type=int, default=None)
    query.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    query.add_argument("--output", type=Path, default=None, help="file to write (default: stdout)")
    query.set_defaults(func=_query)

    key = actions.add_parser("public-key", parents=[common], help="print the digest-signing public key")
    key.set_defaults(func=_public_key)


def _verify(args: argparse.Namespace) -> int:
    directory = audit_dir(args.data_dir)
    if not directory.is_dir():
        print(f"no audit log at {directory}", file=sys.stderr)
        return EXIT_ERROR
    try:
        pinned = load_public_key(args.public_key) if args.public_key else None
    except AuditKeyError as error:
        print(error, file=sys.stderr)
        return EXIT_ERROR
    report = verify_directory(directory, pinned)
    for problem in report.problems:
        print(problem)
    if not args.quiet:
        for notice in report.notices:
            print(f"note: {notice}")
        state = "intact" if report.ok else f"TAMPERED ({len(report.problems)} problems)"
        print(
            f"{directory}: {state}; {report.entries} entries up to seq {report.last_seq}, "
            f"{report.digests} signed digests up to seq {report.last_digested_seq}"
            + ("" if pinned else "; signatures checked with the key stored beside the log")
        )
    return EXIT_INTACT if report.ok else EXIT_TAMPERED


@contextmanager
def _output(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as handle:
        yield handle


def _query(args: argparse.Namespace) -> int:
    directory = audit_dir(args.data_dir)
    if not directory.is_dir():
        print(f"no audit log at {directory}", file=sys.stderr)
        return EXIT_ERROR
    try:
        flt = AuditFilter(
            since=args.since,
            until=args.until,
            account_id=args.account,
            actor=args.actor,
            action=args.action,
            resource=args.resource,
            outcome=args.outcome,
            limit=args.limit,
        )
    except ValueError as error:
        print(error, file=sys.stderr)
        return EXIT_ERROR
    entries = FileAuditSource(directory).select(flt)
    write = write_csv if args.format == "csv" else write_jsonl
    try:
        with _output(args.output) as out:
            write(entries, out)
    except UnreadableEntry as error:
        print(f"{error}; run `clinscribe audit verify`", file=sys.stderr)
        return EXIT_TAMPERED
    return 0


def _public_key(args: argparse.Namespace) -> int:
    path = AuditLayout(audit_dir(args.data_dir)).public_key
    try:
        sys.stdout.write(path.read_text(encoding="ascii"))
    except OSError as error:
        print(f"no public key: {error}", file=sys.stderr)
        return EXIT_ERROR
    return 0

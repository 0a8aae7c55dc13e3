"""`clinscribe phi [--json] [FILE]`: label PHI in plain text and print the spans with their offsets."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from phi.detector import PhiDetector


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("phi", help="label protected health information in plain text")
    parser.add_argument("file", nargs="?", type=Path, default=None, help="text file (default: standard input)")
    parser.add_argument("--json", action="store_true", help="print one JSON object with all spans")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    if args.file is None:
        text = sys.stdin.read()
    else:
        try:
            text = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            # The message names the file, never its contents.
            print(f"clinscribe phi: cannot read {args.file}: {type(error).__name__}", file=sys.stderr)
            return 2
    spans = PhiDetector().find(text)
    rows = [
        {
            "start": span.start,
            "end": span.end,
            "category": span.category.value,
            "type": span.type.value,
            "confidence": span.confidence,
            "content": text[span.start : span.end],
        }
        for span in spans
    ]
    if args.json:
        print(json.dumps({"entities": rows}, ensure_ascii=False))
    else:
        for row in rows:
            print(f"{row['start']}\t{row['end']}\t{row['category']}\t{row['type']}\t{row['content']}")
    return 0

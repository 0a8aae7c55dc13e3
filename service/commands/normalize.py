"""`clinscribe normalize [TEXT]`: print the written form of spoken-form text, one sentence a line."""

from __future__ import annotations

import argparse
import sys

from medical.normalize import normalize_text


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "normalize",
        help="rewrite spoken-form text into the written form transcripts use",
        description="Reads TEXT, or standard input one sentence a line, and prints the written form.",
    )
    parser.add_argument("text", nargs="?", default=None, metavar="TEXT",
                        help="a spoken-form sentence (default: read standard input)")
    parser.set_defaults(func=_normalize)


def _normalize(args: argparse.Namespace) -> int:
    lines = [args.text] if args.text is not None else sys.stdin
    for line in lines:
        print(normalize_text(line.rstrip("\r\n")))
    return 0

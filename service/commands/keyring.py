"""`clinscribe keyring status|rotate|rewrap`: the local key-encryption keyring and the data keys it wraps."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from service.config import Settings, load_settings
from service.sealing.errors import KeyringError
from service.sealing.keyring import LocalKeyring
from service.sealing.sealer import Sealer
from service.sealing.setup import keyring_path, open_data_keys


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("keyring", help="show or rotate the local key-encryption keyring")
    parser.add_argument("--data-dir", type=Path, help="data directory (CLINSCRIBE_DATA_DIR)")
    actions = parser.add_subparsers(dest="keyring_action", required=True)
    status = actions.add_parser("status", help="key versions (never the keys) and data keys per version")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=_status)
    rotate = actions.add_parser("rotate", help="add a key version, make it current and rewrap every data key")
    rotate.add_argument("--no-rewrap", action="store_true", help="only add the version; rewrap later")
    rotate.set_defaults(func=_rotate)
    rewrap = actions.add_parser("rewrap", help="rewrap data keys still under an older version")
    rewrap.set_defaults(func=_rewrap)


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings({"data_dir": args.data_dir})


def _keyring(settings: Settings) -> LocalKeyring:
    try:
        return LocalKeyring(keyring_path(settings.data_dir))
    except KeyringError as exc:
        raise SystemExit(f"clinscribe keyring: {exc}") from exc


def _sealer(settings: Settings, keyring: LocalKeyring) -> Sealer:
    if settings.database_url:
        from service.store.postgres import PostgresDatabase

        return Sealer(keyring, open_data_keys(PostgresDatabase(settings.database_url)))
    from service.store.sqlite import SqliteDatabase

    return Sealer(keyring, open_data_keys(SqliteDatabase(settings.database_path)))


def _status(args: argparse.Namespace) -> int:
    settings = _settings(args)
    keyring = _keyring(settings)
    counts = _sealer(settings, keyring).status()
    current = keyring.current_version
    versions = [
        {"Version": v.version, "Current": v.version == current, "Created": _iso(v.created),
         "DataKeys": counts.get(f"local:{v.version}", 0)}
        for v in keyring.versions()
    ]
    other = {kek: n for kek, n in counts.items() if not kek.startswith("local:")}
    if args.json:
        print(json.dumps({"Keyring": str(keyring.path), "Versions": versions, "OtherKeys": other}, indent=2))
        return 0
    print(f"keyring {keyring.path}")
    for v in versions:
        mark = "*" if v["Current"] else " "
        print(f"{mark} version {v['Version']:<4} created {v['Created']}  {v['DataKeys']} data keys")
    for kek, n in other.items():
        print(f"  {kek}: {n} data keys")
    return 0


def _rotate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    keyring = _keyring(settings)
    version = keyring.rotate()
    print(f"keyring version {version} is now current")
    if args.no_rewrap:
        return 0
    return _report_rewrap(_sealer(settings, keyring))


def _rewrap(args: argparse.Namespace) -> int:
    settings = _settings(args)
    return _report_rewrap(_sealer(settings, _keyring(settings)))


def _report_rewrap(sealer: Sealer) -> int:
    result = sealer.rotate()
    print(f"rewrapped {result.rewrapped} data keys under {sealer.kek.key_id}")
    if result.failed:
        print(f"clinscribe keyring: {result.failed} data keys failed authentication and were left as they are")
        return 1
    return 0


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))

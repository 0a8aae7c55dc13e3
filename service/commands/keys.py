"""`clinscribe keys create|list|revoke`: manage access keys on the server's store."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from service.config import load_settings
from service.credentials import new_access_key
from service.store.backends import Stores, open_stores

ROLES = ("transcriber", "compliance", "admin")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("keys", help="create, list and revoke access keys")
    parser.add_argument("--data-dir", type=Path, help="data directory (CLINSCRIBE_DATA_DIR)")
    actions = parser.add_subparsers(dest="keys_action", required=True)
    create = actions.add_parser("create", help="create a key; prints its secret once")
    create.add_argument("--account", help="account id (default: a new account)")
    create.add_argument("--role", choices=ROLES, default="transcriber")
    create.set_defaults(func=_create)
    listing = actions.add_parser("list", help="list keys (never their secrets)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_list)
    revoke = actions.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("access_key_id")
    revoke.set_defaults(func=_revoke)


def _stores(args: argparse.Namespace) -> Stores:
    return open_stores(load_settings({"data_dir": args.data_dir}))


def _create(args: argparse.Namespace) -> int:
    key = new_access_key(args.account, args.role)
    _stores(args).keys.add(key)
    print(json.dumps({"AccessKeyId": key.access_key_id, "SecretAccessKey": key.secret_access_key,
                      "AccountId": key.account_id, "Role": key.role}, indent=2))
    return 0


def _list(args: argparse.Namespace) -> int:
    rows = [{"AccessKeyId": k.access_key_id, "AccountId": k.account_id, "Role": k.role,
             "Status": "Revoked" if k.revoked else "Active"} for k in _stores(args).keys.list()]
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            print(f"{row['AccessKeyId']}  {row['AccountId']}  {row['Role']:<11}  {row['Status']}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    if not _stores(args).keys.revoke(args.access_key_id):
        print(f"clinscribe keys revoke: no key {args.access_key_id}")
        return 1
    print(f"revoked {args.access_key_id}")
    return 0

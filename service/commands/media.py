"""`clinscribe media put FILE s3://bucket/key`: place media in a local bucket for jobs to read."""

from __future__ import annotations

import argparse
from pathlib import Path

from service.config import load_settings
from service.store.backends import open_stores
from service.store.blobs import InvalidLocation, parse_s3_uri


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("media", help="manage media in local buckets")
    actions = parser.add_subparsers(dest="media_action", required=True)
    put = actions.add_parser("put", help="copy a file into a local bucket")
    put.add_argument("file", type=Path)
    put.add_argument("uri", help="s3://bucket/key")
    put.add_argument("--account", help="account id (default: the only account on this server)")
    put.add_argument("--data-dir", type=Path)
    put.set_defaults(func=_put)


def _put(args: argparse.Namespace) -> int:
    settings = load_settings({"data_dir": args.data_dir})
    try:
        bucket, key = parse_s3_uri(args.uri)
    except InvalidLocation as exc:
        raise SystemExit(f"clinscribe media put: {exc}") from exc
    stores = open_stores(settings)
    account = args.account
    if account is None:
        accounts = {k.account_id for k in stores.keys.list() if not k.revoked}
        if len(accounts) != 1:
            raise SystemExit(
                "clinscribe media put: this server has "
                f"{len(accounts)} accounts; say which with --account (start the server once to create one)"
            )
        account = accounts.pop()
    if not stores.buckets_are_local:
        raise SystemExit("clinscribe media put: this server uses S3 (CLINSCRIBE_S3_ENDPOINT_URL); upload there")
    stores.buckets(account).put(bucket, key, args.file.read_bytes())
    print(f"s3://{bucket}/{key} ({args.file.stat().st_size} bytes) stored for account {account}")
    return 0

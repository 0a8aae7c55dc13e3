"""Blob stores: local buckets under the data directory, or any S3-compatible endpoint."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from service.store.base import BlobNotFound

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")


class InvalidLocation(ValueError):
    """A bucket or key that can't name an object (or would escape the bucket directory)."""


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """Split s3://bucket/key; the key may hold any characters S3 allows."""
    if not uri.startswith("s3://"):
        raise InvalidLocation(f"{uri!r} is not an s3:// URI")
    bucket, _, key = uri[5:].partition("/")
    if not _BUCKET.match(bucket) or not key:
        raise InvalidLocation(f"{uri!r} does not name a bucket and a key")
    return bucket, key


class LocalBlobStore:
    """Buckets as directories; writes are atomic (temp file + rename) so readers never see half an object."""

    def __init__(self, root: Path, base_url: str) -> None:
        self.root = root
        self.base_url = base_url.rstrip("/")

    def _path(self, bucket: str, key: str) -> Path:
        if not _BUCKET.match(bucket):
            raise InvalidLocation(f"invalid bucket name {bucket!r}")
        parts = key.split("/")
        if not key or any(p in ("", ".", "..") for p in parts[:-1]) or parts[-1] in ("", ".", ".."):
            raise InvalidLocation(f"invalid object key {key!r}")
        return self.root / bucket / Path(*parts)

    def get(self, bucket: str, key: str) -> bytes:
        path = self._path(bucket, key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise BlobNotFound(f"s3://{bucket}/{key}") from exc

    def put(self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        path = self._path(bucket, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".put-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def delete(self, bucket: str, key: str) -> None:
        self._path(bucket, key).unlink(missing_ok=True)

    def url(self, bucket: str, key: str) -> str:
        # Served by our object route, which requires SigV4 like S3 GetObject.
        return f"{self.base_url}/{bucket}/{quote(key, safe='/')}"


class LocalBuckets:
    """Local buckets are per account (data/buckets/<account>/<bucket>/...), so isolation holds by construction."""

    def __init__(self, root: Path, base_url: str) -> None:
        self.root = root
        self.base_url = base_url

    def __call__(self, account_id: str) -> LocalBlobStore:
        if not account_id.isdigit():
            raise InvalidLocation(f"invalid account id {account_id!r}")
        return LocalBlobStore(self.root / account_id, self.base_url)


class S3BlobStore:
    """Any S3-compatible endpoint, path-style addressing (works with MinIO, moto, Ceph and AWS)."""

    def __init__(self, endpoint_url: str, region: str = "us-east-1") -> None:
        self.endpoint_url = endpoint_url.rstrip("/")
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}),
        )

    def get(self, bucket: str, key: str) -> bytes:
        try:
            return bytes(self.client.get_object(Bucket=bucket, Key=key)["Body"].read())
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "NoSuchBucket", "404"):
                raise BlobNotFound(f"s3://{bucket}/{key}") from exc
            raise

    def put(self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self.client.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type)

    def delete(self, bucket: str, key: str) -> None:
        self.client.delete_object(Bucket=bucket, Key=key)

    def __call__(self, account_id: str) -> S3BlobStore:
        # Access to S3 is decided by the endpoint's own credentials, not by our accounts.
        return self

    def url(self, bucket: str, key: str) -> str:
        return f"{self.endpoint_url}/{bucket}/{quote(key, safe='/')}"

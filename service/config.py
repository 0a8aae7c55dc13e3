"""Settings: flags over `CLINSCRIBE_*` environment variables over embedded defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

import platformdirs

ENV_PREFIX = "CLINSCRIBE_"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("clinscribe"))


@dataclass(frozen=True, slots=True)
class Settings:
    # all: one process does everything; api / worker / stream: one part each, for scale-out.
    role: str = "all"
    host: str = "127.0.0.1"
    port: int = 8443
    data_dir: Path = field(default_factory=default_data_dir)
    plain_http: bool = False
    tls_cert: Path | None = None
    tls_key: Path | None = None
    # Base URL clients reach us on, for TranscriptFileUri; derived from host and port when unset.
    public_url: str | None = None
    region: str = "us-east-1"
    model_dir: Path | None = None
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 0
    # Jobs decoded at once in this process; more than the cores only adds memory.
    workers: int = 1
    max_jobs_per_account: int = 250
    # Bias decoding toward the specialty's lexicon (the term correction after decoding always runs).
    specialty_hotwords: bool = False
    # How long a worker's claim on a job lasts without a heartbeat; a dead worker's job waits this long.
    lease_seconds: float = 60.0
    # postgresql://... for the scale-out store; unset: SQLite in the data directory.
    database_url: str | None = None
    # Envelope encryption: the local keyring (default <data-dir>/keyring.json) or an AWS KMS key.
    keyring_path: Path | None = None
    kms_key_id: str | None = None
    kms_region: str = "us-east-1"
    kms_endpoint_url: str | None = None
    retention_days: int = 90
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    # file:// media URIs are accepted only below this directory.
    media_root: Path | None = None
    bootstrap_access_key_id: str | None = None
    bootstrap_secret_access_key: str | None = None
    # Account of the bootstrap key; a new random one when unset.
    bootstrap_account_id: str | None = None

    @property
    def runs_jobs(self) -> bool:
        return self.role in ("all", "worker")

    @property
    def serves_api(self) -> bool:
        return self.role in ("all", "api")

    @property
    def serves_streams(self) -> bool:
        return self.role in ("all", "stream")

    @property
    def scheme(self) -> str:
        return "http" if self.plain_http else "https"

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def database_path(self) -> Path:
        return self.data_dir / "clinscribe.sqlite3"

    @property
    def buckets_dir(self) -> Path:
        return self.data_dir / "buckets"

    @property
    def tls_dir(self) -> Path:
        return self.data_dir / "tls"


def _convert(kind: str, raw: str) -> object:
    if "bool" in kind:
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if "int" in kind:
        return int(raw)
    if "float" in kind:
        return float(raw)
    if "Path" in kind:
        return Path(raw).expanduser()
    return raw


def load_settings(overrides: dict[str, object] | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Build settings from the environment, then apply explicit (flag) overrides that are not None."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for f in fields(Settings):
        raw = env.get(ENV_PREFIX + f.name.upper())
        if raw not in (None, ""):
            values[f.name] = _convert(str(f.type), raw)
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = value
    return Settings(**values)  # type: ignore[arg-type]

"""Everything a running server holds, built once from Settings: stores, recognizer, workers."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

import structlog

from audit.log import AuditLog
from medical.batch import ItemStage
from medical.normalize import normalize_items
from medical.recognizer import Recognizer
from medical.whisper_engine import EngineConfig, WhisperRecognizer
from service.config import Settings
from service.credentials import Bootstrap, ensure_bootstrap_key
from service.edge_audit import ApiCall
from service.jobs import JobLimits, JobService
from service.runner import JobRunner
from service.store.base import BlobStores, KeyStore
from service.store.blobs import LocalBuckets, S3BlobStore
from service.store.sqlite import SqliteDatabase, SqliteJobStore, SqliteKeyStore
from service.workers import WorkerPool

log = structlog.get_logger(__name__)

# What every batch transcript passes through after recognition, in order.
BATCH_STAGES: tuple[ItemStage, ...] = (normalize_items,)


@dataclass
class Services:
    settings: Settings
    keys: KeyStore
    buckets: BlobStores
    jobs: JobService
    workers: WorkerPool
    bootstrap: Bootstrap
    audit: AuditLog
    _started: threading.Event = field(default_factory=threading.Event)

    def secret_for(self, access_key_id: str) -> tuple[str, str] | None:
        key = self.keys.get(access_key_id)
        if key is None or key.revoked:
            return None
        return key.secret_access_key, key.account_id

    def record(self, call: ApiCall, outcome: str) -> None:
        """Append one audit entry; blocks for a disk sync, so call it off the event loop."""
        key = self.keys.get(call.caller.access_key_id) if call.caller else None
        self.audit.append(call.event(outcome, key.role if key else "transcriber"))

    def start(self) -> None:
        self.workers.start()
        self._started.set()

    def stop(self) -> None:
        self.workers.stop()
        self.audit.close()

    def ready(self) -> bool:
        return self._started.is_set()


def build_services(settings: Settings, recognizer: Recognizer | None = None) -> Services:
    data_dir = settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    db = SqliteDatabase(settings.database_path)
    keys = SqliteKeyStore(db)
    job_store = SqliteJobStore(db)
    buckets: BlobStores
    if settings.s3_endpoint_url:
        buckets = S3BlobStore(settings.s3_endpoint_url, settings.s3_region)
    else:
        buckets = LocalBuckets(settings.buckets_dir, settings.base_url)
    bootstrap = ensure_bootstrap_key(
        keys,
        data_dir,
        settings.bootstrap_access_key_id,
        settings.bootstrap_secret_access_key,
        settings.bootstrap_account_id,
    )
    recognizer = recognizer or WhisperRecognizer(
        EngineConfig(
            model_dir=settings.model_dir,
            device=settings.device,
            compute_type=settings.compute_type,
            cpu_threads=settings.cpu_threads,
            num_workers=settings.workers,
        )
    )
    runner = JobRunner(recognizer, buckets, stages=BATCH_STAGES, output_is_local=not settings.s3_endpoint_url)
    jobs = JobService(job_store, buckets, JobLimits(settings.max_jobs_per_account, settings.media_root))
    workers = WorkerPool(job_store, runner, size=settings.workers)
    audit = AuditLog(data_dir / "audit")
    return Services(settings, keys, buckets, jobs, workers, bootstrap, audit)

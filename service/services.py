"""Everything a running server holds, built once from Settings: stores, recognizer, workers."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from audit.log import AuditLog
from medical.batch import ItemStage
from medical.casing import sentence_case
from medical.normalize import normalize_items
from medical.recognizer import Recognizer
from medical.whisper_engine import EngineConfig, WhisperRecognizer
from phi.labelling import PhiLabeller
from service.config import Settings
from service.credentials import Bootstrap, ensure_bootstrap_key
from service.edge_audit import ApiCall
from service.jobs import JobLimits, JobService
from service.runner import JobRunner
from service.store.backends import open_stores
from service.store.base import BlobStores, KeyStore
from service.store.vocab_backend import open_vocabulary_store
from service.stream_limits import StreamLimiter
from service.stream_recognizer import LazyRecognizer
from service.vocabularies import VocabularyLimits, VocabularyService
from service.workers import WorkerPool

log = structlog.get_logger(__name__)

# What every batch transcript passes through after recognition, in order.
BATCH_STAGES: tuple[ItemStage, ...] = (normalize_items, sentence_case)


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
    # Streaming (issue 4): per-account stream slots, and the recognizer streams decode with.
    streams: StreamLimiter = field(default_factory=StreamLimiter)
    stream_recognizer: Recognizer | None = None
    # PHI identification (issue 6), shared by jobs and streams; the detector loads on first use.
    phi: PhiLabeller = field(default_factory=PhiLabeller)

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
        if self.jobs.vocabularies:
            self.jobs.vocabularies.resume()
        self._started.set()

    def stop(self) -> None:
        self.workers.stop()
        if self.jobs.vocabularies:
            self.jobs.vocabularies.stop()
        self.audit.close()

    def ready(self) -> bool:
        return self._started.is_set()


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path, 0o700)
    except PermissionError:
        # A mounted volume owned by someone else (Kubernetes emptyDir): its mode is the platform's to set.
        log.warning("data_dir.mode_unchanged", path=str(path))


def build_services(settings: Settings, recognizer: Recognizer | None = None) -> Services:
    data_dir = settings.data_dir
    _private_dir(data_dir)
    stores = open_stores(settings)
    keys, buckets = stores.keys, stores.buckets
    bootstrap = ensure_bootstrap_key(
        keys,
        data_dir,
        settings.bootstrap_access_key_id,
        settings.bootstrap_secret_access_key,
        settings.bootstrap_account_id,
    )
    injected = recognizer
    workers_here = settings.workers if settings.runs_jobs else 0
    batch_engine = EngineConfig(
        model_dir=settings.model_dir,
        device=settings.device,
        compute_type=settings.compute_type,
        cpu_threads=settings.cpu_threads,
        num_workers=max(1, workers_here),
    )
    # Only a process that runs jobs pays for loading the model up front.
    recognizer = recognizer or (
        WhisperRecognizer(batch_engine) if workers_here else LazyRecognizer(lambda: WhisperRecognizer(batch_engine))
    )
    # Streams get an engine replica of their own (see service/stream_recognizer.py), loaded on first use.
    stream_recognizer = injected or LazyRecognizer(
        lambda: WhisperRecognizer(
            EngineConfig(
                model_dir=settings.model_dir,
                device=settings.device,
                compute_type=settings.compute_type,
                cpu_threads=settings.cpu_threads,
                num_workers=1,
            )
        )
    )
    # Medical custom vocabularies (issue 5): the API rides on JobService; jobs read READY ones at run time.
    vocabulary_store = open_vocabulary_store(settings)
    vocabularies = VocabularyService(vocabulary_store, buckets, VocabularyLimits(media_root=settings.media_root))
    phi = PhiLabeller()
    runner = JobRunner(recognizer, buckets, stages=BATCH_STAGES, output_is_local=stores.buckets_are_local,
                       vocabularies=vocabulary_store, phi=phi, specialty_hotwords=settings.specialty_hotwords)
    jobs = JobService(stores.jobs, buckets, JobLimits(settings.max_jobs_per_account, settings.media_root),
                      vocabularies)
    workers = WorkerPool(stores.jobs, runner, size=workers_here,
                         lease_s=settings.lease_seconds, requeue_on_start=stores.exclusive)
    audit = AuditLog(data_dir / "audit")
    return Services(
        settings, keys, buckets, jobs, workers, bootstrap, audit, stream_recognizer=stream_recognizer, phi=phi
    )

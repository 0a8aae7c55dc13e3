"""Runs one claimed job end to end: media in, recognition, transcript out, outcome recorded."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path

import structlog

from medical import audio
from medical.alternatives import AlternativesCountError
from medical.batch import ItemStage
from medical.bias_guard import BiasGuard
from medical.channels import ChannelCountError, check_channel_count
from medical.diarize import SpeakerCountError
from medical.recognizer import DecodeOptions, Recognizer
from medical.transcript import build_transcript
from medical.whisper_engine import WhisperRecognizer
from medical.whisper_nbest import WhisperNBest
from phi.labelling import PhiLabeller
from service.job_features import transcribe_job
from service.jobs import output_key, redacted_key
from service.store.base import BlobNotFound, BlobStores, VocabularyStore
from service.store.records import JobRecord
from service.vocab_use import VocabularyUnavailable, hotwords_for_job, ready_entries, vocab_stage
from vocab.table import VocabularyEntry

log = structlog.get_logger(__name__)

MEDIA_NOT_FOUND = (
    "The URI that you provided doesn't point to an S3 object. Make sure that the object exists and try your "
    "request again."
)
INTERNAL = "An internal error occurred while processing the job. Try your request again."


class JobFailed(Exception):
    """The job can't complete; the message is its FailureReason."""


class JobRunner:
    def __init__(
        self,
        recognizer: Recognizer,
        buckets: BlobStores,
        stages: Sequence[ItemStage] = (),
        output_is_local: bool = True,
        vocabularies: VocabularyStore | None = None,
        phi: PhiLabeller | None = None,
        specialty_hotwords: bool = False,
    ) -> None:
        self.recognizer = recognizer
        self.buckets = buckets
        self.stages = stages
        self.output_is_local = output_is_local
        self.vocabularies = vocabularies
        self.phi = phi or PhiLabeller()
        self.specialty_hotwords = specialty_hotwords
        self._nbest: WhisperNBest | None = None

    @property
    def nbest(self) -> WhisperNBest | None:
        """The n-best decoder for alternatives: needs the Whisper engine itself, made on first use."""
        if self._nbest is None and isinstance(self.recognizer, WhisperRecognizer):
            self._nbest = WhisperNBest(self.recognizer)
        return self._nbest

    def run(self, job: JobRecord) -> JobRecord:
        """Fill in the job's outcome; never raises for a bad job, only records FAILED."""
        started = time.monotonic()
        try:
            self._transcribe(job)
            job.status, job.failure_reason = "COMPLETED", None
        except JobFailed as exc:
            job.status, job.failure_reason = "FAILED", str(exc)
        except Exception:
            # Logged without the job's content; the traceback names code, not transcript text.
            log.exception("job.crashed", job=job.name, account=job.account_id)
            job.status, job.failure_reason = "FAILED", INTERNAL
        job.completion_time = time.time()
        log.info("job.finished", job=job.name, status=job.status, seconds=round(time.monotonic() - started, 3))
        return job

    def _media(self, account_id: str, uri: str) -> bytes:
        if uri.startswith("file://"):
            path = Path(uri[7:])
            if not path.is_file():
                raise JobFailed(f"The file {uri} doesn't exist. Check the media URI and try your request again.")
            size = path.stat().st_size
            if size > audio.MAX_BYTES:
                raise JobFailed(_too_big(size))
            return path.read_bytes()
        bucket, _, key = uri[5:].partition("/")
        try:
            data = self.buckets(account_id).get(bucket, key)
        except BlobNotFound as exc:
            raise JobFailed(MEDIA_NOT_FOUND) from exc
        if len(data) > audio.MAX_BYTES:
            raise JobFailed(_too_big(len(data)))
        return data

    def _transcribe(self, job: JobRecord) -> None:
        request = job.request
        data = self._media(job.account_id, request["Media"]["MediaFileUri"])
        split_channels = bool((request.get("Settings") or {}).get("ChannelIdentification"))
        try:
            decoded = audio.decode(data, keep_channels=split_channels)
            audio.check_declared(decoded.info, request.get("MediaFormat"), request.get("MediaSampleRateHertz"))
            if split_channels:
                check_channel_count(decoded.info.channels)
        except (audio.MediaError, ChannelCountError) as exc:
            raise JobFailed(str(exc)) from exc
        specialty = request["Specialty"]
        entries = self._vocabulary(job)
        # Specialty lexicon hotwords are opt-in: on the dev set they raised term recall but also made Whisper
        # append lexicon terms nobody said at the end of short files. A vocabulary's own phrases always bias.
        hotwords = hotwords_for_job(specialty if self.specialty_hotwords else None, entries)
        options = DecodeOptions(specialty=specialty, type=request["Type"], hotwords=hotwords)
        # Term correction needs the job's own terms, so the stage list is built per job; it runs before
        # normalization, which turns spoken numbers into digits the corrector must not touch.
        stages = [vocab_stage(specialty, entries), *self.stages]
        try:
            output = transcribe_job(BiasGuard(self.recognizer), self.nbest, self.phi, decoded, request, options, stages)
        except (SpeakerCountError, AlternativesCountError) as exc:
            raise JobFailed(str(exc)) from exc
        document = build_transcript(job.name, job.account_id, output.items, output.extra)
        bucket, key = request["OutputBucketName"], output_key(request, job.name)
        blobs = self.buckets(job.account_id)
        try:
            blobs.put(bucket, key, json.dumps(document).encode(), "application/json")
            if output.redacted_results is not None:
                redacted = {**document, "results": {**document["results"], **output.redacted_results}}
                redacted["results"].pop("entities", None)
                blobs.put(bucket, redacted_key(key), json.dumps(redacted).encode(), "application/json")
        except Exception as exc:
            raise JobFailed(
                f"The transcript couldn't be written to s3://{bucket}/{key}. Check that the output bucket "
                "exists and is writable, and try your request again."
            ) from exc
        job.transcript_uri = blobs.url(bucket, key)
        job.output_location = {"store": "local" if self.output_is_local else "s3", "bucket": bucket, "key": key}
        if output.redacted_results is not None:
            job.output_location["redacted_key"] = redacted_key(key)


    def _vocabulary(self, job: JobRecord) -> tuple[VocabularyEntry, ...]:
        name = (job.request.get("Settings") or {}).get("VocabularyName")
        if not name:
            return ()
        if self.vocabularies is None:
            raise JobFailed("Medical custom vocabularies aren't configured on this clinscribe server.")
        try:
            return ready_entries(self.vocabularies, job.account_id, name)
        except VocabularyUnavailable as exc:  # deleted or updated since the job was started
            raise JobFailed(str(exc)) from exc


def _too_big(size: int) -> str:
    return (
        f"The media file is {size / 1024**3:.2f} GB; the maximum size is 2 GB. Reduce the file size and try your "
        "request again."
    )


def discard_output(buckets: BlobStores, job: JobRecord) -> None:
    """Remove the transcript of a job deleted while it ran, so nothing outlives its record."""
    location = job.output_location
    if location.get("store") == "local":
        for key in (location["key"], location.get("redacted_key")):
            if key:
                buckets(job.account_id).delete(location["bucket"], key)

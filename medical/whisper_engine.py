"""The default recognizer: Whisper through faster-whisper (CTranslate2), CPU or GPU.

The model directory, device and compute type come from configuration so GPU nodes can
mount a larger CTranslate2 Whisper model; the embedded default is the bundled base model.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from faster_whisper import WhisperModel

from medical.items import Word
from medical.model import check_model_dir, default_model_dir
from medical.recognizer import DecodeOptions, Segment


@dataclass(frozen=True, slots=True)
class EngineConfig:
    model_dir: Path | None = None
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 0  # 0: CTranslate2 picks (all cores)
    # Decoders that may run at once; each holds its own CTranslate2 replica.
    num_workers: int = 1


def hotword_prompt(hotwords: tuple[str, ...]) -> str | None:
    """Hotwords as a capitalized, punctuated list.

    faster-whisper puts them where Whisper expects the previous text; a bare lower-case list made it
    continue in that style (no capitals, no punctuation) for the whole file.
    """
    if not hotwords:
        return None
    return ", ".join(word[:1].upper() + word[1:] for word in hotwords) + "."


class WhisperRecognizer:
    """Thread-safe: CTranslate2 serializes per replica; `num_workers` replicas decode in parallel."""

    def __init__(self, config: EngineConfig | None = None) -> None:
        self.config = config or EngineConfig()
        model_dir = check_model_dir(self.config.model_dir or default_model_dir())
        self.model_dir = model_dir
        self._model = WhisperModel(
            str(model_dir),
            device=self.config.device,
            compute_type=self.config.compute_type,
            cpu_threads=self.config.cpu_threads,
            num_workers=self.config.num_workers,
            local_files_only=True,
        )
        self._lock = threading.Semaphore(self.config.num_workers)

    @property
    def model(self) -> WhisperModel:
        """The faster-whisper model, for callers that need CTranslate2 directly (n-best decoding)."""
        return self._model

    @property
    def lock(self) -> threading.Semaphore:
        """Held while a replica decodes; direct users of `model` must hold it too."""
        return self._lock

    def transcribe(self, audio: np.ndarray, options: DecodeOptions) -> Iterator[Segment]:
        with self._lock:
            segments, _info = self._model.transcribe(
                audio,
                language="en",
                task="transcribe",
                beam_size=options.beam_size,
                word_timestamps=True,
                vad_filter=options.vad_filter,
                vad_parameters={"min_silence_duration_ms": 500},
                hotwords=hotword_prompt(options.hotwords),
                initial_prompt=options.prompt,
                # Conditioning on earlier text lets one hallucination repeat for minutes on long files.
                condition_on_previous_text=False,
            )
            for segment in segments:
                words = [
                    Word(w.word, float(w.start), float(w.end), float(w.probability))
                    for w in (segment.words or [])
                ]
                yield Segment(
                    start=float(segment.start),
                    end=float(segment.end),
                    text=segment.text.strip(),
                    words=words,
                    avg_logprob=float(segment.avg_logprob),
                )

"""N-best readings of one stretch of speech from the Whisper model, each with word timings.

faster-whisper's `transcribe` keeps only the best beam. CTranslate2's `generate` returns the beam's
top hypotheses (`num_hypotheses`) with their scores, and its `align` gives each hypothesis word
timings from the cross-attention, the way faster-whisper times the best one. One encoder pass
serves the beam search and every alignment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import ctranslate2
import numpy as np
from faster_whisper.audio import pad_or_trim
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import get_suppressed_tokens, merge_punctuations

from medical.items import Word
from medical.recognizer import SAMPLE_RATE, DecodeOptions
from medical.whisper_engine import WhisperRecognizer

# faster-whisper's defaults for attaching punctuation tokens to the neighbouring word.
_PREPEND = "\"'“¿([{-"
_APPEND = "\"'.。,，!！?？:：”)]}、"
MAX_WINDOW_S = 30.0  # Whisper's receptive field
_MIN_BEAM = 8
_MAX_BEAM = 16
_SAMPLES = 8
_SAMPLING_TOPK = 20
_SAMPLING_TEMPERATURE = 1.0
_SEED = 0


@dataclass(frozen=True, slots=True)
class Hypothesis:
    """One reading: words timed from the start of the audio the caller passed, and its score."""

    text: str
    words: tuple[Word, ...]
    # Length-normalized log probability from the beam search; higher is better.
    score: float


class WhisperNBest:
    """N-best decoding with the model a `WhisperRecognizer` already holds (no second copy in memory)."""

    def __init__(self, recognizer: WhisperRecognizer) -> None:
        self._recognizer = recognizer
        # The recognizer's faster-whisper model; its CTranslate2 model is `.model`.
        self.model: Any = recognizer.model
        self._tokenizer = Tokenizer(
            self.model.hf_tokenizer, self.model.model.is_multilingual, task="transcribe", language="en"
        )

    def hypotheses(
        self, audio: np.ndarray, options: DecodeOptions, count: int, offset: float = 0.0
    ) -> list[Hypothesis]:
        """Up to `count` distinct readings of `audio` (at most 30 s), best first; times shifted by `offset`.

        Readings that differ only in case or punctuation count once. The beam's own n-best is mostly
        such variants, so the beam is wide (8-16) and, when it still yields too few readings, sampled
        decodes (seeded, so the same audio gives the same readings) fill in, ranked by their score.
        """
        if count < 1:
            raise ValueError(f"count must be at least 1, got {count}")
        audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        if len(audio) > MAX_WINDOW_S * SAMPLE_RATE:
            raise ValueError(f"n-best decoding takes at most {MAX_WINDOW_S:.0f} s of audio at once")
        model, tokenizer = self.model, self._tokenizer
        features = model.feature_extractor(audio)
        num_frames = features.shape[-1] - 1
        segment = pad_or_trim(features[:, :num_frames])
        hotwords = " ".join(options.hotwords) or None
        prompt = model.get_prompt(tokenizer, [], without_timestamps=True, hotwords=hotwords)
        common = {
            "return_scores": True,
            "max_length": model.max_length,
            "suppress_blank": True,
            "suppress_tokens": get_suppressed_tokens(tokenizer, [-1]),
        }
        beam = min(_MAX_BEAM, max(options.beam_size, _MIN_BEAM, 2 * count))
        with self._recognizer.lock:
            encoder_output = model.encode(segment)
            found: dict[str, tuple[float, list[int]]] = {}
            result = model.model.generate(encoder_output, [prompt], beam_size=beam, num_hypotheses=beam, **common)[0]
            self._collect(result, found)
            if len(found) < count:
                ctranslate2.set_random_seed(_SEED)
                sampled = model.model.generate(
                    encoder_output, [prompt], beam_size=1, num_hypotheses=_SAMPLES,
                    sampling_topk=_SAMPLING_TOPK, sampling_temperature=_SAMPLING_TEMPERATURE, **common,
                )[0]
                self._collect(sampled, found)
            ranked = sorted(found.values(), key=lambda entry: -entry[0])[:count]
            return [
                Hypothesis(
                    tokenizer.decode(tokens).strip(),
                    tuple(self._timed_words(tokens, encoder_output, num_frames, offset)),
                    score,
                )
                for score, tokens in ranked
            ]

    def _collect(self, result: Any, found: dict[str, tuple[float, list[int]]]) -> None:
        """Keep the best-scoring token sequence of each distinct reading."""
        for tokens, score in zip(result.sequences_ids, result.scores, strict=True):
            text_tokens = [t for t in tokens if t < self._tokenizer.eot]
            key = " ".join(re.sub(r"[^\w' ]", " ", self._tokenizer.decode(text_tokens).lower()).split())
            if key and (key not in found or found[key][0] < score):
                found[key] = (float(score), text_tokens)

    def _timed_words(self, tokens: list[int], encoder_output: Any, num_frames: int, offset: float) -> list[Word]:
        alignment = self.model.find_alignment(self._tokenizer, [tokens], encoder_output, num_frames)[0]
        merge_punctuations(alignment, _PREPEND, _APPEND)
        return [
            Word(w["word"], round(offset + float(w["start"]), 3), round(offset + float(w["end"]), 3),
                 float(w["probability"]))
            for w in alignment
            if w["word"]
        ]

"""Recognition while audio arrives: VAD segments, partial results while a segment grows, a final at its end.

A `StreamDecoder` takes 16 kHz float32 audio in chunks of any size. Silero-VAD opens a segment
at speech and closes it after a pause (or at a length cap, or at end of stream). While it grows,
the segment's audio so far is decoded again after each further second of speech and returned as
a partial result; at its end it is decoded once more, with the full beam, as the final result.
All results of one segment share a ResultId; times count from the start of the stream.

Decoding is blocking CPU work: an async route calls `feed`/`finish` in a worker thread. When the
caller falls behind, one `feed` covers more audio and decodes one partial for all of it, so a
slow machine sends fewer, fresher partials rather than a growing backlog.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from medical.items import Item, items_from_words, transcript_text
from medical.recognizer import SAMPLE_RATE, DecodeOptions, Recognizer
from medical.stabilization import Stabilizer
from medical.stream_vad import WINDOW, SpeechDetector

# (items, is_partial) -> items: normalization, vocabulary, PHI, speaker labels plug in here.
ItemHook = Callable[[list[Item], bool], list[Item]]


@dataclass(frozen=True, slots=True)
class StreamResult:
    result_id: str
    start: float
    end: float
    is_partial: bool
    items: tuple[Item, ...]
    # One Stable flag per item when partial-results stabilization is on, else None.
    stable: tuple[bool, ...] | None = None
    channel: str | None = None

    @property
    def transcript(self) -> str:
        return transcript_text(self.items)


@dataclass(frozen=True, slots=True)
class StreamConfig:
    options: DecodeOptions = field(default_factory=DecodeOptions)
    # Beam for the repeated partial decodes; the final uses options.beam_size.
    partial_beam_size: int = 1
    partial_interval_s: float = 1.0
    speech_threshold: float = 0.5
    silence_threshold: float = 0.35
    # A pause this long ends the segment (the guide: segments end at a pause).
    min_silence_s: float = 0.5
    # Speech shorter than this, start to end, is dropped as a click or breath.
    min_speech_s: float = 0.25
    # Whisper sees 30 s at most; a monologue without pauses is cut into finals before that.
    max_segment_s: float = 20.0
    preroll_s: float = 0.3
    # Trailing silence kept at the end of a final, so the last word is not clipped.
    tail_s: float = 0.2
    # Feed the last final's words to the next decode as a prompt. Off: on jfk.flac it made Whisper
    # base shout ("ASK NOT!") and invent a closing "Thank you very much.".
    carry_context: bool = False
    context_words: int = 30
    stability: str | None = None  # "low" | "medium" | "high" to turn on stabilization
    channel: str | None = None


class StreamDecoder:
    """One per stream (and per channel): not thread-safe, but calls may come from any one thread."""

    def __init__(
        self,
        recognizer: Recognizer,
        config: StreamConfig | None = None,
        hooks: Sequence[ItemHook] = (),
    ) -> None:
        self.recognizer = recognizer
        self.config = config or StreamConfig()
        self.hooks: list[ItemHook] = list(hooks)
        self._vad = SpeechDetector()
        self._stabilizer = Stabilizer(self.config.stability) if self.config.stability else None
        self._window_start = 0  # absolute sample index of the next VAD window
        self._unjudged = np.zeros(0, dtype=np.float32)
        self._preroll = np.zeros(0, dtype=np.float32)
        self._segment: list[np.ndarray] = []
        self._segment_samples = 0
        self._segment_start = 0  # absolute sample of the segment's first (preroll) sample
        self._speech_samples = 0
        self._silence_run = 0
        self._decoded_at = 0  # segment length at the last partial decode
        self._result_id = ""
        self._context = ""
        self._finished = False

    @property
    def samples_received(self) -> int:
        return self._window_start + len(self._unjudged)

    @property
    def in_segment(self) -> bool:
        return bool(self._segment)

    def feed(self, audio: np.ndarray, *, partial: bool = True) -> list[StreamResult]:
        """Results completed by `audio`. `partial=False` skips this call's partial decode (finals still
        come): a caller that fell behind real time spends the recognizer on finals first."""
        if self._finished:
            raise RuntimeError("feed after finish")
        audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        results: list[StreamResult] = []
        # VAD judges whole windows; a remainder waits for the next chunk.
        available = np.concatenate([self._unjudged, audio])
        whole = len(available) // WINDOW * WINDOW
        self._unjudged = available[whole:]
        probabilities = self._vad.probabilities(available[:whole])
        judged_from = self._window_start
        cfg = self.config
        for i, probability in enumerate(probabilities):
            window = available[i * WINDOW : (i + 1) * WINDOW]
            self._window_start = judged_from + (i + 1) * WINDOW
            if not self._segment:
                if probability >= cfg.speech_threshold:
                    self._open_segment(window)
                else:
                    self._keep_preroll(window)
                continue
            self._append(window)
            if probability < cfg.silence_threshold:
                self._silence_run += WINDOW
            else:
                self._silence_run = 0
                self._speech_samples += WINDOW
            paused = self._silence_run >= cfg.min_silence_s * SAMPLE_RATE
            if paused or self._segment_samples >= cfg.max_segment_s * SAMPLE_RATE:
                results.extend(self._close_segment())
        due = self._segment_samples - self._decoded_at >= cfg.partial_interval_s * SAMPLE_RATE
        if partial and self._segment and due:
            latest = self._decode(final=False)
            if latest is not None:
                results.append(latest)
        return results

    def finish(self) -> list[StreamResult]:
        """End of stream: the open segment (with any unjudged tail) becomes a final."""
        if self._finished:
            return []
        self._finished = True
        if self._segment:
            self._append(self._unjudged)
            return self._close_segment()
        return []

    # ------------------------------------------------------------ segmentation

    def _keep_preroll(self, window: np.ndarray) -> None:
        keep = int(self.config.preroll_s * SAMPLE_RATE)
        joined = np.concatenate([self._preroll, window])
        self._preroll = joined[len(joined) - keep :] if keep > 0 else joined[:0]

    def _open_segment(self, window: np.ndarray) -> None:
        self._segment = [self._preroll, window]
        self._segment_samples = len(self._preroll) + len(window)
        self._segment_start = self._window_start - self._segment_samples
        self._speech_samples = len(window)
        self._silence_run = 0
        self._decoded_at = 0
        self._preroll = np.zeros(0, dtype=np.float32)
        self._result_id = str(uuid.uuid4())
        if self._stabilizer is not None:
            self._stabilizer.reset()

    def _append(self, audio: np.ndarray) -> None:
        if len(audio):
            self._segment.append(audio)
            self._segment_samples += len(audio)

    def _close_segment(self) -> list[StreamResult]:
        cfg = self.config
        # Trim most of the closing pause; keep it as preroll for a segment that may follow.
        trailing = max(0, self._silence_run - int(cfg.tail_s * SAMPLE_RATE))
        audio = self._segment_audio()
        kept, dropped = audio[: len(audio) - trailing], audio[len(audio) - trailing :]
        self._segment = [kept]
        self._segment_samples = len(kept)
        result = None
        if self._speech_samples >= cfg.min_speech_s * SAMPLE_RATE:
            result = self._decode(final=True)
        self._segment = []
        self._segment_samples = 0
        self._keep_preroll(dropped)
        return [result] if result is not None else []

    def _segment_audio(self) -> np.ndarray:
        if len(self._segment) > 1:
            self._segment = [np.concatenate(self._segment)]
        return self._segment[0] if self._segment else np.zeros(0, dtype=np.float32)

    # ------------------------------------------------------------ decoding

    def _decode(self, final: bool) -> StreamResult | None:
        cfg = self.config
        audio = self._segment_audio()
        self._decoded_at = self._segment_samples
        options = replace(
            cfg.options,
            vad_filter=False,
            beam_size=cfg.options.beam_size if final else cfg.partial_beam_size,
            prompt=(self._context or None) if cfg.carry_context else cfg.options.prompt,
        )
        offset = self._segment_start / SAMPLE_RATE
        duration = len(audio) / SAMPLE_RATE
        words = [w for segment in self.recognizer.transcribe(audio, options) for w in segment.words]
        items = [_shift(item, offset, duration) for item in items_from_words(words)]
        for hook in self.hooks:
            items = hook(items, not final)
        stable: list[bool] | None = None
        if self._stabilizer is not None:
            items, stable = self._stabilizer.apply(items, final=final)
        if final and cfg.carry_context and items:
            spoken = [i.content for i in items if not i.is_punctuation]
            self._context = " ".join(spoken[-cfg.context_words :])
        if not any(not i.is_punctuation for i in items):
            return None
        if not final:
            # Partial confidences come from a cheaper decode; the wire shows them on finals only.
            items = [replace(i, confidence=0.0) for i in items]
        first = next(i.start for i in items if i.start is not None)
        return StreamResult(
            result_id=self._result_id,
            start=round(min(first, offset + duration), 3),
            end=round(offset + duration, 3),
            is_partial=not final,
            items=tuple(items),
            stable=tuple(stable) if stable is not None else None,
            channel=cfg.channel,
        )


def _shift(item: Item, offset: float, duration: float) -> Item:
    if item.start is None or item.end is None:
        return item
    start = round(offset + min(max(item.start, 0.0), duration), 3)
    end = round(offset + min(max(item.end, item.start, 0.0), duration), 3)
    return replace(item, start=start, end=end)

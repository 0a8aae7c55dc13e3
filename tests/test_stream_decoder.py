"""StreamDecoder plumbing on real speech with a fake recognizer, the wire shape, and the real engine."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from amazon_transcribe.deserialize import TranscribeStreamingEventParser
from amazon_transcribe.exceptions import BadRequestException as SdkBadRequest
from botocore.eventstream import EventStreamBuffer

from medical.audio import decode
from medical.items import Item, Word
from medical.recognizer import SAMPLE_RATE, DecodeOptions, Segment
from medical.streaming import StreamConfig, StreamDecoder, StreamResult
from service.eventstream import exception_message
from service.stream_transcript import transcript_event_bytes, transcript_event_json

AUDIO = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "audio"
JFK_TEXT = "and so my fellow americans ask not what your country can do for you ask what you can do for your country"


class FakeRecognizer:
    """One word per 0.4 s of the audio it is given, so outputs follow the audio's length."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, DecodeOptions]] = []

    def transcribe(self, audio: np.ndarray, options: DecodeOptions) -> Iterator[Segment]:
        duration = len(audio) / SAMPLE_RATE
        self.calls.append((duration, options))
        n = int(duration / 0.4)
        words = [Word(f" w{i}" + ("." if i == n - 1 else ""), i * 0.4, i * 0.4 + 0.3, 0.8) for i in range(n)]
        yield Segment(0.0, duration, " ".join(w.text for w in words), words)


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    return decode((AUDIO / "jfk.flac").read_bytes()).mono


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


def run(decoder: StreamDecoder, audio: np.ndarray, chunk_s: float = 0.1) -> list[StreamResult]:
    step = int(chunk_s * SAMPLE_RATE)
    results = [r for i in range(0, len(audio), step) for r in decoder.feed(audio[i : i + step])]
    return results + decoder.finish()


def test_silence_gives_nothing() -> None:
    fake = FakeRecognizer()
    assert run(StreamDecoder(fake), silence(3.0)) == []
    assert fake.calls == []


def test_segments_partials_and_finals(speech: np.ndarray) -> None:
    fake = FakeRecognizer()
    audio = np.concatenate([silence(2.0), speech[: 3 * SAMPLE_RATE], silence(1.5), speech[: 3 * SAMPLE_RATE]])
    results = run(StreamDecoder(fake), audio)
    finals = [r for r in results if not r.is_partial]
    assert len(finals) >= 2
    ids = [r.result_id for r in finals]
    assert len(set(ids)) == len(ids)
    for result in results:
        assert result.result_id in ids  # every partial belongs to a segment that got its final
    for final in finals:
        partials = [r for r in results if r.is_partial and r.result_id == final.result_id]
        # Partials come before their final.
        assert all(results.index(p) < results.index(final) for p in partials)
    # Stream times: nothing before the 2 s of leading silence (minus the preroll), ordered.
    assert results[0].start >= 1.6
    starts = [r.start for r in finals]
    assert starts == sorted(starts)
    for r in results:
        assert r.start <= r.end <= len(audio) / SAMPLE_RATE + 1e-6
        for item in r.items:
            if item.start is not None:
                assert r.start - 1e-6 <= item.start <= item.end <= r.end + 1e-6


def test_partials_at_least_every_second_of_speech(speech: np.ndarray) -> None:
    decoder = StreamDecoder(FakeRecognizer(), StreamConfig(max_segment_s=30.0, min_silence_s=5.0))
    step = int(0.1 * SAMPLE_RATE)
    partial_times = []
    for i in range(0, len(speech), step):
        for r in decoder.feed(speech[i : i + step]):
            if r.is_partial:
                partial_times.append((i + step) / SAMPLE_RATE)
    gaps = np.diff([0.0, *partial_times])
    assert len(partial_times) >= 8
    assert gaps.max() <= 1.4  # one second of segment audio plus the VAD's start-up and chunking


def test_partial_and_final_decode_options(speech: np.ndarray) -> None:
    fake = FakeRecognizer()
    config = StreamConfig(options=DecodeOptions(beam_size=5, specialty="CARDIOLOGY"), partial_beam_size=1)
    results = run(StreamDecoder(fake, config), speech[: 4 * SAMPLE_RATE])
    assert any(r.is_partial for r in results) and not results[-1].is_partial
    beams = {opts.beam_size for _, opts in fake.calls}
    assert beams == {1, 5}
    assert all(not opts.vad_filter and opts.specialty == "CARDIOLOGY" for _, opts in fake.calls)


def test_confidence_only_on_finals(speech: np.ndarray) -> None:
    results = run(StreamDecoder(FakeRecognizer()), speech[: 4 * SAMPLE_RATE])
    for r in results:
        words = [i for i in r.items if not i.is_punctuation]
        assert all(i.confidence == (0.0 if r.is_partial else 0.8) for i in words)


def test_hooks_see_every_result(speech: np.ndarray) -> None:
    seen: list[bool] = []

    def upper(items: list[Item], is_partial: bool) -> list[Item]:
        seen.append(is_partial)
        return [i.with_content(i.content.upper()) for i in items]

    results = run(StreamDecoder(FakeRecognizer(), hooks=[upper]), speech[: 4 * SAMPLE_RATE])
    assert seen == [r.is_partial for r in results]
    assert all(i.content.startswith("W") for r in results for i in r.items if not i.is_punctuation)


def test_chunk_size_does_not_change_segmentation(speech: np.ndarray) -> None:
    audio = np.concatenate([speech, silence(1.0)])
    a = [(r.start, r.end, r.transcript) for r in run(StreamDecoder(FakeRecognizer()), audio, 0.1) if not r.is_partial]
    b = [(r.start, r.end, r.transcript) for r in run(StreamDecoder(FakeRecognizer()), audio, 0.037) if not r.is_partial]
    assert a == b and a


def test_long_speech_is_cut_at_max_segment(speech: np.ndarray) -> None:
    fake = FakeRecognizer()
    config = StreamConfig(max_segment_s=3.0, min_silence_s=10.0)
    results = run(StreamDecoder(fake, config), speech)
    finals = [r for r in results if not r.is_partial]
    assert len(finals) >= 3
    assert max(duration for duration, _ in fake.calls) <= 3.0 + 0.1


def test_stabilization_flags(speech: np.ndarray) -> None:
    results = run(StreamDecoder(FakeRecognizer(), StreamConfig(stability="high")), speech[: 5 * SAMPLE_RATE])
    assert all(r.stable is not None and len(r.stable) == len(r.items) for r in results)
    assert any(any(r.stable) for r in results if r.is_partial and r.stable)
    assert all(all(r.stable) for r in results if not r.is_partial and r.stable)


def test_feed_after_finish_refused(speech: np.ndarray) -> None:
    decoder = StreamDecoder(FakeRecognizer())
    decoder.finish()
    with pytest.raises(RuntimeError):
        decoder.feed(speech[:1600])


# ---------------------------------------------------------------- the wire


def _decode_wire(raw: bytes):
    buffer = EventStreamBuffer()
    buffer.add_data(raw)
    (event,) = list(buffer)
    return event


def test_transcript_event_parsed_by_sdk(speech: np.ndarray) -> None:
    results = run(StreamDecoder(FakeRecognizer(), StreamConfig(stability="medium")), speech[: 4 * SAMPLE_RATE])
    event = _decode_wire(transcript_event_bytes(results))
    assert event.headers[":event-type"] == "TranscriptEvent"
    parsed = TranscribeStreamingEventParser().parse(event)
    assert len(parsed.transcript.results) == len(results)
    for ours, theirs in zip(results, parsed.transcript.results, strict=True):
        assert theirs.result_id == ours.result_id and theirs.is_partial == ours.is_partial
        alternative = theirs.alternatives[0]
        assert alternative.transcript == ours.transcript
        assert [i.content for i in alternative.items] == [i.content for i in ours.items]
        for item in alternative.items:
            assert item.stable is not None and item.vocabulary_filter_match is False
            has_confidence = item.confidence is not None
            assert has_confidence == (not ours.is_partial and item.item_type == "pronunciation")


def test_punctuation_takes_previous_end() -> None:
    result = StreamResult(
        "id", 1.0, 2.0, False, (Item("Hi", "pronunciation", 1.1, 1.5, 0.9), Item(".", "punctuation")), None
    )
    import json

    items = json.loads(transcript_event_json([result]))["Transcript"]["Results"][0]["Alternatives"][0]["Items"]
    assert items[1] == {
        "Content": ".", "StartTime": 1.5, "EndTime": 1.5, "Type": "punctuation", "VocabularyFilterMatch": False,
    }
    assert "Stable" not in items[0] and items[0]["Confidence"] == 0.9


def test_exception_parsed_by_sdk() -> None:
    event = _decode_wire(exception_message("BadRequestException", "the chain is broken"))
    with pytest.raises(SdkBadRequest, match="the chain is broken"):
        TranscribeStreamingEventParser().parse(event)


# ---------------------------------------------------------------- the real engine


def _words(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]", " ", text.lower()).split()


def _word_errors(ref: list[str], hyp: list[str]) -> int:
    d = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, d[0] = d[0], i
        for j, h in enumerate(hyp, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (r != h))
    return d[-1]


@pytest.mark.slow
def test_real_engine_jfk_at_full_speed(speech: np.ndarray) -> None:
    from medical.whisper_engine import WhisperRecognizer

    try:
        recognizer = WhisperRecognizer()
    except Exception as exc:  # the bundled model is assembled at set-up
        pytest.skip(f"recognizer unavailable: {exc}")
    results = run(StreamDecoder(recognizer), speech, chunk_s=0.1)
    finals = [r for r in results if not r.is_partial]
    assert any(r.is_partial for r in results) and finals
    assert not results[-1].is_partial
    for final in finals:
        assert any(r.is_partial and r.result_id == final.result_id for r in results) or final.end - final.start < 1.5
        assert all(0.0 < i.confidence <= 1.0 for i in final.items if not i.is_punctuation)
    text = " ".join(r.transcript for r in finals)
    assert _word_errors(_words(JFK_TEXT), _words(text)) <= 2, text
    assert finals[-1].end <= 11.0 + 1e-6

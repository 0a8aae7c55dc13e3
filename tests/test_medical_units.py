"""Plumbing of the medical room: item splitting, output formatting, audio errors, model checks."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import soundfile

from medical import audio, model
from medical.items import Item, Word, items_from_words, transcript_text
from medical.transcript import build_transcript, item_json


def test_punctuation_splits_into_items() -> None:
    words = [Word(" Hello,", 0.0, 0.4, 0.9), Word(" the", 0.4, 0.5, 0.8), Word(" patient's", 0.5, 0.9, 0.7),
             Word(" BP", 0.9, 1.1, 0.6), Word(" 120/80.", 1.1, 1.8, 0.95), Word(" At", 2.0, 2.1, 1.0),
             Word(" 7", 2.1, 2.2, 1.0), Word(" a.m.", 2.2, 2.5, 1.0), Word(" ok?!", 2.5, 2.8, 1.0)]
    items = items_from_words(words)
    assert [i.content for i in items] == ["Hello", ",", "the", "patient's", "BP", "120/80", ".", "At", "7", "a.m.",
                                          "ok", "?"]
    assert items[1].is_punctuation and items[1].start is None
    assert transcript_text(items) == "Hello, the patient's BP 120/80. At 7 a.m. ok?"


def test_pieces_without_a_leading_space_join_the_word_before() -> None:
    words = [Word(" was", 0.0, 0.3, 0.9), Word(" 38", 0.3, 0.6, 0.8), Word(".5", 0.6, 0.8, 0.7),
             Word(" degrees.", 0.8, 1.2, 0.9)]
    items = items_from_words(words)
    assert [i.content for i in items] == ["was", "38.5", "degrees", "."]
    assert (items[1].start, items[1].end, items[1].confidence) == (0.3, 0.8, 0.7)


def test_item_json_matches_transcribe_format() -> None:
    word = item_json(Item("come", "pronunciation", 4.85, 5.12, 1.0))
    assert word == {"start_time": "4.85", "end_time": "5.12", "alternatives": [{"confidence": "1.0",
                                                                                "content": "come"}],
                    "type": "pronunciation"}
    comma = item_json(Item(",", "punctuation", confidence=0.0))
    assert comma == {"alternatives": [{"confidence": "0.0", "content": ","}], "type": "punctuation"}
    assert item_json(Item("a", start=5.29, end=5.33, confidence=0.99554))["alternatives"][0]["confidence"] == "0.9955"
    document = build_transcript("job", "111122223333", [Item("Hi", start=0.0, end=0.2), Item(".", "punctuation")])
    assert document["results"]["transcripts"] == [{"transcript": "Hi."}]


def _wav(seconds: float, rate: int, channels: int = 1) -> bytes:
    samples = np.zeros((int(seconds * rate), channels), dtype=np.float32)
    samples[:, 0] = 0.1 * np.sin(np.arange(len(samples)) / 10)
    out = io.BytesIO()
    soundfile.write(out, samples, rate, format="WAV", subtype="PCM_16")
    return out.getvalue()


def test_decode_resamples_and_downmixes() -> None:
    decoded = audio.decode(_wav(1.0, 44100, channels=2))
    assert decoded.info.sample_rate == 44100 and decoded.info.channels == 2
    assert decoded.mono.dtype == np.float32 and abs(len(decoded.mono) - 16000) < 200
    kept = audio.decode(_wav(1.0, 8000, channels=2), keep_channels=True)
    assert kept.channels.shape[0] == 2


@pytest.mark.parametrize("data", [b"", b"garbage" * 100, _wav(0.2, 16000)])
def test_decode_refuses_with_media_error(data: bytes) -> None:
    with pytest.raises(audio.MediaError):
        audio.decode(data)


def test_declared_format_and_rate_checked() -> None:
    info = audio.probe(_wav(1.0, 16000))
    audio.check_declared(info, "wav", 16000)
    with pytest.raises(audio.MediaError, match="media format"):
        audio.check_declared(info, "flac", None)
    with pytest.raises(audio.MediaError, match="sample rate"):
        audio.check_declared(info, None, 48000)


def test_model_install_verifies_checksum(tmp_path: Path) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (parts / name).write_text("{}")
    (parts / "one").write_bytes(b"not the weights")
    (parts / "two").write_bytes(b"at all")
    source = model.ModelSource(parts / "one", parts / "two", parts)
    with pytest.raises(model.ModelError, match="sha256"):
        model.install(tmp_path / "target", source)
    assert not (tmp_path / "target" / "model.bin").exists()
    with pytest.raises(model.ModelError, match="no CTranslate2"):
        model.check_model_dir(tmp_path / "target")
    assert model.is_verified(model.default_model_dir())


def test_network_is_guarded_in_tests() -> None:
    import socket

    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("192.0.2.1", 443), timeout=1)
    with pytest.raises(OSError, match="blocked"):
        socket.getaddrinfo("huggingface.co", 443)

"""Incremental audio decoding of streamed pcm, flac and ogg-opus to 16 kHz float32."""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np
import pytest

from medical.audio import decode
from medical.stream_audio import StreamAudioDecoder, StreamAudioError

AUDIO = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "audio"


def stream(decoder: StreamAudioDecoder, data: bytes, step: int) -> np.ndarray:
    parts = [decoder.decode(data[i : i + step]) for i in range(0, len(data), step)]
    return np.concatenate([*parts, decoder.finish()], axis=1)


def tone(rate: int, seconds: float, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.mark.parametrize("rate", [8000, 16000, 44100, 48000])
@pytest.mark.parametrize("step", [1, 333, 3200])
def test_pcm_any_chunking(rate: int, step: int) -> None:
    samples = tone(rate, 0.5 if step == 1 else 1.0)
    pcm = (samples * 32767).astype("<i2").tobytes()
    out = stream(StreamAudioDecoder("pcm", rate), pcm, step)
    assert out.shape[0] == 1 and out.dtype == np.float32
    assert abs(out.shape[1] - len(samples) * 16000 / rate) <= 32
    reference = tone(16000, out.shape[1] / 16000)
    # The resampled tone is still a 440 Hz tone at half scale.
    assert abs(np.abs(out[0]).max() - 0.5) < 0.05
    spectrum = np.abs(np.fft.rfft(out[0]))
    assert abs(np.argmax(spectrum) * 16000 / out.shape[1] - 440) < 5
    assert reference.shape[0] == out.shape[1]


def test_pcm_stereo_keeps_channels() -> None:
    left, right = tone(16000, 1.0, 300), tone(16000, 1.0, 1000)
    pcm = (np.stack([left, right], axis=1) * 32767).astype("<i2").tobytes()
    out = stream(StreamAudioDecoder("pcm", 16000, channels=2), pcm, 1001)
    assert out.shape == (2, 16000)
    np.testing.assert_allclose(out[0], left, atol=1e-3)
    np.testing.assert_allclose(out[1], right, atol=1e-3)


def test_pcm_cut_inside_a_sample_reported() -> None:
    decoder = StreamAudioDecoder("pcm", 16000)
    decoder.decode(b"\x00\x01\x02")
    with pytest.raises(StreamAudioError):
        decoder.finish()


def test_flac_streamed_matches_batch_decode() -> None:
    data = (AUDIO / "jfk.flac").read_bytes()
    out = stream(StreamAudioDecoder("flac", 44100, channels=2), data, 4096)
    batch = decode(data, keep_channels=True).channels
    assert out.shape == batch.shape
    np.testing.assert_allclose(out, batch, atol=1e-4)


def test_flac_declared_rate_mismatch_reported() -> None:
    data = (AUDIO / "jfk.flac").read_bytes()
    with pytest.raises(StreamAudioError, match="44100"):
        stream(StreamAudioDecoder("flac", 16000, channels=2), data, 65536)


def test_flac_channel_mismatch_reported() -> None:
    data = (AUDIO / "jfk.flac").read_bytes()
    with pytest.raises(StreamAudioError, match="channel"):
        stream(StreamAudioDecoder("flac", 44100, channels=1), data, 65536)


def test_garbage_is_not_flac() -> None:
    with pytest.raises(StreamAudioError):
        stream(StreamAudioDecoder("flac", 16000), b"this is not audio at all" * 100, 100)


def _ogg_opus(samples: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="ogg") as container:
        out = container.add_stream("libopus", rate=48000)
        out.layout = "mono"  # type: ignore[union-attr]
        for start in range(0, len(samples), 960):
            frame = av.AudioFrame.from_ndarray(samples[None, start : start + 960], format="flt", layout="mono")
            frame.sample_rate = 48000
            for packet in out.encode(frame):  # type: ignore[union-attr]
                container.mux(packet)
        for packet in out.encode(None):  # type: ignore[union-attr]
            container.mux(packet)
    return buffer.getvalue()


def test_ogg_opus_streamed() -> None:
    samples = tone(48000, 2.0)
    out = stream(StreamAudioDecoder("ogg-opus", 48000), _ogg_opus(samples), 500)
    assert abs(out.shape[1] - 32000) <= 400
    spectrum = np.abs(np.fft.rfft(out[0]))
    assert abs(np.argmax(spectrum) * 16000 / out.shape[1] - 440) < 5


def test_unknown_encoding() -> None:
    with pytest.raises(StreamAudioError):
        StreamAudioDecoder("mp3", 16000)


def test_close_releases_waiting_demuxer() -> None:
    decoder = StreamAudioDecoder("flac", 44100, channels=2)
    decoder.decode((AUDIO / "jfk.flac").read_bytes()[:5000])
    decoder.close()
    assert decoder._thread is not None
    decoder._thread.join(timeout=10)
    assert not decoder._thread.is_alive()

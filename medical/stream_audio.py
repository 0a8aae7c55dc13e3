"""Streamed audio bytes in, 16 kHz float32 out, chunk by chunk: pcm, flac or ogg-opus.

PCM (signed 16-bit little-endian, channels interleaved) is converted directly. FLAC and Ogg Opus
arrive as one growing file, so a daemon thread runs PyAV's demuxer over a blocking pipe and hands
back frames as they decode; `decode` returns whatever is ready, `finish` waits for the rest.
Every path resamples with one stateful PyAV resampler, so chunk boundaries leave no clicks.
"""

from __future__ import annotations

import io
import queue
import threading
from typing import Any

import av
import numpy as np

from medical.recognizer import SAMPLE_RATE


class StreamAudioError(ValueError):
    """The audio does not match the declared encoding, sample rate or channel count."""


class _BlockingPipe(io.RawIOBase):
    """A read end that blocks until bytes arrive or the writer closes."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._closed_for_writing = False
        self._cond = threading.Condition()

    def readable(self) -> bool:
        return True

    def write_bytes(self, data: bytes) -> None:
        with self._cond:
            self._buffer += data
            self._cond.notify_all()

    def end(self) -> None:
        with self._cond:
            self._closed_for_writing = True
            self._cond.notify_all()

    def readinto(self, target: Any) -> int:
        with self._cond:
            while not self._buffer and not self._closed_for_writing:
                self._cond.wait()
            n = min(len(target), len(self._buffer))
            target[:n] = self._buffer[:n]
            del self._buffer[:n]
            return n


class StreamAudioDecoder:
    """`decode(bytes) -> (channels, samples)` float32 at SAMPLE_RATE; `finish()` flushes the tail."""

    def __init__(self, encoding: str, sample_rate: int, channels: int = 1) -> None:
        if encoding not in ("pcm", "flac", "ogg-opus"):
            raise StreamAudioError(f"unsupported media encoding {encoding!r}")
        self.encoding = encoding
        self.sample_rate = sample_rate
        self.channels = channels
        layout = "mono" if channels == 1 else "stereo" if channels == 2 else f"{channels}c"
        self._resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
        self._odd_byte = b""
        self._pipe: _BlockingPipe | None = None
        self._frames: queue.Queue[Any] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._pts = 0

    def decode(self, data: bytes) -> np.ndarray:
        if self.encoding == "pcm":
            return self._from_pcm(data)
        if self._thread is None:
            self._start_container_thread()
        assert self._pipe is not None
        self._pipe.write_bytes(data)
        return self._drain_frames(block=False)

    def finish(self) -> np.ndarray:
        if self.encoding == "pcm":
            if self._odd_byte:
                raise StreamAudioError("PCM audio ended in the middle of a 16-bit sample")
            return self._resample(None)
        if self._thread is None:
            return self._empty()
        assert self._pipe is not None
        self._pipe.end()
        self._thread.join()
        out = self._drain_frames(block=False)
        return np.concatenate([out, self._resample(None)], axis=1)

    def close(self) -> None:
        """Abandon the stream (error paths): lets a demuxer thread waiting for bytes exit."""
        if self._pipe is not None:
            self._pipe.end()

    # ------------------------------------------------------------ pcm

    def _from_pcm(self, data: bytes) -> np.ndarray:
        data = self._odd_byte + data
        frame_bytes = 2 * self.channels
        usable = len(data) - len(data) % frame_bytes
        self._odd_byte = data[usable:]
        if not usable:
            return self._empty()
        samples = np.frombuffer(data[:usable], dtype="<i2").reshape(1, -1)
        layout = "mono" if self.channels == 1 else "stereo" if self.channels == 2 else f"{self.channels}c"
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout=layout)
        frame.sample_rate = self.sample_rate
        frame.pts = self._pts
        self._pts += samples.shape[1] // self.channels
        return self._resample(frame)

    # ------------------------------------------------------------ flac / ogg-opus

    def _start_container_thread(self) -> None:
        self._pipe = _BlockingPipe()
        self._thread = threading.Thread(target=self._demux, name="stream-audio-demux", daemon=True)
        self._thread.start()

    def _demux(self) -> None:
        assert self._pipe is not None
        fmt = "flac" if self.encoding == "flac" else "ogg"
        try:
            with av.open(
                self._pipe, mode="r", format=fmt, options={"probesize": "32", "analyzeduration": "0"}
            ) as container:
                stream = container.streams.audio[0]
                if stream.codec_context.name not in ("flac", "opus", "libopus"):
                    raise StreamAudioError(f"expected {self.encoding} audio, found {stream.codec_context.name}")
                if stream.codec_context.sample_rate != self.sample_rate and self.encoding == "flac":
                    raise StreamAudioError(
                        f"the stream declares {self.sample_rate} Hz but the FLAC audio is "
                        f"{stream.codec_context.sample_rate} Hz"
                    )
                if stream.codec_context.channels != self.channels:
                    raise StreamAudioError(
                        f"the stream declares {self.channels} channel(s) but the audio has "
                        f"{stream.codec_context.channels}"
                    )
                for frame in container.decode(stream):
                    self._frames.put(frame)
        except StreamAudioError as exc:
            self._error = exc
        except (av.error.FFmpegError, ValueError, EOFError) as exc:
            self._error = StreamAudioError(f"the {self.encoding} audio could not be decoded: {exc}")
        finally:
            # Unblock the writer side for good: later bytes are simply dropped.
            self._pipe.end()

    def _drain_frames(self, block: bool) -> np.ndarray:
        parts = [self._empty()]
        while True:
            try:
                frame = self._frames.get(block=block)
            except queue.Empty:
                break
            parts.append(self._resample(frame))
        if self._error is not None:
            raise self._error
        return np.concatenate(parts, axis=1)

    # ------------------------------------------------------------ common

    def _resample(self, frame: Any) -> np.ndarray:
        parts = [self._empty()]
        for out in self._resampler.resample(frame):
            parts.append(out.to_ndarray().astype(np.float32, copy=False))
        return np.concatenate(parts, axis=1)

    def _empty(self) -> np.ndarray:
        return np.zeros((self.channels, 0), dtype=np.float32)

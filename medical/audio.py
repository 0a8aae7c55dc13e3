"""Audio files in, 16 kHz mono float32 out: probing, limits and decoding with PyAV (in-process).

Every container the batch API accepts (FLAC, MP3, MP4/M4A, Ogg Opus/Vorbis, WebM Opus,
AMR-NB/WB, WAV) decodes here without an ffmpeg subprocess. Problems raise `MediaError`
whose message is fit to show as a job's FailureReason.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import BinaryIO

import av
import numpy as np

from medical.recognizer import SAMPLE_RATE

MAX_DURATION_S = 14_400.0
MIN_DURATION_S = 0.5
MAX_BYTES = 2 * 1024**3

# PyAV container names -> the MediaFormat values of the API.
_FORMATS = {
    "wav": "wav",
    "flac": "flac",
    "mp3": "mp3",
    "ogg": "ogg",
    "amr": "amr",
    "matroska": "webm",
    "webm": "webm",
    "mov": "mp4",
    "mp4": "mp4",
    "m4a": "mp4",
}
# Both names of one container family are the same file to a client.
_EQUIVALENT = {"m4a": "mp4"}


class MediaError(ValueError):
    """The media can't be transcribed; the message is the job's FailureReason."""


@dataclass(frozen=True, slots=True)
class MediaInfo:
    format: str
    codec: str
    sample_rate: int
    channels: int
    duration: float


@dataclass(frozen=True, slots=True)
class DecodedAudio:
    info: MediaInfo
    # Shape (channels, samples) at SAMPLE_RATE; channel 0 alone for mono.
    channels: np.ndarray

    @property
    def mono(self) -> np.ndarray:
        if self.channels.shape[0] == 1:
            return self.channels[0]
        return self.channels.mean(axis=0).astype(np.float32)


def _open(source: bytes | BinaryIO) -> av.container.InputContainer:
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    try:
        return av.open(stream, mode="r", metadata_errors="ignore")
    except (av.error.FFmpegError, ValueError, EOFError) as exc:
        raise MediaError(
            "The media file couldn't be decoded. Make sure it is a valid FLAC, MP3, MP4, Ogg, WebM, AMR "
            "or WAV file and try your request again."
        ) from exc


def _media_format(container: av.container.InputContainer) -> str:
    names = container.format.name.split(",")
    for name in names:
        if name in _FORMATS:
            # Matroska covers WebM; a WebM file says "matroska,webm".
            return "webm" if "webm" in names else _FORMATS[name]
    raise MediaError(
        f"The media format ({names[0]}) isn't supported. Use FLAC, MP3, MP4, Ogg, WebM, AMR or WAV "
        "and try your request again."
    )


def probe(source: bytes | BinaryIO) -> MediaInfo:
    with _open(source) as container:
        return _info(container)


def _info(container: av.container.InputContainer) -> MediaInfo:
    if not container.streams.audio:
        raise MediaError("The media file has no audio stream. Check the file and try your request again.")
    stream = container.streams.audio[0]
    duration = 0.0
    if stream.duration is not None and stream.time_base is not None:
        duration = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        duration = container.duration / av.time_base
    return MediaInfo(
        format=_media_format(container),
        codec=stream.codec_context.name,
        sample_rate=stream.codec_context.sample_rate or stream.sample_rate or 0,
        channels=stream.codec_context.channels or 1,
        duration=duration,
    )


def decode(source: bytes | BinaryIO, keep_channels: bool = False) -> DecodedAudio:
    """Decode the first audio stream, resampled to 16 kHz float32; mono unless `keep_channels`."""
    with _open(source) as container:
        info = _info(container)
        if info.duration > MAX_DURATION_S:
            raise MediaError(_too_long(info.duration))
        layout = None if keep_channels and info.channels > 1 else "mono"
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        samples = 0
        try:
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    array = out.to_ndarray()
                    chunks.append(array)
                    samples += array.shape[1]
                if samples > MAX_DURATION_S * SAMPLE_RATE:
                    raise MediaError(_too_long(samples / SAMPLE_RATE))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray())
        except av.error.FFmpegError as exc:
            raise MediaError(
                "The media file is damaged and couldn't be decoded. Check the file and try your request again."
            ) from exc
    if not chunks:
        raise MediaError("The media file contains no audio samples. Check the file and try your request again.")
    audio = np.concatenate(chunks, axis=1).astype(np.float32, copy=False)
    duration = audio.shape[1] / SAMPLE_RATE
    if duration < MIN_DURATION_S:
        raise MediaError(
            f"The media file is {duration * 1000:.0f} ms long; it must be at least "
            f"{MIN_DURATION_S * 1000:.0f} ms. Check the file and try your request again."
        )
    return DecodedAudio(info=MediaInfo(info.format, info.codec, info.sample_rate, info.channels, duration),
                        channels=audio)


def check_declared(info: MediaInfo, media_format: str | None, sample_rate: int | None) -> None:
    """Refuse a file whose declared MediaFormat or MediaSampleRateHertz doesn't match what it is."""
    if media_format and _EQUIVALENT.get(media_format, media_format) != info.format:
        raise MediaError(
            f"The media format that you specified ({media_format}) doesn't match the detected media format "
            f"({info.format}). Check the media format and try your request again."
        )
    if sample_rate and sample_rate != info.sample_rate:
        raise MediaError(
            f"The specified sample rate ({sample_rate} Hz) doesn't match the detected sample rate "
            f"({info.sample_rate} Hz) of the media file. Check the sample rate or omit it, and try your "
            "request again."
        )


def _too_long(seconds: float) -> str:
    return (
        f"The media file is {seconds:.0f} seconds long; the maximum is {MAX_DURATION_S:.0f} seconds (4 hours). "
        "Split the file and try your request again."
    )

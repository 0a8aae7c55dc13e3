"""One stream from client bytes to outgoing TranscriptEvent messages, transport-agnostic and synchronous.

The WebSocket and HTTP/2 routes only move bytes: each body chunk or binary frame goes to
`receive`, each returned message goes back to the client, and `close` flushes the last finals
when the client ends the stream. Both calls do blocking recognition: run them in a worker thread.
A `StreamError` from either is the exception message to send before closing; call `abort`
on every path that does not end in `close`.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
import numpy as np

from medical.recognizer import DecodeOptions, Recognizer
from medical.stream_audio import StreamAudioDecoder, StreamAudioError
from medical.stream_rate import SampleRateCheck
from medical.streaming import ItemHook, StreamConfig, StreamDecoder, StreamResult
from phi.labelling import PhiLabeller, stream_entities
from service.stream_errors import BadRequestException
from service.stream_input import AudioEventReader
from service.stream_limits import MAX_STREAM_S
from service.stream_params import StreamParams
from service.stream_transcript import WireEntity, transcript_event_bytes


class StreamSession:
    def __init__(
        self,
        params: StreamParams,
        recognizer: Recognizer,
        reader: AudioEventReader,
        *,
        hooks: Sequence[ItemHook] = (),
        options: DecodeOptions | None = None,
        phi: PhiLabeller | None = None,
    ) -> None:
        self.params = params
        self._reader = reader
        self._phi = phi if params.content_identification_type == "PHI" else None
        self._audio = StreamAudioDecoder(params.media_encoding, params.sample_rate, params.number_of_channels)
        base = options or DecodeOptions(specialty=params.specialty, type=params.type)
        stability = params.partial_results_stability if params.enable_partial_results_stabilization else None
        channels = params.number_of_channels if params.enable_channel_identification else 1
        self._decoders = [
            StreamDecoder(
                recognizer,
                StreamConfig(
                    options=base,
                    stability=stability,
                    channel=f"ch_{i}" if params.enable_channel_identification else None,
                ),
                hooks,
            )
            for i in range(channels)
        ]
        self._samples = 0
        # Only raw PCM can carry a wrong rate: FLAC states its own, Opus always decodes at 48 kHz.
        self._rate_check = SampleRateCheck(params.sample_rate) if params.media_encoding == "pcm" else None
        self.closed = False

    @property
    def ended_by_client(self) -> bool:
        """The client sent its end-of-stream event; the route should call `close` next."""
        return self._reader.ended

    @property
    def audio_seconds(self) -> float:
        return self._samples / 16_000

    def receive(self, data: bytes, *, partials: bool = True) -> list[bytes]:
        """Raw bytes from the client -> event-stream messages to send (possibly none).

        `partials=False` when the caller is behind real time: finals only, until it catches up.
        """
        chunks = self._reader.feed(data)
        if not chunks:
            return []
        # All audio that arrived together is recognized in one go: a stream that fell behind
        # catches up with one partial decode instead of one per event.
        audio = np.concatenate([self._decode(chunk) for chunk in chunks], axis=1)
        return [self._event(r) for r in self._recognize(audio, partials)]

    def close(self) -> list[bytes]:
        """End of stream: flush the decoders' tails into final results."""
        if self.closed:
            return []
        self.closed = True
        try:
            tail = self._audio.finish()
        except StreamAudioError as exc:
            raise BadRequestException(f"The audio stream couldn't be decoded: {exc}.") from exc
        results = self._recognize(tail)
        for decoder in self._decoders:
            results.extend(decoder.finish())
        return [self._event(r) for r in results]

    def _event(self, result: StreamResult) -> bytes:
        """One TranscriptEvent; with PHI identification on, final results carry their Entities."""
        if self._phi is None or result.is_partial:
            return transcript_event_bytes([result])
        labelled = self._phi.label(result.items)
        entities = [msgspec.convert(e, WireEntity) for e in stream_entities(labelled.entities)]
        return transcript_event_bytes([result], entities)

    def abort(self) -> None:
        """The stream failed or the client vanished: release the audio decoder without flushing."""
        self.closed = True
        self._audio.close()

    def _decode(self, chunk: bytes) -> np.ndarray:
        try:
            return self._audio.decode(chunk)
        except StreamAudioError as exc:
            raise BadRequestException(f"The audio stream couldn't be decoded: {exc}.") from exc

    def _recognize(self, audio: np.ndarray, partials: bool = True) -> list[StreamResult]:
        if audio.shape[1] == 0:
            return []
        self._samples += audio.shape[1]
        if self.audio_seconds > MAX_STREAM_S:
            raise BadRequestException("Your stream is too long: streams can be at most 4 hours.")
        verdict = self._rate_check.feed(audio[0]) if self._rate_check is not None else None
        if verdict is not None:
            raise BadRequestException(verdict.describe())
        if len(self._decoders) == 1:
            mono = audio[0] if audio.shape[0] == 1 else audio.mean(axis=0)
            return self._decoders[0].feed(mono, partial=partials)
        results: list[StreamResult] = []
        for channel, decoder in enumerate(self._decoders):
            results.extend(decoder.feed(audio[channel], partial=partials))
        return results

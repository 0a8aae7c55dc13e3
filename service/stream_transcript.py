"""StreamResults -> the TranscriptEvent JSON the streaming clients parse (Transcript.Results[]).

Shapes follow the guide's examples: items carry StartTime, EndTime, Type, Content and
VocabularyFilterMatch; Confidence on final results only; Stable only when stabilization is on;
punctuation takes the end time of the word before it.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from medical.streaming import StreamResult
from service.eventstream import transcript_event_message


class WireItem(msgspec.Struct, omit_defaults=True):
    Content: str
    StartTime: float
    EndTime: float
    Type: str
    # No default, so `omit_defaults` keeps the false the guide's examples show.
    VocabularyFilterMatch: bool
    Confidence: float | None = None
    Speaker: str | None = None
    Stable: bool | None = None


class WireEntity(msgspec.Struct, omit_defaults=True):
    Category: str
    Type: str
    Content: str
    Confidence: float
    StartTime: float | None = None
    EndTime: float | None = None


class WireAlternative(msgspec.Struct, omit_defaults=True):
    Transcript: str
    Items: list[WireItem] = msgspec.field(default_factory=list)
    Entities: list[WireEntity] | None = None


class WireResult(msgspec.Struct, omit_defaults=True):
    ResultId: str
    StartTime: float
    EndTime: float
    IsPartial: bool
    Alternatives: list[WireAlternative]
    ChannelId: str | None = None


class WireTranscript(msgspec.Struct):
    Results: list[WireResult]


class WireTranscriptEvent(msgspec.Struct):
    Transcript: WireTranscript


def wire_result(result: StreamResult, entities: list[WireEntity] | None = None) -> WireResult:
    items: list[WireItem] = []
    last_end = result.start
    for index, item in enumerate(result.items):
        start = item.start if item.start is not None else last_end
        end = item.end if item.end is not None else last_end
        last_end = end
        items.append(
            WireItem(
                Content=item.content,
                StartTime=start,
                EndTime=end,
                Type=item.type,
                VocabularyFilterMatch=False,
                Confidence=(
                    round(item.confidence, 4) if not result.is_partial and not item.is_punctuation else None
                ),
                Speaker=item.speaker,
                Stable=result.stable[index] if result.stable is not None else None,
            )
        )
    return WireResult(
        ResultId=result.result_id,
        StartTime=result.start,
        EndTime=result.end,
        IsPartial=result.is_partial,
        Alternatives=[WireAlternative(Transcript=result.transcript, Items=items, Entities=entities)],
        ChannelId=result.channel,
    )


_encoder = msgspec.json.Encoder()


def transcript_event_json(results: Sequence[StreamResult], entities: list[WireEntity] | None = None) -> bytes:
    wire = [wire_result(r, entities) for r in results]
    return _encoder.encode(WireTranscriptEvent(WireTranscript(wire)))


def transcript_event_bytes(results: Sequence[StreamResult], entities: list[WireEntity] | None = None) -> bytes:
    """A whole event-stream TranscriptEvent message, ready for the transport."""
    return transcript_event_message(transcript_event_json(results, entities))

"""The optional features of a job, in the order the data flows: channels or alternatives, speakers, PHI.

The runner decodes the media and builds the recognizer options; this turns them into the items
and the extra `results` members (channel_labels, segments, speaker_labels, entities) of the output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from medical.alternatives import recognize_with_alternatives, segments_json
from medical.audio import DecodedAudio
from medical.batch import ItemStage, recognize
from medical.channels import channel_labels_json, transcribe_channels
from medical.diarize import diarize, label_items, speaker_labels_json
from medical.items import Item
from medical.recognizer import DecodeOptions, Recognizer
from medical.transcript import item_json, transcript_text
from medical.whisper_nbest import WhisperNBest
from phi.labelling import PhiLabeller, batch_entities

# Our setting beyond the medical API (boto3 accepts Tags unchanged): a redacted copy beside the transcript.
REDACTION_TAG = "clinscribe:redaction"


@dataclass
class JobOutput:
    items: list[Item]
    extra: dict[str, Any] = field(default_factory=dict)
    # The redacted document's `results`, when the job asked for redaction.
    redacted_results: dict[str, Any] | None = None


def wants_redaction(request: dict[str, Any]) -> bool:
    tags = request.get("Tags") or []
    return any(t.get("Key") == REDACTION_TAG and str(t.get("Value", "")).upper() == "PHI" for t in tags)


def transcribe_job(
    recognizer: Recognizer,
    nbest: WhisperNBest | None,
    phi: PhiLabeller,
    decoded: DecodedAudio,
    request: dict[str, Any],
    options: DecodeOptions,
    stages: Sequence[ItemStage],
) -> JobOutput:
    settings = request.get("Settings") or {}
    out = JobOutput(items=[])
    if settings.get("ChannelIdentification"):
        channels = transcribe_channels(recognizer, decoded.channels, options, stages)
        out.items = channels.items
        out.extra["channel_labels"] = channel_labels_json(channels.channels)
    elif settings.get("ShowAlternatives") and nbest is not None:
        out.items, segments = recognize_with_alternatives(
            recognizer, nbest, decoded.mono, options, settings["MaxAlternatives"], stages
        )
        out.extra["segments"] = segments_json(segments)
    else:
        out.items = recognize(recognizer, decoded.mono, options, stages)
    if settings.get("ShowSpeakerLabels"):
        turns = diarize(decoded.mono, settings.get("MaxSpeakerLabels") or 10)
        out.items = label_items(out.items, turns)
        out.extra["speaker_labels"] = speaker_labels_json(out.items, turns)
    if request.get("ContentIdentificationType") == "PHI":
        labelled = phi.label(out.items, redact=wants_redaction(request))
        out.extra["entities"] = batch_entities(labelled.entities)
        if labelled.redacted is not None:
            out.redacted_results = {
                "transcripts": [{"transcript": transcript_text(labelled.redacted)}],
                "items": [item_json(item) for item in labelled.redacted],
            }
    return out

"""The Transcribe Medical output document, built from items.

Numbers are strings in this format ("start_time": "4.85", "confidence": "0.9955"), and
punctuation items carry no times, exactly as the real service writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from medical.items import Item, transcript_text


def decimal_text(value: float, places: int) -> str:
    """A number as the output format writes it: up to `places` decimals, at least one ("5.0", "0.9955")."""
    text = f"{value:.{places}f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def item_json(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not item.is_punctuation and item.start is not None and item.end is not None:
        out["start_time"] = decimal_text(item.start, 3)
        out["end_time"] = decimal_text(item.end, 3)
    out["alternatives"] = [{"confidence": decimal_text(item.confidence, 4), "content": item.content}]
    out["type"] = item.type
    if item.speaker is not None:
        out["speaker_label"] = item.speaker
    if item.channel is not None:
        out["channel_label"] = item.channel
    return out


def build_transcript(
    job_name: str,
    account_id: str,
    items: Sequence[Item],
    extra_results: dict[str, Any] | None = None,
) -> dict[str, Any]:
    results: dict[str, Any] = {
        "transcripts": [{"transcript": transcript_text(items)}],
        "items": [item_json(item) for item in items],
    }
    results.update(extra_results or {})
    return {"jobName": job_name, "accountId": account_id, "results": results, "status": "COMPLETED"}

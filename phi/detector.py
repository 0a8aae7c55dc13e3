"""PhiDetector: find PHI in normalized transcript text or written notes."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator

from spacy.language import Language

from phi import pipeline
from phi.resolve import resolve
from phi.spans import PhiSpan


class PhiDetector:
    """Loads the medspacy pipeline once (a few seconds); `find` then takes milliseconds per sentence.

    Nothing here logs: neither the input text nor the spans' contents ever reach a logger.
    """

    def __init__(self, nlp: Language | None = None) -> None:
        """Build the default pipeline, or use `nlp` from phi.pipeline.build (e.g. with PyRuSH sentences)."""
        self._nlp = nlp if nlp is not None else pipeline.build()

    def find(self, text: str) -> list[PhiSpan]:
        """PHI spans in `text`, in order, with character offsets into `text`."""
        if not isinstance(text, str):
            raise TypeError("text must be a str")
        if not text.strip():
            return []
        with warnings.catch_warnings():
            # spaCy and medspacy warnings may quote document text; none of them may reach a log.
            warnings.simplefilter("ignore")
            return resolve(self._nlp(text))

    def find_many(self, texts: Iterable[str], batch_size: int = 32) -> Iterator[list[PhiSpan]]:
        """Spans for each text, batched through spaCy's pipe."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            docs = list(self._nlp.pipe(texts, batch_size=batch_size))
        for doc in docs:
            yield resolve(doc) if doc.text.strip() else []

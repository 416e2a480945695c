"""`audit --evidence`: witness and watch reports become witness findings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.builders import HostBuilder

EVIDENCE = Path(__file__).parent / "scenarios" / "observed-egress" / "evidence"


def _audit(host: HostBuilder, *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "localproof",
            "audit",
            "--root",
            str(host.root),
            "--no-content",
            "--format",
            "json",
            "--evidence",
            *files,
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_egress_lists_destinations_with_their_attribution(host: HostBuilder) -> None:
    host.ensure_net_tables()
    done = _audit(host, str(EVIDENCE / "witness-egress.json"))
    assert done.returncode == 0, done.stderr
    (finding,) = [
        f for f in json.loads(done.stdout)["findings"] if f["check"] == "witness.egress-observed"
    ]
    assert finding["status"] == "fail"
    details = [e["detail"] for e in finding["evidence"]]
    assert any(d.startswith("tcp ollama.com:443 — ollama:model-recommendations") for d in details)


def test_watch_reports_are_read_too(host: HostBuilder, tmp_path: Path) -> None:
    host.ensure_net_tables()
    report = tmp_path / "watch.json"
    report.write_text(
        json.dumps(
            {
                "schema_version": 1,
                "source": "proc-poll",
                "connections": [
                    {
                        "tool": "vllm",
                        "program": "vllm",
                        "pid": 5,
                        "proto": "tcp",
                        "remote_address": "203.0.113.9",
                        "remote_port": 443,
                        "name": None,
                        "first_seen": 0.1,
                        "last_seen": 0.2,
                        "samples": 2,
                        "connections": 1,
                    },
                ],
            }
        )
    )
    done = _audit(host, str(report))
    (finding,) = [
        f for f in json.loads(done.stdout)["findings"] if f["check"] == "witness.egress-observed"
    ]
    assert (finding["tool"], finding["status"]) == ("vllm", "fail")


def test_missing_evidence_file_is_a_usage_error(host: HostBuilder, tmp_path: Path) -> None:
    done = _audit(host, str(tmp_path / "none.json"))
    assert done.returncode == 2
    assert "no such file" in done.stderr

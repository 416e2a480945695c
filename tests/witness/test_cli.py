"""`localproof witness` on the command line: dogfood, exit codes, report files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

PYTHON = sys.executable


def _witness(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "localproof", "witness", *args],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": os.environ.get("PATH", ""), "COLUMNS": "100"},
        timeout=120,
    )


def test_localproof_audit_under_the_witness_is_offline(tmp_path: Path) -> None:
    report = tmp_path / "witness.json"
    done = _witness(
        "--format",
        "json",
        "--output",
        str(report),
        "--",
        PYTHON,
        "-m",
        "localproof",
        "audit",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(report.read_text())
    assert document["verdict"]["status"] == "offline"
    assert document["verdict"]["attempts"] == 0
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert json.loads(done.stdout)["schema_version"] == 1  # the audit's own stdout passed through


def test_egress_exits_one_and_the_report_names_the_destination(tmp_path: Path) -> None:
    code = "import socket; socket.create_connection(('telemetry.example', 443), timeout=3)"
    done = _witness("--json", str(tmp_path / "w.json"), "--", PYTHON, "-c", code)
    assert done.returncode == 1
    assert "telemetry.example" in done.stderr
    document = json.loads((tmp_path / "w.json").read_text())
    assert document["verdict"]["status"] == "egress"
    assert document["command"] == [Path(PYTHON).name]  # never the arguments


def test_allowed_destination_passes_the_program_exit_code_through() -> None:
    code = (
        "import socket, sys; socket.create_connection(('models.example', 80), timeout=3); "
        "sys.exit(5)"
    )
    done = _witness("--allow", "models.example", "--", PYTHON, "-c", code)
    assert done.returncode == 5


def test_missing_command_is_a_usage_error() -> None:
    done = _witness()
    assert done.returncode == 2
    assert "Traceback" not in done.stderr

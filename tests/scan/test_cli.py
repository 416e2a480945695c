"""`localproof scan` on the command line: explicit paths, discovered stores, errors."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.builders import HostBuilder
from tests.builders.ollama import write_repl_history
from tests.builders.openwebui import Chat, Message, User, write_webui_db

SSN = "536-22-1234"  # valid area/group/serial
CARD = "4012 8888 8888 1881"  # Luhn-valid test card number


def _scan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "localproof", "scan", *args],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": os.environ.get("PATH", ""), "COLUMNS": "100"},
    )


def test_explicit_path_counts_without_values(tmp_path: Path) -> None:
    history = write_repl_history(tmp_path / "history", [f"my SSN is {SSN} thanks"])
    done = _scan(str(history), "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["totals"]["pii"] == {"ssn": 1}
    assert SSN not in done.stdout
    assert SSN.replace("-", "") not in done.stdout


def test_without_paths_the_discovered_stores_are_scanned(host: HostBuilder, tmp_path: Path) -> None:
    home = host.user("alice", 1000)
    write_repl_history(home / ".ollama" / "history", [f"card {CARD} exp 12/29"])
    host.docker_container("webui", "ghcr.io/open-webui/open-webui:main")
    write_webui_db(
        home / ".local/lib/python3.11/site-packages/open_webui/data/webui.db",
        users=[User("A", "a@example.org")],
        chats=[Chat(title="t", messages=[Message("user", f"patient SSN {SSN}")])],
    )
    output = tmp_path / "census.json"
    done = _scan("--root", str(host.root), "--format", "json", "--output", str(output))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    report = json.loads(output.read_text())
    formats = sorted(store["format"] for store in report["stores"])
    assert formats == ["ollama-history", "open-webui"]
    assert (
        report["totals"]["financial"].get("payment_card", 0)
        + sum(report["totals"]["financial"].values())
        >= 1
    )
    assert report["totals"]["pii"].get("ssn") == 1


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    done = _scan(str(tmp_path / "nope"))
    assert done.returncode == 2
    assert "no such file" in done.stderr
    assert "Traceback" not in done.stderr


def test_jobs_match_in_worker_processes_from_the_command_line(tmp_path: Path) -> None:
    # Worker processes are spawned from `python -m localproof`, which must not rerun the CLI.
    history = tmp_path / "notes.txt"
    history.write_text(f"my SSN is {SSN} thanks\n" * 20_000)
    serial = _scan(str(history), "--format", "json", "--jobs", "1")
    parallel = _scan(str(history), "--format", "json", "--jobs", "2")
    assert parallel.returncode == 0, parallel.stderr
    assert parallel.stdout == serial.stdout
    assert json.loads(parallel.stdout)["totals"]["pii"] == {"ssn": 20_000}
    assert _scan(str(history), "--jobs", "0").returncode == 2

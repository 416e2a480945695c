"""`localproof watch`: connections of running AI processes, from /proc polling."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from localproof.collect.fsroot import AuditRoot
from localproof.kb import load_kb
from localproof.watch import observe, render_json
from tests.builders import HostBuilder

SUBJECT = Path(__file__).parent / "probe_subjects" / "netns_watch.py"


def test_one_poll_of_a_fixture_root(host: HostBuilder) -> None:
    host.file("/etc/hosts", "127.0.0.1 localhost\n203.0.113.5 models.example\n")
    host.process(70, ["/usr/local/bin/ollama", "serve"])
    host.connect(70, ("10.1.2.3", 40000), ("203.0.113.5", 443))
    host.connect(70, ("127.0.0.1", 40001), ("127.0.0.1", 11434))  # loopback: not outbound
    host.process(71, ["/usr/bin/curl", "https://example.org"])
    host.connect(71, ("10.1.2.3", 40002), ("198.51.100.9", 443))  # not an AI tool
    result = observe(load_kb(), duration=0, root=AuditRoot(host.root))
    document = json.loads(render_json(result))
    assert document["source"] == "proc-poll"
    assert document["blind_spots"]
    assert [
        (c["tool"], c["pid"], c["remote_address"], c["remote_port"], c["name"])
        for c in document["connections"]
    ] == [("ollama", 70, "203.0.113.5", 443, "models.example")]


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs util-linux unshare")
def test_a_running_tool_connection_is_seen_inside_a_network_namespace() -> None:
    done = subprocess.run(
        ["unshare", "-rn", sys.executable, str(SUBJECT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent / "src")},
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    seen = {(c["tool"], c["remote_address"], c["remote_port"]) for c in report["connections"]}
    assert seen == {("ollama", "192.0.2.10", 8443)}


def test_bad_interval_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "localproof", "watch", "--interval", "0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr

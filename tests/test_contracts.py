"""The audit's promises: read-only, no values in any output, 0600 reports, exit codes,
and a JSON report that follows the published schema."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.builders import HostBuilder, PortPublish, VolumeMount
from tests.builders.ollama import write_repl_history
from tests.builders.openwebui import Chat, Message, User, write_webui_db

SCHEMA = Path(__file__).parent.parent / "schemas" / "report-v1.schema.json"
CANARIES = (
    "CANARY-7f3a9c-prompt",
    "CANARY-e41b02-answer",
    "CANARY-91dd0e-history",
    "CANARY-5c2f77-env-secret",
    "CANARY-0a8b3e-argv",
)
FORMATS = ("terminal", "json", "markdown", "html")


def build_busy_host(host: HostBuilder) -> None:
    """A host with every kind of input the audit reads, canaries planted in each."""
    home = host.user("alice", 1000, groups=["sudo", "docker"])
    host.user("ollama", 998, home="/usr/share/ollama", shell="/bin/false")
    write_repl_history(home / ".ollama" / "history", [f"tell me about {CANARIES[2]}"])
    host.process(
        1234,
        ["/usr/local/bin/ollama", "serve", CANARIES[4]],
        uid=998,
        environ={"OLLAMA_HOST": "0.0.0.0", "SECRET_TOKEN": CANARIES[3]},
    )
    host.listen(1234, "0.0.0.0", 11434, uid=998)
    host.systemd_unit(
        "ollama",
        exec_start="/usr/local/bin/ollama serve",
        user="ollama",
        environment={"API_TOKEN": CANARIES[3]},
        dropins={"override.conf": '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0"\n'},
    )
    host.docker_container(
        "open-webui",
        "ghcr.io/open-webui/open-webui:main",
        env={"WEBUI_AUTH": "False", "WEBUI_SECRET_KEY": CANARIES[3]},
        ports=[PortPublish(container_port=8080, host_port=3000)],
        mounts=[VolumeMount(name="open-webui", destination="/app/backend/data")],
    )
    chats = [
        Chat(title="one", messages=[Message("user", CANARIES[0])]),
        Chat(title="two", messages=[Message("assistant", CANARIES[1])]),
    ]
    data = host.path("/var/lib/docker/volumes/open-webui/_data")
    write_webui_db(data / "webui.db", chats=chats, users=[User("A", "a@example.org")], wal=True)
    host.mount("/dev/nvme0n1p2", "/", "ext4")
    host.swap("/dev/nvme0n1p3")
    host.core_pattern("core")


def tree_state(root: Path) -> dict[str, tuple[int, str]]:
    """Mode and content hash (or link target) of every entry under root."""
    state: dict[str, tuple[int, str]] = {}
    for directory, names, files in os.walk(root):
        for name in names + files:
            path = Path(directory) / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                digest = "link:" + str(path.readlink())
            elif stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                digest = "dir"
            state[str(path.relative_to(root))] = (info.st_mode, digest)
    return state


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "localproof", *args],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "COLUMNS": "100"},
    )


@pytest.fixture
def busy_root(host: HostBuilder) -> Path:
    build_busy_host(host)
    return host.root


def test_audit_modifies_nothing(busy_root: Path, tmp_path: Path) -> None:
    wal = busy_root / "var/lib/docker/volumes/open-webui/_data/webui.db-wal"
    assert wal.stat().st_size > 0, "fixture must keep rows in the WAL"
    before = tree_state(busy_root)
    for output_format in FORMATS:
        done = run_cli(
            "audit",
            "--root",
            str(busy_root),
            "--format",
            output_format,
            "--output",
            str(tmp_path / f"report.{output_format}"),
        )
        assert done.returncode == 0, done.stderr
    assert tree_state(busy_root) == before


@pytest.mark.parametrize("output_format", FORMATS)
def test_no_planted_value_reaches_any_output(busy_root: Path, output_format: str) -> None:
    done = run_cli("audit", "--root", str(busy_root), "--format", output_format)
    assert done.returncode == 0, done.stderr
    assert "exposure.api-beyond-loopback" in done.stdout or "loopback" in done.stdout
    for canary in CANARIES:
        assert canary not in done.stdout
        assert canary not in done.stderr


def test_json_report_follows_the_schema(busy_root: Path) -> None:
    done = run_cli("audit", "--root", str(busy_root), "--format", "json")
    report = json.loads(done.stdout)
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(report)
    assert report["schema_version"] == 1
    assert {f["status"] for f in report["findings"]} >= {"fail"}
    assert report["verdict"]["host_delivers"] is False


def test_report_file_is_created_private(busy_root: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o644)
    done = run_cli("audit", "--root", str(busy_root), "--format", "json", "--output", str(target))
    assert done.returncode == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["schema_version"] == 1
    fresh = tmp_path / "fresh.md"
    run_cli("audit", "--root", str(busy_root), "--format", "markdown", "--output", str(fresh))
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [("never", 0), ("critical", 1), ("high", 1), ("info", 1)],
)
def test_fail_on_sets_the_exit_code(busy_root: Path, fail_on: str, code: int) -> None:
    done = run_cli("audit", "--root", str(busy_root), "--format", "json", "--fail-on", fail_on)
    assert done.returncode == code


def test_clean_host_exits_zero_even_with_fail_on_info(host: HostBuilder) -> None:
    host.user("alice", 1000)
    host.ensure_net_tables()
    done = run_cli("audit", "--root", str(host.root), "--fail-on", "info")
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("audit", "--root", "/definitely/not/here"),
        ("audit", "--format", "pdf"),
        ("audit", "--fail-on", "severe"),
        ("nonsense",),
    ],
)
def test_usage_errors_exit_two_without_traceback(args: tuple[str, ...]) -> None:
    done = run_cli(*args)
    assert done.returncode == 2
    assert done.stderr.strip()
    assert "Traceback" not in done.stderr


def test_unwritable_output_is_a_usage_error(busy_root: Path, tmp_path: Path) -> None:
    done = run_cli("audit", "--root", str(busy_root), "--output", str(tmp_path / "no/dir/r.json"))
    assert done.returncode == 2
    assert "cannot write" in done.stderr


def test_garbage_everywhere_still_produces_a_report(host: HostBuilder) -> None:
    host.file("/etc/passwd", b"\xff\xfe garbage\nalice:x:notanumber\n")
    host.file("/etc/group", b"\x00\x01\x02")
    host.file("/proc/net/tcp", b"\x89PNG\r\n\x1a\n" + os.urandom(200))
    host.file("/proc/mounts", b"\x00" * 10)
    host.file("/etc/systemd/system/ollama.service", os.urandom(300))
    host.directory("/var/lib/docker/containers/abc")
    host.file("/var/lib/docker/containers/abc/config.v2.json", b'{"truncated": ')
    done = run_cli("audit", "--root", str(host.root), "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert any(f["status"] == "unknown" for f in report["findings"])
    assert report["summary"]["limitations"]

"""`localproof threat init` (flags, stdin, a real terminal) and `threat show`, and
`--profile` on audit and scan, run as the user runs them."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import jsonschema
import pexpect
import pytest
from examples.build_demo_host import build_onto

from localproof.threat import Weight, load_catalog, load_profile_file
from tests.builders import HostBuilder
from tests.builders.ollama import write_repl_history

SCHEMA = json.loads((Path(__file__).parent.parent / "schemas/report-v1.schema.json").read_text())
ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "COLUMNS": "100", "NO_COLOR": "1"}


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "localproof", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env=ENV,
    )


@pytest.fixture
def demo(host: HostBuilder) -> Path:
    build_onto(host)
    return host.root


def test_init_from_flags_writes_a_private_profile_that_loads_back(tmp_path: Path) -> None:
    target = tmp_path / "clinic.toml"
    done = run_cli(
        "threat", "init", "--use", "healthcare", "--others", "employer",
        "--regulation", "hipaa,gdpr", "--records", "no", "--portable", "yes",
        "--network", "yes", "--name", "clinic", "--output", str(target),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    profile = load_profile_file(target, load_catalog())
    assert profile.name == "clinic"
    assert profile.data_classes == ("phi",)
    assert profile.regimes == ("hipaa", "gdpr")
    assert profile.weight("employer-monitoring") is Weight.DUTY
    assert profile.weight("device-theft") is Weight.CRITICAL


def test_init_reads_answers_from_stdin(tmp_path: Path) -> None:
    done = run_cli("threat", "init", stdin="legal\n4\nnone\nyes\n\n\nfirm\n")
    assert done.returncode == 0, done.stderr
    target = tmp_path / "firm.toml"
    target.write_text(done.stdout)
    profile = load_profile_file(target, load_catalog())
    assert (profile.name, profile.data_classes) == ("firm", ("privileged-legal",))
    assert profile.retention_required is True
    assert profile.weight("shared-host") is Weight.HIGH  # "admins": a shared server


def test_init_with_no_answers_takes_the_defaults() -> None:
    done = run_cli("threat", "init")
    assert done.returncode == 0, done.stderr
    assert 'data_classes = ["routine"]' in done.stdout


@pytest.mark.parametrize(
    "args",
    [("threat", "init", "--use", "astrology"), ("threat", "init", "--others", "1,2")],
)
def test_init_rejects_bad_answers(args: tuple[str, ...]) -> None:
    done = run_cli(*args)
    assert done.returncode == 2
    assert "localproof: error:" in done.stderr
    assert "Traceback" not in done.stderr


def test_init_in_a_real_terminal(tmp_path: Path) -> None:
    target = tmp_path / "journal.toml"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "localproof", "threat", "init", "--output", str(target)],
        env=ENV,
        encoding="utf-8",
        timeout=20,
    )
    child.expect("What do you use local AI for")
    child.expect("answer \\(default: routine\\): ")
    child.sendline("tarot")  # not a choice: asked again
    child.expect("is not one of")
    child.expect("answer \\(default: routine\\): ")
    child.sendline("2")
    child.expect("Who else uses or administers this machine")
    child.sendline("family")
    child.expect("regulation or professional duty")
    child.sendline("")
    child.expect("keep these conversations as records")
    child.sendline("no")
    child.expect("leave your home or office")
    child.sendline("yes")
    child.expect("network other people use")
    child.sendline("no")
    child.expect("A name for this profile")
    child.sendline("journal")
    child.expect("profile written to")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    profile = load_profile_file(target, load_catalog())
    assert profile.name == "journal"
    assert profile.data_classes == ("personal-intimate",)
    assert profile.weight("shared-host") is Weight.MEDIUM


def test_audit_takes_a_profile_file_and_a_preset(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "p.toml"
    target.write_text('name = "mine"\nbase = "healthcare"\n[threats]\nphysical-theft = "low"\n')
    done = run_cli("audit", "--root", str(demo), "--profile", str(target), "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["profile"]["name"] == "mine"
    assert report["profile"]["threats"]["device-theft"] == "low"
    assert report["verdict"]["local_ai"] == "essential"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('name = "x"\nbase = "healthcare"\ncolour = "red"\n', "unknown key"),
        ('name = "x"\nbase = "dentistry"\n', "unknown base preset"),
        ('name = "x"\ndata_classes = ["gossip"]\n', "unknown data class"),
        ('name = "x"\nbase = "routine"\n[threats]\nmartians = "high"\n', "unknown threat"),
        ("name = \n", "not valid TOML"),
    ],
)
def test_bad_profiles_are_usage_errors(
    demo: Path, tmp_path: Path, content: str, message: str
) -> None:
    target = tmp_path / "bad.toml"
    target.write_text(content)
    for command in ("audit", "threat"):
        done = run_cli(command, "--root", str(demo), "--profile", str(target))
        assert done.returncode == 2, done.stdout
        assert message in done.stderr
        assert "Traceback" not in done.stderr


def test_unknown_preset_is_a_usage_error_everywhere(demo: Path) -> None:
    for args in (("audit", "--root", str(demo)), ("threat", "show", "--root", str(demo)),
                 ("scan", "--root", str(demo))):  # fmt: skip
        done = run_cli(*args, "--profile", "dentistry")
        assert done.returncode == 2
        assert "neither a preset" in done.stderr


def test_threat_show_explains_each_threat_in_every_format(demo: Path, tmp_path: Path) -> None:
    done = run_cli("threat", "show", "--root", str(demo), "--profile", "healthcare",
                   "--format", "json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    view = json.loads(done.stdout)
    jsonschema.Draft202012Validator(SCHEMA).validate(view)  # a full report, explained
    assert view["verdict"]["local_ai"] == "essential"
    rows = {row["id"]: row for row in view["profile"]["threat_model"]}
    assert rows["provider-breach"]["local_ai_addresses"] == "yes"
    assert rows["device-theft"]["local_ai_addresses"] == "no"
    states = {c["id"]: c["state"] for c in rows["device-theft"]["controls"]}
    assert states["ENC-01"] == "fail"
    assert states["LCK-01"] == "not_applicable"  # a server: no desktop to lock
    shared = {c["id"]: c["state"] for c in rows["shared-host"]["controls"]}
    assert shared["AUD-01"] == "fail"  # no audit rule watches the stores
    markdown = tmp_path / "threats.md"
    done = run_cli("threat", "--profile", "routine", "--root", str(demo), "--format", "markdown",
                   "--output", str(markdown))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(markdown.stat().st_mode) == 0o600
    assert "| Backup copies (`backup-copy`)" in markdown.read_text()
    done = run_cli("threat", "show", "--root", str(demo), "--profile", "legal")
    assert "Local AI for this profile (legal): essential" in done.stdout


def test_fail_on_compares_the_weighted_severity(demo: Path) -> None:
    # the demo host's worst medium-default finding (swap) is critical for a clinic
    clinic = run_cli("audit", "--root", str(demo), "--profile", "healthcare", "--fail-on",
                     "critical", "--no-content")  # fmt: skip
    assert clinic.returncode == 1
    done = run_cli("threat", "show", "--root", str(demo), "--profile", "healthcare",
                   "--fail-on", "critical")  # fmt: skip
    assert done.returncode == 1


def test_scan_warns_when_stores_hold_more_than_the_profile_declares(tmp_path: Path) -> None:
    history = tmp_path / "history"
    write_repl_history(history, ["memo: ATTORNEY-CLIENT PRIVILEGED, do not forward"])
    done = run_cli("scan", str(history), "--profile", "routine")
    assert done.returncode == 0, done.stderr
    assert "BEYOND THE DECLARED PROFILE" in done.stderr
    assert "Privileged legal material" in done.stdout
    quiet = run_cli("scan", str(history), "--profile", "legal", "--format", "json")
    assert "BEYOND" not in quiet.stderr
    json.loads(quiet.stdout)

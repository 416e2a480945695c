"""shared-host.store-access-audited: audit rules from /etc/audit (auditctl(8), audit.rules(7)
syntax) that record reads of each conversation store, and auditd to load them; rules that
cannot be read are `unknown`, permission denied without root included."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from localproof.collect.auditrules import read_audit_rules
from localproof.collect.fsroot import AuditRoot
from localproof.facts.auditrules import AuditRules, AuditWatch
from tests.builders import HostBuilder
from tests.builders.desktop import audit_rules
from tests.builders.ollama import write_repl_history
from tests.conftest import audit_report, findings_of
from tests.test_unreadable_homes import _as_unprivileged

CHECK = "shared-host.store-access-audited"
STORE = "/home/kim/.ollama/history"


def _kim(host: HostBuilder) -> None:
    home = host.user("kim", 1000, home_mode=0o700)
    write_repl_history(home / ".ollama" / "history", ["hello"])


def _finding(host: HostBuilder) -> dict[str, object]:
    (finding,) = findings_of(audit_report(host.root), CHECK)
    return finding


def _rules(host: HostBuilder) -> AuditRules:
    return read_audit_rules(AuditRoot(host.root), (), proc_available=False)


CASES = [
    ("-w /home/kim/.ollama -p rwa -k ai", "pass", "records reads of /home/kim/.ollama and below"),
    ("-w /home/kim/.ollama/", "pass", "records reads"),  # -p defaults to rwxa
    (f"-w {STORE} -p r", "pass", f"records reads of {STORE}"),
    ("-a always,exit -F arch=b64 -F dir=/home -F perm=r -F key=h", "pass", "and below"),
    ("-a exit,always -F path=/home/kim/.ollama/history -S openat", "pass", "records reads"),
    ("-a always,exit -F dir=/home/kim -F auid>=1000 -F auid!=unset", "pass", "only when auid>="),
    ("-a always,exit -F arch=b64 -S open,openat -F success=1 -F auid>=1000", "pass", "of /"),
    ("-w/home/kim", "pass", "records reads"),  # getopt accepts the argument attached
    ("-w /home/kim/.ollama -p wa", "fail", "does not record reads"),
    (f"-a always,exit -F path={STORE}/ -S unlink", "fail", "does not record reads"),
    ("-a always,exit -F dir=/home/kim -S openat -F success=0", "fail", "no audit rule records"),
    ("-a always,exit -F arch=b64 -S openat -F exit=-EACCES", "fail", "no audit rule records"),
    ("-w /home/kim/.ollama/models -p rwa", "fail", "no audit rule records"),
    ("-w /home/kimberly -p rwa", "fail", "no audit rule records"),
    ("-w /home/kim -p r\n-a never,task", "fail", "stops all audit records"),
    ("-w /home/kim -p r\n-e 0", "fail", "`-e 0`"),
    ("-e 0\n-w /home/kim -p r\n-e 1", "pass", "records reads"),
    ("-a never,exit -F dir=/home/kim\n-w /home/kim -p r", "fail", "a `never` rule"),
    ("-a always,exit -F arch=b64 -S execve", "fail", "no audit rule records"),
    ("-D\n-b 8192\n--backlog_wait_time 60000\n-f 1\n-i\n-c", "fail", "no audit rule records"),
]


@pytest.mark.parametrize(("rules", "status", "said"), CASES)
def test_rules(host: HostBuilder, rules: str, status: str, said: str) -> None:
    _kim(host)
    audit_rules(host, {"50-ai.rules": f"# site rules\n\n{rules}\n"})
    finding = _finding(host)
    assert finding["status"] == status, finding
    assert said in json.dumps(finding)


def test_no_auditd_at_all(host: HostBuilder) -> None:
    _kim(host)
    finding = _finding(host)
    assert finding["status"] == "fail"
    assert "/etc/audit is absent" in json.dumps(finding)
    assert "-w /home/kim/.ollama -p rwa -k localproof-ai-store" in str(finding["remediation"])


def test_rules_that_auditd_never_loads(host: HostBuilder) -> None:
    _kim(host)
    audit_rules(host, {"50-ai.rules": "-w /home/kim -p r\n"}, daemon=False)
    host.ensure_net_tables()  # /proc is there, and no auditd in it
    finding = _finding(host)
    assert finding["status"] == "fail"
    assert "not running" in json.dumps(finding)
    assert "systemctl enable --now auditd" in str(finding["remediation"])


def test_audit_rules_file_and_natural_order(host: HostBuilder) -> None:
    audit_rules(
        host,
        {"10-a.rules": "-e 0\n", "9-b.rules": "-w /srv -p r\n", "README": "not rules\n"},
        audit_rules_file="-e 1\n-w /data -p r\n",
        daemon=False,
    )
    rules = _rules(host)
    assert rules.files == (
        "/etc/audit/rules.d/9-b.rules",
        "/etc/audit/rules.d/10-a.rules",
        "/etc/audit/audit.rules",
    )
    assert rules.switched_off is None  # the last -e wins
    assert [w.source for w in rules.watches] == [
        "/etc/audit/rules.d/9-b.rules:1",
        "/etc/audit/audit.rules:2",
    ]
    assert rules.daemon_running is None
    assert not rules.daemon_enabled


def test_watch_paths_resolve_inside_the_audit_root(host: HostBuilder) -> None:
    host.directory("/srv/chats")
    host.symlink("/data", "srv/chats")
    audit_rules(host, {"50.rules": "-w /data/ -p r\n-a always,exit -F path=/data/x\n"})
    first, second = _rules(host).watches
    assert first == AuditWatch(
        "/etc/audit/rules.d/50.rules:1", "-w /data/ -p r", "/srv/chats", True, True
    )
    assert (second.path, second.recursive, second.reads) == ("/srv/chats/x", False, True)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"-w /home \x00\x01 binary", "binary data"),
        (b"-w /home/\xff\xfe -p r\n", "not UTF-8"),
        (b"watch /home\n", "`watch` is not an auditctl option"),
        (b"-w /home -p r -x\n", "`-x` is not an auditctl option"),
        (b"-w\n", "`-w` is not an auditctl option"),
        (b"#" * (1 << 20) + b"\n", "larger than 1 MiB"),
    ],
)
def test_damaged_rules_are_unknown(host: HostBuilder, content: bytes, reason: str) -> None:
    _kim(host)
    audit_rules(host, {"50-ai.rules": content})
    finding = _finding(host)
    assert finding["status"] == "unknown"
    assert reason in str(finding["reason"])


def test_a_rules_folder_that_is_a_loop(host: HostBuilder) -> None:
    _kim(host)
    audit_rules(host, {})
    shutil.rmtree(host.path("/etc/audit/rules.d"))
    host.symlink("/etc/audit/rules.d", "rules.d")
    finding = _finding(host)
    assert finding["status"] == "unknown"
    assert "/etc/audit/rules.d: symlink loop" in str(finding["reason"])


def test_no_store_is_not_applicable(host: HostBuilder) -> None:
    host.user("kim", 1000)
    host.user("ollama", 998, home="/usr/share/ollama", shell="/bin/false")
    host.process(700, ["/usr/local/bin/ollama", "serve"], uid=998)
    host.ensure_net_tables()
    finding = _finding(host)
    assert finding["status"] == "not_applicable"


def test_nothing_found_means_no_finding(host: HostBuilder) -> None:
    host.user("kim", 1000)
    assert findings_of(audit_report(host.root), CHECK) == []


@pytest.fixture
def closed_audit_root() -> Iterator[Path]:
    """/etc/audit 0750 and owned by root, as the audit packages install it (without root,
    made unreadable instead)."""
    base = Path(tempfile.mkdtemp(prefix="localproof-audit-"))
    base.chmod(0o755)
    audit_rules(HostBuilder(base), {"50-ai.rules": "-w /home -p r\n"}, daemon=False)
    if os.geteuid() != 0:
        (base / "etc" / "audit").chmod(0o000)
    yield base
    (base / "etc" / "audit").chmod(0o750)
    shutil.rmtree(base)


def test_permission_denied_without_root_says_so(closed_audit_root: Path) -> None:
    def work() -> object:
        return read_audit_rules(AuditRoot(closed_audit_root), (), proc_available=False).error

    error = _as_unprivileged(work)
    assert isinstance(error, str)
    assert error.startswith("/etc/audit/rules.d: permission denied")
    assert "run localproof as root" in error

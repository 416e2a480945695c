"""core-dump.not-kept: core_pattern, systemd-coredump's Storage= (coredump.conf(5): main
file, then drop-ins sorted by name across /etc, /run, /usr/local/lib, /usr/lib), apport,
and LimitCORE=0 on the tool's unit."""

from __future__ import annotations

import pytest

from tests.builders import HostBuilder
from tests.conftest import audit_report, findings_of, statuses

CHECK = "core-dump.not-kept"
RESOURCE = "ollama core dumps"
# systemd's sysctl.d/50-coredump.conf.in sets this pattern
SYSTEMD_COREDUMP = "|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h"
APPORT = "|/usr/share/apport/apport -p%p -s%s -c%c -d%d -P%P -u%u -g%g -- %E"
MAIN = "/etc/systemd/coredump.conf"


def coredump_conf(storage: str | None) -> str:
    """The shipped template: every setting commented out, as systemd installs it."""
    lines = ["[Coredump]", "#Storage=external", "#Compress=yes", "#ProcessSizeMax=2G"]
    if storage is not None:
        lines.append(f"Storage={storage}")
    return "\n".join(lines) + "\n"


def ollama_service(host: HostBuilder, limit: str | None = None) -> None:
    host.user("ollama", 998, home="/usr/share/ollama", shell="/bin/false")
    dropins = {"10-core.conf": f"[Service]\nLimitCORE={limit}\n"} if limit else None
    host.systemd_unit(
        "ollama", exec_start="/usr/local/bin/ollama serve", user="ollama", dropins=dropins
    )
    host.process(700, ["/usr/local/bin/ollama", "serve"], uid=998)


@pytest.mark.parametrize(
    ("pattern", "files", "status"),
    [
        ("|/bin/false", {}, "pass"),
        (SYSTEMD_COREDUMP, {MAIN: coredump_conf("none")}, "pass"),
        (
            SYSTEMD_COREDUMP,
            {
                MAIN: coredump_conf("external"),
                "/etc/systemd/coredump.conf.d/50-off.conf": ("[Coredump]\nStorage=none\n"),
            },
            "pass",
        ),
        (SYSTEMD_COREDUMP, {}, "fail"),  # compiled-in default: external
        (SYSTEMD_COREDUMP, {MAIN: coredump_conf(None)}, "fail"),
        (SYSTEMD_COREDUMP, {MAIN: coredump_conf("journal")}, "fail"),
        (
            SYSTEMD_COREDUMP,
            {
                "/usr/lib/systemd/coredump.conf.d/50-vendor.conf": "[Coredump]\nStorage=none\n",
                "/etc/systemd/coredump.conf.d/50-vendor.conf": "[Coredump]\nStorage=external\n",
            },
            "fail",  # the same file name in /etc hides the vendor's
        ),
        (
            SYSTEMD_COREDUMP,
            {
                MAIN: coredump_conf("none"),
                "/usr/lib/systemd/coredump.conf.d/90-keep.conf": "[Coredump]\nStorage=journal\n",
            },
            "fail",  # drop-ins override the main file
        ),
        ("core", {}, "fail"),
        ("/var/crash/core.%e.%p", {}, "fail"),
        (APPORT, {}, "fail"),
        ("|/usr/local/bin/crash-uploader %p", {}, "unknown"),
        (None, {}, "unknown"),
    ],
)
def test_core_pattern(
    host: HostBuilder, pattern: str | None, files: dict[str, str], status: str
) -> None:
    ollama_service(host)
    host.directory("/proc/sys/kernel")
    if pattern is not None:
        host.core_pattern(pattern)
    for path, text in files.items():
        host.file(path, text)
    assert statuses(audit_report(host.root), CHECK) == {("ollama", RESOURCE, status)}


@pytest.mark.parametrize(
    ("limit", "pattern", "status"),
    [
        ("0", SYSTEMD_COREDUMP, "pass"),
        ("0:0", "core", "pass"),
        ("infinity", SYSTEMD_COREDUMP, "fail"),
        ("0", APPORT, "fail"),  # only claimed for the kernel and systemd-coredump
    ],
)
def test_limit_core_on_the_unit(host: HostBuilder, limit: str, pattern: str, status: str) -> None:
    ollama_service(host, limit=limit)
    host.core_pattern(pattern)
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("ollama", RESOURCE, status)}
    if status == "pass":
        evidence = " ".join(e["detail"] for e in findings_of(report, CHECK)[0]["evidence"])
        assert f"LimitCORE={limit}" in evidence


LIMIT_ROWS = (
    ("Max cpu time", "seconds"),
    ("Max file size", "bytes"),
    ("Max data size", "bytes"),
    ("Max stack size", "bytes"),
    ("Max core file size", "bytes"),
    ("Max resident set", "bytes"),
)


def limits_text(core_soft: str) -> str:
    """/proc/<pid>/limits as linux fs/proc/base.c proc_pid_limits() prints it (first rows):
    "%-25s %-20s %-20s %-10s" per limit, "unlimited" or a byte count."""
    lines = [f"{'Limit':<25} {'Soft Limit':<20} {'Hard Limit':<20} {'Units':<10}"]
    for name, unit in LIMIT_ROWS:
        soft = core_soft if name == "Max core file size" else "unlimited"
        lines.append(f"{name:<25} {soft:<20} {'unlimited':<20} {unit:<10}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("core_soft", "unit_limit", "status"),
    [
        ("0", None, "pass"),  # e.g. `ulimit -c 0` in the shell that started it
        ("unlimited", "0", "fail"),  # the running process still dumps: the unit changed later
        ("8388608", None, "fail"),
    ],
)
def test_running_process_limit(
    host: HostBuilder, core_soft: str, unit_limit: str | None, status: str
) -> None:
    ollama_service(host, limit=unit_limit)
    host.file("/proc/700/limits", limits_text(core_soft), mode=0o444)
    host.core_pattern(SYSTEMD_COREDUMP)
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("ollama", RESOURCE, status)}


def test_fix_names_the_unit_and_the_dump_location(host: HostBuilder) -> None:
    ollama_service(host)
    host.core_pattern(SYSTEMD_COREDUMP)
    finding = findings_of(audit_report(host.root), CHECK)[0]
    assert "ollama.service" in finding["remediation"]
    assert "/var/lib/systemd/coredump" in finding["remediation"]
    assert "Storage=none" in finding["remediation"]


def test_no_ai_tool_no_finding(host: HostBuilder) -> None:
    host.user("alice", 1000)
    host.core_pattern("core")
    assert findings_of(audit_report(host.root), CHECK) == []

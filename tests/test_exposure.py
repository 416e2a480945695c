"""exposure.api-beyond-loopback: sockets, process settings, systemd and Docker bindings."""

from __future__ import annotations

from tests.builders import HostBuilder, PortPublish
from tests.conftest import audit_report, findings_of, statuses

CHECK = "exposure.api-beyond-loopback"


def _ollama_service(host: HostBuilder, address: str) -> None:
    """Ollama as scripts/install.sh sets it up (ollama/ollama: scripts/install.sh)."""
    host.user("ollama", 998, home="/usr/share/ollama", shell="/bin/false")
    host.process(
        1234, ["/usr/local/bin/ollama", "serve"], uid=998, environ={"OLLAMA_HOST": address}
    )
    host.listen(1234, address, 11434, uid=998)


def test_ollama_on_all_interfaces_fails_with_socket_and_process_evidence(
    host: HostBuilder,
) -> None:
    _ollama_service(host, "0.0.0.0")
    report = audit_report(host.root)
    failing = [f for f in findings_of(report, CHECK) if f["status"] == "fail"]
    assert len(failing) == 1
    finding = failing[0]
    assert finding["category"] == "exposure"
    assert finding["tool"] == "ollama"
    assert finding["severity"] in ("high", "critical")
    evidence = " ".join(e["detail"] for e in finding["evidence"])
    assert "0.0.0.0:11434/tcp" in evidence
    assert "ollama (pid 1234" in evidence
    assert "OLLAMA_HOST" in finding["remediation"]


def test_ollama_on_loopback_passes(host: HostBuilder) -> None:
    _ollama_service(host, "127.0.0.1")
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("ollama", "127.0.0.1:11434/tcp", "pass")}


def test_ipv6_wildcard_and_lan_address_fail(host: HostBuilder) -> None:
    host.process(40, ["/usr/bin/llama-server", "-m", "m.gguf", "--host", "::"])
    host.listen(40, "::", 8080, proto="tcp6")
    host.process(41, ["ollama", "serve"])
    host.listen(41, "192.168.1.20", 11434)
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {
        ("llama-cpp", "[::]:8080/tcp", "fail"),
        ("ollama", "192.168.1.20:11434/tcp", "fail"),
    }


def test_systemd_dropin_binding_all_interfaces_fails_even_when_stopped(
    host: HostBuilder,
) -> None:
    host.systemd_unit(
        "ollama",
        exec_start="/usr/local/bin/ollama serve",
        user="ollama",
        dropins={"override.conf": '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0:11434"\n'},
    )
    host.ensure_net_tables()
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("ollama", "systemd ollama.service", "fail")}
    finding = findings_of(report, CHECK)[0]
    assert finding["evidence"][0]["source"] == "/etc/systemd/system/ollama.service.d/override.conf"
    assert "systemctl edit ollama.service" in finding["remediation"]


def test_later_dropin_restores_loopback(host: HostBuilder) -> None:
    host.systemd_unit(
        "ollama",
        exec_start="/usr/local/bin/ollama serve",
        dropins={
            "10-expose.conf": '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0"\n',
            "20-local.conf": '[Service]\nEnvironment="OLLAMA_HOST=127.0.0.1"\n',
        },
    )
    host.ensure_net_tables()
    assert statuses(audit_report(host.root), CHECK) == {
        ("ollama", "systemd ollama.service", "pass")
    }


def test_docker_publish_on_all_interfaces_fails_and_mentions_firewall_bypass(
    host: HostBuilder,
) -> None:
    host.docker_container(
        "open-webui",
        "ghcr.io/open-webui/open-webui:main",
        ports=[PortPublish(container_port=8080, host_port=3000)],
    )
    host.docker_container(
        "ollama",
        "ollama/ollama:latest",
        ports=[PortPublish(container_port=11434, host_port=11434, host_ip="127.0.0.1")],
    )
    host.ensure_net_tables()
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {
        ("open-webui", "container open-webui port 3000/tcp", "fail"),
        ("ollama", "container ollama port 11434/tcp", "pass"),
    }
    failing = next(f for f in findings_of(report, CHECK) if f["status"] == "fail")
    assert "ufw" in failing["remediation"]
    assert "127.0.0.1:3000:8080" in failing["remediation"]


def test_unreadable_fds_fall_back_to_the_process_setting(host: HostBuilder) -> None:
    # no socket rows can be tied to the process; its environment still says where it binds
    host.process(77, ["/usr/local/bin/ollama", "serve"], environ={"OLLAMA_HOST": "0.0.0.0"})
    host.ensure_net_tables()
    assert statuses(audit_report(host.root), CHECK) == {("ollama", "process 77", "fail")}


def test_without_proc_a_tool_found_on_disk_is_unknown(host: HostBuilder) -> None:
    home = host.user("alice", 1000)
    (home / ".ollama").mkdir()
    (home / ".ollama" / "history").write_text("hello\n")
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("ollama", "ollama listeners", "unknown")}


def test_corrupt_container_state_is_unknown_and_the_audit_continues(host: HostBuilder) -> None:
    container = host.docker_container("webui", "ghcr.io/open-webui/open-webui:main")
    host.path(f"/var/lib/docker/containers/{container}/config.v2.json").write_bytes(b"\x00{oops")
    _ollama_service(host, "127.0.0.1")
    report = audit_report(host.root)
    result = statuses(report, CHECK)
    assert ("ollama", "127.0.0.1:11434/tcp", "pass") in result
    unknown = [f for f in findings_of(report, CHECK) if f["status"] == "unknown"]
    assert len(unknown) == 1
    assert "not valid JSON" in unknown[0]["reason"]


def test_malformed_socket_table_is_unknown(host: HostBuilder) -> None:
    _ollama_service(host, "127.0.0.1")
    table = host.path("/proc/net/tcp")
    table.chmod(0o644)
    table.write_text(table.read_text() + "   9: garbage\n")
    report = audit_report(host.root)
    reasons = [f["reason"] for f in findings_of(report, CHECK) if f["status"] == "unknown"]
    assert reasons == ["listening sockets unknown: a malformed row was skipped"]

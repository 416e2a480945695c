"""auth.open-webui-login: WEBUI_AUTH from containers, processes and systemd units."""

from __future__ import annotations

from tests.builders import HostBuilder, VolumeMount
from tests.conftest import audit_report, findings_of, statuses

CHECK = "auth.open-webui-login"
IMAGE = "ghcr.io/open-webui/open-webui:main"
DATA = VolumeMount(name="open-webui", destination="/app/backend/data")


def test_auth_disabled_in_container_env_fails(host: HostBuilder) -> None:
    host.docker_container("open-webui", IMAGE, env={"WEBUI_AUTH": "False"}, mounts=[DATA])
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("open-webui", "container open-webui WEBUI_AUTH", "fail")}
    finding = findings_of(report, CHECK)[0]
    assert finding["category"] == "auth"
    assert "WEBUI_AUTH" in finding["remediation"]


def test_auth_default_passes(host: HostBuilder) -> None:
    host.docker_container("open-webui", IMAGE, env={"PORT": "8080"}, mounts=[DATA])
    assert statuses(audit_report(host.root), CHECK) == {
        ("open-webui", "container open-webui WEBUI_AUTH", "pass")
    }


def test_any_value_but_true_disables_login(host: HostBuilder) -> None:
    # open-webui/open-webui: backend/open_webui/env.py compares .lower() == "true"
    host.process(
        300,
        ["/usr/bin/python3", "/home/bob/.venv/bin/open-webui", "serve"],
        uid=0,
        environ={"WEBUI_AUTH": "1"},
    )
    host.ensure_net_tables()
    result = statuses(audit_report(host.root), CHECK)
    assert result == {("open-webui", "open-webui (pid 300, uid 0) WEBUI_AUTH", "fail")}


def test_unit_with_auth_enabled_passes(host: HostBuilder) -> None:
    host.systemd_unit(
        "open-webui",
        exec_start="/opt/owui/bin/open-webui serve",
        environment={"WEBUI_AUTH": "True"},
    )
    assert statuses(audit_report(host.root), CHECK) == {
        ("open-webui", "systemd open-webui.service WEBUI_AUTH", "pass")
    }


def test_unreadable_process_environment_is_unknown(host: HostBuilder) -> None:
    host.process(301, ["/usr/local/bin/open-webui", "serve"])
    host.path("/proc/301/environ").unlink()  # as when another user's environ is hidden
    host.ensure_net_tables()
    result = statuses(audit_report(host.root), CHECK)
    assert result == {("open-webui", "open-webui (pid 301, uid 0) WEBUI_AUTH", "unknown")}


def test_installed_but_not_running_is_unknown(host: HostBuilder) -> None:
    home = host.user("alice", 1000)
    data = home / ".local/lib/python3.11/site-packages/open_webui/data"
    data.mkdir(parents=True)
    (data / "webui.db").write_bytes(b"")
    result = statuses(audit_report(host.root), CHECK)
    assert result == {("open-webui", "open-webui WEBUI_AUTH", "unknown")}

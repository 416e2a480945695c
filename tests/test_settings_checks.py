"""Telemetry, update-check, cloud, risky settings and API credentials, read from process
environments and arguments, containers, systemd units and tools' settings files."""

from __future__ import annotations

import json

import pytest

from localproof.checks.cloud import is_local_host
from tests.builders import HostBuilder
from tests.builders.ollama import write_server_json
from tests.conftest import audit_report, findings_of, statuses


def _vllm(host: HostBuilder, environ: dict[str, str], *args: str) -> None:
    argv = ["/opt/v/bin/python3", "/opt/v/bin/vllm", "serve", "m", *args]
    host.process(60, argv, environ=environ)
    host.listen(60, "127.0.0.1", 8000)


@pytest.mark.parametrize(
    ("environ", "status"),
    [
        ({}, "fail"),
        ({"VLLM_NO_USAGE_STATS": "1"}, "pass"),
        ({"DO_NOT_TRACK": "1"}, "pass"),  # any of the alternatives turns it off
        ({"VLLM_NO_USAGE_STATS": "true"}, "fail"),  # vllm/envs.py accepts only "1"
    ],
)
def test_vllm_usage_stats(host: HostBuilder, environ: dict[str, str], status: str) -> None:
    _vllm(host, environ)
    report = audit_report(host.root)
    assert statuses(report, "telemetry.usage-data-off") == {("vllm", "vllm usage-stats", status)}


def test_unreadable_environment_is_unknown(host: HostBuilder) -> None:
    _vllm(host, {})
    host.path("/proc/60/environ").unlink()
    report = audit_report(host.root)
    assert statuses(report, "telemetry.usage-data-off") == {("vllm", "vllm usage-stats", "unknown")}
    assert statuses(report, "auth.api-credentials") == {
        ("vllm", "vllm (pid 60, uid 0) API key", "unknown")
    }


@pytest.mark.parametrize(
    ("args", "status"),
    [((), "fail"), (("--api-key", "k"), "pass"), (("--api-key=k",), "pass")],
)
def test_vllm_api_key_flag(host: HostBuilder, args: tuple[str, ...], status: str) -> None:
    _vllm(host, {}, *args)
    result = statuses(audit_report(host.root), "auth.api-credentials")
    assert result == {("vllm", "vllm (pid 60, uid 0) API key", status)}


def test_api_key_from_the_environment_counts(host: HostBuilder) -> None:
    host.process(61, ["llama-server", "-m", "x.gguf"], environ={"LLAMA_API_KEY": "k"})
    result = statuses(audit_report(host.root), "auth.api-credentials")
    assert result == {("llama-cpp", "llama-server (pid 61, uid 0) API key", "pass")}


def test_ollama_has_no_authentication_worse_when_exposed(host: HostBuilder) -> None:
    host.process(62, ["ollama", "serve"])
    host.listen(62, "0.0.0.0", 11434)
    finding = findings_of(audit_report(host.root), "auth.api-credentials")[0]
    assert (finding["status"], finding["severity"]) == ("fail", "high")


@pytest.mark.parametrize(("disable", "status"), [(True, "pass"), (False, "fail")])
def test_ollama_cloud_switch_in_server_json(host: HostBuilder, disable: bool, status: str) -> None:
    home = host.user("ann", 1000)
    write_server_json(home / ".ollama" / "server.json", disable_cloud=disable)
    host.process(63, ["ollama", "serve"], uid=1000, environ={"HOME": "/home/ann"})
    result = statuses(audit_report(host.root), "cloud.features-off")
    assert result == {("ollama", "ollama ollama-cloud", status)}


@pytest.mark.parametrize(
    ("ini", "status"),
    [
        ("[network]\nusageStatsActive=true\n", "fail"),
        ("[network]\nusageStatsActive=false\n", "pass"),
        ("[General]\nuserDefaultModel=x\n", "pass"),  # unset: opt-in, off by default
        ("not an ini file [\n", "unknown"),
    ],
)
def test_gpt4all_analytics_from_its_ini(host: HostBuilder, ini: str, status: str) -> None:
    # QSettings INI (https://doc.qt.io/qt-6/qsettings.html), nomic-ai/gpt4all: mysettings.cpp
    host.user("ann", 1000)
    host.file("/home/ann/.config/nomic.ai/GPT4All.ini", ini)
    result = statuses(audit_report(host.root), "telemetry.usage-data-off")
    assert result == {("gpt4all", "gpt4all network/usageStatsActive", status)}


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        (["python", "server.py", "--portable", "--share"], "fail"),
        (["python", "server.py", "--portable", "--listen"], "pass"),
    ],
)
def test_share_link_flag(host: HostBuilder, argv: list[str], status: str) -> None:
    host.process(64, argv)
    result = statuses(audit_report(host.root), "exposure.risky-setting")
    assert ("text-generation-webui", "text-generation-webui --share", status) in result


def test_setting_values_never_reach_the_report(host: HostBuilder) -> None:
    canary = "https://CANARY-4b1d.example"
    host.process(65, ["ollama", "serve"], environ={"OLLAMA_ORIGINS": canary})
    report = audit_report(host.root)
    assert ("ollama", "ollama OLLAMA_ORIGINS", "fail") in statuses(report, "exposure.risky-setting")
    assert "CANARY-4b1d" not in json.dumps(report)


@pytest.mark.parametrize(
    ("host_name", "local"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("192.168.1.20", True),
        ("[::1]", True),
        ("ollama", True),  # a compose service name
        ("host.docker.internal", True),
        ("nas.local", True),
        ("api.openai.com", False),
        ("8.8.8.8", False),
    ],
)
def test_local_hosts(host_name: str, local: bool) -> None:
    assert is_local_host(host_name) is local


@pytest.mark.parametrize(
    ("environ", "status"),
    [
        ({}, "fail"),  # the default connection is OpenAI's API
        ({"ENABLE_OPENAI_API": "false"}, "pass"),
        ({"OPENAI_API_BASE_URL": "http://localhost:11434/v1"}, "pass"),
        ({"OPENAI_API_BASE_URLS": "http://localhost:8000/v1;https://api.groq.com/v1"}, "fail"),
    ],
)
def test_open_webui_connections(host: HostBuilder, environ: dict[str, str], status: str) -> None:
    host.process(66, ["/opt/o/bin/open-webui", "serve"], environ=environ)
    report = audit_report(host.root)
    result = statuses(report, "cloud.remote-model-connections")
    assert result == {("open-webui", "open-webui OPENAI_API_BASE_URLS", status)}
    if environ.get("OPENAI_API_BASE_URLS"):
        detail = findings_of(report, "cloud.remote-model-connections")[0]["evidence"][0]["detail"]
        assert detail.endswith(": api.groq.com")  # only the remote host, never full URLs


@pytest.mark.parametrize(
    ("env", "status"),
    [({}, "fail"), ({"LLM_PROVIDER": "ollama"}, "pass"), ({"LLM_PROVIDER": "anthropic"}, "fail")],
)
def test_anythingllm_provider(host: HostBuilder, env: dict[str, str], status: str) -> None:
    # Mintplex-Labs/anything-llm: getLLMProvider falls back to "openai"
    host.docker_container("anythingllm", "mintplexlabs/anythingllm:latest", env=env)
    result = statuses(audit_report(host.root), "cloud.features-off")
    assert ("anythingllm", "anythingllm LLM_PROVIDER", status) in result


def test_librechat_remote_endpoint_keys_are_reported_without_their_value(
    host: HostBuilder,
) -> None:
    secret = "sk-ant-CANARY-51f0"
    host.docker_container(
        "librechat",
        "ghcr.io/danny-avila/librechat-dev:latest",
        env={"ANTHROPIC_API_KEY": secret, "OPENAI_API_KEY": "user_provided"},
    )
    report = audit_report(host.root)
    result = statuses(report, "cloud.features-off")
    assert ("librechat", "librechat ANTHROPIC_API_KEY", "fail") in result
    assert ("librechat", "librechat OPENAI_API_KEY", "fail") in result
    assert ("librechat", "librechat GOOGLE_KEY", "pass") in result
    assert "CANARY-51f0" not in json.dumps(report)
    assert "user_provided" not in json.dumps(report)

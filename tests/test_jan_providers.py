"""Jan's model providers: the reader of its settings files, and
`cloud.remote-model-connections` failing for a remote provider with an API key."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from localproof.cli import run_audit
from localproof.collect.fsroot import AuditRoot
from localproof.collect.providers import MAX_PROVIDER_FILE, read_provider_settings
from localproof.facts.settings import ConfiguredProvider, KeyState, ProviderSettings
from localproof.kb import load_kb
from localproof.render import OutputFormat, renderer
from tests.builders import HostBuilder
from tests.builders.jan import (
    Provider,
    settings_store_text,
    write_extension_settings,
    write_settings_store,
)
from tests.conftest import audit_report, findings_of, statuses
from tests.test_contracts import tree_state
from tests.test_unreadable_homes import _as_unprivileged

DATA = "/home/ann/.local/share/Jan/data"
SETTINGS = f"{DATA}/settings.json"
CHECK = "cloud.remote-model-connections"
RESOURCE = "jan model providers (ann)"
LLAMACPP = Provider("llamacpp")  # runs inside the app: no base URL
OPENAI = Provider("openai", "https://api.openai.com/v1")
ANTHROPIC = Provider("anthropic", "https://api.anthropic.com/v1")
GROQ_OFF = Provider("groq", "https://api.groq.com/openai/v1", active=False)
OLLAMA = Provider("ollama", "http://localhost:11434/v1")  # a custom provider on this host


def _read(root: Path) -> dict[str, ProviderSettings]:
    found = read_provider_settings(AuditRoot(root), load_kb(), [("ann", "/home/ann")])
    return {item.path: item for item in found}


def _ann(host: HostBuilder) -> Path:
    host.user("ann", 1000)
    return host.path(DATA)


# -- the reader ----------------------------------------------------------------------------


def test_settings_store_keeps_names_hosts_and_key_states(host: HostBuilder) -> None:
    fossil = Provider("mistral", "https://api.mistral.ai/v1", api_key="sk-kept-by-a-nightly")
    write_settings_store(
        _ann(host), [LLAMACPP, OPENAI, GROQ_OFF, OLLAMA, fossil], selected="openai"
    )
    item = _read(host.root)[SETTINGS]
    assert (item.owner, item.keys, item.error) == ("ann", "os-keyring", None)
    assert item.providers == (
        ConfiguredProvider("openai", "api.openai.com", True, KeyState.ELSEWHERE, selected=True),
        ConfiguredProvider("groq", "api.groq.com", False, KeyState.ELSEWHERE),
        ConfiguredProvider("ollama", "localhost", True, KeyState.ELSEWHERE),
        ConfiguredProvider("mistral", "api.mistral.ai", True, KeyState.SET),
    )


def test_extension_settings_record_the_key_and_the_endpoint_host(host: HostBuilder) -> None:
    data = host.path("/home/ann/jan")
    host.user("ann", 1000)
    write_extension_settings(data, "openai", "sk-real", "https://api.openai.com/v1/chat/x")
    write_extension_settings(data, "groq", "", "https://api.groq.com/openai/v1/chat/x")
    write_extension_settings(data, "mistral", "sk-", None)  # the old default placeholder
    found = {
        p.name: p for item in _read(host.root).values() for p in item.providers if not item.error
    }
    assert found["openai"] == ConfiguredProvider("openai", "api.openai.com", True, KeyState.SET)
    assert found["groq"].key is KeyState.NONE
    assert (found["mistral"].host, found["mistral"].key) == (None, KeyState.NONE)


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("", "not valid JSON"),
        ('{"model-provider": "{\\"state\\": {"}', "the 'model-provider' entry is not valid JSON"),
        ('{"model-provider": ', "not valid JSON"),
        ("[1, 2]", "not a JSON object of saved settings"),
        ('{"theme": "{}"}', "no 'model-provider' entry: Jan 0.6.0 to 0.8.3 keep"),
        ('{"model-provider": "{\\"state\\": {}}"}', "the 'model-provider' entry holds no list"),
        ("\x00\xff garbage", "not valid JSON"),
        ("[" * 100_000, "not valid JSON"),
    ],
)
def test_damaged_settings_store_is_an_error_with_a_reason(
    host: HostBuilder, content: str, error: str
) -> None:
    _ann(host)
    host.file(SETTINGS, content)
    item = _read(host.root)[SETTINGS]
    assert item.providers == ()
    assert item.error is not None
    assert item.error.startswith(error)


def test_a_huge_file_is_not_read(host: HostBuilder) -> None:
    _ann(host)
    path = host.file(SETTINGS, "{}")
    os.truncate(path, MAX_PROVIDER_FILE + 1)  # sparse: no disk used
    assert _read(host.root)[SETTINGS].error == "larger than 8 MiB, not read"


def test_a_directory_or_a_symlink_loop_is_an_error(host: HostBuilder) -> None:
    _ann(host)
    host.directory(SETTINGS)
    assert _read(host.root)[SETTINGS].error == "not a regular file"
    host.path(SETTINGS).rmdir()
    host.symlink(SETTINGS, SETTINGS)
    assert _read(host.root)[SETTINGS].error == "symlink loop"


@pytest.fixture
def closed_settings() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="localproof-jan-"))
    base.chmod(0o755)
    data = base / DATA.lstrip("/")
    write_settings_store(data, [OPENAI], selected="openai")
    for parent in [data, *data.parents]:
        if parent == base:
            break
        parent.chmod(0o755)
    (data / "settings.json").chmod(0o600 if os.geteuid() == 0 else 0o000)
    yield base
    (data / "settings.json").chmod(0o600)
    shutil.rmtree(base)


def test_permission_denied_is_an_error_with_the_reason(closed_settings: Path) -> None:
    def work() -> object:
        return [[item.path, item.error] for item in _read(closed_settings).values()]

    assert _as_unprivileged(work) == [[SETTINGS, "permission denied"]]


# -- the check -----------------------------------------------------------------------------


def test_openai_with_a_key_fails_with_file_provider_and_host(host: HostBuilder) -> None:
    data = host.path("/home/ann/.config/Jan/data")
    host.user("ann", 1000)
    config = '{"data_folder": "/home/ann/.config/Jan/data"}'  # Electron userData/settings.json
    host.file("/home/ann/.config/Jan/settings.json", config)
    path = "/home/ann/.config/Jan/data/settings/@janhq/inference-openai-extension/settings.json"
    write_extension_settings(data, "openai", "sk-real", "https://api.openai.com/v1/chat/x")
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("jan", RESOURCE, "fail")}
    finding = findings_of(report, CHECK)[0]
    assert finding["evidence"] == [
        {"source": path, "detail": "openai: API key set; chats go to api.openai.com"}
    ]
    assert finding["remediation"].startswith("Clear the API key")


@pytest.mark.parametrize(
    ("providers", "selected", "status"),
    [
        ([LLAMACPP, OLLAMA], "llamacpp", "pass"),  # only local engines
        ([LLAMACPP, Provider("openai", OPENAI.base_url, active=False)], "llamacpp", "pass"),
        ([LLAMACPP, OPENAI, ANTHROPIC], "openai", "fail"),  # chats go to a remote provider
        ([LLAMACPP, OPENAI], "llamacpp", "unknown"),  # its key may be in the keyring
        ([Provider("mistral", "https://api.mistral.ai/v1", api_key="sk-x")], "x", "fail"),
    ],
)
def test_settings_store_outcomes(
    host: HostBuilder, providers: list[Provider], selected: str, status: str
) -> None:
    write_settings_store(_ann(host), providers, selected=selected)
    assert statuses(audit_report(host.root), CHECK) == {("jan", RESOURCE, status)}


def test_selected_remote_provider_names_its_host_and_the_keyring(host: HostBuilder) -> None:
    write_settings_store(_ann(host), [LLAMACPP, OPENAI, ANTHROPIC, OLLAMA], selected="openai")
    finding = findings_of(audit_report(host.root), CHECK)[0]
    assert [item["source"] for item in finding["evidence"]] == [SETTINGS, SETTINGS]
    assert [item["detail"] for item in finding["evidence"]] == [
        "openai is selected for chats (its API key is kept in the OS keyring): "
        "chats go to api.openai.com",
        "also switched on, any API keys in the OS keyring: anthropic (api.anthropic.com)",
    ]
    assert "Settings > Model Providers" in finding["remediation"]


def test_keyring_unknown_lists_the_switched_on_remote_providers(host: HostBuilder) -> None:
    write_settings_store(_ann(host), [LLAMACPP, OPENAI, GROQ_OFF, OLLAMA])
    finding = findings_of(audit_report(host.root), CHECK)[0]
    assert finding["status"] == "unknown"
    assert "openai (api.openai.com)" in finding["reason"]
    assert "groq" not in finding["reason"]  # switched off
    assert "ollama" not in finding["reason"]  # on this host


def test_corrupt_settings_store_is_unknown_and_the_audit_goes_on(host: HostBuilder) -> None:
    _ann(host)
    host.file(SETTINGS, '{"model-provider": "{\\"state')
    host.process(70, ["ollama", "serve"])
    report = audit_report(host.root)
    finding = findings_of(report, CHECK)[0]
    assert (finding["status"], finding["resource"]) == ("unknown", RESOURCE)
    assert SETTINGS in finding["reason"]
    assert findings_of(report, "exposure.api-beyond-loopback")  # the rest still ran


def test_jan_data_without_a_settings_store_is_unknown(host: HostBuilder) -> None:
    _ann(host)
    host.file(f"{DATA}/threads/t1/thread.json", "{}")
    finding = findings_of(audit_report(host.root), CHECK)[0]
    assert (finding["status"], finding["resource"]) == ("unknown", RESOURCE)
    assert "localStorage" in finding["reason"]


def test_no_key_and_no_url_reaches_any_report_format(host: HostBuilder) -> None:
    key = "sk-CANARY-9e31c4-provider-key"
    url = "https://gateway.example.com/v1?token=CANARY-0b7d52-url"
    _ann(host)
    host.file(
        SETTINGS,
        settings_store_text(
            [Provider("openai", "https://api.openai.com/v1", api_key=key), Provider("gw", url)],
            selected="gw",
        ),
    )
    old = host.path("/home/ann/.config/Jan/data")
    write_extension_settings(old, "openai", key, url)
    assessment = run_audit(host.root)
    mine = [w.finding for w in assessment.findings if w.finding.check.id == CHECK]
    assert [f.status.value for f in mine] == ["fail"]
    assert "gateway.example.com" in str(mine[0].evidence)  # the host, nothing more
    for output_format in OutputFormat:
        text = renderer(output_format)(assessment)
        assert "CANARY" not in text, output_format


def test_reading_jan_settings_changes_nothing(host: HostBuilder) -> None:
    write_settings_store(_ann(host), [LLAMACPP, OPENAI], selected="openai")
    write_extension_settings(host.path("/home/ann/jan"), "openai", "sk-x", None)
    before = tree_state(host.root)
    audit_report(host.root)
    assert tree_state(host.root) == before

"""The knowledge-base loader rejects anything that does not follow the schema."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from localproof.kb import KBError, load_kb, load_libraries, parse_tool
from localproof.kb.settingpath import parse_setting_path
from tests.builders import HostBuilder
from tests.conftest import audit_report, findings_of

MINIMAL = """
slug = "llama-cpp"
name = "llama.cpp server"
vendor = "ggml-org"
license = "MIT"
openness = "open-source"
homepage = "https://github.com/ggml-org/llama.cpp"
summary = "HTTP server for GGUF models."
source = "ggml-org/llama.cpp: tools/server/README.md"
checked = "b6000"

[[process]]
names = ["llama-server"]
role = "api-server"

[[listener]]
port = 8080
default_bind = "127.0.0.1"
purpose = "OpenAI-compatible API"
auth = "optional"
"""


def _parse(text: str) -> dict[str, Any]:
    return tomllib.loads(text)


def test_minimal_tool_loads_and_inherits_the_top_level_claim() -> None:
    tool = parse_tool(_parse(MINIMAL), "llama-cpp.toml")
    assert tool.listeners[0].claim.source == "ggml-org/llama.cpp: tools/server/README.md"
    assert tool.processes[0].matches(("/usr/bin/llama-server", "-m", "x.gguf"), "llama-server")


def test_unknown_top_level_key_is_an_error() -> None:
    with pytest.raises(KBError, match="unknown keys colour"):
        parse_tool(_parse(MINIMAL + 'colour = "blue"\n'), "x.toml")


def test_unknown_key_in_a_nested_table_is_an_error() -> None:
    text = MINIMAL.replace('role = "api-server"', 'role = "api-server"\nspeed = 3')
    with pytest.raises(KBError, match="speed"):
        parse_tool(_parse(text), "x.toml")


def test_missing_source_is_an_error() -> None:
    text = MINIMAL.replace('source = "ggml-org/llama.cpp: tools/server/README.md"\n', "")
    with pytest.raises(KBError, match="source"):
        parse_tool(_parse(text), "x.toml")


def test_bad_choice_is_an_error() -> None:
    with pytest.raises(KBError, match="auth"):
        parse_tool(_parse(MINIMAL.replace('auth = "optional"', 'auth = "maybe"')), "x.toml")


def test_unknown_slug_is_an_error() -> None:
    with pytest.raises(KBError, match="slug"):
        parse_tool(_parse(MINIMAL.replace('"llama-cpp"', '"llamafile"', 1)), "x.toml")


def test_packaged_knowledge_base_loads() -> None:
    tools = load_kb()
    assert {"ollama", "open-webui"} <= set(tools)
    ollama = tools["ollama"]
    assert ollama.listener(11434) is not None
    assert ollama.listener(11434).default_bind == "127.0.0.1"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("cmdline", "comm", "expected"),
    [
        (("/usr/local/bin/ollama", "serve"), "ollama", True),
        (("ollama", "run", "llama3"), "ollama", False),
        (("/usr/bin/python3", "-m", "uvicorn", "open_webui.main:app"), "python3", True),
        (("/usr/bin/python3", "-m", "http.server", "8080"), "python3", False),
        (("/usr/bin/python3", "/usr/local/bin/uvicorn", "open_webui.main:app"), "python3", True),
    ],
)
def test_process_patterns(cmdline: tuple[str, ...], comm: str, expected: bool) -> None:
    tools = load_kb()
    matched = any(
        pattern.matches(cmdline, comm) for tool in tools.values() for pattern in tool.processes
    )
    assert matched is expected


def test_libraries_load_and_every_reference_resolves() -> None:
    libraries = load_libraries()
    assert {"langsmith", "huggingface_hub", "gradio"} <= set(libraries)
    for library in libraries.values():
        assert library.claim.source
        assert library.claim.checked
        for knob in library.knobs:
            assert knob.claim.source, f"{library.name} {knob.name}"
    for tool in load_kb().values():
        missing = set(tool.libraries) - set(libraries)
        assert not missing, f"{tool.slug} names unknown libraries {missing}"


def test_a_library_setting_other_than_tracing_is_not_called_tracing(host: HostBuilder) -> None:
    host.file("/etc/environment", "DO_NOT_TRACK=0\nGRADIO_ANALYTICS_ENABLED=True\n")
    report = audit_report(host.root)
    assert {f["status"] for f in findings_of(report, "cloud.tracing-off")} == {"pass"}


PROVIDER_FILE = """
[[provider_file]]
format = "settings-store"
entry = "model-provider"
keys = "os-keyring"
paths = ["{home}/.local/share/Jan/data/settings.json"]
disable = "Settings > Model Providers"
description = "providers"
"""


def test_provider_file_loads_and_inherits_the_claim() -> None:
    tool = parse_tool(_parse(MINIMAL + PROVIDER_FILE), "x.toml")
    (item,) = tool.provider_files
    assert (item.format, item.entry, item.keys, item.no_key) == (
        "settings-store",
        "model-provider",
        "os-keyring",
        (),
    )
    assert item.claim.checked == "b6000"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('entry = "model-provider"\n', ""), "entry"),  # a settings store needs its entry
        (('format = "settings-store"', 'format = "extension-settings"'), "entry"),
        (('keys = "os-keyring"', 'keys = "vault"'), "keys"),
        (('format = "settings-store"', 'format = "yaml"'), "format"),
        (('disable = "Settings > Model Providers"', 'off = "x"'), "disable"),
    ],
)
def test_bad_provider_file_is_an_error(change: tuple[str, str], message: str) -> None:
    text = MINIMAL + PROVIDER_FILE.replace(*change)
    with pytest.raises(KBError, match=message):
        parse_tool(_parse(text), "x.toml")


SETTING_KNOB = """
[[knob]]
kind = "setting"
name = "serverHost"
saved_as = "setting-local-api-server::state.serverHost"
category = "exposure"
default = "127.0.0.1"
safe = ["127.0.0.1"]
meaning = "listen address"
"""


def test_a_setting_path_into_json_text_loads() -> None:
    (knob,) = parse_tool(_parse(MINIMAL + SETTING_KNOB), "x.toml").knobs
    assert parse_setting_path(knob.saved_as or "").layers == (
        ("setting-local-api-server",),
        ("state", "serverHost"),
    )


@pytest.mark.parametrize(
    "path",
    ["", "entry::", "::state.key", "entry::state..key", "entry:::state", "entry::state key"],
)
def test_a_bad_setting_path_is_an_error(path: str) -> None:
    text = SETTING_KNOB.replace("setting-local-api-server::state.serverHost", path)
    with pytest.raises(KBError, match=r"x.toml \[knob\]: saved_as"):
        parse_tool(_parse(MINIMAL + text), "x.toml")


def test_an_environment_knob_keeps_its_database_key() -> None:
    text = SETTING_KNOB.replace('kind = "setting"', 'kind = "env"').replace(
        "setting-local-api-server::state.serverHost", "ui.enable signup"
    )
    (knob,) = parse_tool(_parse(MINIMAL + text), "x.toml").knobs
    assert knob.saved_as == "ui.enable signup"  # a key of the app's database, not a path


SAVED_SERVER = (
    SETTING_KNOB.replace("serverHost", "enableOnStartup")
    .replace('default = "127.0.0.1"', 'default = "false"')
    .replace('safe = ["127.0.0.1"]', 'safe = ["false"]')
    + """
[[credential]]
kind = "setting"
name = "apiKey"
saved_as = "setting-local-api-server::state.apiKey"

[[secret_setting]]
name = "proxyPassword"
saved_as = "setting-proxy-config::state.proxyPassword"
meaning = "proxy password"

[[location_file]]
id = "data-folder"
format = "json"
key = "data_folder"
paths = ["{home}/.local/share/Jan/settings.json"]
description = "names the data folder"

[[store]]
kind = "conversations"
format = "json+jsonl"
paths = ["{home}/.local/share/Jan/data/threads"]
override_file = "data-folder"
override_path = "threads"
description = "threads"
"""
)


def test_saved_server_secrets_and_location_files_load() -> None:
    text = MINIMAL.replace('auth = "optional"', 'auth = "optional"\nstarted_by = "enableOnStartup"')
    tool = parse_tool(_parse(text + SAVED_SERVER), "x.toml")
    assert tool.listeners[0].started_by == "enableOnStartup"
    assert tool.credentials[0].saved_as == "setting-local-api-server::state.apiKey"
    assert tool.secret_settings[0].name == "proxyPassword"
    (location,) = tool.location_files
    assert (location.id, location.key, location.claim.checked) == (
        "data-folder",
        "data_folder",
        "b6000",
    )
    assert (tool.stores[0].override_file, tool.stores[0].override_path) == (
        "data-folder",
        "threads",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('auth = "optional"', 'auth = "optional"\nstarted_by = "nope"'), "started_by"),
        (('override_file = "data-folder"', 'override_file = "elsewhere"'), "no location file"),
        (('override_path = "threads"\n', ""), "needs an override_path"),
        (('saved_as = "setting-proxy-config::state.proxyPassword"\n', ""), "saved_as"),
        (('format = "json"', 'format = "yaml"'), "format"),
        (('key = "data_folder"', 'folder_key = "data_folder"'), "key"),
    ],
)
def test_bad_saved_server_tables_are_errors(change: tuple[str, str], message: str) -> None:
    text = (MINIMAL + SAVED_SERVER).replace(*change)
    with pytest.raises(KBError, match=message):
        parse_tool(_parse(text), "x.toml")

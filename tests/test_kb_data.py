"""Checks on the knowledge-base data itself: every tool present, every claim traceable."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from localproof.kb import TOOL_SLUGS, Claim, Tool, load_kb

# Tools that run no network listener at all (none of the current twelve).
SERVERLESS: frozenset[str] = frozenset()

SOURCE_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*: \S.*$")
SOURCE_URL = re.compile(r"^https://[^\s/]+\.[^\s/]+(/\S*)?$")
STORE_KINDS = {
    "conversations",
    "history",
    "settings",
    "secrets",
    "models",
    "uploads",
    "vectors",
    "logs",
    "cache",
}


def _comm(cmdline: tuple[str, ...]) -> str:
    """What Linux shows as comm: the argv[0] basename cut to 15 characters."""
    return cmdline[0].rsplit("/", 1)[-1][:15]


def _claims(tool: Tool) -> list[tuple[str, Claim]]:
    items: list[tuple[str, Claim]] = [("tool", tool.claim)]
    items += [("process", item.claim) for item in tool.processes]
    items += [("listener", item.claim) for item in tool.listeners]
    items += [("bind_knob", item.claim) for item in tool.bind_knobs]
    items += [("knob", item.claim) for item in tool.knobs]
    items += [("store", item.claim) for item in tool.stores]
    items += [("container", item.claim) for item in tool.containers]
    items += [("outbound", item.claim) for item in tool.outbound]
    items += [("provider_file", item.claim) for item in tool.provider_files]
    items += [("credential", item.claim) for item in tool.credentials]
    items += [("secret_setting", item.claim) for item in tool.secret_settings]
    items += [("location_file", item.claim) for item in tool.location_files]
    return items


def _recognised_by(cmdline: tuple[str, ...]) -> set[str]:
    comm = _comm(cmdline)
    return {
        slug
        for slug, tool in load_kb().items()
        if any(pattern.matches(cmdline, comm) for pattern in tool.processes)
    }


@pytest.fixture(scope="module")
def kb() -> dict[str, Tool]:
    return load_kb()


def test_every_slug_is_present(kb: dict[str, Tool]) -> None:
    assert set(kb) == set(TOOL_SLUGS)
    for slug, tool in kb.items():
        assert tool.slug == slug


@pytest.mark.parametrize("slug", TOOL_SLUGS)
def test_tool_has_processes_stores_and_listeners(kb: dict[str, Tool], slug: str) -> None:
    tool = kb[slug]
    assert tool.processes, f"{slug}: no process pattern"
    assert all(pattern.names for pattern in tool.processes)
    assert tool.stores, f"{slug}: no store"
    if slug not in SERVERLESS:
        assert tool.listeners, f"{slug}: no listener"
    for store in tool.stores:
        assert store.kind in STORE_KINDS
        assert store.description.strip()


@pytest.mark.parametrize("slug", TOOL_SLUGS)
def test_every_claim_is_sourced_and_checked(kb: dict[str, Tool], slug: str) -> None:
    for label, claim in _claims(kb[slug]):
        source = claim.source
        assert SOURCE_REPO.match(source) or SOURCE_URL.match(source), (
            f"{slug} {label}: source {source!r} is neither 'owner/repo: path' nor an https URL"
        )
        assert claim.checked.strip(), f"{slug} {label}: empty checked"


@pytest.mark.parametrize("slug", TOOL_SLUGS)
def test_ports_are_valid_and_bind_knobs_point_at_listeners(kb: dict[str, Tool], slug: str) -> None:
    tool = kb[slug]
    ports = [listener.port for listener in tool.listeners]
    assert all(1 <= port <= 65535 for port in ports)
    assert len(ports) == len(set(ports)), f"{slug}: duplicate listener port"
    for knob in tool.bind_knobs:
        assert 1 <= knob.port <= 65535
        assert tool.listener(knob.port) is not None, f"{slug}: {knob.name} moves unknown port"


@pytest.mark.parametrize("slug", TOOL_SLUGS)
def test_outbound_ids_are_unique(kb: dict[str, Tool], slug: str) -> None:
    counts = Counter(item.id for item in kb[slug].outbound)
    assert not [name for name, count in counts.items() if count > 1]


@pytest.mark.parametrize("slug", TOOL_SLUGS)
def test_knob_safe_values_are_lower_case(kb: dict[str, Tool], slug: str) -> None:
    for knob in kb[slug].knobs:
        assert knob.safe, f"{slug}: {knob.name} has no safe value"
        assert all(value == value.lower() for value in knob.safe)


@pytest.mark.parametrize(
    ("slug", "cmdline"),
    [
        ("ollama", ["/usr/local/bin/ollama", "serve"]),
        ("ollama", ["/usr/lib/ollama/ollama", "runner", "--model", "/m/blob"]),
        (
            "open-webui",
            [
                "/usr/local/bin/python3",
                "/usr/local/bin/uvicorn",
                "open_webui.main:app",
                "--host",
                "0.0.0.0",
                "--port",
                "8080",
            ],
        ),
        ("open-webui", ["/home/u/venv/bin/python3", "/home/u/venv/bin/open-webui", "serve"]),
        ("lm-studio", ["/home/u/.lmstudio/llmster/llmster"]),
        ("lm-studio", ["/Applications/LM Studio.app/Contents/MacOS/LM Studio"]),
        ("gpt4all", ["/Applications/gpt4all/bin/gpt4all.app/Contents/MacOS/gpt4all"]),
        ("localai", ["./local-ai"]),
        ("localai", ["/usr/local/bin/local-ai", "run", "--address", ":8080"]),
        ("jan", ["/usr/bin/Jan-Desktop"]),
        ("llama-cpp", ["/usr/local/bin/llama-server", "-m", "m.gguf", "--host", "0.0.0.0"]),
        ("llama-cpp", ["/app/llama-server", "-hf", "ggml-org/gemma-3-1b-it-GGUF"]),
        (
            "text-generation-webui",
            ["./portable_env/bin/python3", "server.py", "--portable", "--api"],
        ),
        ("text-generation-webui", ["python", "one_click.py", "--listen"]),
        ("vllm", ["/opt/venv/bin/python3", "/opt/venv/bin/vllm", "serve", "Qwen/Qwen3-0.6B"]),
        ("vllm", ["python3", "-m", "vllm.entrypoints.openai.api_server", "--model", "m"]),
        ("anythingllm", ["node", "/app/server/index.js"]),
        ("koboldcpp", ["./koboldcpp-linux-x64-cuda1150", "--model", "m.gguf"]),
        ("koboldcpp", ["python3", "koboldcpp.py", "m.gguf", "5001"]),
        ("librechat", ["node", "api/server/index.js"]),
    ],
)
def test_process_patterns_recognise_typical_command_lines(slug: str, cmdline: list[str]) -> None:
    assert slug in _recognised_by(tuple(cmdline))


@pytest.mark.parametrize(
    "cmdline",
    [
        ["/usr/sbin/sshd", "-D"],
        ["/usr/bin/python3", "-m", "http.server", "8000"],
        ["node", "server.js"],
        ["python3", "server.py"],
        ["/usr/local/bin/ollama", "list"],
        ["/usr/bin/llama-cli", "-m", "m.gguf"],
        ["/usr/bin/vim", "serve"],
    ],
)
def test_process_patterns_ignore_unrelated_command_lines(cmdline: list[str]) -> None:
    assert _recognised_by(tuple(cmdline)) == set()


@pytest.mark.parametrize("slug", TOOL_SLUGS)
def test_a_setting_is_saved_in_one_place(kb: dict[str, Tool], slug: str) -> None:
    """A knob and a bind knob naming the same setting read it from the same path."""
    tool = kb[slug]
    places: dict[str, set[str | None]] = {}
    for knob in [*tool.knobs, *tool.bind_knobs]:
        if knob.kind == "setting":
            places.setdefault(knob.name, set()).add(knob.saved_as)
    assert not [name for name, paths in places.items() if len(paths) > 1]

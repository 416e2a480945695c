"""`localproof tools`: the knowledge base with a source on every claim."""

from __future__ import annotations

import json
import subprocess
import sys

from localproof.kb import TOOL_SLUGS
from tests.builders import HostBuilder


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "localproof", "tools", *args],
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "120", "PATH": "/usr/bin:/bin"},
    )


def test_json_lists_every_tool_with_sources() -> None:
    done = _run("--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["schema_version"] == 1
    assert sorted(t["slug"] for t in document["tools"]) == sorted(TOOL_SLUGS)
    for tool in document["tools"]:
        for listener in tool["listeners"]:
            assert listener["claim"]["source"]
            assert listener["claim"]["checked"]


def test_ollama_in_detail_shows_bind_auth_outbound_and_sources() -> None:
    done = _run("ollama", "--format", "markdown")
    assert done.returncode == 0
    text = done.stdout
    assert "| listens 11434/tcp | 127.0.0.1, auth none:" in text
    assert "OLLAMA_HOST" in text
    assert "ollama.com" in text
    assert "off: OLLAMA_NO_CLOUD=1" in text
    assert "ollama/ollama: envconfig/config.go" in text


def test_tools_found_under_a_root_are_marked(host: HostBuilder) -> None:
    host.process(5, ["/usr/local/bin/ollama", "serve"])
    host.listen(5, "127.0.0.1", 11434)
    done = _run("--format", "json", "--root", str(host.root))
    found = {t["slug"]: t["found_here"] for t in json.loads(done.stdout)["tools"]}
    assert found["ollama"] is True
    assert found["vllm"] is False


def test_markdown_has_a_section_per_tool() -> None:
    done = _run("--format", "markdown", "vllm", "open-webui")
    assert done.returncode == 0
    assert "## vLLM (`vllm`)" in done.stdout
    assert "## Open WebUI (`open-webui`)" in done.stdout


def test_unknown_tool_is_a_usage_error() -> None:
    done = _run("chatgpt")
    assert done.returncode == 2
    assert "unknown tool chatgpt" in done.stderr
    assert "Traceback" not in done.stderr

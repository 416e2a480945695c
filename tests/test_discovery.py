"""Discovery: each tool's real install layouts are found with slug, flavour and stores."""

from __future__ import annotations

from typing import Any

from tests.builders import HostBuilder, VolumeMount
from tests.builders.ollama import write_repl_history
from tests.builders.openwebui import Chat, Message, write_webui_db
from tests.conftest import audit_report

CHAT = Chat(title="t", messages=[Message("user", "hi")])


def _tools(host: HostBuilder) -> dict[str, dict[str, Any]]:
    return {tool["slug"]: tool for tool in audit_report(host.root)["tools"]}


def _store_paths(tool: dict[str, Any]) -> set[tuple[str, str]]:
    return {(store["kind"], store["path"]) for store in tool["stores"]}


def test_empty_root_discovers_nothing(host: HostBuilder) -> None:
    host.user("alice", 1000)
    host.ensure_net_tables()
    assert _tools(host) == {}


def test_ollama_native_for_a_user(host: HostBuilder) -> None:
    home = host.user("alice", 1000)
    write_repl_history(home / ".ollama" / "history", ["hello"])
    host.process(500, ["ollama", "serve"], uid=1000)
    host.listen(500, "127.0.0.1", 11434, uid=1000)
    tool = _tools(host)["ollama"]
    assert tool["kinds"] == ["installed", "running", "listening"]
    assert ("history", "/home/alice/.ollama/history") in _store_paths(tool)
    assert "user data" in tool["install"]


def test_ollama_as_systemd_service_user(host: HostBuilder) -> None:
    # ollama/ollama: scripts/install.sh creates user `ollama` with home /usr/share/ollama
    host.user("ollama", 998, home="/usr/share/ollama", shell="/bin/false")
    host.file("/usr/share/ollama/.ollama/id_ed25519", "key", mode=0o600, uid=998)
    host.directory("/usr/share/ollama/.ollama/models", uid=998)
    host.systemd_unit("ollama", exec_start="/usr/local/bin/ollama serve", user="ollama")
    tool = _tools(host)["ollama"]
    assert "service" in tool["kinds"]
    assert "systemd" in tool["install"]
    assert _store_paths(tool) >= {
        ("secrets", "/usr/share/ollama/.ollama/id_ed25519"),
        ("models", "/usr/share/ollama/.ollama/models"),
    }


def test_ollama_models_moved_by_the_unit(host: HostBuilder) -> None:
    host.directory("/srv/models")
    host.systemd_unit(
        "ollama",
        exec_start="/usr/local/bin/ollama serve",
        environment={"OLLAMA_MODELS": "/srv/models"},
    )
    assert ("models", "/srv/models") in _store_paths(_tools(host)["ollama"])


def test_open_webui_in_docker_with_a_named_volume(host: HostBuilder) -> None:
    host.docker_container(
        "open-webui",
        "ghcr.io/open-webui/open-webui:v0.6.5",
        mounts=[VolumeMount(name="open-webui", destination="/app/backend/data")],
    )
    data = host.path("/var/lib/docker/volumes/open-webui/_data")
    write_webui_db(data / "webui.db", chats=[CHAT])
    (data / "uploads").mkdir()
    tool = _tools(host)["open-webui"]
    assert "container" in tool["kinds"]
    assert tool["install"] == ["docker"]
    assert tool["version"] == "v0.6.5"
    assert _store_paths(tool) >= {
        ("conversations", "/var/lib/docker/volumes/open-webui/_data/webui.db"),
        ("uploads", "/var/lib/docker/volumes/open-webui/_data/uploads"),
    }
    owners = {store["owner"] for store in tool["stores"]}
    assert owners == {"container:open-webui"}


def test_open_webui_pip_install_with_data_dir(host: HostBuilder) -> None:
    home = host.user("bob", 1001)
    site = "/home/bob/owui/lib/python3.11/site-packages"
    host.file(
        f"{site}/open_webui-0.12.4.dist-info/METADATA",
        "Metadata-Version: 2.4\nName: open-webui\nVersion: 0.12.4\n\nlong description\n",
    )
    write_webui_db(home / "owui-data" / "webui.db", chats=[CHAT], mode=0o600)
    host.process(
        700,
        ["/home/bob/owui/bin/python3", "/home/bob/owui/bin/open-webui", "serve"],
        uid=1001,
        environ={"DATA_DIR": "/home/bob/owui-data"},
    )
    host.ensure_net_tables()
    tool = _tools(host)["open-webui"]
    assert tool["version"] == "0.12.4"
    assert "pip" in tool["install"]
    assert ("conversations", "/home/bob/owui-data/webui.db") in _store_paths(tool)


def test_macos_layout_under_the_root(host: HostBuilder) -> None:
    # a macOS disk mounted as the root: no /etc/passwd, homes under /Users
    base = "/Users/carol/Library/Application Support"
    host.file(f"{base}/Ollama/db.sqlite", b"SQLite format 3\x00")
    host.file(f"{base}/nomic.ai/GPT4All/gpt4all-0b1c.chat", b"\xf5\xd5\x53\xcc")
    tools = _tools(host)
    assert ("conversations", f"{base}/Ollama/db.sqlite") in _store_paths(tools["ollama"])
    assert "gpt4all" in tools


def test_windows_layout_under_the_root(host: HostBuilder) -> None:
    host.file("/Users/dave/AppData/Roaming/Jan/data/threads/t1/messages.jsonl", "{}\n")
    host.file("/Users/dave/.lmstudio/conversations/1700000000000.conversation.json", "{}")
    tools = _tools(host)
    assert {"jan", "lm-studio"} <= set(tools)


def test_unrelated_processes_and_containers_are_not_tools(host: HostBuilder) -> None:
    host.process(10, ["/usr/sbin/nginx", "-g", "daemon off;"])
    host.listen(10, "0.0.0.0", 8080)
    host.docker_container("db", "postgres:16")
    assert _tools(host) == {}

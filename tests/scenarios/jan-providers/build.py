"""Four people with Jan on one machine: one chats with OpenAI (Jan 0.8.4+, the key in the
OS keyring), one runs only local engines, one still has an Electron-era Jan with an
OpenAI key in its extension settings, one has a damaged settings store, and one has an
older Jan (0.6 to 0.8.3) whose providers live in the web view's storage."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.jan import Provider, write_extension_settings, write_settings_store

LOCAL_SHARE = ".local/share/Jan/data"


def build(host: HostBuilder) -> None:
    openai = Provider("openai", "https://api.openai.com/v1")
    anthropic = Provider("anthropic", "https://api.anthropic.com/v1")
    write_settings_store(
        host.user("ann", 1001) / LOCAL_SHARE,
        [Provider("llamacpp"), openai, anthropic],
        selected="openai",
    )
    write_settings_store(
        host.user("ben", 1002) / LOCAL_SHARE,
        [
            Provider("llamacpp"),
            Provider("ollama", "http://127.0.0.1:11434/v1"),
            Provider("openai", openai.base_url, active=False),
            Provider("groq", "https://api.groq.com/openai/v1", active=False),
        ],
    )
    cai = host.user("cai", 1003)
    host.file("/home/cai/.config/Jan/settings.json", '{"data_folder":"/home/cai/.config/Jan/data"}')
    write_extension_settings(
        cai / ".config/Jan/data", "openai", "sk-proj-planted", "https://api.openai.com/v1/chat"
    )
    host.user("dan", 1004)
    host.file(f"/home/dan/{LOCAL_SHARE}/settings.json", '{"model-provider": "{\\"state\\":')
    host.user("eve", 1005)
    host.file(f"/home/eve/{LOCAL_SHARE}/threads/01J/thread.json", '{"id": "01J"}')

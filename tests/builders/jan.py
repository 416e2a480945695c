"""Jan's model-provider settings, as the app writes them.

- Settings store (Jan 0.8.4+): janhq/jan src-tauri/src/core/app/settings_store.rs (7b9845c)
  writes `<data folder>/settings.json` with `serde_json::to_string_pretty` of a
  `BTreeMap<String, String>`: one key per saved store, each value the store's JSON text.
  The `model-provider` store is zustand's `{"state": ..., "version": N}`
  (web-app/src/hooks/useModelProvider.ts 74ba292; the blob shape as in
  web-app/src/lib/__tests__/migrateLocalStorageSettings.test.ts 163551f). `partialize`
  runs every provider through `stripProviderSecrets` first: `api_key` and
  `api_key_fallbacks` are dropped (undefined, so absent from the JSON) and the `api-key`
  and `api-key-fallbacks` settings get `value: ''`. Providers carry the fields of
  web-app/src/constants/providers.ts (0898a7c): `active`, `api_key`, `base_url`,
  `provider`, `settings` (`api-key`, `base-url` with `controller_props`), `models`.
- Extension settings (Electron-era Jan): core/src/browser/extension.ts (06cd77f)
  `registerSettings` writes `<data folder>/settings/<extension name>/settings.json` with
  `JSON.stringify(settings, null, 2)`, a list of `{key, title, description,
  controllerType, controllerProps: {placeholder, value, type?}}`;
  extensions/inference-openai-extension/resources/settings.json (b82242d) has
  `chat-completions-endpoint` and `openai-api-key`.
- The other stores in the same file (Jan 0.8.4+; each hook at 74ba292 persists through
  web-app/src/lib/backendStorage.ts 7b9845c, names from web-app/src/constants/localStorage.ts):
  zustand persist writes `JSON.stringify({state: partialize(state), version})`, the
  state's fields in the order the store declares them, functions dropped.
  `setting-local-api-server` (web-app/src/hooks/useLocalApiServer.ts, version 3, no
  partialize: the API key is written too), `setting-general`
  (web-app/src/hooks/useGeneralSetting.ts, partialize keeps four fields, version 0),
  `productAnalytic` and `productAnalyticPrompt` (web-app/src/hooks/useAnalytic.ts,
  version 0), `setting-proxy-config` (web-app/src/hooks/useProxyConfig.ts, version 0), and
  the plain `"true"` of `__settings_migrated_to_backend__`
  (web-app/src/lib/migrateLocalStorageSettings.ts 7b9845c).
- App configuration (Tauri Jan): src-tauri/src/core/app/commands.rs (00e7925) writes
  `serde_json::to_string(&AppConfiguration)` (compact JSON) to `<data dir>/Jan/settings.json`
  (`app_data_dir_with_fallback`: `dirs::data_dir()` joined with the package name `Jan`,
  src-tauri/Cargo.toml 0035982); before #7898 it lived in `<data dir>/jan.ai.app/` or, on
  Linux, `~/.config/Jan/` while that folder existed (commands.rs e78b82e
  `get_configuration_file_path`). `AppConfiguration` (src-tauri/src/core/app/models.rs
  32070d7) is `data_folder` (an absolute path: `change_app_data_folder` stores the folder the
  user picked, `default_data_folder_path` `<data dir>/Jan/data`), then `modelscope_token`
  and `gguf_scan_paths`, both left out while unset (`skip_serializing_if`).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

STORE_VERSION = 13  # useModelProvider.ts persist `version` at 00ec5d1
API_SERVER_VERSION = 3  # useLocalApiServer.ts persist `version` at 74ba292
MIGRATED_FLAG = "__settings_migrated_to_backend__"
COMPACT = (",", ":")  # JSON.stringify


@dataclass(frozen=True)
class Provider:
    name: str
    base_url: str | None = None  # None: an engine inside the app (llamacpp, mlx)
    active: bool = True
    api_key: str | None = None  # only written for a pre-0.8.4 fossil; Jan strips it


def _provider_entry(provider: Provider) -> dict[str, object]:
    key_value = provider.api_key or ""
    settings: list[dict[str, object]] = [
        {
            "key": "api-key",
            "title": "API Key",
            "controller_type": "input",
            "controller_props": {"placeholder": "Insert API Key", "value": key_value},
        }
    ]
    entry: dict[str, object] = {"active": provider.active, "provider": provider.name}
    if provider.base_url is not None:
        entry["base_url"] = provider.base_url
        settings.append(
            {
                "key": "base-url",
                "title": "Base URL",
                "controller_type": "input",
                "controller_props": {"placeholder": provider.base_url, "value": provider.base_url},
            }
        )
    if provider.api_key is not None:
        entry["api_key"] = provider.api_key
    entry["settings"] = settings
    entry["models"] = [{"id": f"{provider.name}-model", "capabilities": ["completion"]}]
    return entry


def settings_store_text(providers: Sequence[Provider], selected: str = "llamacpp") -> str:
    """The text of `<data folder>/settings.json` holding the `model-provider` store."""
    state = {
        "providers": [_provider_entry(p) for p in providers],
        "selectedProvider": selected,
        "selectedModel": None,
        "deletedModels": [],
    }
    stores = {
        "model-provider": store_blob(state, STORE_VERSION),
        "theme": store_blob({"activeTheme": "auto"}),
    }
    return settings_file_text(stores)


def store_blob(state: Mapping[str, object], version: int = 0) -> str:
    """One saved store as zustand's createJSONStorage writes it."""
    return json.dumps({"state": state, "version": version}, separators=COMPACT)


def settings_file_text(stores: Mapping[str, str]) -> str:
    """`serde_json::to_string_pretty` of the store map (a BTreeMap: keys sorted)."""
    return json.dumps(dict(sorted(stores.items())), indent=2, ensure_ascii=False)


@dataclass(frozen=True)
class ApiServer:
    """The local API server's settings; the defaults are the store's own."""

    host: str = "127.0.0.1"
    port: int = 1337
    cors: bool = True
    on_startup: bool = False
    api_key: str = ""
    trusted_hosts: tuple[str, ...] = ()


def api_server_blob(server: ApiServer) -> str:
    state = {
        "enableOnStartup": server.on_startup,
        "defaultModelLocalApiServer": None,
        "lastServerModels": [],
        "serverHost": server.host,
        "serverPort": server.port,
        "apiPrefix": "/v1",
        "corsEnabled": server.cors,
        "verboseLogs": True,
        "trustedHosts": list(server.trusted_hosts),
        "proxyTimeout": 600,
        "enableServerToolExecution": False,
        "apiKey": server.api_key,
    }
    return store_blob(state, API_SERVER_VERSION)


def general_blob(auto_update_check: bool) -> str:
    state = {
        "currentLanguage": "en",
        "spellCheckChatInput": True,
        "tokenCounterCompact": True,
        "autoUpdateCheck": auto_update_check,
    }
    return store_blob(state)


def analytics_blobs(opted_in: bool) -> dict[str, str]:
    """The consent prompt answered, and the answer."""
    return {
        "productAnalyticPrompt": store_blob({"productAnalyticPrompt": False}),
        "productAnalytic": store_blob({"productAnalytic": opted_in}),
    }


def proxy_blob(url: str, username: str, password: str) -> str:
    state = {
        "proxyEnabled": True,
        "proxyUrl": url,
        "proxyUsername": username,
        "proxyPassword": password,
        "proxyIgnoreSSL": False,
        "verifyProxySSL": True,
        "verifyProxyHostSSL": True,
        "verifyPeerSSL": True,
        "verifyHostSSL": True,
        "noProxy": "",
    }
    return store_blob(state)


def write_settings_file(data_folder: Path, stores: Mapping[str, str]) -> Path:
    """`<data folder>/settings.json` with these stores, the theme and the migration flag."""
    target = data_folder / "settings.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    every = {MIGRATED_FLAG: "true", "theme": store_blob({"activeTheme": "auto"}), **stores}
    target.write_text(settings_file_text(every), encoding="utf-8")
    return target


def write_settings_store(
    data_folder: Path, providers: Sequence[Provider], selected: str = "llamacpp"
) -> Path:
    target = data_folder / "settings.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(settings_store_text(providers, selected), encoding="utf-8")
    return target


def extension_settings_text(provider: str, api_key: str, endpoint: str | None) -> str:
    """A remote inference extension's settings list (`<provider>-api-key`, endpoint)."""
    settings: list[dict[str, object]] = []
    if endpoint is not None:
        settings.append(
            {
                "key": "chat-completions-endpoint",
                "title": "Chat Completions Endpoint",
                "description": "The endpoint to use for chat completions.",
                "controllerType": "input",
                "controllerProps": {"placeholder": "Chat Completions Endpoint", "value": endpoint},
                "extensionName": f"@janhq/inference-{provider}-extension",
            }
        )
    settings.append(
        {
            "key": f"{provider}-api-key",
            "title": "API Key",
            "description": "The API uses API keys for authentication.",
            "controllerType": "input",
            "controllerProps": {"placeholder": "API Key", "value": api_key, "type": "password"},
            "extensionName": f"@janhq/inference-{provider}-extension",
        }
    )
    return json.dumps(settings, indent=2)


def write_extension_settings(
    data_folder: Path, provider: str, api_key: str, endpoint: str | None
) -> Path:
    target = (
        data_folder / "settings" / "@janhq" / f"inference-{provider}-extension" / "settings.json"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(extension_settings_text(provider, api_key, endpoint), encoding="utf-8")
    return target


def app_config_text(data_folder: str, modelscope_token: str | None = None) -> str:
    """The app configuration as `serde_json::to_string` writes it (fields in order)."""
    config: dict[str, object] = {"data_folder": data_folder}
    if modelscope_token is not None:
        config["modelscope_token"] = modelscope_token
    return json.dumps(config, separators=COMPACT, ensure_ascii=False)


def write_app_config(config_folder: Path, data_folder: str) -> Path:
    """`<config folder>/settings.json` naming the data folder (`~/.local/share/Jan` on Linux)."""
    target = config_folder / "settings.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(app_config_text(data_folder), encoding="utf-8")
    return target


# Jan 0.6 to 0.8.3 on Linux: WebKitGTK's localStorage database for tauri://localhost. The
# schema is WebKit's Source/WebKit/NetworkProcess/storage/SQLiteStorageArea.cpp (00f03c1);
# values are bound as the string's UTF-16 code units (WebCore SQLiteStatement bindBlob),
# little-endian on x86-64 and arm64. File name: LocalStorageManager.cpp (0b0966a).
LOCAL_STORAGE = "localstorage/tauri_localhost_0.localstorage"
ITEM_TABLE = (
    "CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, "
    "value BLOB NOT NULL ON CONFLICT FAIL)"
)


def write_local_storage(
    app_folder: Path, stores: Mapping[str, str], wal_only: Mapping[str, str] | None = None
) -> Path:
    """`<app folder>/localstorage/tauri_localhost_0.localstorage` holding these stores;
    the `wal_only` ones are committed to the `-wal` file and never checkpointed."""
    target = app_folder / LOCAL_STORAGE
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch) / target.name
        connection = sqlite3.connect(work, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA wal_autocheckpoint=0")
        connection.execute(ITEM_TABLE)
        _insert(connection, stores)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _insert(connection, wal_only or {})
        for suffix in ("", "-wal"):  # copied while open: closing would checkpoint the WAL
            shutil.copyfile(f"{work}{suffix}", f"{target}{suffix}")
        connection.close()
    return target


def _insert(connection: sqlite3.Connection, stores: Mapping[str, str]) -> None:
    for key, text in stores.items():
        connection.execute(
            "INSERT INTO ItemTable (key, value) VALUES (?, ?)", (key, text.encode("utf-16-le"))
        )

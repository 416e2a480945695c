"""Model providers an app has configured (remote APIs), read from its settings files.

The knowledge base names the files (`[[provider_file]]`); their layouts are Jan's:

- `settings-store` (Jan 0.8.4+; janhq/jan: src-tauri/src/core/app/settings_store.rs): a
  JSON object of saved stores whose values are JSON strings. The `entry` store is
  zustand's `{"state": {"providers": [...], "selectedProvider": "..."}, "version": N}`
  (web-app/src/hooks/useModelProvider.ts). A provider has `provider`, `active`,
  `base_url`, `api_key`, `api_key_fallbacks` and `settings` entries `api-key`,
  `api-key-fallbacks` and `base-url` holding `controller_props.value`
  (web-app/src/constants/providers.ts). Jan strips the keys before writing them (they
  live in the OS keyring); a key found in the file anyway counts as set. A provider
  without a base URL runs inside the app (llama.cpp, MLX).
- `extension-settings` (Electron-era Jan; core/src/browser/extension.ts): a JSON list of
  `{key, controllerProps: {value}}`; a remote extension has `<provider>-api-key` and
  `chat-completions-endpoint` (extensions/inference-openai-extension).

Files are looked for at the knowledge base's paths and, for a provider file with an
`override_file`, under each folder that location file names (a moved Jan data folder).
Of a URL only the host is kept, of a key only whether it is empty: neither ever leaves
this module.
"""

from __future__ import annotations

import dataclasses
import json
from urllib.parse import urlsplit

from localproof.collect.fsroot import AuditRoot, describe_error
from localproof.collect.locations import MovedFolder, home_matches, under
from localproof.facts import FileKind
from localproof.facts.settings import ConfiguredProvider, KeyState, ProviderSettings
from localproof.kb import ProviderFile, Tool

MAX_PROVIDER_FILE = 8 << 20  # Jan's settings store holds every saved store, models included
MAX_MATCHES = 200
MAX_NAME = 80
API_KEY_SUFFIX = "-api-key"
ENDPOINT_SETTING = "chat-completions-endpoint"
KEY_SETTINGS = ("api-key", "api-key-fallbacks")


class LayoutError(ValueError):
    """A settings file that parses as JSON but is not laid out as the app writes it."""


def read_provider_settings(
    root: AuditRoot,
    tools: dict[str, Tool],
    homes: list[tuple[str, str]],
    moved: tuple[MovedFolder, ...] = (),
) -> tuple[ProviderSettings, ...]:
    found: list[ProviderSettings] = []
    seen: set[str] = set()
    for tool in tools.values():
        for spec in tool.provider_files:
            places = _candidates(root, spec, homes) + _moved(root, tool, spec, moved)
            for path, owner in places:
                if path not in seen:
                    seen.add(path)
                    found.append(_read(root, tool.slug, spec, path, owner))
    return tuple(found)


def _candidates(
    root: AuditRoot, spec: ProviderFile, homes: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    return home_matches(root, spec.paths, homes, MAX_MATCHES)


def _moved(
    root: AuditRoot, tool: Tool, spec: ProviderFile, moved: tuple[MovedFolder, ...]
) -> list[tuple[str, str]]:
    places: list[tuple[str, str]] = []
    for folder in moved:
        if folder.tool == tool.slug and folder.location == spec.override_file:
            pattern = under(folder.folder, spec.override_path)
            places += [(path, folder.owner) for path in root.glob(pattern, MAX_MATCHES)]
    return places


def _read(
    root: AuditRoot, slug: str, spec: ProviderFile, path: str, owner: str
) -> ProviderSettings:
    base = ProviderSettings(slug, path, owner, spec.keys, spec.disable)
    try:
        providers = _parse(json.loads(_text(root, path)), spec)
    except OSError as error:
        return dataclasses.replace(base, error=describe_error(error))
    except LayoutError as error:
        return dataclasses.replace(base, error=str(error))
    except (ValueError, RecursionError):
        return dataclasses.replace(base, error="not valid JSON")
    return dataclasses.replace(base, providers=providers)


def _text(root: AuditRoot, path: str) -> str:
    """The file's text. A path that is no regular file or is too large to read raises
    LayoutError with the reason; a read that fails raises OSError."""
    info = root.stat(path)
    if info.error:
        raise LayoutError(info.error)
    if info.kind is not FileKind.FILE:
        raise LayoutError("not a regular file")
    if info.size > MAX_PROVIDER_FILE:
        raise LayoutError(f"larger than {MAX_PROVIDER_FILE >> 20} MiB, not read")
    return root.read_text(path, MAX_PROVIDER_FILE)


def _parse(data: object, spec: ProviderFile) -> tuple[ConfiguredProvider, ...]:
    if spec.format == "settings-store":
        return _settings_store(data, spec)
    return _extension_settings(data, spec)


def _settings_store(data: object, spec: ProviderFile) -> tuple[ConfiguredProvider, ...]:
    if not isinstance(data, dict):
        raise LayoutError("not a JSON object of saved settings")
    blob = data.get(spec.entry or "")
    if blob is None:
        note = f": {spec.if_missing}" if spec.if_missing else ""
        raise LayoutError(f"no {spec.entry!r} entry{note}")
    try:
        store = json.loads(blob) if isinstance(blob, str) else blob
    except (ValueError, RecursionError):
        raise LayoutError(f"the {spec.entry!r} entry is not valid JSON") from None
    state = store.get("state") if isinstance(store, dict) else None
    items = state.get("providers") if isinstance(state, dict) else None
    if not isinstance(state, dict) or not isinstance(items, list):
        raise LayoutError(f"the {spec.entry!r} entry holds no list of providers")
    selected = state.get("selectedProvider")
    providers = (_store_provider(item, selected, spec) for item in items)
    return tuple(provider for provider in providers if provider is not None)


def _store_provider(
    item: object, selected: object, spec: ProviderFile
) -> ConfiguredProvider | None:
    if not isinstance(item, dict) or not isinstance(item.get("provider"), str):
        return None
    settings = _store_settings(item.get("settings"))
    host = _host(item.get("base_url")) or _host(settings.get("base-url"))
    if host is None:
        return None  # no URL to send anything to: an engine inside the app
    keys = [item.get("api_key"), settings.get("api-key"), settings.get("api-key-fallbacks")]
    fallbacks = item.get("api_key_fallbacks")
    keys += fallbacks if isinstance(fallbacks, list) else []
    name = str(item["provider"])[:MAX_NAME]
    return ConfiguredProvider(
        name=name,
        host=host,
        active=item.get("active") is not False,
        key=_key_state(keys, spec),
        selected=name == selected,
    )


def _store_settings(settings: object) -> dict[str, object]:
    values: dict[str, object] = {}
    for setting in settings if isinstance(settings, list) else []:
        props = setting.get("controller_props") if isinstance(setting, dict) else None
        if isinstance(props, dict) and isinstance(setting.get("key"), str):
            values[setting["key"]] = props.get("value")
    return values


def _extension_settings(data: object, spec: ProviderFile) -> tuple[ConfiguredProvider, ...]:
    if not isinstance(data, list):
        raise LayoutError("not a JSON list of extension settings")
    values: dict[str, object] = {}
    for setting in data:
        props = setting.get("controllerProps") if isinstance(setting, dict) else None
        if isinstance(props, dict) and isinstance(setting.get("key"), str):
            values[setting["key"]] = props.get("value")
    host = _host(values.get(ENDPOINT_SETTING))
    return tuple(
        ConfiguredProvider(
            name=key[: -len(API_KEY_SUFFIX)][:MAX_NAME],
            host=host,
            active=True,
            key=_key_state([value], spec),
        )
        for key, value in values.items()
        if key.endswith(API_KEY_SUFFIX)
    )


def _key_state(values: list[object], spec: ProviderFile) -> KeyState:
    for value in values:
        text = value.strip() if isinstance(value, str) else ""
        if text and text not in spec.no_key:
            return KeyState.SET
    return KeyState.ELSEWHERE if spec.keys == "os-keyring" else KeyState.NONE


def _host(url: object) -> str | None:
    """The host of a URL (lower case), or None when there is none to be found."""
    if not isinstance(url, str) or not url.strip():
        return None
    text = url.strip()
    try:
        host = urlsplit(text if "://" in text else f"//{text}").hostname
    except ValueError:  # a malformed IPv6 literal
        return None
    return host or None

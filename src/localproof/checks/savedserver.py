"""An app's API server as its saved settings describe it (Jan 0.8.4+'s local API server).

A listener whose address is set by a `setting` bind knob with a known place in the file
(`saved_as`) is described by each of the tool's settings files: the host and port it
binds when started, and whether it starts when the app opens (the listener's `started_by`
setting). Unset settings take the knowledge base's defaults. Exposure judges the address;
auth and permissions judge the API key and the other secrets written beside it. Only
hosts, ports, setting names and store names leave this module, never a setting that may
be a secret.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from localproof.checks.netaddr import bind_host, scope
from localproof.discover import Instance
from localproof.facts import Facts, StoreFile
from localproof.facts.settings import SettingsFile
from localproof.kb import BindKnob, Listener, Tool
from localproof.kb.settingpath import parse_setting_path

TRUE = "true"


@dataclass(frozen=True)
class SavedServer:
    """One settings file's view of one listener; `reason` says why it cannot tell."""

    settings: SettingsFile
    listener: Listener
    host_knob: str
    host: str
    port: int
    host_saved: bool  # False: the default address applies
    autostart: bool | None  # None: the listener runs whenever the app runs
    store: str | None  # the saved store holding the address (Jan: setting-local-api-server)
    reason: str | None = None

    @property
    def where(self) -> str:
        return self.settings.path

    @property
    def scope(self) -> str:
        return scope(self.host)

    @property
    def endpoint(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def address(self) -> str:
        """How the file sets the address: `setting-local-api-server store: serverHost ...`."""
        prefix = f"{self.store} store: " if self.store else ""
        if self.host_saved:
            return f"{prefix}{self.host_knob} binds the server to {self.endpoint} ({self.scope})"
        return (
            f"{prefix}{self.host_knob} not set: the server binds to the default "
            f"{self.endpoint} ({self.scope})"
        )

    def start(self) -> str | None:
        """Whether it starts with the app, said plainly; None when that does not apply."""
        knob = self.listener.started_by
        if self.autostart is None or knob is None:
            return None
        if self.autostart:
            return f"{knob} is on: the server starts whenever the app opens"
        return f"{knob} is off: the server does not start with the app, only when started by hand"


def store_name(saved_as: str | None) -> str | None:
    """The saved store a setting path points into (`store::state.key` -> `store`)."""
    if saved_as is None:
        return None
    layers = parse_setting_path(saved_as).layers
    return ".".join(layers[0]) if len(layers) > 1 else None


def saved_servers(instance: Instance, facts: Facts) -> Iterator[SavedServer]:
    tool = instance.tool
    for settings in facts.settings:
        if settings.tool != tool.slug:
            continue
        for listener in tool.listeners:
            knobs = [k for k in tool.bind_knobs if k.kind == "setting" and k.port == listener.port]
            # only an address whose place in the file is known (`saved_as`) can be judged
            hosts = [k for k in knobs if k.syntax != "port" and k.saved_as is not None]
            if hosts:
                ports = [k for k in knobs if k.syntax == "port"]
                yield _server(tool, settings, listener, hosts[0], ports)


def _server(
    tool: Tool,
    settings: SettingsFile,
    listener: Listener,
    host_knob: BindKnob,
    port_knobs: list[BindKnob],
) -> SavedServer:
    values = settings.values
    saved = values.get(host_knob.name)
    host = listener.default_bind
    if saved is not None:
        host = bind_host(saved, host_knob.syntax, listener.default_bind) or host
    port = next((p for k in port_knobs if (p := _port(values.get(k.name))) is not None), None)
    server = SavedServer(
        settings=settings,
        listener=listener,
        host_knob=host_knob.name,
        host=host,
        port=port or listener.port,
        host_saved=saved is not None,
        autostart=_autostart(tool, listener, values),
        store=store_name(host_knob.saved_as),
    )
    names = [host_knob.name, *(k.name for k in port_knobs), listener.started_by]
    reasons = [settings.unreadable[name] for name in names if name in settings.unreadable]
    if settings.error or reasons:
        reason = settings.error or "; ".join(dict.fromkeys(reasons))
        return dataclasses.replace(server, reason=f"{settings.path} ({reason})")
    return server


def _port(value: str | None) -> int | None:
    try:
        port = int(value) if value is not None else None
    except ValueError:
        return None
    return port if port is not None and 1 <= port <= 65535 else None


def _autostart(tool: Tool, listener: Listener, values: dict[str, str]) -> bool | None:
    if listener.started_by is None:
        return None
    knob = tool.knob(listener.started_by)
    value = values.get(listener.started_by, knob.default if knob else None)
    return (value or "").strip().lower() == TRUE


def settings_store(instance: Instance, settings: SettingsFile) -> StoreFile | None:
    """The store record of a settings file: its mode and owner as found on disk."""
    return next((s for s in instance.stores if s.file.path == settings.path), None)

"""The knowledge base: third-party local AI tools described as data.

One TOML file per tool under `kb/tools/`. The loader is strict: an unknown key, a missing
source or a missing checked-against version is an error, so that every claim the audit
relies on can be traced to the upstream file or document it came from.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from localproof.kb.schema import KBError, Table, read_table
from localproof.kb.settingpath import parse_setting_path

TOOL_SLUGS = (
    "ollama",
    "open-webui",
    "lm-studio",
    "gpt4all",
    "localai",
    "jan",
    "llama-cpp",
    "text-generation-webui",
    "vllm",
    "anythingllm",
    "koboldcpp",
    "librechat",
)

T = TypeVar("T")

__all__ = [
    "TOOL_SLUGS",
    "BindKnob",
    "Claim",
    "ContainerImage",
    "Credential",
    "Endpoint",
    "KBError",
    "Knob",
    "Library",
    "Listener",
    "LocationFile",
    "Outbound",
    "Probe",
    "ProcessPattern",
    "ProviderFile",
    "SecretSetting",
    "Store",
    "Tool",
    "Witnessed",
    "load_kb",
    "load_libraries",
    "parse_tool",
]


@dataclass(frozen=True)
class Claim:
    """Where a fact comes from: `owner/repo: path` or a documentation URL, and the
    version (or date) it was checked against; `vendor_statement` marks a claim about
    closed source that can only be trusted, not audited."""

    source: str
    checked: str
    vendor_statement: bool


@dataclass(frozen=True)
class ProcessPattern:
    names: tuple[str, ...]  # argv[0] basename, comm, or python module (`-m name`)
    args: tuple[str, ...]  # each must appear among the arguments
    role: str
    claim: Claim

    def matches(self, cmdline: tuple[str, ...], comm: str) -> bool:
        if not self._name_matches(cmdline, comm):
            return False
        rest = cmdline[1:]
        return all(arg in rest for arg in self.args)

    def _name_matches(self, cmdline: tuple[str, ...], comm: str) -> bool:
        if comm in self.names:
            return True
        for position, arg in enumerate(cmdline[:3]):
            base = arg.rsplit("/", 1)[-1]
            if base in self.names:
                return True
            if arg == "-m" and position + 1 < len(cmdline) and cmdline[position + 1] in self.names:
                return True
        return False


@dataclass(frozen=True)
class Listener:
    port: int
    proto: str
    default_bind: str
    purpose: str
    auth: str  # none | optional | required
    claim: Claim
    started_by: str | None = None  # the setting that starts it when the app opens, if any


@dataclass(frozen=True)
class Probe:
    """A harmless read-only request that shows a listener answers (e.g. its version)."""

    port: int
    path: str
    claim: Claim


@dataclass(frozen=True)
class BindKnob:
    """A setting that changes where a listener binds: env var, command-line flag or setting."""

    kind: str  # env | flag | setting
    name: str
    syntax: str  # host | port | host-port | url
    port: int  # the default listener it moves
    claim: Claim
    saved_as: str | None = None  # a setting's path in its settings file (kb.settingpath)


@dataclass(frozen=True)
class Knob:
    """A privacy-relevant setting and which of its values are safe.

    Values are compared case-insensitively; an unset knob takes `default`.
    """

    kind: str  # env | flag | setting
    name: str
    category: str
    default: str | None
    safe: tuple[str, ...]
    meaning: str
    claim: Claim
    group: str | None = None  # knobs of one group are alternative off switches
    # env: the key under which the app saves it in its own database; setting: its path in
    # the settings file (`entry::state.key`, see kb.settingpath), else the key is `name`
    saved_as: str | None = None
    when_unset: str = "default"  # "ignore": an unset knob says nothing (the app decides)

    @property
    def group_name(self) -> str:
        return self.group or self.name

    def is_safe(self, value: str | None) -> bool:
        effective = self.default if value is None else value
        if effective is None:
            return False
        return effective.strip().lower() in self.safe


@dataclass(frozen=True)
class Credential:
    """A setting that turns on authentication for a listener (an API key, a token)."""

    kind: str  # env | flag | setting
    name: str
    claim: Claim
    saved_as: str | None = None  # a setting's path in its settings file (kb.settingpath)


@dataclass(frozen=True)
class SecretSetting:
    """A setting the app writes in plain text into its settings file (a password, a
    token) that is not a credential of its own listeners. Only whether it is set is ever
    read, never its value."""

    name: str
    saved_as: str  # its path in the settings file (kb.settingpath)
    meaning: str
    claim: Claim


@dataclass(frozen=True)
class LocationFile:
    """A file where an app records the folder it keeps its data in (Jan's app
    configuration: `{"data_folder": "..."}`). Stores and provider files with this
    `override_file` are also looked for under that folder, at their `override_path`."""

    id: str
    format: str  # json: `key` is a top-level key holding an absolute path
    key: str
    paths: tuple[str, ...]
    description: str
    claim: Claim


@dataclass(frozen=True)
class Endpoint:
    """A setting holding the URLs of remote model connections (OpenAI-compatible APIs).

    `names` are the variables in order of preference; `default` applies when none is set;
    `enabled_by` names the knob that turns the connections on or off."""

    names: tuple[str, ...]
    separator: str
    default: str
    saved_as: str | None
    enabled_by: str | None
    purpose: str
    claim: Claim


@dataclass(frozen=True)
class Store:
    """Where a tool keeps data: paths on the host (`{home}` per user, `*` globs) and,
    for containerised installs, paths inside the container."""

    kind: str  # conversations | history | settings | secrets | models | uploads | vectors | logs
    format: str
    paths: tuple[str, ...]
    container_paths: tuple[str, ...]
    os: str
    install: str
    description: str
    claim: Claim
    override_env: str | None = None  # env var that moves the store (DATA_DIR, OLLAMA_MODELS)
    override_file: str | None = None  # the id of a location file that moves it
    override_path: str = ""  # the store's path under the override's directory

    @property
    def holds_conversations(self) -> bool:
        return self.kind in {"conversations", "history", "uploads", "vectors"}


@dataclass(frozen=True)
class ProviderFile:
    """A file where an app keeps its model providers (remote APIs and their keys).

    `format` names the reader for its layout; `entry` is the key that holds the providers
    when the file is a map of several saved stores; `keys` says whether API keys are kept
    in the file or elsewhere (the OS keyring); `no_key` lists values that stand for an
    empty key (a placeholder the app writes by default); `disable` is how to turn a
    provider off in the app; `if_missing` explains a user of the app without the file."""

    format: str  # settings-store | extension-settings
    paths: tuple[str, ...]
    entry: str | None
    keys: str  # file | os-keyring
    no_key: tuple[str, ...]
    disable: str
    description: str
    claim: Claim
    if_missing: str | None = None
    override_file: str | None = None  # the id of a location file that moves it
    override_path: str = ""  # its path under the folder that file names


@dataclass(frozen=True)
class ContainerImage:
    images: tuple[str, ...]  # repository names without tag
    data_path: str
    claim: Claim

    def matches(self, image: str) -> bool:
        repository = image.split("@", 1)[0]
        if ":" in repository.rsplit("/", 1)[-1]:
            repository = repository.rsplit(":", 1)[0]
        return repository in self.images


@dataclass(frozen=True)
class Outbound:
    id: str
    category: str  # telemetry | update-check | cloud | download
    purpose: str
    hosts: tuple[str, ...]
    sends: str
    default: str  # on | off | on-demand
    disable: str
    claim: Claim


@dataclass(frozen=True)
class Tool:
    slug: str
    name: str
    vendor: str
    license: str
    openness: str  # open-source | source-available | closed-source
    homepage: str
    summary: str
    processes: tuple[ProcessPattern, ...]
    listeners: tuple[Listener, ...]
    probes: tuple[Probe, ...]
    bind_knobs: tuple[BindKnob, ...]
    credentials: tuple[Credential, ...]
    endpoints: tuple[Endpoint, ...]
    knobs: tuple[Knob, ...]
    stores: tuple[Store, ...]
    containers: tuple[ContainerImage, ...]
    units: tuple[str, ...]
    outbound: tuple[Outbound, ...]
    libraries: tuple[str, ...]
    python_packages: tuple[str, ...]
    claim: Claim
    provider_files: tuple[ProviderFile, ...] = ()
    secret_settings: tuple[SecretSetting, ...] = ()
    location_files: tuple[LocationFile, ...] = ()

    def listener(self, port: int) -> Listener | None:
        return next((item for item in self.listeners if item.port == port), None)

    def knob(self, name: str) -> Knob | None:
        return next((item for item in self.knobs if item.name == name), None)

    def runs_as(self, cmdline: tuple[str, ...], comm: str) -> bool:
        return any(pattern.matches(cmdline, comm) for pattern in self.processes)

    def runs_unit(self, name: str, exec_start: tuple[str, ...]) -> bool:
        """A systemd unit of this tool: a known unit name, or an ExecStart= that runs it."""
        if name in self.units:
            return True
        for line in exec_start:
            argv = tuple(line.lstrip("-@:+!").split())
            if argv and self.runs_as(argv, ""):
                return True
        return False


def _claim(table: Table, default: Claim | None = None) -> Claim:
    source = table.text("source", default.source if default else None)
    checked = table.text("checked", default.checked if default else None)
    vendor = table.flag("vendor_statement", default.vendor_statement if default else False)
    return Claim(source=source, checked=checked, vendor_statement=vendor)


def _process(table: Table, top: Claim) -> ProcessPattern:
    return ProcessPattern(
        names=table.texts("names"),
        args=table.texts("args", ()),
        role=table.text("role"),
        claim=_claim(table, top),
    )


def _listener(table: Table, top: Claim) -> Listener:
    return Listener(
        port=table.integer("port"),
        proto=table.choice("proto", ("tcp", "udp"), "tcp"),
        default_bind=table.text("default_bind"),
        purpose=table.text("purpose"),
        auth=table.choice("auth", ("none", "optional", "required")),
        claim=_claim(table, top),
        started_by=table.optional_text("started_by"),
    )


def _probe(table: Table, top: Claim) -> Probe:
    path = table.text("path")
    if not path.startswith("/"):
        raise KBError(f"probe path {path!r} must start with /")
    return Probe(port=table.integer("port"), path=path, claim=_claim(table, top))


def _saved_as(table: Table, kind: str) -> str | None:
    """`saved_as`, which for a setting must be a path into its settings file."""
    saved_as = table.optional_text("saved_as")
    if saved_as is not None and kind == "setting":
        try:
            parse_setting_path(saved_as)
        except KBError as error:
            raise KBError(f"{table.origin}: {error}") from None
    return saved_as


def _bind_knob(table: Table, top: Claim) -> BindKnob:
    kind = table.choice("kind", ("env", "flag", "setting"))
    return BindKnob(
        kind=kind,
        name=table.text("name"),
        syntax=table.choice("syntax", ("host", "port", "host-port", "url")),
        port=table.integer("port"),
        claim=_claim(table, top),
        saved_as=_saved_as(table, kind),
    )


def _credential(table: Table, top: Claim) -> Credential:
    kind = table.choice("kind", ("env", "flag", "setting"))
    return Credential(
        kind=kind,
        name=table.text("name"),
        claim=_claim(table, top),
        saved_as=_saved_as(table, kind),
    )


def _secret_setting(table: Table, top: Claim) -> SecretSetting:
    return SecretSetting(
        name=table.text("name"),
        saved_as=_saved_as(table, "setting") or table.text("saved_as"),
        meaning=table.text("meaning"),
        claim=_claim(table, top),
    )


def _location_file(table: Table, top: Claim) -> LocationFile:
    return LocationFile(
        id=table.text("id"),
        format=table.choice("format", ("json",)),
        key=table.text("key"),
        paths=table.texts("paths"),
        description=table.text("description"),
        claim=_claim(table, top),
    )


def _endpoint(table: Table, top: Claim) -> Endpoint:
    return Endpoint(
        names=table.texts("names"),
        separator=table.text("separator", ";"),
        default=table.text("default"),
        saved_as=table.optional_text("saved_as"),
        enabled_by=table.optional_text("enabled_by"),
        purpose=table.text("purpose"),
        claim=_claim(table, top),
    )


def _knob(table: Table, top: Claim) -> Knob:
    default = table.optional_text("default")
    kind = table.choice("kind", ("env", "flag", "setting"))
    return Knob(
        kind=kind,
        name=table.text("name"),
        category=table.text("category"),
        default=default,
        safe=tuple(value.lower() for value in table.texts("safe", allow_empty=True)),
        meaning=table.text("meaning"),
        claim=_claim(table, top),
        group=table.optional_text("group"),
        when_unset=table.choice("when_unset", ("default", "ignore"), "default"),
        saved_as=_saved_as(table, kind),
    )


def _store(table: Table, top: Claim) -> Store:
    return Store(
        kind=table.choice(
            "kind",
            (
                "conversations",
                "history",
                "settings",
                "secrets",
                "models",
                "uploads",
                "vectors",
                "logs",
                "cache",
            ),
        ),
        format=table.text("format"),
        paths=table.texts("paths", ()),
        container_paths=table.texts("container_paths", ()),
        os=table.choice("os", ("linux", "macos", "windows", "any"), "any"),
        install=table.text("install", "any"),
        description=table.text("description"),
        claim=_claim(table, top),
        override_env=table.optional_text("override_env"),
        override_file=table.optional_text("override_file"),
        override_path=table.optional_text("override_path") or "",
    )


def _provider_file(table: Table, top: Claim) -> ProviderFile:
    file_format = table.choice("format", ("settings-store", "extension-settings"))
    entry = table.optional_text("entry")
    if (file_format == "settings-store") != bool(entry):
        raise KBError("provider_file: 'entry' is required by, and only by, settings-store")
    return ProviderFile(
        format=file_format,
        paths=table.texts("paths"),
        entry=entry,
        keys=table.choice("keys", ("file", "os-keyring")),
        no_key=table.texts("no_key", ()),
        disable=table.text("disable"),
        description=table.text("description"),
        claim=_claim(table, top),
        if_missing=table.optional_text("if_missing"),
        override_file=table.optional_text("override_file"),
        override_path=table.optional_text("override_path") or "",
    )


def _container(table: Table, top: Claim) -> ContainerImage:
    return ContainerImage(
        images=table.texts("images"),
        data_path=table.text("data_path"),
        claim=_claim(table, top),
    )


def _outbound(table: Table, top: Claim) -> Outbound:
    return Outbound(
        id=table.text("id"),
        category=table.choice("category", ("telemetry", "update-check", "cloud", "download")),
        purpose=table.text("purpose"),
        hosts=table.texts("hosts"),
        sends=table.text("sends"),
        default=table.choice("default", ("on", "off", "on-demand")),
        disable=table.text("disable"),
        claim=_claim(table, top),
    )


def _each(table: Table, key: str, build: Callable[[Table, Claim], T], top: Claim) -> tuple[T, ...]:
    items = []
    for sub in table.tables(key):
        items.append(build(sub, top))
        sub.finish()
    return tuple(items)


def parse_tool(data: dict[str, Any], origin: str) -> Tool:
    """Build a `Tool` from one parsed TOML document, rejecting anything unexpected."""
    table = read_table(data, origin)
    top = _claim(table)
    tool = Tool(
        slug=table.text("slug"),
        name=table.text("name"),
        vendor=table.text("vendor"),
        license=table.text("license"),
        openness=table.choice("openness", ("open-source", "source-available", "closed-source")),
        homepage=table.text("homepage"),
        summary=table.text("summary"),
        processes=_each(table, "process", _process, top),
        listeners=_each(table, "listener", _listener, top),
        probes=_each(table, "probe", _probe, top),
        bind_knobs=_each(table, "bind_knob", _bind_knob, top),
        credentials=_each(table, "credential", _credential, top),
        endpoints=_each(table, "endpoint", _endpoint, top),
        knobs=_each(table, "knob", _knob, top),
        stores=_each(table, "store", _store, top),
        containers=_each(table, "container", _container, top),
        units=table.texts("units", ()),
        outbound=_each(table, "outbound", _outbound, top),
        libraries=table.texts("libraries", ()),
        python_packages=table.texts("python_packages", ()),
        claim=top,
        provider_files=_each(table, "provider_file", _provider_file, top),
        secret_settings=_each(table, "secret_setting", _secret_setting, top),
        location_files=_each(table, "location_file", _location_file, top),
    )
    table.finish()
    if tool.slug not in TOOL_SLUGS:
        raise KBError(f"{origin}: unknown tool slug {tool.slug!r}")
    _check_references(tool, origin)
    return tool


def _check_references(tool: Tool, origin: str) -> None:
    """Names one table uses for another must exist: a listener's `started_by` setting
    knob, and the location file a store or provider file is moved by."""
    for listener in tool.listeners:
        knob = tool.knob(listener.started_by) if listener.started_by else None
        if listener.started_by and (knob is None or knob.kind != "setting"):
            raise KBError(f"{origin}: started_by {listener.started_by!r} is no setting knob")
    ids = {item.id for item in tool.location_files}
    moves = [(s.override_file, s.override_path) for s in tool.stores]
    moves += [(p.override_file, p.override_path) for p in tool.provider_files]
    for location, path in moves:
        if location is not None and location not in ids:
            raise KBError(f"{origin}: override_file {location!r} is no location file")
        if location is not None and not path:
            raise KBError(f"{origin}: override_file needs an override_path")


@cache
def load_kb() -> dict[str, Tool]:
    """All tools in the packaged knowledge base, by slug."""
    tools: dict[str, Tool] = {}
    folder = resources.files("localproof.kb") / "tools"
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        tool = parse_tool(data, entry.name)
        if entry.name != f"{tool.slug}.toml":
            raise KBError(f"{entry.name}: file name must be {tool.slug}.toml")
        tools[tool.slug] = tool
    return tools


@dataclass(frozen=True)
class Witnessed:
    """A claim confirmed by a `localproof witness` run: which outbound calls were seen (or
    that none were, with `setting` applied), for which version, on which date."""

    outbound: tuple[str, ...]  # ids of the entry's outbound calls that were observed
    version: str
    date: str
    setting: str  # the setting in force, or "defaults"
    result: str  # contacted | offline
    command: str


@dataclass(frozen=True)
class Library:
    """A library many programs embed, with privacy knobs of its own (kb/libraries/)."""

    name: str
    summary: str
    knobs: tuple[Knob, ...]
    outbound: tuple[Outbound, ...]
    claim: Claim
    witnessed: tuple[Witnessed, ...] = ()


def _witnessed(table: Table, _top: Claim) -> Witnessed:
    return Witnessed(
        outbound=table.texts("outbound", ()),
        version=table.text("version"),
        date=table.text("date"),
        setting=table.text("setting", "defaults"),
        result=table.choice("result", ("contacted", "offline")),
        command=table.text("command"),
    )


def parse_library(data: dict[str, Any], origin: str) -> Library:
    table = read_table(data, origin)
    top = _claim(table)
    library = Library(
        name=table.text("name"),
        summary=table.text("summary"),
        knobs=_each(table, "knob", _knob, top),
        outbound=_each(table, "outbound", _outbound, top),
        claim=top,
        witnessed=_each(table, "witnessed", _witnessed, top),
    )
    table.finish()
    ids = {o.id for o in library.outbound}
    for run in library.witnessed:
        if set(run.outbound) - ids or (run.result == "contacted") != bool(run.outbound):
            raise KBError(f"{origin}: a witnessed run names unknown or no outbound calls")
    return library


@cache
def load_libraries() -> dict[str, Library]:
    """Libraries in the packaged knowledge base, by name."""
    libraries: dict[str, Library] = {}
    folder = resources.files("localproof.kb") / "libraries"
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".toml"):
            library = parse_library(tomllib.loads(entry.read_text(encoding="utf-8")), entry.name)
            if entry.name != f"{library.name}.toml":
                raise KBError(f"{entry.name}: file name must be {library.name}.toml")
            libraries[library.name] = library
    return libraries

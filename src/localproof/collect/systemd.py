"""systemd service units and their drop-ins, as systemd merges them.

Search order and drop-in rules follow systemd.unit(5): a unit in /etc overrides the same
name in /run and /usr/lib; `<unit>.d/*.conf` drop-ins from every directory apply in
file-name order. Environment= and ExecStart= syntax follows systemd.exec(5) and
systemd.service(5): an empty assignment resets the list.
"""

from __future__ import annotations

import shlex

from localproof.collect.fsroot import AuditRoot, describe_error
from localproof.facts import Problem, SystemdUnit

SYSTEM_DIRS = (
    "/etc/systemd/system",
    "/run/systemd/system",
    "/usr/local/lib/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
)
USER_DIR = ".config/systemd/user"
MAX_UNITS = 5_000


class _UnitState:
    def __init__(self) -> None:
        self.environment: dict[str, str] = {}
        self.sources: dict[str, str] = {}
        self.environment_files: list[str] = []
        self.exec_start: list[str] = []
        self.user: str | None = None
        self.limit_core: tuple[str, str] | None = None  # (value, file that set it)

    def apply(self, path: str, text: str) -> None:
        section = ""
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1]
                continue
            key, sep, value = line.partition("=")
            if sep and section == "Service":
                self._assign(path, key.strip(), value.strip())

    def _assign(self, path: str, key: str, value: str) -> None:
        if key == "Environment":
            self._environment(path, value)
        elif key == "EnvironmentFile":
            if value:
                self.environment_files.append(value.lstrip("-"))
            else:
                self.environment_files.clear()
        elif key == "ExecStart":
            if value:
                self.exec_start.append(value)
            else:
                self.exec_start.clear()
        elif key == "User":
            self.user = value or None
        elif key == "LimitCORE":
            self.limit_core = (value, path) if value else None

    def _environment(self, path: str, value: str) -> None:
        if not value:
            self.environment.clear()
            self.sources.clear()
            return
        try:
            words = shlex.split(value)
        except ValueError:
            words = value.split()
        for word in words:
            name, sep, setting = word.partition("=")
            if sep:
                self.environment[name] = setting
                self.sources[name] = path


def read_units(root: AuditRoot, homes: list[str]) -> tuple[tuple[SystemdUnit, ...], list[Problem]]:
    directories = list(SYSTEM_DIRS) + [f"{home.rstrip('/')}/{USER_DIR}" for home in homes]
    found: dict[str, str] = {}
    dropins: dict[str, list[str]] = {}
    for directory in directories:
        try:
            names = root.listdir(directory)
        except OSError:
            continue
        for name in names[:MAX_UNITS]:
            if name.endswith(".service") and _masked(root, f"{directory}/{name}"):
                found.setdefault(name, "")
            elif name.endswith(".service"):
                found.setdefault(name, f"{directory}/{name}")
            elif name.endswith(".service.d"):
                dropins.setdefault(name[:-2], []).extend(_conf_files(root, f"{directory}/{name}"))
    units: list[SystemdUnit] = []
    problems: list[Problem] = []
    for name, path in sorted(found.items()):
        if not path:
            continue
        unit = _load_unit(root, name, path, dropins.get(name, []), problems)
        if unit is not None:
            units.append(unit)
    return tuple(units), problems


def _masked(root: AuditRoot, path: str) -> bool:
    """A unit linked to /dev/null is masked: systemd ignores it (systemctl(1) `mask`)."""
    try:
        return root.resolve(path) == "/dev/null"
    except OSError:
        return False


def _conf_files(root: AuditRoot, directory: str) -> list[str]:
    try:
        return [f"{directory}/{n}" for n in root.listdir(directory) if n.endswith(".conf")]
    except OSError:
        return []


def _load_unit(
    root: AuditRoot, name: str, path: str, dropins: list[str], problems: list[Problem]
) -> SystemdUnit | None:
    state = _UnitState()
    ordered = sorted(dropins, key=lambda p: p.rsplit("/", 1)[-1])
    for source in [path, *ordered]:
        try:
            state.apply(source, root.read_text(source, 1 << 20))
        except OSError as error:
            problems.append(Problem(source, describe_error(error)))
            if source == path:
                return None
    for env_file in state.environment_files:
        _apply_environment_file(root, state, env_file, problems)
    return SystemdUnit(
        name=name,
        path=path,
        dropins=tuple(ordered),
        exec_start=tuple(state.exec_start),
        user=state.user,
        environment=state.environment,
        environment_sources=state.sources,
        environment_files=tuple(state.environment_files),
        limit_core=state.limit_core,
    )


def _apply_environment_file(
    root: AuditRoot, state: _UnitState, path: str, problems: list[Problem]
) -> None:
    """EnvironmentFile= lines are KEY=VALUE; they override Environment= (systemd.exec(5))."""
    try:
        text = root.read_text(path, 1 << 20)
    except OSError as error:
        problems.append(Problem(path, describe_error(error)))
        return
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        name, sep, value = line.removeprefix("export ").partition("=")
        if sep:
            state.environment[name.strip()] = value.strip().strip("\"'")
            state.sources[name.strip()] = path

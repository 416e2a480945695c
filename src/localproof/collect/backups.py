"""Backup jobs from each client's own configuration, and whether their copies are encrypted.

Sources of each format:
- rsnapshot: `/etc/rsnapshot.conf`, fields separated by tabs (rsnapshot/rsnapshot
  rsnapshot.conf.default.in: "elements must be separated by tabs"); `snapshot_root`,
  `backup<TAB>SRC<TAB>DEST[<TAB>opts]`, `exclude<TAB>PATTERN`. Copies are plain files.
- Timeshift: `/etc/timeshift/timeshift.json` (`/etc/timeshift.json` before 20.x), keys
  `btrfs_mode`, `include_btrfs_home_for_backup`, `exclude` (rsync filter rules, "+ " to
  include). The rsync filter is the user's rules followed by `/root/**` and `/home/*/**`
  (linuxmint/timeshift src/Core/Main.vala add_default_exclude_entries,
  create_exclude_list_for_backup); older releases also had `+ /home/*/.**`, which
  kept hidden folders such as ~/.ollama (not modelled: the version is not read). Snapshots
  are not encrypted.
- borgmatic: `/etc/borgmatic/config.yaml`, `/etc/borgmatic.d/*.yaml`,
  `~/.config/borgmatic/config.yaml`, `~/.config/borgmatic.d/*.yaml`; `source_directories`,
  `repositories` (`- path: …` with optional `encryption: …`, or plain strings in old
  versions), `exclude_patterns` (borgmatic docs/reference/configuration).
- borg repositories: `<repo>/config` is an INI file whose `[repository]` section holds
  `id` and, in repokey mode, `key`; keyfile mode keeps `~/.config/borg/keys/*` starting
  `BORG_KEY <id>`; neither means `--encryption=none` (borg 1.x docs/usage/init.rst,
  src/borg/crypto/key.py).
- Déjà Dup: its GSettings keys in the user's dconf database (collect/dejadup.py, read
  with collect/gvdb.py), or in the Flatpak's GSettings keyfile (collect/gsettingskeyfile.py).
- Time Machine: `/Library/Preferences/com.apple.TimeMachine.plist` on a macOS disk
  (collect/timemachine.py).
"""

from __future__ import annotations

import configparser
import json
from collections.abc import Iterator

from localproof.collect import backupcommands, borgrepo, dejadup, timemachine
from localproof.collect.fsroot import AuditRoot, describe_error, resolve
from localproof.facts import SystemdUnit
from localproof.facts.residue import BackupJob

RSNAPSHOT_CONFIGS = ("/etc/rsnapshot.conf", "/usr/local/etc/rsnapshot.conf")
TIMESHIFT_CONFIGS = ("/etc/timeshift/timeshift.json", "/etc/timeshift.json")
TIMESHIFT_DEFAULT_EXCLUDES = ("/root/**", "/home/*/**")
BORGMATIC_SYSTEM = ("/etc/borgmatic/config.yaml", "/etc/borgmatic.d/*.yaml")
BORGMATIC_USER = (".config/borgmatic/config.yaml", ".config/borgmatic.d/*.yaml")


def read_backup_jobs(
    root: AuditRoot, homes: list[tuple[str, str]], units: tuple[SystemdUnit, ...]
) -> tuple[BackupJob, ...]:
    home_dirs = [home for _, home in homes]
    jobs: list[BackupJob] = []
    for path in RSNAPSHOT_CONFIGS:
        jobs.extend(_rsnapshot(root, path))
    for path in TIMESHIFT_CONFIGS:
        jobs.extend(_timeshift(root, path))
    patterns = list(BORGMATIC_SYSTEM) + [f"{h}/{p}" for h in home_dirs for p in BORGMATIC_USER]
    for pattern in patterns:
        for path in root.glob(pattern):
            jobs.extend(_borgmatic(root, path, home_dirs))
    for invocation in backupcommands.invocations(root, units, dict(homes)):
        jobs.extend(_command_job(root, invocation, home_dirs))
    jobs.extend(job for user, home in homes for job in dejadup.read_jobs(root, user, home))
    jobs.extend(timemachine.read_jobs(root))
    return tuple(jobs)


def _read(root: AuditRoot, path: str) -> str | None:
    if not root.stat(path).exists and root.stat(path).error is None:
        return None
    return root.read_text(path, 1 << 20)


def _rsnapshot(root: AuditRoot, path: str) -> Iterator[BackupJob]:
    try:
        text = _read(root, path)
    except OSError as error:
        yield BackupJob("rsnapshot", path, error=describe_error(error))
        return
    if text is None:
        return
    snapshot_root: str | None = None
    excludes: list[str] = []
    backups: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        key = fields[0].strip().split(" ", 1)[0]
        if key in ("backup", "snapshot_root", "exclude") and len(fields) < 2:
            reason = f"line {number} is not tab-separated (rsnapshot rejects it)"
            yield BackupJob("rsnapshot", path, error=reason)
            return
        values = [f for f in fields[1:] if f]
        if key == "snapshot_root" and values:
            snapshot_root = values[0]
        elif key == "exclude" and values:
            excludes.append(values[0])
        elif key == "backup" and values and values[0].startswith("/"):
            backups.append((number, values[0]))
    for number, source in backups:
        yield BackupJob(
            "rsnapshot",
            f"{path} line {number}",
            sources=(resolve(root, source),),
            excludes=tuple(excludes),
            encrypted=False,
            encryption_basis="rsnapshot keeps plain, unencrypted copies",
            destination=snapshot_root,
        )


def _timeshift(root: AuditRoot, path: str) -> Iterator[BackupJob]:
    try:
        text = _read(root, path)
        if text is None:
            return
        settings = json.loads(text)
        if not isinstance(settings, dict):
            raise TypeError
    except OSError as error:
        yield BackupJob("timeshift", path, error=describe_error(error))
        return
    except (ValueError, TypeError, RecursionError):
        yield BackupJob("timeshift", path, error="not a valid JSON settings object")
        return
    if not settings.get("backup_device_uuid") or settings.get("do_first_run") == "true":
        return  # never set up: no snapshot device chosen
    basis = "Timeshift snapshots are plain, unencrypted copies"
    if settings.get("btrfs_mode") == "true":
        with_home = settings.get("include_btrfs_home_for_backup") == "true"
        home_rule: tuple[str, ...] = () if with_home else ("/home/**",)
        yield BackupJob("timeshift", path, ("/",), home_rule, False, basis + " (btrfs)")
        return
    listed = settings.get("exclude")
    rules = tuple(str(e) for e in listed) if isinstance(listed, list) else ()
    # the user's rules come first, the home excludes after them (first match wins)
    yield BackupJob("timeshift", path, ("/",), rules + TIMESHIFT_DEFAULT_EXCLUDES, False, basis)


def _borgmatic(root: AuditRoot, path: str, homes: list[str]) -> Iterator[BackupJob]:
    try:
        text = root.read_text(path, 1 << 20)
    except OSError as error:
        yield BackupJob("borgmatic", path, error=describe_error(error))
        return
    lists = _yaml_lists(text, ("source_directories", "repositories", "exclude_patterns"))
    if lists is None:
        yield BackupJob("borgmatic", path, error="not YAML that localproof can read")
        return
    sources = tuple(resolve(root, s) for s in lists["source_directories"] if s.startswith("/"))
    for repository, declared in _repositories(lists["repositories"]):
        encrypted, basis = borg_encryption(root, repository, homes, declared)
        yield BackupJob(
            "borgmatic", path, sources, tuple(lists["exclude_patterns"]), encrypted, basis,
            destination=repository if repository.startswith("/") else None,
        )  # fmt: skip


def _repositories(items: list[str]) -> list[tuple[str, str | None]]:
    """`path: X` items (with a following `encryption: Y`) or plain repository strings."""
    repositories: list[tuple[str, str | None]] = []
    for item in items:
        key, sep, value = item.partition(": ")
        value = value.strip().strip("'\"")
        if not sep:
            repositories.append((item.strip("'\""), None))
        elif key == "path":
            repositories.append((value, None))
        elif key == "encryption" and repositories:
            repositories[-1] = (repositories[-1][0], value)
    return repositories


def _yaml_lists(text: str, keys: tuple[str, ...]) -> dict[str, list[str]] | None:
    """The block lists under `keys` anywhere in a simple YAML file, as raw item strings;
    keys of mapping items (`- path: x` then `  encryption: y`) become separate items."""
    found: dict[str, list[str]] = {key: [] for key in keys}
    current: str | None = None
    indent = -1
    for raw in text.splitlines():
        stripped = raw.split(" #", 1)[0].rstrip()
        if not stripped.strip() or stripped.lstrip().startswith("#"):
            continue
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            return None  # YAML forbids tabs in indentation
        level = len(stripped) - len(stripped.lstrip())
        body = stripped.strip()
        if current and level >= indent and (body.startswith("- ") or level > indent):
            found[current].append(body[2:].strip() if body.startswith("- ") else body)
            continue
        current = None
        key = body.rstrip(":")
        if body.endswith(":") and key in found:
            current, indent = key, level
    return found


def borg_encryption(
    root: AuditRoot, repository: str | None, homes: list[str], declared: str | None = None
) -> tuple[bool | None, str]:
    """Whether a borg repository is encrypted, from its config (local) or the declaration."""
    if repository and repository.startswith("/"):
        try:
            text = root.read_text(f"{repository.rstrip('/')}/config", 1 << 16)
            parser = configparser.ConfigParser(interpolation=None)
            parser.read_string(text)
            section = parser["repository"]
        except (OSError, configparser.Error, KeyError):
            section = None
        if section is not None:
            return _borg_local(root, repository, section, homes)
    if declared:
        encrypted = not declared.startswith(("none", "authenticated"))
        return encrypted, f"borgmatic declares encryption mode {declared}"
    return None, "the borg repository is not on this host and its encryption mode is not declared"


def _borg_local(
    root: AuditRoot, repository: str, section: configparser.SectionProxy, homes: list[str]
) -> tuple[bool | None, str]:
    key_type = borgrepo.object_key_type(root, repository)
    if key_type in borgrepo.UNENCRYPTED:
        return (
            False,
            f"borg stores its objects in {borgrepo.UNENCRYPTED[key_type]} mode, unencrypted",
        )
    if key_type in borgrepo.ENCRYPTED:
        return True, f"borg stores its objects in {borgrepo.ENCRYPTED[key_type]} mode, encrypted"
    # no stored object to read: the config's key entry is the next best witness
    if section.get("key", "").strip():
        return True, "borg repokey mode per the repository config (no object to confirm it)"
    repo_id = section.get("id", "")
    for home in homes:
        for key_file in root.glob(f"{home}/.config/borg/keys/*"):
            try:
                first = root.read_text(key_file, 4096).splitlines()[:1]
            except OSError:
                continue
            if repo_id and first == [f"BORG_KEY {repo_id}"]:
                return True, "borg keyfile mode (encrypted)"
    return None, "the borg repository has no key and no stored object that shows its mode"


def _command_job(
    root: AuditRoot, invocation: backupcommands.Invocation, homes: list[str]
) -> Iterator[BackupJob]:
    parsed = backupcommands.parse(invocation)
    sources = tuple(resolve(root, s) for s in parsed.sources if s.startswith("/"))
    if not sources:
        return
    program = invocation.program
    if program == "restic":
        encrypted: bool | None = True
        basis = "restic encrypts every repository"
    elif program == "borg":
        encrypted, basis = borg_encryption(root, parsed.destination, homes)
    elif program == "duplicity":
        encrypted = "--no-encryption" not in parsed.flags
        basis = "duplicity --no-encryption" if not encrypted else "duplicity encrypts with GnuPG"
    else:
        encrypted, basis = False, "rsync makes plain, unencrypted copies"
    destination = parsed.destination if program == "rsync" else None
    yield BackupJob(
        program, invocation.where, sources, parsed.excludes, encrypted, basis, destination
    )

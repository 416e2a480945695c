"""Backup commands run by cron or systemd: restic, borg, rsync and duplicity invocations.

Crontab syntax follows crontab(5) (cronie and Debian cron): `/etc/crontab` and
`/etc/cron.d/*` carry a user field, per-user crontabs in `/var/spool/cron/crontabs/<user>`
(Debian) or `/var/spool/cron/<user>` (cronie) do not; `NAME=value` lines set variables.
Argument shapes:
- `restic backup [flags] PATH...` (restic/restic cmd/restic/cmd_backup.go); restic always
  encrypts the repository (restic doc/design.rst: every file except the keys is encrypted
  with AES-256-CTR and authenticated with Poly1305-AES).
- `borg create [flags] REPO::ARCHIVE PATH...` (borg 1.x docs/usage/create.rst); the
  repository may also come from BORG_REPO.
- `rsync [flags] SRC... DEST` (rsync(1)): plain copies.
- `duplicity [full|incr|backup] [flags] SRC URL` (duplicity(1)): GnuPG-encrypted unless
  `--no-encryption`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass

from localproof.collect.fsroot import AuditRoot
from localproof.facts import SystemdUnit

CRON_WITH_USER = ("/etc/crontab", "/etc/cron.d/*")
CRON_PER_USER = ("/var/spool/cron/crontabs/*", "/var/spool/cron/*")
SEPARATORS = re.compile(r"\|\||&&|[|;]")
VALUE_FLAGS = {
    "restic": {"-r", "--repo", "-e", "--exclude", "--exclude-file", "--iexclude",
               "--files-from", "--tag", "--host", "-H", "--password-file", "-p",
               "--password-command", "--parent", "--time", "--exclude-if-present",
               "--exclude-larger-than", "--limit-upload", "--limit-download", "-o", "--option",
               "--cache-dir", "--stdin-filename", "--group-by", "-g"},
    "borg": {"-e", "--exclude", "--exclude-from", "--pattern", "--patterns-from",
             "-C", "--compression", "--comment", "--timestamp", "-c", "--checkpoint-interval",
             "--chunker-params", "--remote-path", "--rsh", "-r", "--repo", "--lock-wait"},
    "rsync": {"-e", "--rsh", "--exclude", "--include", "--exclude-from", "--include-from",
              "--files-from", "-f", "--filter", "--log-file", "--password-file", "--chown",
              "--rsync-path", "--backup-dir", "--suffix", "-T", "--temp-dir", "--link-dest",
              "--compare-dest", "--copy-dest", "--bwlimit", "--timeout", "--port", "--chmod"},
    "duplicity": {"--exclude", "--include", "--exclude-filelist", "--include-filelist",
                  "--encrypt-key", "--sign-key", "--hidden-encrypt-key", "--name",
                  "--archive-dir", "--full-if-older-than", "--volsize", "--gpg-options",
                  "--tempdir", "--log-file", "--exclude-regexp", "--include-regexp",
                  "--ssh-options", "-t", "--time"},
}  # fmt: skip
DUPLICITY_ACTIONS = frozenset({"full", "incr", "incremental", "backup"})


@dataclass(frozen=True)
class Invocation:
    """One backup command: where it is declared, its arguments and its environment."""

    where: str
    program: str
    arguments: tuple[str, ...]
    environment: dict[str, str]


@dataclass(frozen=True)
class Parsed:
    sources: tuple[str, ...]
    excludes: tuple[str, ...]
    destination: str | None
    flags: frozenset[str]


def invocations(
    root: AuditRoot, units: tuple[SystemdUnit, ...], homes: dict[str, str]
) -> Iterator[Invocation]:
    """Backup commands of systemd services and crontabs; `homes` maps user names to home
    folders, so that `~` in a crontab means what the shell cron starts would make of it."""
    for unit in units:
        for command in unit.exec_start:
            yield from _commands(unit.path, command.lstrip("-@:+!"), unit.environment, None)
    for pattern in CRON_WITH_USER + CRON_PER_USER:
        for path in root.glob(pattern):
            yield from _crontab(root, path, homes, with_user=pattern in CRON_WITH_USER)


def parse(invocation: Invocation) -> Parsed:
    """Positional paths, exclude patterns and flags of a backup command."""
    value_flags = VALUE_FLAGS.get(invocation.program, set())
    positional: list[str] = []
    excludes: list[str] = []
    flags: set[str] = set()
    words = list(invocation.arguments)
    while words:
        word = words.pop(0)
        name, has_value, value = word.partition("=")
        if word.startswith("-") and name in value_flags:
            value = value if has_value else (words.pop(0) if words else "")
            if name == "--exclude" or (name == "-e" and invocation.program != "rsync"):
                excludes.append(value)
        elif word.startswith("-"):
            flags.add(name)
        else:
            positional.append(word)
    return _shape(invocation, positional, excludes, frozenset(flags))


def _shape(
    invocation: Invocation, positional: list[str], excludes: list[str], flags: frozenset[str]
) -> Parsed:
    program = invocation.program
    if program == "restic":
        sources = positional[1:] if positional[:1] == ["backup"] else []
        return Parsed(tuple(sources), tuple(excludes), None, flags)
    if program == "borg":
        if positional[:1] != ["create"] or len(positional) < 2:
            return Parsed((), (), None, flags)
        target = positional[1]
        repository = target.split("::", 1)[0] if "::" in target else None
        repository = repository or invocation.environment.get("BORG_REPO")
        return Parsed(tuple(positional[2:]), tuple(excludes), repository, flags)
    if program == "duplicity":
        rest = (
            positional[1:] if positional[:1] and positional[0] in DUPLICITY_ACTIONS else positional
        )
        sources = rest[:1] if len(rest) >= 2 else []
        return Parsed(tuple(sources), tuple(excludes), None, flags)
    if len(positional) < 2:  # rsync
        return Parsed((), (), None, flags)
    destination = positional[-1] if positional[-1].startswith("/") else None
    return Parsed(tuple(positional[:-1]), tuple(excludes), destination, flags)


def _commands(
    where: str, line: str, environment: dict[str, str], home: str | None
) -> Iterator[Invocation]:
    for segment in SEPARATORS.split(line):
        try:
            words = shlex.split(segment)
        except ValueError:
            words = segment.split()
        words = [_expand_home(word, environment.get("HOME", home)) for word in words]
        while words and (
            ("=" in words[0] and not words[0].startswith("-"))
            or words[0] in ("sudo", "nice", "ionice", "env", "flock", "chronic", "nohup", "exec")
        ):
            words.pop(0)
        if not words:
            continue
        program = words[0].rsplit("/", 1)[-1]
        if program in VALUE_FLAGS:
            yield Invocation(where, program, tuple(words[1:]), environment)


def _crontab(
    root: AuditRoot, path: str, homes: dict[str, str], *, with_user: bool
) -> Iterator[Invocation]:
    try:
        text = root.read_text(path, 1 << 20)
    except OSError:
        return
    environment: dict[str, str] = {}
    owner = path.rsplit("/", 1)[-1]
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split(None, 1 if line.startswith("@") else 5)
        if "=" in fields[0] and not line.startswith("@") and not fields[0][0].isdigit():
            name, _, value = line.partition("=")
            environment[name.strip()] = value.strip().strip("\"'")
            continue
        command = fields[-1] if len(fields) > 1 else ""
        if with_user:
            owner, _, command = command.partition(" ")
        where = f"{path} line {number}"
        yield from _commands(where, command.strip(), dict(environment), homes.get(owner))


def _expand_home(word: str, home: str | None) -> str:
    if not home:
        return word
    for prefix in ("~/", "$HOME/", "${HOME}/"):
        if word.startswith(prefix):
            return home.rstrip("/") + "/" + word[len(prefix) :]
    return home if word in ("~", "$HOME", "${HOME}") else word

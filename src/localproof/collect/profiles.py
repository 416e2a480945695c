"""Find environment variables set for every new shell or login.

Read: ~/.profile, ~/.bashrc, ~/.bash_profile, ~/.zshenv, ~/.zprofile, ~/.zshrc and fish's
config.fish per home (bash(1) INVOCATION, zsh(1) STARTUP/SHUTDOWN FILES, fish docs
"Configuration files"), and /etc/environment (pam_env: NAME=value), /etc/profile,
/etc/profile.d/*.sh, /etc/bash.bashrc, /etc/zsh/zshenv. Only the names asked for are kept.
"""

from __future__ import annotations

import contextlib
import re

from localproof.collect.fsroot import AuditRoot, describe_error
from localproof.facts.profiles import EnvAssignment, ProfileScan

HOME_FILES = (
    ".profile",
    ".bashrc",
    ".bash_profile",
    ".zshenv",
    ".zprofile",
    ".zshrc",
    ".config/fish/config.fish",
)
SYSTEM_FILES = ("/etc/environment", "/etc/profile", "/etc/bash.bashrc", "/etc/zsh/zshenv")
MAX_PROFILE = 1 << 20
POSIX = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
FISH = re.compile(r"^\s*set\s+(?:-[a-zA-Z]+\s+)*([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$")


def _value(raw: str) -> str:
    text = raw.split(" #", 1)[0].strip()
    return text.strip("\"'")


class _Scan:
    def __init__(self, names: set[str]) -> None:
        self.names = names
        self.found: list[EnvAssignment] = []
        self.unreadable: list[tuple[str, str]] = []
        self.read = 0

    def file(self, root: AuditRoot, path: str) -> None:
        try:
            text = root.read_text(path, MAX_PROFILE)
        except FileNotFoundError:
            return
        except OSError as error:
            self.unreadable.append((path, describe_error(error)))
            return
        self.read += 1
        pattern = FISH if path.endswith(".fish") else POSIX
        for number, line in enumerate(text.splitlines(), start=1):
            match = pattern.match(line)
            if match and match.group(1) in self.names:
                value = _value(match.group(2))
                self.found.append(EnvAssignment(path, number, match.group(1), value))


def scan_profiles(root: AuditRoot, homes: list[str], names: set[str]) -> ProfileScan:
    scan = _Scan(names)
    paths: list[str] = []
    for home in homes:
        try:
            root.listdir(home)
        except PermissionError:
            scan.unreadable.append((home, "home folder not readable (run as root to check it)"))
            continue
        except OSError:
            continue
        paths += [f"{home.rstrip('/')}/{name}" for name in HOME_FILES]
    paths += list(SYSTEM_FILES)
    with contextlib.suppress(OSError):
        paths += [
            f"/etc/profile.d/{n}" for n in root.listdir("/etc/profile.d") if n.endswith(".sh")
        ]
    for path in paths:
        scan.file(root, path)
    return ProfileScan(tuple(scan.found), tuple(scan.unreadable), scan.read)

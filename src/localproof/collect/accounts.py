"""Users and groups from the audited root's /etc/passwd and /etc/group (passwd(5), group(5))."""

from __future__ import annotations

from localproof.collect.fsroot import AuditRoot, describe_error
from localproof.facts import Group, Problem, User

ADMIN_GROUPS = ("root", "sudo", "wheel", "admin", "docker")


def read_users(root: AuditRoot) -> tuple[tuple[User, ...], list[Problem]]:
    try:
        text = root.read_text("/etc/passwd")
    except OSError as error:
        return (), [Problem("/etc/passwd", describe_error(error))]
    users: list[User] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split(":")
        if len(fields) != 7 or not fields[2].isdigit() or not fields[3].isdigit():
            problems.append(Problem("/etc/passwd", f"line {number} is malformed"))
            continue
        name, _, uid, gid, _, home, shell = fields
        users.append(User(name=name, uid=int(uid), gid=int(gid), home=home, shell=shell))
    return tuple(users), problems


def read_groups(root: AuditRoot) -> tuple[tuple[Group, ...], list[Problem]]:
    try:
        text = root.read_text("/etc/group")
    except OSError as error:
        return (), [Problem("/etc/group", describe_error(error))]
    groups: list[Group] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split(":")
        if len(fields) != 4 or not fields[2].isdigit():
            problems.append(Problem("/etc/group", f"line {number} is malformed"))
            continue
        members = tuple(m for m in fields[3].split(",") if m)
        groups.append(Group(name=fields[0], gid=int(fields[2]), members=members))
    return tuple(groups), problems

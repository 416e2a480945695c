"""Shared host: which other people on this machine can read each conversation store."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from dataclasses import dataclass

from localproof.checks.base import Check, Context, check
from localproof.checks.netaddr import scope
from localproof.facts import Facts, FileKind, Group, StoreFile, User
from localproof.facts.disk import AclGrant, PathNode
from localproof.model import Category, Evidence, Finding, Severity

# Groups whose members can read any file: sudo/wheel/admin run commands as root
# (Debian/Ubuntu sudoers `%sudo`/`%admin`, Fedora/Arch `%wheel`), and the docker group can
# start a container that mounts `/` (Docker docs: "docker group grants root-level privileges").
ROOT_EQUIVALENT = ("sudo", "wheel", "admin", "docker")
NO_LOGIN_SHELLS = ("nologin", "false", "sync", "halt", "shutdown")
FIRST_HUMAN_UID = 1000  # login.defs UID_MIN on Debian, Ubuntu, Fedora, Arch
NOBODY_UID = 65534
SSH_UNITS = ("ssh.service", "sshd.service", "ssh.socket", "sshd.socket")
MAX_NAMES = 10
FIX = (
    "Where other administrators must stay, move the tool and its data to a machine or VM that "
    "only its user administers."
)


@check(
    id="shared-host.store-readers",
    category=Category.SHARED_HOST,
    title="No other person on the host can read a conversation store",
    severity=Severity.MEDIUM,
    control="ACC-02",
    threats=("shared-host",),
    remediation="Limit who has accounts and root-equivalent groups on hosts that keep chats.",
)
def store_readers(self: Check, context: Context) -> Iterator[Finding]:
    """On a shared workstation or server, conversations are only as private as the least
    trustworthy person with an account: other users can read files whose modes allow it,
    and members of sudo, wheel, admin or docker can read everything (docker membership is
    root-equivalent). With remote login enabled they can do it from anywhere. The finding
    names the accounts so that the owner can decide whether each of them should see the
    conversations."""
    facts = context.facts
    passwd = facts.problems_for("/etc/passwd")
    if passwd:
        yield self.unknown(None, passwd[0].source, f"accounts unknown: {passwd[0].reason}")
        return
    group_problems = facts.problems_for("/etc/group")
    for instance in context.instances:
        for store in instance.stores:
            if store.kind not in ("conversations", "history", "uploads", "vectors"):
                continue
            if group_problems:
                reason = f"groups unknown: {group_problems[0].reason}"
                yield self.unknown(store.tool, store.file.path, reason)
            else:
                yield _store_finding(self, facts, store)


def is_human(user: User) -> bool:
    shell = user.shell.rsplit("/", 1)[-1]
    return user.uid >= FIRST_HUMAN_UID and user.uid != NOBODY_UID and shell not in NO_LOGIN_SHELLS


def _group_ids(user: User, groups: tuple[Group, ...]) -> set[int]:
    return {user.gid} | {g.gid for g in groups if user.name in g.members}


def _allows(node: PathNode, user: User, gids: set[int], bits: tuple[int, int, int]) -> bool:
    owner_bit, group_bit, other_bit = bits
    if node.uid == user.uid:
        return bool(node.mode & owner_bit)
    if node.gid in gids:
        return bool(node.mode & group_bit)
    return bool(node.mode & other_bit)


def _named(grants: tuple[AclGrant, ...], user: User, gids: set[int]) -> bool:
    return any(
        (g.kind == "user" and g.id == user.uid) or (g.kind == "group" and g.id in gids)
        for g in grants
    )


READ = (stat.S_IRUSR, stat.S_IRGRP, stat.S_IROTH)
SEARCH = (stat.S_IXUSR, stat.S_IXGRP, stat.S_IXOTH)


def _file_reader(facts: Facts, store: StoreFile, user: User) -> str | None:
    """Why `user` can read the store through permission bits or an ACL, or None. Every
    parent must let the user search it (by its bits or a named ACL entry)."""
    fact = store.file
    gids = _group_ids(user, facts.groups)
    location = facts.disk.location(fact.path)
    parents = location.parents if location and location.parents else ()
    if not all(
        _allows(node, user, gids, SEARCH) or _named(node.acl_search, user, gids) for node in parents
    ):
        return None
    if location is not None and _named(location.acl_read, user, gids):
        return "an ACL entry lets them read it"
    node = PathNode(fact.path, fact.permission_bits, fact.uid, fact.gid)
    needed = [READ] + ([SEARCH] if fact.kind is FileKind.DIRECTORY else [])
    if not all(_allows(node, user, gids, bits) for bits in needed):
        return None
    via = "its group" if fact.gid in gids else "everyone"
    return f"mode {fact.permission_bits:04o} lets {via} read it"


@dataclass(frozen=True)
class Access:
    """Why one account can read a store: its permission bits, or a root-equivalent group."""

    reason: str
    group: str | None = None


def _readers(facts: Facts, store: StoreFile) -> dict[str, list[Access]]:
    owner = store.file.uid
    readers: dict[str, list[Access]] = {}
    for user in facts.users:
        if user.uid in (owner, 0) or not is_human(user):
            continue
        why = _file_reader(facts, store, user)
        if why:
            readers.setdefault(user.name, []).append(Access(why))
    by_name = {user.name: user for user in facts.users}
    for group in facts.groups:
        if group.name not in ROOT_EQUIVALENT:
            continue
        members = set(group.members) | {u.name for u in facts.users if u.gid == group.gid}
        for name in sorted(members):
            member = by_name.get(name)
            if member is None or member.uid in (owner, 0):
                continue
            access = Access(f"member of {group.name}, root-equivalent", group.name)
            readers.setdefault(name, []).append(access)
    return readers


def remote_login(facts: Facts) -> list[Evidence]:
    evidence = [
        Evidence("/proc/net", f"{s.endpoint} listening (ssh)")
        for s in facts.sockets
        if s.state == "listen"
        and s.proto == "tcp"
        and s.port == 22
        and scope(s.address) != "loopback"
    ]
    evidence += [
        Evidence("systemd", f"{name} enabled")
        for name in SSH_UNITS
        if name in facts.disk.enabled_units
    ]
    return evidence


def _store_finding(self: Check, facts: Facts, store: StoreFile) -> Finding:
    fact = store.file
    if fact.kind is FileKind.ERROR:
        return self.unknown(store.tool, fact.path, f"cannot inspect: {fact.error}")
    readers = _readers(facts, store)
    default = "root" if fact.uid == 0 else f"uid {fact.uid}"
    owner = next((u.name for u in facts.users if u.uid == fact.uid), default)
    if fact.uid == 0 and len(readers) == 1:
        # a service or container store owned by root, used by the host's only person
        detail = f"owner root; {next(iter(readers))} is the only person who can read it"
        return self.passed(store.tool, fact.path, Evidence(fact.path, detail))
    if not readers:
        detail = f"owner {owner}; no other person has an account that can read it"
        return self.passed(store.tool, fact.path, Evidence(fact.path, detail))
    names = sorted(readers)
    shown = [f"{name} ({'; '.join(a.reason for a in readers[name])})" for name in names[:MAX_NAMES]]
    more = f" and {len(names) - MAX_NAMES} more" if len(names) > MAX_NAMES else ""
    evidence = [Evidence(fact.path, f"owner {owner}; also readable by {', '.join(shown)}{more}")]
    remote = remote_login(facts)
    evidence += remote
    return self.failed(
        store.tool,
        fact.path,
        *evidence,
        severity=Severity.HIGH if remote else Severity.MEDIUM,
        remediation=_fix(readers),
    )


def _fix(readers: dict[str, list[Access]]) -> str:
    accesses = [access for found in readers.values() for access in found]
    groups = sorted({access.group for access in accesses if access.group})
    parts = []
    if groups:
        parts.append(
            f"Remove accounts that should not have root-equivalent rights from {', '.join(groups)}"
            " (`gpasswd -d NAME GROUP`)."
        )
    if any(access.group is None for access in accesses):
        parts.append("Make the store private (`chmod 600` files, `chmod 700` directories).")
    parts.append(FIX)
    return " ".join(parts)


CHECKS = (store_readers,)

"""shared-host.store-readers: other people who can read a conversation store, by file modes
(through every parent directory) and by root-equivalent groups; remote login raises it."""

from __future__ import annotations

import os
import struct
from collections.abc import Callable

import pytest

from tests.builders import HostBuilder, VolumeMount
from tests.builders.ollama import write_repl_history
from tests.builders.openwebui import write_webui_db
from tests.conftest import audit_report, findings_of, statuses

CHECK = "shared-host.store-readers"
STORE = "/home/alice/.ollama/history"


def alice_history(host: HostBuilder, *, mode: int = 0o600, groups: tuple[str, ...] = ()) -> None:
    home = host.user("alice", 1000, groups=groups)
    write_repl_history(home / ".ollama" / "history", ["my salary negotiation"]).chmod(mode)
    host.chown_tree("/home/alice", 1000, 1000)


def single_sudo_user(host: HostBuilder) -> None:
    alice_history(host, groups=("sudo", "docker"))


def service_accounts_only(host: HostBuilder) -> None:
    alice_history(host, groups=("sudo",))
    host.user("ollama", 998, home="/usr/share/ollama", shell="/bin/false")
    host.user("postgres", 114, home="/var/lib/postgresql", shell="/usr/sbin/nologin")


def second_user_blocked_by_home_mode(host: HostBuilder) -> None:
    alice_history(host, mode=0o644)  # the home is 0750: bob cannot get in
    host.user("bob", 1001)


def second_user_nologin(host: HostBuilder) -> None:
    alice_history(host, mode=0o644)
    host.path("/home/alice").chmod(0o755)
    host.user("guest", 1001, shell="/usr/sbin/nologin")


def world_readable_in_open_home(host: HostBuilder) -> None:
    alice_history(host, mode=0o644)
    host.path("/home/alice").chmod(0o755)
    host.user("bob", 1001)


def group_readable_for_a_member(host: HostBuilder) -> None:
    alice_history(host, mode=0o640)
    host.user("bob", 1001)
    host.group("alice", 1000, members=["bob"])


def second_sudo_user(host: HostBuilder) -> None:
    alice_history(host, groups=("sudo",))
    host.user("bob", 1001, groups=("sudo",))


def docker_member(host: HostBuilder) -> None:
    alice_history(host)
    host.user("carol", 1002, groups=("docker",))


def wheel_member(host: HostBuilder) -> None:
    alice_history(host)
    host.user("dave", 1003, groups=("wheel",))


def no_group_file(host: HostBuilder) -> None:
    alice_history(host)
    host.path("/etc/group").unlink()


def unreadable_store(host: HostBuilder) -> None:
    host.user("alice", 1000)
    host.directory("/home/alice/.ollama")
    host.symlink(STORE, STORE)


@pytest.mark.parametrize(
    ("layout", "status", "readers"),
    [
        (single_sudo_user, "pass", ()),
        (service_accounts_only, "pass", ()),
        (second_user_blocked_by_home_mode, "pass", ()),
        (second_user_nologin, "pass", ()),
        (world_readable_in_open_home, "fail", ("bob (mode 0644 lets everyone read it)",)),
        (group_readable_for_a_member, "fail", ("bob (mode 0640 lets its group read it)",)),
        (second_sudo_user, "fail", ("bob (member of sudo, root-equivalent)",)),
        (docker_member, "fail", ("carol (member of docker, root-equivalent)",)),
        (wheel_member, "fail", ("dave (member of wheel, root-equivalent)",)),
        (no_group_file, "unknown", ()),
        (unreadable_store, "unknown", ()),
    ],
)
def test_store_readers(
    host: HostBuilder,
    layout: Callable[[HostBuilder], None],
    status: str,
    readers: tuple[str, ...],
) -> None:
    layout(host)
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("ollama", STORE, status)}
    details = " ".join(e["detail"] for e in findings_of(report, CHECK)[0]["evidence"])
    for reader in readers:
        assert reader in details


def test_missing_passwd_is_unknown(host: HostBuilder) -> None:
    host.file("/etc/hostname", "box\n")
    host.process(700, ["/usr/local/bin/ollama", "serve"])
    assert statuses(audit_report(host.root), CHECK) == {(None, "/etc/passwd", "unknown")}


@pytest.mark.parametrize(
    "remote",
    [
        lambda host: host.listen(None, "0.0.0.0", 22),
        lambda host: host.systemd_unit("ssh", exec_start="/usr/sbin/sshd -D"),
    ],
)
def test_remote_login_makes_it_high(
    host: HostBuilder, remote: Callable[[HostBuilder], object]
) -> None:
    second_sudo_user(host)
    host.ensure_net_tables()
    remote(host)
    finding = findings_of(audit_report(host.root), CHECK)[0]
    assert finding["status"] == "fail"
    assert finding["severity"] == "high"


def test_ssh_on_loopback_only_is_not_remote_login(host: HostBuilder) -> None:
    second_sudo_user(host)
    host.listen(None, "127.0.0.1", 22)
    finding = findings_of(audit_report(host.root), CHECK)[0]
    assert finding["severity"] == "medium"


def _webui_in_docker(host: HostBuilder, *docker_users: str) -> str:
    for uid, name in enumerate(docker_users, start=1000):
        host.user(name, uid, groups=("docker",))
    host.docker_container(
        "open-webui",
        "ghcr.io/open-webui/open-webui:main",
        mounts=[VolumeMount(name="open-webui", destination="/app/backend/data")],
    )
    data = host.path("/var/lib/docker/volumes/open-webui/_data")
    write_webui_db(data / "webui.db", mode=0o600)
    return "/var/lib/docker/volumes/open-webui/_data/webui.db"


def test_root_owned_volume_used_by_the_only_person_passes(host: HostBuilder) -> None:
    path = _webui_in_docker(host, "alice")
    assert ("open-webui", path, "pass") in statuses(audit_report(host.root), CHECK)


def test_root_owned_volume_with_two_docker_members_fails(host: HostBuilder) -> None:
    path = _webui_in_docker(host, "alice", "bob")
    assert ("open-webui", path, "fail") in statuses(audit_report(host.root), CHECK)


@pytest.mark.parametrize(
    ("layout", "present", "absent"),
    [
        (second_sudo_user, "from sudo (`gpasswd -d", "chmod"),
        (world_readable_in_open_home, "chmod 600", "gpasswd"),
    ],
)
def test_fix_addresses_how_others_get_in(
    host: HostBuilder, layout: Callable[[HostBuilder], None], present: str, absent: str
) -> None:
    layout(host)
    finding = findings_of(audit_report(host.root), CHECK)[0]
    assert present in finding["remediation"]
    assert absent not in finding["remediation"]


def posix_acl(*entries: tuple[int, int, int]) -> bytes:
    """A `system.posix_acl_access` value as setfacl(1) writes it (linux
    include/uapi/linux/posix_acl_xattr.h: le32 version 2, then le16 tag, le16 perm, le32 id)."""
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *entry) for entry in entries)


USER_OBJ, USER, GROUP_OBJ, MASK, OTHER = 0x01, 0x02, 0x04, 0x10, 0x20
NO_ID = 0xFFFFFFFF  # ACL_UNDEFINED_ID


def acl_for_bob(perm: int, mask: int) -> bytes:
    """`setfacl -m u:bob:<perm>` with the given mask on a file or directory owned by alice."""
    return posix_acl(
        (USER_OBJ, 0o7, NO_ID),
        (USER, perm, 1001),
        (GROUP_OBJ, 0, NO_ID),
        (MASK, mask, NO_ID),
        (OTHER, 0, NO_ID),
    )


@pytest.mark.parametrize(
    ("file_acl", "home_acl", "status"),
    [
        (acl_for_bob(0o4, 0o4), acl_for_bob(0o1, 0o1), "fail"),
        (acl_for_bob(0o4, 0o4), None, "pass"),  # bob cannot get through the 0750 home
        (acl_for_bob(0o4, 0o0), acl_for_bob(0o1, 0o1), "pass"),  # the mask takes it away
    ],
)
def test_posix_acls(
    host: HostBuilder, file_acl: bytes, home_acl: bytes | None, status: str
) -> None:
    alice_history(host)
    host.user("bob", 1001)
    os.setxattr(host.path(STORE), "system.posix_acl_access", file_acl)
    if home_acl is not None:
        os.setxattr(host.path("/home/alice"), "system.posix_acl_access", home_acl)
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("ollama", STORE, status)}
    if status == "fail":
        details = " ".join(e["detail"] for e in findings_of(report, CHECK)[0]["evidence"])
        assert "bob (an ACL entry lets them read it)" in details

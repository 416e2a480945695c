"""Build the sealed namespace from inside the helper process (Linux only).

Root gets plain network + mount namespaces; anyone else a user namespace too, mapping their
uid to root inside it (the program then runs as uid 0 *in the namespace*, which owns the new
network and mount namespaces and nothing else). Python 3.11 has no `os.unshare`, so libc is
called through ctypes; that also gives exact errno values for the diagnosis below.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import socket
import subprocess
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 4096, 16384, 1 << 18
HIDDEN_DIRS = (
    "/run/systemd/resolve",  # systemd-resolved varlink + stub (NSS module `resolve`)
    "/run/nscd",  # glibc asks nscd before anything else
    "/var/run/nscd",
    "/run/avahi-daemon",  # nss-mdns
    "/var/run/avahi-daemon",
)
ROUTES_V4 = "link set lo up\nroute add local 0.0.0.0/0 dev lo table local\n"
ROUTE_V6 = ("route", "add", "local", "::/0", "dev", "lo", "table", "local")
IP_FALLBACKS = ("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")
SYSCTLS = (
    "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
    "/proc/sys/kernel/unprivileged_userns_clone",
    "/proc/sys/user/max_user_namespaces",
)


class SandboxError(RuntimeError):
    """The sandbox cannot be built here; the message says why and what to change."""


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def _read_sysctl(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="ascii").strip()
    except OSError:
        return None


def diagnose_userns(code: int) -> str:
    """Say exactly which setting blocks unprivileged user namespaces, and how to allow it."""
    values = {path: _read_sysctl(path) for path in SYSCTLS}
    if values[SYSCTLS[0]] == "1":
        return (
            "unprivileged user namespaces are restricted by AppArmor "
            "(kernel.apparmor_restrict_unprivileged_userns=1, the Ubuntu 23.10+ default). "
            "Allow them with `sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0`, "
            "or install an AppArmor profile granting `userns` to localproof, or run as root."
        )
    if values[SYSCTLS[1]] == "0":
        return (
            "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone=0). "
            "Allow them with `sudo sysctl kernel.unprivileged_userns_clone=1`, or run as root."
        )
    if values[SYSCTLS[2]] == "0":
        return (
            "user namespaces are disabled (user.max_user_namespaces=0). "
            "Allow them with `sudo sysctl user.max_user_namespaces=15000`, or run as root."
        )
    return f"cannot create a user namespace ({os.strerror(code)}); run as root or enable them"


def enter_namespaces(*, user_namespace: bool = False) -> str:
    """Unshare network + mount (and user, when not root); return the mode for the report."""
    libc = _libc()
    if os.geteuid() == 0 and not user_namespace:
        _check(libc.unshare(CLONE_NEWNET | CLONE_NEWNS), "unshare")
        return "root"
    uid, gid = os.geteuid(), os.getegid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS) != 0:
        raise SandboxError(diagnose_userns(ctypes.get_errno()))
    try:
        Path("/proc/self/setgroups").write_text("deny", encoding="ascii")
        Path("/proc/self/uid_map").write_text(f"0 {uid} 1", encoding="ascii")
        Path("/proc/self/gid_map").write_text(f"0 {gid} 1", encoding="ascii")
    except OSError as error:
        raise SandboxError(diagnose_userns(error.errno or errno.EPERM)) from error
    return "user-namespace"


def _ip_binary() -> str:
    """iproute2's `ip`; /usr/sbin is often missing from an unprivileged user's PATH."""
    found = shutil.which("ip") or next((p for p in IP_FALLBACKS if Path(p).exists()), None)
    if found is None:
        raise SandboxError("iproute2's `ip` command is needed (Debian/Ubuntu package iproute2)")
    return found


def setup_network() -> list[str]:
    """Loopback up; every IPv4 and IPv6 address local ("AnyIP"), so nothing is routed out.

    Returns notes for the report (IPv6 may be disabled in the kernel). The namespace starts
    with no routes at all, so a failure here leaves it sealed, just less observant.
    """
    ip = _ip_binary()
    done = subprocess.run(
        [ip, "-batch", "-"], input=ROUTES_V4, text=True, capture_output=True, check=False
    )
    if done.returncode != 0:
        raise SandboxError(f"cannot set up the sandbox network: {done.stderr.strip()}")
    notes = []
    done = subprocess.run([ip, *ROUTE_V6], text=True, capture_output=True, check=False)
    if done.returncode != 0:
        notes.append(f"IPv6 not answered (IPv6 unavailable: {done.stderr.strip()})")
    # Let ping sockets work inside (the namespace owns this sysctl). In a user namespace
    # only our own gid is mapped, and the range must be mappable.
    for groups in ("0 2147483647", f"{os.getgid()} {os.getgid()}"):
        with contextlib.suppress(OSError):
            Path("/proc/sys/net/ipv4/ping_group_range").write_text(groups, encoding="ascii")
            break
    return notes


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    encoded = [None if item is None else item.encode() for item in (source, target, fstype, data)]
    _check(_libc().mount(*encoded[:3], flags, encoded[3]), f"mount {target}")


def make_private() -> None:
    """Stop our mounts from propagating back to the host."""
    _mount("none", "/", None, MS_REC | MS_PRIVATE, None)


def hide_daemon_sockets() -> list[str]:
    """Empty tmpfs over the Unix-socket folders of host name-lookup daemons."""
    hidden: list[str] = []
    for folder in HIDDEN_DIRS:
        real = os.path.realpath(folder)
        if real in hidden or not Path(real).is_dir():
            continue
        _mount("tmpfs", real, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755")
        hidden.append(real)
    return hidden


def bind_file(generated: Path, target: str, hidden: list[str]) -> bool:
    """Bind `generated` over `target` (following a symlink such as resolv.conf's).

    A dangling target is created only inside a tmpfs this sandbox mounted, never on the host.
    """
    real = Path(os.path.realpath(target))
    if not real.exists():
        if not any(str(real).startswith(folder + "/") for folder in hidden):
            return False
        real.parent.mkdir(parents=True, exist_ok=True)
        real.touch()
    _mount(str(generated), str(real), None, MS_BIND, None)
    return True


def resolver_files(workdir: Path) -> dict[str, Path]:
    """resolv.conf -> our sink; nsswitch.conf: hosts via files and dns only; minimal hosts."""
    files = {
        "/etc/resolv.conf": "nameserver 127.0.0.53\noptions edns0\n",
        "/etc/nsswitch.conf": _nsswitch(),
        "/etc/hosts": (
            "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n"
            f"127.0.1.1 {socket.gethostname()}\n"
        ),
    }
    paths: dict[str, Path] = {}
    for target, text in files.items():
        path = workdir / Path(target).name
        path.write_text(text, encoding="utf-8")
        path.chmod(0o644)
        paths[target] = path
    return paths


def _nsswitch() -> str:
    """The host's nsswitch.conf with its `hosts:` line replaced (or added)."""
    try:
        lines = Path("/etc/nsswitch.conf").read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    kept = [line for line in lines if not line.strip().startswith("hosts:")]
    return "\n".join([*kept, "hosts: files dns"]) + "\n"

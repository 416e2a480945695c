"""Read-only access to a filesystem tree audited as if it were `/`.

Every path the audit touches goes through `AuditRoot`, which resolves symlinks itself so
that a link can never lead outside the root: an absolute target means root + target and
`..` stops at the root, as `chroot` would see it. That holds for every component, the
parents of a path included: the host kernel is only ever handed paths whose links were
already resolved here. Reads are bounded in size; nothing is ever opened for writing.
"""

from __future__ import annotations

import errno
import fnmatch
import glob
import os
import stat
from pathlib import Path

from localproof.facts import FileFact, FileKind

MAX_SYMLINKS = 40  # the kernel's own limit (MAXSYMLINKS)
DEFAULT_READ_LIMIT = 1 << 20
LOOP = "symlink loop"


class RootError(OSError):
    """A path that cannot be resolved inside the root (loop, escape, bad name)."""


def describe_error(error: OSError) -> str:
    """A short, stable reason for a failed access, without the absolute host path."""
    if isinstance(error, RootError):
        return error.strerror or "invalid path"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.ENOENT:
        return "missing"
    if error.errno == errno.ELOOP:
        return LOOP
    if error.errno == errno.ENOTDIR:
        return "a parent is not a directory"
    return error.strerror or type(error).__name__


class AuditRoot:
    """The audited tree. Paths given to its methods are absolute paths *inside* it."""

    def __init__(self, root: Path) -> None:
        self.base = Path(os.path.abspath(root))
        self.live = self.base == Path("/")
        # Host paths are built as strings: an audit resolves tens of thousands of paths.
        self._prefix = "" if self.live else str(self.base)

    def host_path(self, logical: str) -> Path:
        """Where a logical path lives on this machine, without following links."""
        parts = [p for p in logical.split("/") if p not in ("", ".")]
        return Path(self._prefix + "/" + "/".join(parts)) if parts else self.base

    def resolve(self, logical: str) -> str:
        """Follow symlinks component by component, never leaving the root."""
        pending = [p for p in reversed(logical.split("/")) if p]  # the next part is last
        resolved: list[str] = []
        prefix = self._prefix
        hops = 0
        while pending:
            part = pending.pop()
            if part == ".":
                continue
            if part == "..":
                if resolved:
                    resolved.pop()
                continue
            resolved.append(part)
            host = prefix + "/" + "/".join(resolved)
            try:
                info = os.lstat(host)
            except FileNotFoundError:
                return "/" + "/".join(resolved + pending[::-1])
            if not stat.S_ISLNK(info.st_mode):
                continue
            hops += 1
            if hops > MAX_SYMLINKS:
                raise RootError(errno.ELOOP, LOOP)
            target = os.readlink(host)
            resolved.pop()
            if target.startswith("/"):
                resolved = []
            pending.extend(p for p in reversed(target.split("/")) if p)
        return "/" + "/".join(resolved)

    def locate(self, logical: str) -> str:
        """The path with its parents resolved inside the root and its last name kept, as
        lstat(2) sees it: a link there is the link itself, not what it points to."""
        head, _, name = logical.rstrip("/").rpartition("/")
        if name in ("", ".", ".."):
            return self.resolve(logical)
        return self.resolve(head or "/").rstrip("/") + "/" + name

    def stat(self, logical: str, *, follow: bool = True) -> FileFact:
        """Stat a path; failures become a fact with the reason, never an exception.
        `follow=False` leaves a link in the last place unfollowed (links above it are
        always followed, inside the root)."""
        try:
            target = self.resolve(logical) if follow else self.locate(logical)
            info = os.stat(self.host_path(target), follow_symlinks=False)
        except OSError as error:
            kind = FileKind.MISSING if error.errno == errno.ENOENT else FileKind.ERROR
            reason = None if kind is FileKind.MISSING else describe_error(error)
            return FileFact(path=logical, kind=kind, error=reason)
        except ValueError:  # embedded NUL and similar impossible names
            return FileFact(path=logical, kind=FileKind.ERROR, error="invalid file name")
        return FileFact(
            path=logical,
            kind=_kind(info.st_mode),
            mode=info.st_mode,
            uid=info.st_uid,
            gid=info.st_gid,
            size=info.st_size,
            mtime=info.st_mtime,
            resolved=target if target != logical else None,
        )

    def read_bytes(self, logical: str, limit: int = DEFAULT_READ_LIMIT) -> bytes:
        """Read at most `limit` bytes of a regular file (raises OSError on failure)."""
        host = self.host_path(self.resolve(logical))
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(host, flags)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode) and not logical.startswith(("/proc", "/sys")):
                raise RootError(errno.EINVAL, "not a regular file")
            chunks: list[bytes] = []
            remaining = limit
            while remaining > 0:
                chunk = os.read(fd, min(remaining, 1 << 16))
                if not chunk:
                    break
                chunks.append(chunk)
                remaining -= len(chunk)
            return b"".join(chunks)
        finally:
            os.close(fd)

    def copy_to(self, logical: str, target: Path, limit: int) -> int:
        """Stream a regular file into a new private file; stops past `limit` bytes and
        returns how many were copied (more than `limit` means it was too large)."""
        source = os.open(self.host_path(self.resolve(logical)), os.O_RDONLY | os.O_NOFOLLOW)
        copied = 0
        try:
            if not stat.S_ISREG(os.fstat(source).st_mode):
                raise RootError(errno.EINVAL, "not a regular file")
            sink = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(sink, "wb") as out:
                while copied <= limit:
                    chunk = os.read(source, 1 << 20)
                    if not chunk:
                        break
                    out.write(chunk)
                    copied += len(chunk)
        finally:
            os.close(source)
        return copied

    def read_text(self, logical: str, limit: int = DEFAULT_READ_LIMIT) -> str:
        return self.read_bytes(logical, limit).decode("utf-8", "replace")

    def readlink(self, logical: str) -> str:
        """The raw target of a link, not resolved (e.g. `socket:[123]` under /proc)."""
        return os.readlink(self.host_path(self.locate(logical)))

    def listdir(self, logical: str) -> list[str]:
        """Names in a directory, sorted; undecodable names are kept with surrogate escapes."""
        host = self.host_path(self.resolve(logical))
        return sorted(os.listdir(host))

    def exists(self, logical: str) -> bool:
        return self.stat(logical).exists

    def glob(self, pattern: str, limit: int = 200) -> list[str]:
        """Expand `*`/`?` patterns component by component, resolving links inside the root.

        A wildcard above the last place matches folders only (as glob(3) descends), so a
        loop is kept where the pattern names it, not wherever a `*` happens to meet one."""
        parts = [p for p in pattern.split("/") if p]
        candidates = ["/"]
        for index, part in enumerate(parts):
            following: list[str] = []
            for base in candidates:
                following.extend(self._expand(base, part, last=index == len(parts) - 1))
                if len(following) >= limit:
                    break
            candidates = following[:limit]
        return sorted(c for c in candidates if self.present(c))

    def present(self, logical: str) -> bool:
        """The path is there, or a symlink loop hides it: a loop is reported by whoever
        reads the path (as a fact with the reason), never silently dropped."""
        fact = self.stat(logical, follow=False)
        return fact.exists or fact.error == LOOP

    def _expand(self, base: str, part: str, *, last: bool) -> list[str]:
        prefix = base.rstrip("/")
        if not glob.has_magic(part):
            return [f"{prefix}/{part}"]
        try:
            names = self.listdir(base)
        except OSError:
            return []
        matches = [f"{prefix}/{name}" for name in fnmatch.filter(names, part)]
        if last:
            return matches
        return [path for path in matches if self.stat(path).kind is FileKind.DIRECTORY]


def resolve(root: AuditRoot, path: str) -> str:
    """`path` with its symlinks resolved inside the root, or as given when it cannot be."""
    try:
        return root.resolve(path).rstrip("/") or "/"
    except (OSError, ValueError):  # a loop, an escape, or a NUL in a configured path
        return path.rstrip("/") or "/"


def _kind(mode: int) -> FileKind:
    if stat.S_ISREG(mode):
        return FileKind.FILE
    if stat.S_ISDIR(mode):
        return FileKind.DIRECTORY
    if stat.S_ISLNK(mode):
        return FileKind.SYMLINK
    return FileKind.OTHER


class TextFileError(Exception):
    """A settings file that cannot be taken as text; the message is the reason, with the
    file's path inside the audit root."""


def read_text_file(root: AuditRoot, path: str, limit: int, *, binary_ok: bool = False) -> str:
    """A small UTF-8 settings file, whole: FileNotFoundError when it is missing, else
    TextFileError when it is unreadable, over `limit` bytes, binary (a NUL byte, unless
    `binary_ok`) or not UTF-8."""
    try:
        data = root.read_bytes(path, limit + 1)
    except FileNotFoundError:
        raise
    except OSError as error:
        raise TextFileError(f"{path}: {describe_error(error)}") from None
    if len(data) > limit:
        raise TextFileError(f"{path}: larger than {limit >> 20} MiB, not read")
    if not binary_ok and b"\x00" in data:
        raise TextFileError(f"{path}: binary data, not a text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise TextFileError(f"{path}: not UTF-8") from None

"""Encryption: whether the disk under each conversation store is encrypted at rest."""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check, Context, check, link_evidence
from localproof.facts import Facts, FileKind, StoreFile
from localproof.facts.disk import DeviceVerdict, VolumeEncryption, classify_mount, mount_for
from localproof.model import Category, Evidence, Finding, Severity

LINUX_FIX = (
    "Move {path} onto an encrypted filesystem: full-disk encryption (LUKS, chosen at "
    "install time) or an encrypted home or data volume (`cryptsetup luksFormat` a spare "
    "partition, open it and mount it where the tool keeps its data); on ext4/F2FS, "
    "`fscrypt encrypt` an empty directory and move the data into it."
)
FSCRYPT_FIX = (
    "fscrypt is set up on this filesystem but {path} is not in an encrypted directory: "
    "create one with `fscrypt encrypt <empty dir>` and move the data into it."
)
VOLUME_FIX = {
    "FileVault": "Turn on FileVault (System Settings > Privacy & Security > FileVault).",
    "BitLocker": "Turn on BitLocker for the system drive (`manage-bde -on C:`).",
}


@check(
    id="encryption.store-at-rest",
    category=Category.ENCRYPTION,
    title="Conversation stores sit on encrypted storage",
    severity=Severity.HIGH,
    control="ENC-01",
    threats=("device-theft", "disk-disposal"),
    remediation="Keep conversation stores on an encrypted disk or directory.",
)
def store_at_rest(self: Check, context: Context) -> Iterator[Finding]:
    """A stolen laptop, a disk sent for repair or a decommissioned server gives away every
    conversation stored on it unless the filesystem is encrypted: LUKS/dm-crypt under the
    filesystem, fscrypt or eCryptfs on the directory, FileVault or BitLocker. Whether the
    cryptography is FIPS-validated is a separate question for regulated users; it is
    reported beside the verdict and never assumed."""
    for instance in context.instances:
        for store in instance.stores:
            if store.kind in ("conversations", "history", "uploads", "vectors"):
                yield _store_finding(self, context.facts, store)


def fips_evidence(facts: Facts) -> Evidence:
    source = "/proc/sys/crypto/fips_enabled"
    if facts.disk.fips_enabled is None:
        return Evidence("fips", "FIPS status unknown: the kernel's FIPS mode could not be read")
    if facts.disk.fips_enabled:
        return Evidence(
            source,
            "kernel FIPS mode on (FIPS-approved algorithms only); whether this build holds "
            "a valid CMVP certificate is not checked",
        )
    return Evidence(source, "kernel FIPS mode off: encryption is not in a FIPS-validated mode")


def _store_finding(self: Check, facts: Facts, store: StoreFile) -> Finding:
    fact = store.file
    if fact.kind is FileKind.ERROR:
        return self.unknown(store.tool, fact.path, f"cannot inspect: {fact.error}")
    if facts.disk.volume_encryption is not None:
        return _volume_finding(self, facts.disk.volume_encryption, store)
    path = fact.resolved or fact.path
    mount = mount_for(path, facts.mounts)
    if mount is None:
        reason = "mounts unknown (no readable proc/mounts)" if not facts.mounts else "no mount"
        detail = f"{reason}: cannot tell the disk under it"
        return self.unknown(store.tool, fact.path, detail, *link_evidence(fact))
    verdict = classify_mount(mount, facts.device_mappers)
    location = facts.disk.location(fact.path)
    if location is not None and location.fscrypt_flag:
        how = f"{mount.mountpoint}: fscrypt directory (FS_ENCRYPT_FL set on the store)"
        verdict = DeviceVerdict("encrypted", how=how)
    elif verdict.state == "plain" and location is not None and location.fscrypt_metadata:
        if location.fscrypt_flag is None:
            return self.unknown(
                store.tool,
                fact.path,
                f"fscrypt is set up on {mount.mountpoint} ({location.fscrypt_metadata}) but "
                "the filesystem did not say whether this store is in an encrypted directory; "
                f"run `fscrypt status {path}`",
                *link_evidence(fact),
            )
        return _plain(self, facts, store, verdict, FSCRYPT_FIX.format(path=path))
    return _verdict_finding(self, facts, store, verdict)


def _verdict_finding(
    self: Check, facts: Facts, store: StoreFile, verdict: DeviceVerdict
) -> Finding:
    path = store.file.path
    link = link_evidence(store.file)
    if verdict.state == "unknown":
        return self.unknown(store.tool, path, verdict.reason, *link)
    if verdict.state == "memory":
        detail = f"{verdict.how}: not at rest on any disk (swap aside)"
        return self.passed(store.tool, path, *link, Evidence("/proc/mounts", detail))
    if verdict.state == "encrypted":
        evidence = Evidence("/proc/mounts", f"encrypted: {verdict.how}")
        return self.passed(store.tool, path, *link, evidence, fips_evidence(facts))
    return _plain(self, facts, store, verdict, LINUX_FIX.format(path=path))


def _plain(
    self: Check, facts: Facts, store: StoreFile, verdict: DeviceVerdict, fix: str
) -> Finding:
    return self.failed(
        store.tool,
        store.file.path,
        *link_evidence(store.file),
        Evidence("/proc/mounts", f"not encrypted: {verdict.how}"),
        fips_evidence(facts),
        remediation=fix,
    )


def _volume_finding(self: Check, volume: VolumeEncryption, store: StoreFile) -> Finding:
    path = store.file.path
    if volume.enabled is None:
        return self.unknown(store.tool, path, f"{volume.method} status could not be read")
    evidence = Evidence(volume.method, "on" if volume.enabled else "off")
    if volume.enabled:
        return self.passed(store.tool, path, evidence)
    return self.failed(store.tool, path, evidence, remediation=VOLUME_FIX[volume.method])


CHECKS = (store_at_rest,)

"""Sync: conversation stores inside folders that a sync client uploads elsewhere."""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check, Context, check, link_evidence, settings_scope
from localproof.facts import StoreFile
from localproof.facts.residue import SyncFolder, covers
from localproof.model import Category, Evidence, Finding, Severity, Status

STORE_KINDS = ("conversations", "history", "uploads", "vectors")
CLIENT_NAMES = {
    "dropbox": "Dropbox",
    "nextcloud": "Nextcloud",
    "owncloud": "ownCloud",
    "syncthing": "Syncthing",
    "onedrive": "OneDrive",
    "icloud": "iCloud Drive",
    "google-drive": "Google Drive",
    "box": "Box",
}
PEER_TO_PEER = ("syncthing",)  # copies go to the user's own devices, not a provider


@check(
    id="sync.store-not-synced",
    category=Category.SYNC,
    title="Conversation stores stay out of folders synced to other services",
    severity=Severity.HIGH,
    control="SYN-01",
    threats=("third-party-copy", "provider-breach"),
    remediation="Move conversation stores out of synced folders.",
)
def store_not_synced(self: Check, context: Context) -> Iterator[Finding]:
    """Running the model locally keeps prompts away from an AI provider, but a chat
    database inside a Dropbox, OneDrive, iCloud Drive, Google Drive or Nextcloud folder is
    uploaded to that provider anyway, and to every device signed in to the account.
    Syncthing copies it to every peer device that shares the folder."""
    folders = context.facts.residue.syncs
    for folder in folders:
        if folder.error:
            name = CLIENT_NAMES.get(folder.client, folder.client)
            yield self.unknown(None, folder.config, f"cannot read {name} settings: {folder.error}")
    synced = [f for f in folders if f.path and not f.error]
    unreadable = [
        (f, f.path or settings_scope(f.config, context.facts)) for f in folders if f.error
    ]
    for instance in context.instances:
        for store in instance.stores:
            if store.kind in STORE_KINDS:
                yield _unless_unreadable(
                    self, _store_finding(self, store, synced), store, unreadable
                )


def _unless_unreadable(
    self: Check, finding: Finding, store: StoreFile, unreadable: list[tuple[SyncFolder, str]]
) -> Finding:
    """A pass stands only if no client whose settings could not be read may sync the store:
    within its folder if known, else within the home its settings live in, else anywhere."""
    paths = [p for p in (store.file.path, store.file.resolved) if p]
    maybe = [f for f, scope in unreadable if any(covers(scope, path) for path in paths)]
    if finding.status is not Status.PASS or not maybe:
        return finding
    names = ", ".join(
        sorted({f"{CLIENT_NAMES.get(f.client, f.client)} ({f.config})" for f in maybe})
    )
    return self.unknown(
        store.tool,
        store.file.path,
        f"the settings of {names} could not be read, so whether it syncs this store is not known",
        *finding.evidence,
    )


def _store_finding(self: Check, store: StoreFile, folders: list[SyncFolder]) -> Finding:
    paths = {p for p in (store.file.path, store.file.resolved) if p}
    inside = [f for f in folders if any(covers(str(f.path), p) for p in paths)]
    path = store.file.path
    if not inside:
        detail = f"outside every synced folder ({len(folders)} found)"
        return self.passed(store.tool, path, Evidence(path, detail), *link_evidence(store.file))
    evidence = [*link_evidence(store.file)]
    evidence += [
        Evidence(f.config, f"{CLIENT_NAMES.get(f.client, f.client)} syncs {f.path}") for f in inside
    ]
    names = ", ".join(sorted({CLIENT_NAMES.get(f.client, f.client) for f in inside}))
    only_peers = all(f.client in PEER_TO_PEER for f in inside)
    remediation = (
        f"Move {path} out of the folder {names} syncs (and point the tool at the new "
        "location), or exclude it in the client's settings; then delete the copies already "
        "uploaded, including the provider's version history and trash."
    )
    return self.failed(
        store.tool,
        path,
        *evidence,
        severity=Severity.MEDIUM if only_peers else None,
        remediation=remediation,
    )


CHECKS = (store_not_synced,)

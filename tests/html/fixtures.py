"""Fixed assessments for the HTML report: every category and status, fixed timestamps.

Built by hand (not by an audit) so that the golden file changes only when the renderer
does. The hostile strings check escaping: none of them may reach the page as markup.
"""

from __future__ import annotations

from localproof.model import (
    Assessment,
    Category,
    CheckMeta,
    Evidence,
    Finding,
    HostInfo,
    Severity,
    Status,
    StoreRef,
    ToolInstance,
    Verdict,
    WeightedFinding,
)

GENERATED_AT = "2026-01-02T03:04:05Z"
HOSTILE = '<img src="http://example.invalid/x.png" onerror="alert(1)">'
WEBUI_DB = "/var/lib/docker/volumes/open-webui/_data/webui.db"
HISTORY = "/home/alice/.ollama/history"


def meta(check_id: str, category: Category, severity: Severity = Severity.HIGH) -> CheckMeta:
    return CheckMeta(
        id=check_id,
        category=category,
        title=f"{check_id.split('.')[1].replace('-', ' ').capitalize()} holds",
        severity=severity,
        control=f"{category.value[:3].upper()}-01",
        threats=("network-reach",),
        remediation=f"Fix {check_id}: run `chmod 600 FILE`.",
        rationale=f"Why {check_id} matters.",
    )


def finding(
    check_id: str,
    category: Category,
    tool: str | None,
    resource: str,
    status: Status,
    *evidence: tuple[str, str],
    severity: Severity = Severity.HIGH,
    frameworks: tuple[str, ...] = (),
    reason: str = "",
    weighted: Severity | None = None,
) -> WeightedFinding:
    item = Finding(
        meta(check_id, category, severity),
        tool,
        resource,
        status,
        tuple(Evidence(source, detail) for source, detail in evidence),
        reason=reason,
    )
    weight = "no profile weighting: default severity" if weighted is None else "profile: legal"
    return WeightedFinding(item, weighted or severity, weight, frameworks)


def tools() -> tuple[ToolInstance, ...]:
    ollama = ToolInstance(
        slug="ollama",
        name="Ollama",
        kinds=("installed", "running", "listening", "service"),
        evidence=(
            Evidence("process 1204", "ollama (pid 1204, uid 998)"),
            Evidence("socket", "0.0.0.0:11434/tcp"),
        ),
        install=("systemd",),
        version="0.5.7",
        version_source="/usr/local/lib/ollama/VERSION",
        stores=(StoreRef("history", "text", HISTORY, "alice"),),
    )
    webui = ToolInstance(
        slug="open-webui",
        name="Open WebUI",
        kinds=("installed", "container"),
        evidence=(Evidence("container open-webui", "ghcr.io/open-webui/open-webui:main"),),
        install=("docker",),
        stores=(StoreRef("conversations", "sqlite", WEBUI_DB, "container:open-webui"),),
    )
    return (ollama, webui)


def findings() -> tuple[WeightedFinding, ...]:
    c = Category
    s = Status
    return (
        finding("exposure.api-beyond-loopback", c.EXPOSURE, "ollama", "0.0.0.0:11434/tcp",
                s.FAIL, ("/proc/net/tcp", "0.0.0.0:11434/tcp on all interfaces"),
                severity=Severity.CRITICAL, frameworks=("HIPAA 164.312(e)(1)",)),
        finding("auth.open-webui-login", c.AUTH, "open-webui", "container open-webui WEBUI_AUTH",
                s.FAIL, ("container open-webui", "WEBUI_AUTH turns login off"),
                frameworks=("HIPAA 164.312(d)", "SOC 2 CC6.1")),
        finding("exposure.api-beyond-loopback", c.EXPOSURE, "open-webui",
                "container open-webui port 3000/tcp", s.FAIL,
                ("docker fe31d64a3848 hostconfig.json", "0.0.0.0:3000 -> 8080/tcp")),
        finding("permissions.store-private", c.PERMISSIONS, "open-webui", WEBUI_DB, s.FAIL,
                (WEBUI_DB, "mode 0644, uid 0"), frameworks=("SOC 2 CC6.1",)),
        finding("backup.store-copies-encrypted", c.BACKUP, "ollama", HISTORY, s.FAIL,
                ("/etc/rsnapshot.conf line 13", "rsnapshot: plain copies"),
                severity=Severity.MEDIUM, weighted=Severity.HIGH),
        finding("sync.store-not-synced", c.SYNC, "open-webui", WEBUI_DB, s.PASS,
                (WEBUI_DB, "outside every synced folder (0 found)")),
        finding("cloud.features-off", c.CLOUD, "open-webui", "open-webui ENABLE_OPENAI_API",
                s.FAIL, ("container open-webui", "ENABLE_OPENAI_API not set: default True")),
        finding("telemetry.usage-data-off", c.TELEMETRY, "open-webui",
                "open-webui SCARF_NO_ANALYTICS", s.PASS,
                ("container open-webui", "SCARF_NO_ANALYTICS is set")),
        finding("update-check.automatic-off", c.UPDATE_CHECK, "ollama", "ollama updates",
                s.UNKNOWN, reason="the desktop app settings could not be read"),
        finding("swap.encrypted-or-absent", c.SWAP, None, "/dev/nvme0n1p3", s.FAIL,
                ("/proc/swaps", "partition, no encryption layer"), severity=Severity.MEDIUM),
        finding("content.sensitive-data", c.CONTENT, "open-webui", WEBUI_DB, s.FAIL,
                (WEBUI_DB, "phi 3 (mrn 3), pii 5 (email 4, phone 1)"), severity=Severity.MEDIUM),
        finding("history-leak.prompts-in-histories", c.HISTORY_LEAK, "ollama", HISTORY,
                s.PASS, (HISTORY, "no prompt found"), severity=Severity.LOW),
        finding("witness.no-egress", c.WITNESS, "ollama", "ollama pull", s.FAIL,
                ("witness", "DNS registry.ollama.ai; TCP 104.21.75.227:443"),
                severity=Severity.LOW),
        finding("encryption.store-at-rest", c.ENCRYPTION, "ollama", HOSTILE, s.UNKNOWN,
                reason=f"cannot read {HOSTILE}"),
        finding("core-dump.not-kept", c.CORE_DUMP, "ollama", "ollama core dumps",
                s.NOT_APPLICABLE, reason="no core dumps on this OS", severity=Severity.MEDIUM),
    )  # fmt: skip


def fixed_assessment() -> Assessment:
    return Assessment(
        tool_version="0.1.0",
        generated_at=GENERATED_AT,
        host=HostInfo("ai-workstation", "/srv/disk", "Debian GNU/Linux 12", "6.1.0", False, False),
        profile="legal",
        profile_description="Privileged client material; protect it from discovery and breach.",
        verdict=Verdict("essential", False, ("2 critical problems.", f"Hostile {HOSTILE}")),
        tools=tools(),
        findings=findings(),
        limitations=("no proc/ under the audit root: running processes and sockets not seen",),
    )


def many_tools(count: int) -> Assessment:
    """`count` tools, each listening, storing and phoning home: the map's worst case."""
    slugs = ["ollama", "open-webui", "lm-studio", "gpt4all", "localai", "jan", "llama-cpp"]
    slugs += ["text-generation-webui", "vllm", "anythingllm", "koboldcpp", "librechat"]
    instances = []
    rows = []
    for index, slug in enumerate(slugs[:count]):
        store = f"/home/alice/.local/share/{slug}/chats.db"
        address = f"127.0.0.1:{8000 + index}/tcp"
        instances.append(
            ToolInstance(
                slug,
                slug.title(),
                ("running",),
                (Evidence("socket", address),),
                ("pip",),
                stores=(StoreRef("conversations", "sqlite", store, "alice"),),
            )
        )
        status = (Status.FAIL, Status.PASS, Status.UNKNOWN)[index % 3]
        rows += [
            finding("permissions.store-private", Category.PERMISSIONS, slug, store, status),
            finding("telemetry.usage-data-off", Category.TELEMETRY, slug, f"{slug} DNT", status),
            finding("exposure.api-beyond-loopback", Category.EXPOSURE, slug, address, Status.PASS),
        ]
    base = fixed_assessment()
    verdict = Verdict("useful", None, ("Some checks could not be run.",))
    return Assessment(
        base.tool_version,
        base.generated_at,
        base.host,
        "general",
        "No profile.",
        verdict,
        tuple(instances),
        tuple(rows),
    )

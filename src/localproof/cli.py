"""Command line: the only module that prints or writes files.

Exit codes: 0 ran and nothing failed at or above --fail-on; 1 findings at or above
--fail-on; 2 usage or input error (a message on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from localproof import __version__
from localproof import scan as census
from localproof.assess import assess
from localproof.checks import registry, run_checks
from localproof.checks.base import Context
from localproof.collect import collect_host
from localproof.collect.content import count_content
from localproof.collect.evidence import read_evidence
from localproof.collect.fsroot import AuditRoot
from localproof.collect.probe import run_probes
from localproof.discover import discover
from localproof.kb import KBError, load_kb
from localproof.model import Assessment, Severity, Status
from localproof.render import OutputFormat, htmlkit, kbview, renderer, threatview
from localproof.threat import Profile, ThreatModelError, load_catalog, resolve_profile
from localproof.threat import options as threat_options
from localproof.threat.explain import explain
from localproof.threat.interview import QUESTIONS, Question, build_profile, to_toml
from localproof.threat.load import load_profile_text
from localproof.witness import options as witness_options

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
FAIL_ON_CHOICES = ["never", *(s.value for s in Severity)]


class UsageError(Exception):
    """Bad arguments or unusable input; reported on stderr with exit code 2."""


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=[f.value for f in OutputFormat],
        default=OutputFormat.TERMINAL.value,
        help="report format (default: terminal)",
    )
    parser.add_argument(
        "--output", metavar="FILE", help="write the report to FILE (created with mode 0600)"
    )


PROFILE_HELP = (
    "threat profile: a preset (personal, routine, healthcare, legal, finance, government) "
    "or a file from `localproof threat init` (default: general, the checks' default "
    "severities)"
)
SCAN_PROFILE_HELP = (
    "a threat profile (preset or file) to compare the findings with: warn when the stores "
    "hold data classes it does not declare"
)


def _add_profile_option(parser: argparse.ArgumentParser, help_text: str = PROFILE_HELP) -> None:
    parser.add_argument("--profile", metavar="PRESET|FILE", help=help_text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="localproof",
        description="Verify that a local AI setup keeps data private, on this machine.",
    )
    parser.add_argument("--version", action="version", version=f"localproof {__version__}")
    commands = parser.add_subparsers(dest="subcommand", metavar="COMMAND", required=True)
    audit = commands.add_parser(
        "audit",
        help="discover local AI tools and check every privacy control",
        description="Discover local AI tools on this host (or under --root) and check "
        "exposure, authentication and who can read stored conversations. Read-only.",
    )
    audit.add_argument(
        "--root",
        metavar="DIR",
        default="/",
        help="audit the tree under DIR as if it were / (default: the live host)",
    )
    _add_report_options(audit)
    _add_profile_option(audit)
    audit.add_argument(
        "--probe",
        action="store_true",
        help="confirm exposures by requesting each exposed tool's read-only version or "
        "health endpoint on this host's own non-loopback addresses (live host only)",
    )
    audit.add_argument(
        "--evidence",
        metavar="FILE",
        nargs="+",
        action="extend",
        default=[],
        help="witness or watch JSON reports whose observed egress becomes witness findings",
    )
    audit.add_argument(
        "--no-content",
        action="store_true",
        help="skip the content census of the tools' conversation stores",
    )
    audit.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        default="never",
        help="exit 1 when a failing finding has at least this severity (default: never)",
    )
    tools = commands.add_parser(
        "tools",
        help="show the knowledge base of local AI tools, with the source of every claim",
        description="What each known local AI tool stores where, listens on and contacts, "
        "with the upstream source and checked version of every claim.",
    )
    scan = commands.add_parser(
        "scan",
        help="count sensitive data in the tools' chat stores (values are never shown)",
        description="Count PII, PHI, financial data, secrets and markings by category and "
        "type in local AI conversation stores (files or folders, format detected from "
        "content). Values are never shown, masked or hashed. Read-only.",
    )
    census.add_arguments(scan)
    _add_profile_option(scan, SCAN_PROFILE_HELP)
    threat_options.add_threat_parser(commands, [f.value for f in OutputFormat], FAIL_ON_CHOICES)
    watch = commands.add_parser(
        "watch",
        help="observe the connections of AI processes already running on this host",
        description="Poll this host's socket tables and record every outbound connection of "
        "the local AI processes found running, for --duration seconds. Names come from "
        "/etc/hosts only; no DNS lookup is made. The report says what polling cannot see.",
    )
    watch.add_argument(
        "--duration", metavar="S", type=float, default=10.0, help="seconds to watch (default 10)"
    )
    watch.add_argument(
        "--interval",
        metavar="MS",
        type=float,
        default=50.0,
        help="milliseconds between polls (default 50)",
    )
    watch.add_argument("--json", metavar="FILE", help="also write the JSON report to FILE")
    _add_report_options(watch)
    witness = commands.add_parser(
        "witness",
        help="run a program in a sealed network sandbox and record every outbound attempt",
        description="Run COMMAND where every outbound attempt (DNS, TCP, UDP, ping) is "
        "answered locally and recorded; nothing leaves this machine. The program keeps "
        "stdin, stdout and stderr; the report goes to stderr, or to --output.",
    )
    witness_options.add_arguments(witness)
    _add_report_options(witness)
    tools.add_argument("slug", nargs="*", help="only these tools (default: all)")
    tools.add_argument(
        "--root",
        metavar="DIR",
        default="/",
        help="say which tools are found under DIR (default: the live host)",
    )
    _add_report_options(tools)
    return parser


def write_report(text: str, output: str | None) -> None:
    """Print the report, or write it to a file that only its owner can read."""
    if output is None:
        sys.stdout.write(text)
        return
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(output, flags, 0o600)
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror}") from error
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(text)


def load_profile(spec: str | None) -> Profile:
    """`--profile PRESET|FILE`, with bad data or an unknown name as a usage error."""
    try:
        return resolve_profile(spec, load_catalog())
    except ThreatModelError as error:
        raise UsageError(str(error)) from error


def run_audit(
    root: Path,
    *,
    probe: bool = False,
    content: bool = True,
    profile: Profile | None = None,
    evidence: Sequence[Path] = (),
) -> Assessment:
    if not root.is_dir():
        raise UsageError(f"--root {root}: not a directory")
    if probe and root.resolve() != Path("/"):
        raise UsageError("--probe checks the live host only; it cannot be used with --root")
    try:
        tools = load_kb()
    except KBError as error:
        raise UsageError(f"knowledge base is invalid: {error}") from error
    facts = collect_host(root, tools)
    if probe:
        facts = dataclasses.replace(facts, probes=run_probes(facts, tools, AuditRoot(root)))
    if content:
        counted = count_content(AuditRoot(root), facts.stores)
        facts = dataclasses.replace(facts, content=counted)
    if evidence:
        observed = read_evidence(list(evidence), set(tools))
        facts = dataclasses.replace(facts, evidence=observed)
    instances = discover(facts, tools)
    findings = run_checks(Context(facts=facts, tools=tools, instances=instances))
    return assess(facts, instances, findings, profile=profile)


def exit_code(assessment: Assessment, fail_on: str) -> int:
    if fail_on == "never":
        return EXIT_OK
    threshold = Severity(fail_on)
    for weighted in assessment.findings:
        if weighted.finding.status is Status.FAIL and weighted.severity.at_least(threshold):
            return EXIT_FINDINGS
    return EXIT_OK


def _audit(args: argparse.Namespace) -> int:
    profile = load_profile(args.profile)
    evidence = [Path(name) for name in args.evidence]
    if missing := [str(path) for path in evidence if not path.is_file()]:
        raise UsageError(f"--evidence: no such file: {', '.join(missing)}")
    assessment = run_audit(
        Path(args.root),
        probe=args.probe,
        content=not args.no_content,
        profile=profile,
        evidence=evidence,
    )
    color = args.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    text = renderer(OutputFormat(args.format), color=color)(assessment)
    write_report(text, args.output)
    return exit_code(assessment, args.fail_on)


def _tools(args: argparse.Namespace) -> int:
    try:
        known = load_kb()
    except KBError as error:
        raise UsageError(f"knowledge base is invalid: {error}") from error
    unknown = [slug for slug in args.slug if slug not in known]
    if unknown:
        raise UsageError(f"unknown tool {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    selected = [known[slug] for slug in (args.slug or sorted(known))]
    found = {tool.slug: tool for tool in run_audit(Path(args.root), content=False).tools}
    output_format = OutputFormat(args.format)
    if output_format is OutputFormat.JSON:
        text = kbview.render_json(selected, found)
    elif output_format is OutputFormat.MARKDOWN:
        text = kbview.render_markdown(selected, found)
    elif output_format is OutputFormat.HTML:
        plain = kbview.render_terminal(selected, found, detail=bool(args.slug), color=False)
        text = htmlkit.text_page("localproof tools", plain)
    else:
        color = args.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        text = kbview.render_terminal(selected, found, detail=bool(args.slug), color=color)
    write_report(text, args.output)
    return EXIT_OK


def _witness(args: argparse.Namespace) -> int:
    from localproof.witness import report, sandbox, summary  # noqa: PLC0415 - only when used

    try:
        result = sandbox.run_witness(
            witness_options.command_of(args),
            allow=args.allow,
            duration=args.duration,
            fresh_home=args.fresh_home,
        )
    except sandbox.WitnessError as error:
        raise UsageError(str(error)) from error
    if args.json:
        write_report(report.render_json(result), args.json)
    renderers = {
        OutputFormat.TERMINAL: report.render_terminal,
        OutputFormat.JSON: report.render_json,
        OutputFormat.MARKDOWN: report.render_markdown,
        OutputFormat.HTML: lambda r: htmlkit.text_page(
            "localproof witness", report.render_terminal(r)
        ),
    }
    text = renderers[OutputFormat(args.format)](result)
    if args.output:
        write_report(text, args.output)
    else:
        sys.stderr.write(text)  # stdout belongs to the program under test
    return summary.exit_status(result)


def _discovered_stores(root: Path) -> list[Path]:
    """Host paths of the conversation stores of every tool found under `root`."""
    if not root.is_dir():
        raise UsageError(f"--root {root}: not a directory")
    facts = collect_host(root, load_kb())
    kinds = {"conversations", "history", "uploads"}
    base = AuditRoot(root)
    return [
        base.host_path(store.file.resolved or store.file.path)
        for store in facts.stores
        if store.kind in kinds and store.file.exists
    ]


def _scan(args: argparse.Namespace) -> int:
    if args.max_detections < 0 or (args.jobs is not None and args.jobs < 1):
        raise UsageError("--max-detections must be 0 or more and --jobs 1 or more")
    paths = [Path(p).expanduser() for p in args.paths] or _discovered_stores(Path(args.root))
    if missing := [str(p) for p in paths if not p.exists()]:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    profile = load_profile(args.profile) if args.profile else None
    options = {"max_detections": args.max_detections, "workers": args.jobs}
    if sys.stderr.isatty():
        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("scanning", total=None)
            result = census.scan_paths(
                paths,
                progress=lambda p: bar.update(task, total=p.bytes_total, completed=p.bytes_done),
                **options,
            )
    else:
        result = census.scan_paths(paths, **options)
    text = census.renderer(census.ScanFormat(args.format))(result)
    notice = threatview.census_notice(result.totals, profile, load_catalog()) if profile else ""
    plain = (census.ScanFormat.TERMINAL, census.ScanFormat.MARKDOWN)
    if notice and census.ScanFormat(args.format) in plain:
        text = f"{notice}\n\n{text}"
    write_report(text, args.output)
    if notice:
        sys.stderr.write(f"localproof: {notice}\n")
    return EXIT_OK


def _ask(question: Question, interactive: bool) -> tuple[str, ...]:
    """One answer from the terminal (asked again until valid) or a line of stdin."""
    while True:
        if interactive:
            sys.stderr.write(f"\n{question.text}\n")
            for number, (value, label) in enumerate(question.choices, 1):
                sys.stderr.write(f"  {number}. {label} [{value}]\n")
            sys.stderr.write(f"answer (default: {question.default}): ")
            sys.stderr.flush()
        try:
            return question.parse(sys.stdin.readline().strip())
        except ValueError as error:
            if not interactive:
                raise UsageError(str(error)) from error
            sys.stderr.write(f"{error}\n")


def _threat_init(args: argparse.Namespace) -> int:
    interactive = sys.stdin.isatty()
    answers: dict[str, tuple[str, ...]] = {}
    for question in QUESTIONS:
        given = getattr(args, question.key)
        try:
            answers[question.key] = (
                _ask(question, interactive) if given is None else question.parse(given)
            )
        except ValueError as error:
            raise UsageError(f"--{error}") from error
    name = args.name
    if name is None:
        if interactive:
            sys.stderr.write("\nA name for this profile (default: my-profile): ")
            sys.stderr.flush()
        name = sys.stdin.readline().strip() or "my-profile"
    catalog = load_catalog()
    text = to_toml(build_profile(answers, name, catalog))
    load_profile_text(text, catalog, "the written profile")  # it must load back
    write_report(text, args.output)
    if args.output:
        sys.stderr.write(f"profile written to {args.output}; use it with --profile {args.output}\n")
    return EXIT_OK


def _threat(args: argparse.Namespace) -> int:
    try:
        if args.threat_command == "init":
            return _threat_init(args)
        return _threat_show(args)
    except ThreatModelError as error:
        raise UsageError(str(error)) from error


def _threat_show(args: argparse.Namespace) -> int:
    options = threat_options.show_options(args)
    profile = load_profile(options.profile)
    assessment = run_audit(Path(options.root), content=options.content, profile=profile)
    checks: dict[str, tuple[str, ...]] = {}
    for item in registry():
        checks[item.meta.control] = (*checks.get(item.meta.control, ()), item.meta.id)
    view = explain(assessment, load_catalog(), checks)
    output_format = OutputFormat(options.format)
    color = options.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    write_report(threatview.render(view, output_format, color=color), options.output)
    return exit_code(assessment, options.fail_on)


def _watch(args: argparse.Namespace) -> int:
    from localproof import watch  # noqa: PLC0415 - only when used

    if args.duration < 0 or args.interval <= 0:
        raise UsageError("--duration must be 0 or more and --interval more than 0")
    result = watch.observe(load_kb(), duration=args.duration, interval=args.interval / 1000)
    if args.json:
        write_report(watch.render_json(result), args.json)
    renderers = {
        OutputFormat.TERMINAL: watch.render_terminal,
        OutputFormat.JSON: watch.render_json,
        OutputFormat.MARKDOWN: watch.render_markdown,
    }
    if OutputFormat(args.format) is OutputFormat.HTML:
        text = htmlkit.text_page("localproof watch", watch.render_terminal(result))
    else:
        text = renderers[OutputFormat(args.format)](result)
    write_report(text, args.output)
    return EXIT_OK


COMMANDS = {
    "audit": _audit,
    "tools": _tools,
    "scan": _scan,
    "watch": _watch,
    "witness": _witness,
    "threat": _threat,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.subcommand](args)
    except UsageError as error:
        sys.stderr.write(f"localproof: error: {error}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("localproof: interrupted\n")
        return EXIT_USAGE

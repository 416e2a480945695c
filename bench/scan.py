"""Benchmark of the content census: throughput and precision/recall/F1 per type.

    python bench/scan.py [--mb 20] [--seed 42] [--big-mb 0]

Generates a seeded, labelled synthetic chat corpus (below: every planted entity valid for
its type and labelled with its span; hard negatives planted unlabelled), writes it as plain
text (one message per line) and as chat JSONL, and measures on the same data:
  * localproof: detector throughput on the messages (in batches, one process), end-to-end
    `scan_paths` throughput on the two files with one process and with the default (one
    per core for large inputs), peak memory, and precision/recall/F1 per type against the
    labels;
  * the Python `re` alternative: one alternation of all patterns searched at every position
    (the design the engine replaced), on a sample;
  * when importable: google-re2 and hyperscan scanning a lookaround-free form of the same
    pattern set (candidate finding only, no validation), ripgrep (`rg -P -c`) with the same
    patterns as the raw-speed limit, and Presidio's pattern recognizers (no spaCy model can be
    downloaded here, so no NLP context: a blank pipeline's equivalent).
Nothing is printed for planted values: only counts, rates and timings.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import re
import shutil
import string
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stdnum import cusip, isin, luhn

from localproof.scan import scan_paths
from localproof.scan.detector_data import DETECTORS
from localproof.scan.detectors import DetectorSet
from localproof.scan.engine import BATCH_CHARS, auto_workers

# ---- the seeded, labelled corpus ------------------------------------------------------------

FILLER = (
    "Can you help me rewrite this paragraph so it sounds more professional?",
    "Summarise the attached contract in five bullet points.",
    "What is the difference between a Roth IRA and a traditional IRA?",
    "Please draft a polite reminder to the landlord about the broken window.",
    "Explain the side effects of ibuprofen in plain language.",
    "I think the meeting went well, but the budget is still unclear.",
    "Write a haiku about autumn leaves in Kyoto.",
    "The quarterly numbers look better than expected, revenue grew 12 percent.",
    "Here is the stack trace from the build, version 3.11.7 on 2 cores.",
    "We moved the standup to 9:30 on Tuesdays and Thursdays.",
    "Translate 'see you tomorrow at the station' into Spanish.",
    "My daughter has a fever of 38.5 since yesterday evening; should I worry?",
    "List three ways to reduce cloud costs for a small startup.",
    "The invoice total was 1,240.50 EUR including VAT of 19 percent.",
    "Visit https://docs.python.org/3/library/re.html for the syntax.",
)


@dataclass(frozen=True)
class Label:
    message: int
    type: str
    start: int
    end: int


def _alnum(rng: random.Random, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def ssn(rng: random.Random) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def card(rng: random.Random) -> str:
    prefix, length = rng.choice([("4", 16), ("51", 16), ("55", 16), ("37", 15), ("6011", 16)])
    body = prefix + _digits(rng, length - len(prefix) - 1)
    number = body + luhn.calc_check_digit(body)
    if length == 16 and rng.random() < 0.5:
        return " ".join(number[i : i + 4] for i in range(0, 16, 4))
    return number


def iban(rng: random.Random) -> str:
    bban = _digits(rng, 18)
    check = 98 - int(bban + "131400") % 97
    return f"DE{check:02d}{bban}"


def aba(rng: random.Random) -> str:
    while True:
        d = [int(c) for c in _digits(rng, 8)]
        for last in range(10):
            n = [*d, last]
            total = 3 * (n[0] + n[3] + n[6]) + 7 * (n[1] + n[4] + n[7]) + n[2] + n[5] + n[8]
            if total % 10 == 0 and len(set(n)) > 2:
                return "".join(map(str, n))


def npi(rng: random.Random) -> str:
    body = rng.choice("12") + _digits(rng, 8)
    return body + luhn.calc_check_digit("80840" + body)


def dea(rng: random.Random) -> str:
    d = [int(c) for c in _digits(rng, 6)]
    check = (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10
    return (
        rng.choice("ABFM") + rng.choice(string.ascii_uppercase) + "".join(map(str, d)) + str(check)
    )


def isin_code(rng: random.Random) -> str:
    body = "US" + _digits(rng, 9)
    return body + isin.calc_check_digit(body)


def cusip_code(rng: random.Random) -> str:
    body = _digits(rng, 6) + rng.choice(["10", "20", "AB", "CD"])
    return body + cusip.calc_check_digit(body)


def phone(rng: random.Random) -> str:
    area = rng.choice([212, 415, 617, 312, 646, 202, 303, 512, 206, 305])
    exchange = rng.randint(200, 999)
    line = rng.randint(0, 9999)
    return rng.choice([f"({area}) {exchange}-{line:04d}", f"+1 {area}-{exchange}-{line:04d}"])


def jwt(rng: random.Random) -> str:
    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return (
        f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'sub': _digits(rng, 8)})}.{_alnum(rng, 43)}"
    )


UPPER = string.ascii_uppercase + string.digits
# type -> (category, sentence template, value generator)
PLANTS: dict[str, tuple[str, str, Callable[[random.Random], str]]] = {
    "ssn": ("pii", "My social security number is {v}, is that needed?", ssn),
    "email": (
        "pii",
        "Send the draft to {v} please.",
        lambda r: f"{_alnum(r, 8).lower()}@{r.choice(['gmail.com', 'proton.me', 'acme-corp.io'])}",
    ),
    "phone": ("pii", "Call me back at {v} after lunch.", phone),
    "date_of_birth": (
        "pii",
        "Patient DOB: {v}.",
        lambda r: f"{r.randint(1, 12):02d}/{r.randint(1, 28):02d}/{r.randint(1940, 2005)}",
    ),
    "passport": (
        "pii",
        "My passport number is {v}.",
        lambda r: r.choice(string.ascii_uppercase) + _digits(r, 8),
    ),
    "drivers_license": (
        "pii",
        "Driver's license {v} issued in CA.",
        lambda r: r.choice(string.ascii_uppercase) + _digits(r, 7),
    ),
    "mrn": ("phi", "Medical record number {v} for the referral.", lambda r: _digits(r, 8)),
    "npi": ("phi", "Referring physician NPI {v}.", npi),
    "dea": ("phi", "Prescriber DEA number {v}.", dea),
    "icd10": (
        "phi",
        "Diagnosis code {v} was recorded.",
        lambda r: r.choice(["E11.9", "I10", "J45.909", "F32.9", "M54.5", "K21.9", "N39.0"]),
    ),
    "payment_card": ("financial", "Charge it to my card {v} please.", card),
    "iban": ("financial", "Wire it to IBAN {v} today.", iban),
    "aba_routing": ("financial", "The routing number is {v}.", aba),
    "isin": ("financial", "How did {v} perform this quarter?", isin_code),
    "cusip": ("financial", "The bond CUSIP is {v}.", cusip_code),
    "aws_access_key": (
        "secret",
        "aws_access_key_id = {v}",
        lambda r: "AKIA" + _alnum(r, 16, UPPER),
    ),
    "github_token": ("secret", "export GITHUB_TOKEN={v}", lambda r: "ghp_" + _alnum(r, 36)),
    "openai_key": ("secret", "OPENAI_API_KEY={v}", lambda r: "sk-proj-" + _alnum(r, 48)),
    "anthropic_key": ("secret", "ANTHROPIC_API_KEY={v}", lambda r: "sk-ant-api03-" + _alnum(r, 80)),
    "slack_token": (
        "secret",
        "the bot token is {v}",
        lambda r: f"xoxb-{_digits(r, 11)}-{_digits(r, 12)}-{_alnum(r, 24)}",
    ),
    "google_api_key": ("secret", "maps key {v}", lambda r: "AIza" + _alnum(r, 35)),
    "stripe_key": ("secret", "STRIPE_SECRET={v}", lambda r: "sk_live_" + _alnum(r, 24)),
    "huggingface_token": ("secret", "HF_TOKEN={v}", lambda r: "hf_" + _alnum(r, 34)),
    "private_key": (
        "secret",
        "{v}\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC...",
        lambda r: r.choice(["-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----"]),
    ),
    "jwt": ("secret", "Authorization: Bearer {v}", jwt),
    "connection_string": (
        "secret",
        "DATABASE_URL={v}",
        lambda r: f"postgres://app:{_alnum(r, 14)}@db{r.randint(1, 9)}.internal:5432/app",
    ),
    "attorney_client": (
        "marking",
        "{v} - please review the draft settlement.",
        lambda r: r.choice(["PRIVILEGED & CONFIDENTIAL", "Attorney-Client Privileged"]),
    ),
    "cui": (
        "marking",
        "Header: {v}",
        lambda r: r.choice(["CUI//SP-PRVCY", "CUI//EXPT", "Controlled Unclassified Information"]),
    ),
    "export_control": (
        "marking",
        "Note: {v}.",
        lambda r: r.choice(
            [
                "ITAR controlled",
                "this item is EAR99",
                "subject to the Export Administration Regulations",
            ]
        ),
    ),
    "mnpi": (
        "marking",
        "Careful, this is {v} until the 8-K is filed.",
        lambda r: r.choice(["material non-public information", "MNPI"]),
    ),
}


def _bad_card(r: random.Random) -> str:
    body = "4" + _digits(r, 14)
    return body + str((int(luhn.calc_check_digit(body)) + 1) % 10)


def _bad_iban(r: random.Random) -> str:
    good = iban(r)
    return f"{good[:2]}{(int(good[2:4]) + 1) % 97 + 2:02d}{good[4:]}"


NEGATIVES: tuple[Callable[[random.Random], str], ...] = (
    lambda r: f"SSN on the form was {r.choice(['000', '666', '912'])}-{_digits(r, 2)}-1234, wrong.",
    lambda r: f"Card ending test {_bad_card(r)} failed.",
    lambda r: f"Order #{_digits(r, r.randint(8, 12))} shipped on Monday.",
    lambda _: "Use sk-" + "x" * 40 + " as a placeholder in the docs.",
    lambda _: "The AWS docs use AKIAIOSFODNN7EXAMPLE as the sample key.",
    lambda _: "Set GITHUB_TOKEN=ghp_" + "X" * 36 + " in your .env file.",
    lambda r: f"Write to john.doe@example.com for details (ticket {_digits(r, 6)}).",
    lambda r: f"The release is scheduled for {r.randint(1, 12):02d}/{r.randint(1, 28):02d}/2026.",
    lambda r: f"Tracking number {_digits(r, 9)} from the courier.",
    lambda r: (
        f"Server 10.0.{r.randint(0, 255)}.{r.randint(1, 254)} runs version 2.{r.randint(0, 9)}."
    ),
    lambda _: "Call (123) 456-7890 is not a real number.",
    lambda r: f"IBAN {_bad_iban(r)} came back invalid.",
    lambda _: "postgres://user:password@localhost/db is the default URL.",
)


def generate(
    seed: int, messages: int, plant_rate: float = 0.15, negative_rate: float = 0.1
) -> tuple[list[str], list[Label]]:
    """`messages` chat messages with labelled plants and unlabelled hard negatives."""
    rng = random.Random(seed)
    types = sorted(PLANTS)
    texts: list[str] = []
    labels: list[Label] = []
    for index in range(messages):
        parts = [rng.choice(FILLER) for _ in range(rng.randint(1, 4))]
        text = " ".join(parts)
        if rng.random() < negative_rate:
            text += " " + rng.choice(NEGATIVES)(rng)
        if rng.random() < plant_rate:
            type_name = types[index % len(types)] if rng.random() < 0.5 else rng.choice(types)
            _, template, make = PLANTS[type_name]
            value = make(rng)
            prefix = text + " " + template[: template.index("{v}")]
            labels.append(Label(index, type_name, len(prefix), len(prefix) + len(value)))
            text = prefix + value + template[template.index("{v}") + 3 :]
        texts.append(text.replace("\n", " "))  # same length: spans stay valid
    return texts, labels


# ---- measurements --------------------------------------------------------------------------

PRESIDIO_TYPES = {
    "CREDIT_CARD": "payment_card",
    "US_SSN": "ssn",
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "IBAN_CODE": "iban",
    "MEDICAL_LICENSE": "dea",
    "US_PASSPORT": "passport",
    "US_DRIVER_LICENSE": "drivers_license",
}


def mb(n: int) -> float:
    return n / 1e6


def score(found: list[tuple[int, str, int, int]], labels: list[Label]) -> dict[str, list[int]]:
    """type -> [tp, fp, fn], matching by message, type and overlapping span."""
    by_message: dict[int, list[Label]] = {}
    for label in labels:
        by_message.setdefault(label.message, []).append(label)
    table: dict[str, list[int]] = {t: [0, 0, 0] for t in PLANTS}
    used: set[Label] = set()
    for message, type_name, start, end in found:
        row = table.setdefault(type_name, [0, 0, 0])
        match = next(
            (
                lb
                for lb in by_message.get(message, [])
                if lb.type == type_name and lb not in used and lb.start < end and start < lb.end
            ),
            None,
        )
        if match is None:
            row[1] += 1
        else:
            row[0] += 1
            used.add(match)
    for label in labels:
        if label not in used:
            table[label.type][2] += 1
    return table


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run_localproof(texts: list[str]) -> tuple[float, list[tuple[int, str, int, int]]]:
    """Seconds and hits of the detectors over `texts`, in batches as `scan_paths` makes
    them, in this process."""
    detectors = DetectorSet(DETECTORS)
    batches: list[tuple[int, list[str]]] = []
    first, chars = 0, 0
    for index, text in enumerate(texts):
        chars += len(text)
        if chars >= BATCH_CHARS or index == len(texts) - 1:
            batches.append((first, texts[first : index + 1]))
            first, chars = index + 1, 0
    found = []
    start = time.perf_counter()
    for offset, batch in batches:
        found.extend((offset + i, h.detector.type, h.start, h.end)
                     for i, h in detectors.find_all(batch))  # fmt: skip
    return time.perf_counter() - start, found


def naive_alternation(sample: str) -> float:
    """One alternation of every pattern, searched at every position (Python `re`)."""
    combined = re.compile(
        "|".join(
            f"(?P<d{i}>{'(?i:' if d.ignore_case else '(?:'}{d.pattern}))"
            for i, d in enumerate(DETECTORS)
        )
    )
    start = time.perf_counter()
    sum(1 for _ in combined.finditer(sample))
    return time.perf_counter() - start


_LOOKAROUND = re.compile(r"\(\?<?[!=][^()]*(?:\([^()]*\)[^()]*)*\)")


def plain_patterns() -> list[str]:
    """The patterns without lookarounds or case-scoped groups (RE2 / Hyperscan syntax)."""
    out = []
    for d in DETECTORS:
        pattern = _LOOKAROUND.sub("", d.pattern).replace("(?m:", "(?:").replace("(?i:", "(?:")
        out.append(("(?i)" if d.ignore_case else "") + pattern)
    return out


def try_re2(text: str) -> float | None:
    try:
        import re2  # type: ignore[import-not-found]  # noqa: PLC0415
    except ImportError:
        return None
    combined = re2.compile("|".join(f"(?:{p})" for p in plain_patterns()))
    start = time.perf_counter()
    sum(1 for _ in combined.finditer(text))
    return time.perf_counter() - start


def try_hyperscan(data: bytes) -> float | None:
    try:
        import hyperscan  # type: ignore[import-not-found]  # noqa: PLC0415
    except ImportError:
        return None
    patterns = [p.removeprefix("(?i)").encode() for p in plain_patterns()]
    flags = [hyperscan.HS_FLAG_CASELESS if d.ignore_case else 0 for d in DETECTORS]
    db = hyperscan.Database()
    db.compile(
        expressions=patterns,
        ids=list(range(len(patterns))),
        flags=[f | hyperscan.HS_FLAG_SOM_LEFTMOST for f in flags],
    )
    hits = [0]

    def on_match(*_: object) -> None:
        hits[0] += 1

    start = time.perf_counter()
    db.scan(data, match_event_handler=on_match)
    return time.perf_counter() - start


def try_ripgrep(path: Path) -> float | None:
    rg = shutil.which("rg")
    if rg is None:
        return None
    args = [rg, "-P", "-c", "--no-config"]
    for d in DETECTORS:
        args += ["-e", ("(?i)" if d.ignore_case else "") + d.pattern]
    start = time.perf_counter()
    done = subprocess.run([*args, str(path)], capture_output=True, check=False)
    if done.returncode not in (0, 1):
        return None
    return time.perf_counter() - start


def try_presidio(texts: list[str]) -> tuple[float, list[tuple[int, str, int, int]]] | None:
    try:
        from presidio_analyzer.predefined_recognizers import (  # noqa: PLC0415
            CreditCardRecognizer,
            EmailRecognizer,
            IbanRecognizer,
            MedicalLicenseRecognizer,
            PhoneRecognizer,
            UsLicenseRecognizer,
            UsPassportRecognizer,
            UsSsnRecognizer,
        )
    except ImportError:
        return None
    recognizers = [
        CreditCardRecognizer(),
        EmailRecognizer(),
        IbanRecognizer(),
        PhoneRecognizer(),
        MedicalLicenseRecognizer(),
        UsLicenseRecognizer(),
        UsPassportRecognizer(),
        UsSsnRecognizer(),
    ]
    _keep_tldextract_offline()
    for recognizer in recognizers:  # warm-up outside the timing (lazy loads)
        recognizer.analyze(texts[0], recognizer.supported_entities, None)
    found: list[tuple[int, str, int, int]] = []
    start = time.perf_counter()
    for index, text in enumerate(texts):
        for recognizer in recognizers:
            results = recognizer.analyze(text, recognizer.supported_entities, None)
            found.extend(
                (index, PRESIDIO_TYPES[r.entity_type], r.start, r.end)
                for r in results
                if r.entity_type in PRESIDIO_TYPES and r.score > 0
            )
    return time.perf_counter() - start, found


def _keep_tldextract_offline() -> None:
    """Presidio's e-mail recognizer calls tldextract, which fetches the Public Suffix List
    from publicsuffix.org and GitHub on first use (`localproof witness --fresh-home` shows
    it). The benchmark gives it the snapshot bundled in the package instead."""
    import tldextract.tldextract as extractor  # noqa: PLC0415 - only with Presidio

    extractor.TLD_EXTRACTOR = extractor.TLDExtract(suffix_list_urls=())


def write_files(texts: list[str], folder: Path) -> tuple[Path, Path]:
    text_file, jsonl_file = folder / "corpus.txt", folder / "messages.jsonl"
    text_file.write_text("".join(t + "\n" for t in texts))
    with jsonl_file.open("w") as out:
        for index, text in enumerate(texts):
            out.write(
                json.dumps(
                    {
                        "id": str(index),
                        "object": "thread.message",
                        "thread_id": "t",
                        "role": "user",
                        "content": [{"type": "text", "text": {"value": text, "annotations": []}}],
                    }
                )
                + "\n"
            )
    return text_file, jsonl_file


def print_table(title: str, table: dict[str, list[int]]) -> None:
    print(f"\n{title}\n{'type':<20} {'tp':>5} {'fp':>5} {'fn':>5} {'prec':>6} {'rec':>6} {'f1':>6}")
    for type_name in sorted(table):
        tp, fp, fn = table[type_name]
        p, r, f = prf(tp, fp, fn)
        print(f"{type_name:<20} {tp:>5} {fp:>5} {fn:>5} {p:>6.3f} {r:>6.3f} {f:>6.3f}")
    tp, fp, fn = (sum(row[i] for row in table.values()) for i in range(3))
    p, r, f = prf(tp, fp, fn)
    print(f"{'ALL':<20} {tp:>5} {fp:>5} {fn:>5} {p:>6.3f} {r:>6.3f} {f:>6.3f}")


_CHILD = """
import resource, sys, time
from pathlib import Path
from localproof.scan import scan_paths
from localproof.scan.engine import auto_workers
path = Path(sys.argv[1])
start = time.perf_counter()
scan_paths([path], max_detections=1000)
seconds = time.perf_counter() - start
# VmHWM: this process's own peak (ru_maxrss would include the parent's, kept across exec).
status = Path("/proc/self/status").read_text().splitlines()
peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
worker_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child
print(seconds, peak_kb / 1024, worker_kb / 1024, auto_workers(path.stat().st_size))
"""


def measure_big_file(texts: list[str], folder: Path, big_mb: float) -> tuple[float, str]:
    """(MB/s, peak memory) of `scan_paths` on a large text file, in a fresh process."""
    big = folder / "big.txt"
    with big.open("w") as out:
        while out.tell() < big_mb * 1e6:
            out.write("".join(t + "\n" for t in texts))
    done = subprocess.run([sys.executable, "-c", _CHILD, str(big)], capture_output=True,
                          text=True, check=True)  # fmt: skip
    seconds, main_mb, worker_mb, jobs = (float(x) for x in done.stdout.split())
    if jobs <= 1:
        return mb(big.stat().st_size) / seconds, f"{main_mb:.0f} MB"
    workers = jobs - 1  # the main process matches too
    total = main_mb + workers * worker_mb
    memory = (f"{total:.0f} MB at most (main {main_mb:.0f} MB + {workers:.0f} worker(s) of "
              f"at most {worker_mb:.0f} MB)")  # fmt: skip
    return mb(big.stat().st_size) / seconds, memory


def measure_files(texts: list[str], size: int, folder: Path) -> dict[str, float]:
    """End-to-end scans of the corpus files and the alternative engines on the same data."""
    rates: dict[str, float] = {}
    text_file, jsonl_file = write_files(texts, folder)
    for name, path in (("text file", text_file), ("chat JSONL", jsonl_file)):
        jobs = auto_workers(path.stat().st_size)
        for workers, label in ((1, f"{name}, 1 process"), (None, f"{name}, {jobs} processes")):
            if workers is None and jobs == 1:
                continue
            start = time.perf_counter()
            result = scan_paths([path], max_detections=0, workers=workers)
            rates[f"localproof scan_paths ({label})"] = mb(path.stat().st_size) / (
                time.perf_counter() - start
            )
            assert not result.unknowns, result.unknowns
    sample = "\n".join(texts)[:2_000_000]
    rates[NAIVE] = mb(len(sample)) / naive_alternation(sample)
    joined = "\n".join(texts)
    for label, seconds in (
        ("google-re2: candidates only, no lookarounds/validation", try_re2(joined)),
        ("hyperscan: candidates only, no lookarounds/validation", try_hyperscan(joined.encode())),
        (RIPGREP, try_ripgrep(text_file)),
    ):
        if seconds is not None:
            rates[label] = mb(size) / seconds
    return rates


NAIVE = "python re: one alternation, every position (2 MB sample)"
RIPGREP = "ripgrep -P -c (same patterns, no validation)"
PRESIDIO = "presidio pattern recognizers (5% sample, no NLP context)"
DETECT = "localproof detectors (batches of messages, 1 process)"


def compare_presidio(
    texts: list[str], labels: list[Label], found: list[tuple[int, str, int, int]],
    rates: dict[str, float],
) -> None:  # fmt: skip
    count = max(1000, len(texts) // 20)
    presidio = try_presidio(texts[:count])
    if presidio is None:
        print("\npresidio-analyzer not importable: comparison skipped")
        return
    seconds, p_found = presidio
    rates[PRESIDIO] = mb(sum(len(t) + 1 for t in texts[:count])) / seconds
    sub = [lb for lb in labels if lb.message < count]
    shared = sorted(set(PRESIDIO_TYPES.values()))
    table = score(p_found, sub)
    mine = score([f for f in found if f[0] < count], sub)
    print_table("presidio (same sample) on shared types", {t: table[t] for t in shared})
    print_table("localproof (same sample) on shared types", {t: mine[t] for t in shared})


def print_ratios(rates: dict[str, float]) -> None:
    """localproof against Presidio (target >= 100x) and ripgrep (target >= 1/3), one process
    and as shipped (one per core on large inputs); ripgrep reads one file on one thread."""
    print("\nratios")
    mine = {
        k.removeprefix("localproof "): v for k, v in rates.items() if k.startswith("localproof")
    }
    for other, target in ((PRESIDIO, "target >= 100x"), (RIPGREP, "target >= 0.33x")):
        if other in rates:
            for label, rate in mine.items():
                print(f"  {label:<52} / {other.split()[0]:<8} {rate / rates[other]:8.2f}x"
                      f"  ({target})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (default 20)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--big-mb", type=float, default=0.0, help="also scan a file this large")
    args = parser.parse_args()
    texts, labels = generate(args.seed, max(1000, int(args.mb * 1e6 / 150)))
    size = sum(len(t) + 1 for t in texts)
    planted = dict(sorted(Counter(lb.type for lb in labels).items()))
    print(f"corpus: {len(texts)} messages, {mb(size):.1f} MB, {len(labels)} planted entities "
          f"(seed {args.seed}): {planted}")  # fmt: skip
    seconds, found = run_localproof(texts)
    rates = {DETECT: mb(size) / seconds}
    with tempfile.TemporaryDirectory() as tmp:
        rates.update(measure_files(texts, size, Path(tmp)))
        if args.big_mb:
            rate, memory = measure_big_file(texts, Path(tmp), args.big_mb)
            rates[f"localproof scan_paths ({args.big_mb:.0f} MB text file)"] = rate
            print(f"peak memory scanning the {args.big_mb:.0f} MB file: {memory}")
    print_table("localproof precision / recall / F1 per type", score(found, labels))
    compare_presidio(texts, labels, found, rates)
    print("\nthroughput (MB/s)")
    for label, rate in rates.items():
        print(f"  {label:<62} {rate:10.2f}")
    print_ratios(rates)


if __name__ == "__main__":
    main()

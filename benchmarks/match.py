"""Benchmark: deciding 100,000 distinct supplier names against the full register, in one run.

The names are generated (deterministic by seed) the ways real payment files show them: companies, charities,
people, redacted payees, and public bodies from the register written as publishers write them — upper case,
'LB'/'MBC' abbreviations, bracketed codes, names cut short at 35 characters, small typos.

  totalplace  Matcher(register).match for every name
  baseline    a plain rapidfuzz loop: process.extractOne(name, every name in the register) per name — timed on
              a random sample of the same names (the whole set would take many minutes), its rate compared

Prints a markdown table and writes it into docs/benchmarks.md. Usage:
    python benchmarks/match.py [--names 100000] [--sample 3000] [--reference ../shared/data/real/reference_geography]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

from results import record

from rapidfuzz import process

from totalplace.match.matcher import Matcher
from totalplace.reference.register import load_register_files

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DOC = REPO / "docs" / "benchmarks.md"

FIRST = ["Acme", "Northern", "Premier", "Crown", "Oak", "Meadow", "Riverside", "Summit", "Castle", "Harbour", "Kingsway",
         "Beacon", "Greenfield", "Hillside", "Valley", "Sunrise", "Willow", "Ashford", "Parkside", "Redbrick", "Bright",
         "Clear", "Swift", "Allied", "United", "Central", "Phoenix", "Apex", "Vantage", "Horizon"]
SECOND = ["Care", "Construction", "Consulting", "Cleaning", "Catering", "Transport", "Taxis", "Fostering", "Legal",
          "Energy", "Roofing", "Plumbing", "Electrical", "IT", "Software", "Print", "Security", "Waste", "Recycling",
          "Landscapes", "Scaffolding", "Supplies", "Healthcare", "Homes", "Training", "Solutions", "Services"]
FORMS = ["Ltd", "Limited", "LTD", "PLC", "LLP", "& Co", "Group Ltd", "(UK) Ltd", "Services Ltd", "T/A Swift Repairs"]
CHARITY = ["Trust", "Foundation", "Association", "Society", "Charity", "Community Project", "Hospice", "Club", "CIC"]
SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Khan", "Evans",
            "Thomas", "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green"]


def public_variants(rng: random.Random, names: list[str]) -> str:
    name = rng.choice(names)
    roll = rng.random()
    if roll < 0.2:
        name = name.upper()
    elif roll < 0.3:
        name = re.sub(r"London Borough of", "LB", name, flags=re.I)
        name = re.sub(r"Metropolitan Borough Council", "MBC", name, flags=re.I)
    elif roll < 0.4:
        name = name[:35]
    elif roll < 0.5:
        name = f"{name} ({rng.randrange(100000, 999999)})"
    elif roll < 0.6 and len(name) > 8:
        i = rng.randrange(1, len(name) - 1)
        name = name[:i] + name[i + 1] + name[i] + name[i + 2:]  # two letters swapped
    return name


def generate(n: int, seed: int, register_names: list[str]) -> tuple[list[str], set[str]]:
    """`n` distinct names, and which of them were written from register bodies' names."""
    rng = random.Random(seed)
    names: set[str] = set()
    public: set[str] = set()
    while len(names) < n:
        roll = rng.random()
        if roll < 0.55:
            name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {rng.choice(FORMS)}"
            if rng.random() < 0.8:
                name = f"{rng.choice(SURNAMES)} {name}" if rng.random() < 0.5 else f"{name} {rng.randrange(1, 999)}"
        elif roll < 0.7:
            name = f"{rng.choice(FIRST)} {rng.choice(SURNAMES)} {rng.choice(CHARITY)}"
            if rng.random() < 0.7:
                name = f"{name} {rng.randrange(1, 9999)}"
        elif roll < 0.82:
            title = rng.choice(["Mr", "Mrs", "Ms", "Miss", "Dr", ""])
            name = f"{title} {rng.choice('ABCDEFGHJKLMNPRSTW')} {rng.choice(SURNAMES)}{rng.randrange(1, 99999)}".strip()
        elif roll < 0.85:
            name = f"REDACTED PERSONAL DATA {rng.randrange(1, 10**6)}"
        else:
            name = public_variants(rng, register_names)
            public.add(name)
        names.add(name)
    out = sorted(names)
    rng.shuffle(out)
    return out, public


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=3_000)
    parser.add_argument("--reference", type=Path, default=REPO.parent / "shared" / "data" / "real" / "reference_geography")
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args()
    if not args.reference.is_dir():
        sys.exit(f"no reference files at {args.reference}: pass --reference DIR")
    register, _ = load_register_files(args.reference)
    register_names = sorted({n for b in register.bodies.values() for n in (b.name, *b.names) if n})
    names, public_names = generate(args.names, 1, register_names)

    start = time.perf_counter()
    matcher = Matcher(register)
    decisions = [matcher.match(n) for n in names]
    ours = time.perf_counter() - start

    sample = random.Random(2).sample(names, min(args.sample, len(names)))
    start = time.perf_counter()
    for name in sample:
        process.extractOne(name, register_names)
    baseline = time.perf_counter() - start

    ours_rate, base_rate = len(names) / ours, len(sample) / baseline
    found = sum(d.is_public for d in decisions if d.supplier in public_names)
    wrongly = sum(d.is_public for d in decisions if d.supplier not in public_names)
    line = (f"| {len(names):,} | {len(register_names):,} | {ours:.1f} | {ours_rate:,.0f} | {len(sample):,} | "
            f"{base_rate:,.0f} | {ours_rate / base_rate:,.0f}× | {found:,} of {len(public_names):,} | {wrongly:,} |")
    table = ("| names | register names | totalplace s | totalplace names/s | baseline sample | baseline names/s "
             "| ratio | register-name variants decided public | other names decided public |\n"
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n" + line)
    print(table)
    if not args.no_doc:
        record("match", table)


if __name__ == "__main__":
    main()

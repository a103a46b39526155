#!/usr/bin/env python3
"""Static-analysis gate: runs slither once over the protocol contracts and fails on any High or Medium finding that
slither.triage.json does not list with a written reason.

    tools/slither_gate.py                      # compile once with the repo's solc, analyse, gate (make slither)
    tools/slither_gate.py --report out.json    # gate an existing `slither --json` report instead

A finding is keyed by (detector, contract, function): the contract and function (or state variable) that the
finding's first element belongs to. One triage entry covers every finding with its key. Triage entries that match
nothing are reported as stale (they do not fail the run; delete them when the code they excuse is gone).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRIAGE = ROOT / "slither.triage.json"
SOLC = ROOT / "tools" / "solc" / "bin" / "solc-v0.8.37"
OPENZEPPELIN = "node_modules/@openzeppelin/contracts"
GATED_IMPACTS = ("High", "Medium")


def finding_key(result: dict) -> tuple[str, str, str]:
    """(detector, contract, function) of a slither result: the names along the first element's parent chain.

    For a finding on a state variable the "function" is the variable's name; on a local variable, its function.
    """
    contract = function = ""
    element = result["elements"][0] if result.get("elements") else {}
    while element:
        kind, name = element.get("type"), element.get("name", "")
        if kind == "contract" and not contract:
            contract = name
        elif kind == "function" and not function:
            function = name.split("(")[0]
        elif kind == "variable" and not function and _parent_type(element) == "contract":
            function = name
        element = element.get("type_specific_fields", {}).get("parent")
    return result["check"], contract, function


def _parent_type(element: dict) -> str | None:
    return element.get("type_specific_fields", {}).get("parent", {}).get("type")


def load_triage(path: Path) -> dict[tuple[str, str, str], str]:
    """Reads the triage file: {"findings": [{detector, contract, function, reason}, ...]}; every reason is required."""
    entries = json.loads(path.read_text())["findings"]
    triage: dict[tuple[str, str, str], str] = {}
    for entry in entries:
        key = (entry["detector"], entry["contract"], entry["function"])
        reason = entry.get("reason", "").strip()
        if not reason:
            raise ValueError(f"triage entry {'/'.join(key)} has no reason")
        if key in triage:
            raise ValueError(f"triage entry {'/'.join(key)} is listed twice")
        triage[key] = reason
    return triage


def gate(results: list[dict], triage: dict[tuple[str, str, str], str]) -> dict[str, list]:
    """Splits the High/Medium results into triaged and blocking; lists the triage keys nothing matched."""
    gated = [r for r in results if r.get("impact") in GATED_IMPACTS]
    triaged = [r for r in gated if finding_key(r) in triage]
    blocking = [r for r in gated if finding_key(r) not in triage]
    seen = {finding_key(r) for r in gated}
    stale = [key for key in triage if key not in seen]
    return {"gated": gated, "triaged": triaged, "blocking": blocking, "stale": stale}


def run_slither(report: Path) -> tuple[dict, str]:
    """One slither run: every contracts/*.sol (not mocks) in one standard-json compilation with the repo's solc."""
    cmd = [
        "slither",
        "contracts",
        "--solc-standard-json",
        "--solc",
        str(SOLC),
        "--solc-remaps",
        f"@openzeppelin/contracts={OPENZEPPELIN}",
        "--solc-disable-warnings",
        "--filter-paths",
        "node_modules",
        "--exclude-informational",
        "--exclude-low",
        "--exclude-optimization",
        "--json",
        str(report),
    ]
    env = dict(os.environ, PATH=f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if not report.exists():
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit("slither produced no report")
    return json.loads(report.read_text()), proc.stdout + proc.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, help="gate this slither --json report instead of running slither")
    parser.add_argument("--triage", type=Path, default=TRIAGE)
    args = parser.parse_args(argv)

    log = ""
    if args.report:
        data = json.loads(args.report.read_text())
    else:
        with tempfile.TemporaryDirectory() as tmp:
            data, log = run_slither(Path(tmp) / "slither.json")
    if not data.get("success"):
        print(f"slither failed: {data.get('error')}")
        return 1

    results = data.get("results", {}).get("detectors", [])
    outcome = gate(results, load_triage(args.triage))
    for line in sorted(set(re.findall(r"Impossible to generate IR for ([\w.]+)", log))):
        print(f"slither: not analysed (no IR): {line}")
    for key in outcome["stale"]:
        print(f"slither: stale triage entry (matches nothing): {'/'.join(key)}")
    for result in outcome["blocking"]:
        print(f"\n[{result['impact']}] {'/'.join(finding_key(result))}\n{result['description'].rstrip()}")
    print(
        f"slither: {len(outcome['gated'])} High/Medium findings, {len(outcome['triaged'])} triaged, "
        f"{len(outcome['blocking'])} untriaged"
    )
    return 1 if outcome["blocking"] else 0


if __name__ == "__main__":
    sys.exit(main())

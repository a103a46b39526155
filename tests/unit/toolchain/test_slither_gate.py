"""The slither gate: keys findings, applies the triage file, fails on untriaged High/Medium findings."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("slither_gate", ROOT / "tools" / "slither_gate.py")
slither_gate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(slither_gate)


def finding(check, impact, contract, function=None, variable=None, local=None):
    """A slither result whose first element sits under `contract` (as a function, state variable or local)."""
    parent = {"type": "contract", "name": contract}
    if function:
        element = {"type": "function", "name": f"{function}(uint256)", "type_specific_fields": {"parent": parent}}
        if local:
            fn = {"type": "function", "name": function, "type_specific_fields": {"parent": parent}}
            element = {"type": "variable", "name": local, "type_specific_fields": {"parent": fn}}
    else:
        element = {"type": "variable", "name": variable, "type_specific_fields": {"parent": parent}}
    return {"check": check, "impact": impact, "description": f"{check} in {contract}", "elements": [element]}


def test_finding_key__function_state_variable_and_local():
    assert slither_gate.finding_key(finding("d", "High", "C", function="f")) == ("d", "C", "f")
    assert slither_gate.finding_key(finding("d", "High", "C", variable="_v")) == ("d", "C", "_v")
    assert slither_gate.finding_key(finding("d", "Medium", "C", function="f", local="x")) == ("d", "C", "f")


def test_gate__untriaged_high_or_medium_blocks_low_is_ignored_and_stale_entries_listed():
    results = [
        finding("reentrancy-eth", "High", "Vault", function="withdraw"),
        finding("incorrect-equality", "Medium", "Vault", function="claim"),
        finding("incorrect-equality", "Medium", "Vault", function="claim"),
        finding("timestamp", "Low", "Vault", function="accrue"),
    ]
    triage = {("incorrect-equality", "Vault", "claim"): "zero check", ("unused-return", "Old", "f"): "gone"}
    outcome = slither_gate.gate(results, triage)
    assert len(outcome["gated"]) == 3
    assert len(outcome["triaged"]) == 2
    assert [slither_gate.finding_key(r) for r in outcome["blocking"]] == [("reentrancy-eth", "Vault", "withdraw")]
    assert outcome["stale"] == [("unused-return", "Old", "f")]


def test_load_triage__every_entry_needs_a_reason(tmp_path):
    path = tmp_path / "triage.json"
    path.write_text(json.dumps({"findings": [{"detector": "d", "contract": "C", "function": "f", "reason": " "}]}))
    with pytest.raises(ValueError, match="no reason"):
        slither_gate.load_triage(path)


def test_main__exit_status_follows_the_gate(tmp_path, capsys):
    report = tmp_path / "report.json"
    results = {"detectors": [finding("d", "High", "C", function="f")]}
    report.write_text(json.dumps({"success": True, "error": None, "results": results}))
    empty, listed = tmp_path / "empty.json", tmp_path / "listed.json"
    empty.write_text(json.dumps({"findings": []}))
    listed.write_text(json.dumps({"findings": [{"detector": "d", "contract": "C", "function": "f", "reason": "ok"}]}))
    assert slither_gate.main(["--report", str(report), "--triage", str(empty)]) == 1
    assert "1 untriaged" in capsys.readouterr().out
    assert slither_gate.main(["--report", str(report), "--triage", str(listed)]) == 0


def test_repo_triage_file__loads_and_every_entry_has_a_reason():
    triage = slither_gate.load_triage(slither_gate.TRIAGE)
    assert triage and all(len(reason) > 20 for reason in triage.values())

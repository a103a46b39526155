"""The deployment manifest: one JSON file per network under `deployments/`, written after every transaction.

    {"format": 1, "network": "ethereum:sepolia", "chain_id": 11155111, "genesis_hash": "0x...",
     "deployer": "0x...", "params": {...}, "config_file": "deployments/config/ethereum-sepolia.yaml",
     "contracts": {"manager": {"contract": "ProtocolAccessManager", "address": "0x...", "tx": "0x...",
                               "block": 123, "code_hash": "0x...", "args": [...]}, ...},
     "steps": {"roles:assets": {"txs": ["0x..."], "block": 130}, ...},
     "pending": {"vault": {"sender": "0x...", "nonce": 12}}}

A fork network (`<network>-fork`) reads its upstream's manifest when it has none of its own, and writes its own.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from cap.deploy import DeployError, Grant, Params
from cap.roles import Role

FORMAT = 1
DEFAULT_FOLDER = Path("deployments")
FORK_SUFFIX = "-fork"


def folder() -> Path:
    """Where manifests live: `$CAP_DEPLOYMENTS` when set (tests), else `deployments/` in the project."""
    return Path(os.environ.get("CAP_DEPLOYMENTS", DEFAULT_FOLDER))


def network_key(ecosystem: str, network: str) -> str:
    return f"{ecosystem}-{network}"


def upstream_network(network: str) -> str | None:
    return network.removesuffix(FORK_SUFFIX) if network.endswith(FORK_SUFFIX) else None


class Manifest:
    def __init__(self, path: Path | None, data: dict[str, Any]):
        self.path = path
        self.data = data

    # ------------------------------------------------ files

    @classmethod
    def new(cls, path: Path | None, network: str, chain_id: int, genesis_hash: str, deployer: str) -> Manifest:
        data = {
            "format": FORMAT,
            "network": network,
            "chain_id": chain_id,
            "genesis_hash": genesis_hash,
            "deployer": deployer,
            "params": {},
            "contracts": {},
            "steps": {},
            "pending": {},
        }
        return cls(path, data)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise DeployError(f"cannot read the manifest {path}: {error}") from error
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise DeployError(f"{path}: not a deployment manifest of format {FORMAT}")
        return cls(path, data)

    def save(self) -> None:
        if self.path is None:
            return
        self.data["updated_at"] = int(time.time())
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(self.data, indent=2) + "\n")
        os.replace(temporary, self.path)  # atomic: an interruption leaves the previous complete file

    # ------------------------------------------------ checks

    def check_chain(self, chain_id: int, genesis_hash: str) -> None:
        if self.data["chain_id"] != chain_id:
            raise DeployError(
                f"{self.path} is for chain id {self.data['chain_id']}, but the network's chain id is {chain_id}: "
                "wrong network, or a wrong manifest"
            )
        if self.data.get("genesis_hash") and self.data["genesis_hash"] != genesis_hash:
            raise DeployError(
                f"{self.path} was written on another chain with chain id {chain_id} (genesis block "
                f"{self.data['genesis_hash'][:18]}…, this chain's is {genesis_hash[:18]}…): a restarted local "
                "chain? move the manifest away to deploy afresh"
            )

    # ------------------------------------------------ records

    def contracts(self) -> dict[str, dict]:
        return self.data["contracts"]

    def contract(self, name: str) -> dict | None:
        return self.data["contracts"].get(name)

    def address(self, name: str) -> str:
        entry = self.contract(name)
        if entry is None:
            raise DeployError(f"{self.path}: no {name} recorded")
        return entry["address"]

    def record_contract(
        self, name: str, contract: str, address: str, tx: str | None, block: int | None, code_hash: str, args: list
    ) -> None:
        self.data["contracts"][name] = {
            "contract": contract,
            "address": address,
            "tx": tx,
            "block": block,
            "code_hash": code_hash,
            "args": args,
        }
        self.data["pending"].pop(name, None)
        self.save()

    def mark_pending(self, name: str, sender: str, nonce: int) -> None:
        self.data["pending"][name] = {"sender": sender, "nonce": nonce}
        self.save()

    def pending(self, name: str) -> dict | None:
        return self.data["pending"].get(name)

    def clear_pending(self, name: str) -> None:
        self.data["pending"].pop(name, None)
        self.save()

    def step(self, name: str) -> dict | None:
        return self.data["steps"].get(name)

    def record_step(self, name: str, txs: list[str], block: int | None) -> None:
        self.data["steps"][name] = {"txs": txs, "block": block}
        self.save()

    def set_params(self, params: Params, config_file: str | None) -> None:
        self.data["params"] = params_to_dict(params)
        self.data["config_file"] = config_file
        self.save()

    def params(self) -> Params:
        return params_from_dict(self.data.get("params", {}))


def params_to_dict(params: Params) -> dict:
    data = asdict(params)
    data["attesters"] = list(params.attesters)
    data["appraisers"] = list(params.appraisers)
    data["grants"] = [{"role": g.role.label, "account": g.account, "delay": g.delay} for g in params.grants]
    return data


def params_from_dict(data: dict) -> Params:
    known = {f.name for f in fields(Params)}
    values = {key: value for key, value in data.items() if key in known}
    values["attesters"] = tuple(values.get("attesters", ()))
    values["appraisers"] = tuple(values.get("appraisers", ()))
    values["grants"] = tuple(Grant(Role[g["role"].upper()], g["account"], g["delay"]) for g in values.get("grants", ()))
    return Params(**values)


def find(ecosystem: str, network: str, base: Path | None = None) -> Path | None:
    """The manifest for a network: its own, or on a fork network its upstream's."""
    base = base or folder()
    own = base / f"{network_key(ecosystem, network)}.json"
    if own.exists():
        return own
    upstream = upstream_network(network)
    if upstream:
        theirs = base / f"{network_key(ecosystem, upstream)}.json"
        if theirs.exists():
            return theirs
    return None


def load(ecosystem: str, network: str, base: Path | None = None) -> Manifest:
    """The manifest of a network, or a DeployError saying there is no deployment."""
    path = find(ecosystem, network, base)
    if path is None:
        raise DeployError(
            f"no deployment for {ecosystem}:{network} (no {network_key(ecosystem, network)}.json in "
            f"{base or folder()}): run `ape run deploy --network {ecosystem}:{network}:...` first"
        )
    return Manifest.read(path)

"""Running against a network: accounts without prompts, the deploy run, and loading a recorded deployment.

Shared by `ape run deploy`, `ape run admin`, `ape run keeper` and `ape console`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from cap import manifest as manifests
from cap.config import DeployConfig, config_path, load_config
from cap.deploy import Deployer, DeployError, Finding, System, load_system, verify
from cap.manifest import Manifest

TEST_PREFIX = "test:"


def load_account(spec: str | None, network: Any, allow_test: bool = False) -> Any:
    """The account named by `spec`: an Ape alias (a keyfile account unlocks from `APE_ACCOUNTS_<alias>_PASSPHRASE`,
    never a prompt) or `test:N`, the N-th test account (local and fork networks, or a network whose config allows
    test accounts). Without a spec: `test:0` on local and fork networks, else an error."""
    from cap.attester import AttesterError
    from cap.attester import load_account as load

    if spec is None:
        if not network.is_dev:
            raise DeployError(f"{network.ecosystem.name}:{network.name} is not a local network: give --account ALIAS")
        spec = f"{TEST_PREFIX}0"
    if spec.startswith(TEST_PREFIX) and not (network.is_dev or allow_test):
        raise DeployError(
            f"{spec}: test accounts are for local and fork networks; {network.name}'s config does not allow them"
        )
    try:
        return load(spec, None)
    except AttesterError as error:
        raise DeployError(str(error)) from error


def require_funds(account: Any, minimum: int = 0) -> None:
    balance = account.balance
    if balance <= minimum:
        raise DeployError(
            f"account {account.address} holds {balance / 1e18:.6f} of the network's native coin "
            f"(needs more than {minimum / 1e18:.6f}): fund it first"
        )


def _hex(value: Any) -> str:
    text = value.hex() if hasattr(value, "hex") else str(value)
    return text if text.startswith("0x") else "0x" + text


@dataclass
class DeployResult:
    system: System
    manifest: Manifest
    findings: list[Finding]
    sent: int


def open_manifest(network: Any, deployer: str, folder: Path | None = None) -> Manifest:
    """The network's manifest to deploy with: its own (checked against the chain), its upstream's on a fork (copied
    to its own file), or a new one. A local network's manifest from an earlier, stopped anvil is replaced."""
    from ape import chain

    folder = folder or manifests.folder()
    ecosystem, name = network.ecosystem.name, network.name
    own = folder / f"{manifests.network_key(ecosystem, name)}.json"
    chain_id, genesis = chain.chain_id, _hex(chain.blocks[0].hash)
    found = manifests.find(ecosystem, name, folder)
    if found is None:
        return Manifest.new(own, f"{ecosystem}:{name}", chain_id, genesis, deployer)
    manifest = Manifest.read(found)
    if network.is_local and manifest.data.get("genesis_hash") != genesis and manifest.data["chain_id"] == chain_id:
        return Manifest.new(own, f"{ecosystem}:{name}", chain_id, genesis, deployer)  # that local chain is gone
    manifest.check_chain(chain_id, genesis)
    if manifest.data["deployer"] != deployer:
        raise DeployError(
            f"{found} was deployed by {manifest.data['deployer']} (the AccessManager's admin): resume with that "
            f"account, not {deployer}"
        )
    manifest.path = own
    return manifest


def _param_differences(recorded: dict, wanted: dict) -> list[str]:
    return [
        f"{key}: deployed with {recorded[key]!r}, config says {wanted[key]!r}"
        for key in wanted
        if key in recorded and recorded[key] != wanted[key]
    ]


def deploy(
    network: Any,
    account: Any,
    config: DeployConfig,
    config_file: str | None = None,
    folder: Path | None = None,
    stop_after: int | None = None,
    log: Callable[[str], None] = print,
) -> DeployResult:
    """Deploys (or resumes, or verifies) the system on the connected network and records it in the manifest."""
    require_funds(account, config.min_balance_wei)
    params = config.to_params(account.address)
    manifest = open_manifest(network, account.address, folder)
    wanted = manifests.params_to_dict(params)
    recorded = manifest.data.get("params") or {}
    differences = _param_differences(recorded, wanted)
    if differences:
        raise DeployError(
            f"the config differs from the parameters {manifest.path} was deployed with:\n  "
            + "\n  ".join(differences)
            + "\n(deployed parameters change through governance: `ape run admin ...`)"
        )
    manifest.data["allow_test_accounts"] = config.allow_test_accounts
    manifest.set_params(params, config_file)
    log(f"deploying to {network.ecosystem.name}:{network.name} (chain id {manifest.data['chain_id']}) as {account}")
    deployer = Deployer(account, params, manifest, stablecoin=config.stablecoin, stop_after=stop_after, log=log)
    try:
        system = deployer.run()
    finally:
        log(f"{deployer.sent} transaction(s) sent; manifest: {manifest.path}")
    return DeployResult(system, manifest, verify(system, manifest), deployer.sent)


def read_config(network: Any, path: Path | None = None) -> tuple[DeployConfig, Path]:
    path = path or config_path(network.ecosystem.name, network.name)
    if not path.exists() and network.is_fork:
        upstream = manifests.upstream_network(network.name)
        path = config_path(network.ecosystem.name, upstream)
    return load_config(path), path


# ---------------------------------------------------------------- loading a deployment


@dataclass
class Deployment:
    """A recorded deployment on the connected network: its manifest and its contracts."""

    manifest: Manifest
    system: System

    @property
    def allows_test_accounts(self) -> bool:
        return bool(self.manifest.data.get("allow_test_accounts"))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in {f.name for f in fields(self)}:
            raise AttributeError(name)
        return getattr(self.system, name)


def load_deployment(network: Any = None, folder: Path | None = None) -> Deployment:
    """The deployment the manifest records for the connected network, after checking the chain id."""
    from ape import chain

    network = network or chain.provider.network
    manifest = manifests.load(network.ecosystem.name, network.name, folder)
    manifest.check_chain(chain.chain_id, _hex(chain.blocks[0].hash))
    return Deployment(manifest, load_system(manifest))

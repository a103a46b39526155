"""Deploy and wire the protocol: one function that tests, the demo and the deploy script share.

Wiring is the protocol's permission model, so it lives in one table (`FUNCTION_ROLES`): which role may call which
restricted function of which contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from eth_utils import keccak

from cap.roles import Role

# contract attribute on `System` -> {function name -> role}
FUNCTION_ROLES: dict[str, dict[str, Role]] = {
    "oracle": {
        "addAttester": Role.ORACLE_ADMIN,
        "removeAttester": Role.ORACLE_ADMIN,
        "setQuorum": Role.ORACLE_ADMIN,
    },
    "assets": {
        "registerAsset": Role.OPERATOR,
        "setUser": Role.LEASE_MARKET,
        "setBurnIn": Role.GOVERNOR,
        "setBindingHook": Role.GOVERNOR,
        "suspend": Role.GOVERNOR,
        "retire": Role.GOVERNOR,
        "pause": Role.PAUSER,
        "unpause": Role.PAUSER,
    },
    "compliance": {
        "verifyInvestor": Role.COMPLIANCE,
        "verifyInvestors": Role.COMPLIANCE,
        "revokeInvestor": Role.COMPLIANCE,
        "freeze": Role.COMPLIANCE,
        "freezeOnToken": Role.COMPLIANCE,
        "forceTransfer": Role.COMPLIANCE,
        "recoverWallet": Role.COMPLIANCE,
        "setSystemHolder": Role.GOVERNOR,
        "registerShareToken": Role.SYSTEM,
    },
    "factory": {
        "pause": Role.PAUSER,
        "unpause": Role.PAUSER,
    },
    "router": {
        "setFees": Role.GOVERNOR,
        "setTreasury": Role.GOVERNOR,
        "setRentSource": Role.ADMIN,  # wiring: the admin registers the lease market at deployment
    },
    "lease_market": {
        "setTerms": Role.GOVERNOR,
        "pause": Role.PAUSER,
        "unpause": Role.PAUSER,
        "resolveDispute": Role.ARBITER,
    },
    # Primary offerings and the secondary market. `cancel` is also open to each offering's operator before it opens.
    "offering": {
        "setProtocolFee": Role.GOVERNOR,
        "setTreasury": Role.GOVERNOR,
        "cancel": Role.GOVERNOR,
        "pause": Role.PAUSER,
        "unpause": Role.PAUSER,
    },
    "secondary_market": {
        "setFee": Role.GOVERNOR,
        "setTreasury": Role.GOVERNOR,
        "pause": Role.PAUSER,
        "unpause": Role.PAUSER,
    },
}

# Roles administered by another role than ADMIN (the onboarding role grants and revokes operators).
ROLE_ADMINS: dict[Role, Role] = {Role.OPERATOR: Role.ONBOARDING}


@dataclass
class Params:
    """Deployment parameters; the defaults suit a local network."""

    epoch_seconds: int = 3600
    burn_in_epochs: int = 24
    burn_in_min_uptime_bps: int = 9_500
    quorum: int = 3
    governor_delay: int = 0  # seconds every GOVERNOR call waits (AccessManager execution delay)
    protocol_fee_bps: int = 500
    operator_fee_bps: int = 1_500
    treasury: str | None = None  # the admin when None


@dataclass
class System:
    """The deployed contracts, by the names the console and scripts use."""

    manager: Any
    stablecoin: Any
    oracle: Any
    assets: Any
    compliance: Any
    factory: Any
    router: Any
    lease_market: Any
    params: Params = field(default_factory=Params)

    NAMES = ("manager", "stablecoin", "oracle", "assets", "compliance", "factory", "router", "lease_market")

    def contracts(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.NAMES}

    def shares(self, asset_id: int) -> Any:
        """The share token of an asset, typed with the full ABI (token functions and compliance errors)."""
        from ape import project

        address = self.factory.sharesOf(asset_id)
        if int(address, 16) == 0:
            raise LookupError(f"asset {asset_id} has no shares")
        return project.ComplianceRegistry.at(address)


def selector(contract: Any, name: str) -> bytes:
    """4-byte selector of the (single) function `name` of an Ape contract instance."""
    abis = [abi for abi in contract.contract_type.mutable_methods if abi.name == name]
    if len(abis) != 1:
        raise ValueError(f"{contract.contract_type.name}.{name}: expected one function, found {len(abis)}")
    return keccak(text=abis[0].selector)[:4]


def set_function_roles(manager: Any, target: Any, functions: Mapping[str, Role], admin: Any) -> None:
    """Maps each named restricted function of `target` to its role: one AccessManager call per role."""
    by_role: dict[Role, list[bytes]] = {}
    for name, role in functions.items():
        by_role.setdefault(Role(role), []).append(selector(target, name))
    for role, selectors in by_role.items():
        manager.setTargetFunctionRole(target, selectors, role, sender=admin)


def deploy_system(admin: Any, params: Params | None = None, stablecoin: Any = None) -> System:
    """Deploys the core contracts with `admin` as the AccessManager's admin and wires every restricted function.

    `stablecoin`: an existing token; a MockStablecoin is deployed when omitted (local networks).
    """
    from ape import project

    params = params or Params()
    manager = project.ProtocolAccessManager.deploy(admin, sender=admin)
    if stablecoin is None:
        stablecoin = project.MockStablecoin.deploy(sender=admin)
    oracle = project.UsageOracle.deploy(manager, params.epoch_seconds, 0, sender=admin)
    assets = project.ComputeAssetRegistry.deploy(
        manager, oracle, params.burn_in_epochs, params.burn_in_min_uptime_bps, sender=admin
    )
    compliance = project.ComplianceRegistry.deploy(manager, stablecoin, assets, sender=admin)
    factory = project.AssetSharesFactory.deploy(manager, compliance, assets, sender=admin)
    router = project.RevenueRouter.deploy(
        manager,
        stablecoin,
        assets,
        factory,
        params.treasury or admin,
        params.protocol_fee_bps,
        params.operator_fee_bps,
        sender=admin,
    )
    lease_market = project.LeaseMarket.deploy(manager, stablecoin, assets, router, sender=admin)
    system = System(manager, stablecoin, oracle, assets, compliance, factory, router, lease_market, params)
    wire(system, admin)
    return system


def wire(system: System, admin: Any) -> None:
    """Wires the protocol contracts to each other, then sets every function role, role admin and label.

    The contract-to-contract calls come first, while every restricted function is still the admin's alone (an
    AccessManager target function defaults to ADMIN_ROLE): the lease market becomes a binding hook and a rent
    source. Then the factory gets SYSTEM (registers share tokens) and the lease market LEASE_MARKET (sets ERC-4907
    users).
    """
    manager = system.manager
    system.assets.setBindingHook(system.lease_market, True, sender=admin)
    system.router.setRentSource(system.lease_market, True, sender=admin)
    for attribute, functions in FUNCTION_ROLES.items():
        if not hasattr(system, attribute):
            continue  # a contract `deploy_system` does not deploy yet (offering, secondary_market)
        set_function_roles(manager, getattr(system, attribute), functions, admin)
    for role in Role:
        if role is not Role.ADMIN:
            manager.labelRole(role, role.label, sender=admin)
    for role, role_admin in ROLE_ADMINS.items():
        manager.setRoleAdmin(role, role_admin, sender=admin)
    manager.grantRole(Role.SYSTEM, system.factory, 0, sender=admin)
    manager.grantRole(Role.LEASE_MARKET, system.lease_market, 0, sender=admin)


def grant(system: System, admin: Any, role: Role, account: Any, delay: int | None = None) -> None:
    """Grants `role`; GOVERNOR grants carry the configured execution delay unless `delay` is given."""
    if delay is None:
        delay = system.params.governor_delay if role is Role.GOVERNOR else 0
    system.manager.grantRole(role, account, delay, sender=admin)

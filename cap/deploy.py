"""Deploy and wire the protocol: one declarative plan that tests, the demo, the deploy script and the console share.

The plan is an ordered list of *components* (a contract, its constructor arguments from the parameters and earlier
components, the immutables that link it to them, the parameters it was built with) followed by *steps* (wiring:
binding hooks, rent sources, appointments, function roles, labels, role grants, role admins). Every item can be
checked against chain state, so a deployment is idempotent and resumable: `Deployer.run()` verifies what exists
(runtime code, links, wiring) and sends transactions only for what is missing. With a `Manifest` it records every
address, transaction, block and code hash as it goes, so an interrupted deploy resumes where it stopped.

Wiring is the protocol's permission model, so it lives in one table (`FUNCTION_ROLES`): which role may call which
restricted function of which contract. Adding a contract to the system: a `Component` in `COMPONENTS`, its
restricted functions in `FUNCTION_ROLES` (same key), an attribute on `System` (same name), and any wiring as a
`Step` in `wiring_steps`; the manifest, `verify`, the console and `load_system` follow from those.

Per-asset parts (one CollateralMarket per share token) are planned by `asset_plan(asset_id)` and deployed with
`deploy_asset(...)`, through the same executor and manifest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eth_utils import keccak, to_checksum_address

from cap.roles import Role

if TYPE_CHECKING:
    from cap.manifest import Manifest

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
    "vault": {
        "setMarket": Role.GOVERNOR,
        "setReserveFactor": Role.GOVERNOR,
        "withdrawReserves": Role.GOVERNOR,
        "pause": Role.PAUSER,
        "unpause": Role.PAUSER,
    },
    "nav": {
        "setAppraiser": Role.GOVERNOR,
        "setHeartbeat": Role.GOVERNOR,
        "setMaxChangeBps": Role.GOVERNOR,
        "setMultipleBps": Role.GOVERNOR,
        "setRevenueWindow": Role.GOVERNOR,
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

# Roles that protocol contracts hold: role -> the components that hold it (granted without delay).
CONTRACT_ROLES: dict[Role, tuple[str, ...]] = {Role.SYSTEM: ("factory",), Role.LEASE_MARKET: ("lease_market",)}

WAD = 10**18


@dataclass(frozen=True)
class Grant:
    """A role given to an account at deployment, with its AccessManager execution delay (seconds)."""

    role: Role
    account: str
    delay: int = 0


@dataclass
class Params:
    """Deployment parameters; the defaults suit a local network. `cap.config` reads and checks them from a file."""

    epoch_seconds: int = 3600
    burn_in_epochs: int = 24
    burn_in_min_uptime_bps: int = 9_500
    quorum: int = 3
    governor_delay: int = 0  # seconds every GOVERNOR call waits (AccessManager execution delay)
    protocol_fee_bps: int = 500
    operator_fee_bps: int = 1_500
    treasury: str | None = None  # the admin when None
    # lending: the kinked rate model (per-year rates and the kink, 1e18 = 100%) and the vault
    base_rate_per_year: int = 2 * WAD // 100
    slope1_per_year: int = 8 * WAD // 100
    slope2_per_year: int = WAD
    kink: int = 80 * WAD // 100
    reserve_factor_bps: int = 1_000
    vault_name: str = "CAP Lending USD"
    vault_symbol: str = "capUSD"
    # share pricing (NavOracle)
    nav_heartbeat: int = 86_400
    nav_max_change_bps: int = 2_000
    nav_multiple_bps: int = 50_000
    nav_revenue_window: int = 30 * 86_400
    market_debt_ceiling: int = 500_000 * 10**6  # each collateral market's default ceiling (stablecoin units)
    # appointments made at deployment (while the admin still holds every function); empty: none
    attesters: tuple[str, ...] = ()
    appraisers: tuple[str, ...] = ()
    grants: tuple[Grant, ...] = ()


class DeployError(Exception):
    """A deployment cannot go on; the message says why and what to do."""


class DeployInterrupted(DeployError):
    """Raised after the number of transactions a caller allowed (`stop_after`): the deployment is left resumable."""


# ---------------------------------------------------------------- the system


@dataclass
class System:
    """The deployed contracts, by the names the console and scripts use (the names of `COMPONENTS`)."""

    manager: Any
    stablecoin: Any
    oracle: Any
    assets: Any
    compliance: Any
    factory: Any
    router: Any
    lease_market: Any
    rate_model: Any = None
    vault: Any = None
    nav: Any = None
    params: Params = field(default_factory=Params)
    markets: dict[int, Any] = field(default_factory=dict)  # asset id -> its collateral market, once markets exist

    def contracts(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in component_names() if getattr(self, name, None) is not None}

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


def set_function_roles(manager: Any, target: Any, functions: Mapping[str, Role], admin: Any) -> list:
    """Maps each named restricted function of `target` to its role: one AccessManager call per role."""
    by_role: dict[Role, list[bytes]] = {}
    for name, role in functions.items():
        by_role.setdefault(Role(role), []).append(selector(target, name))
    return [manager.setTargetFunctionRole(target, sels, role, sender=admin) for role, sels in by_role.items()]


# ---------------------------------------------------------------- the plan


class Build:
    """What a plan item sees: the admin, the parameters and the components deployed so far (by name)."""

    def __init__(self, admin: Any, params: Params, contracts: dict[str, Any] | None = None):
        self.admin = admin
        self.params = params
        self.contracts: dict[str, Any] = contracts or {}

    def __getitem__(self, name: str) -> Any:
        return self.contracts[name]

    @property
    def treasury(self) -> str:
        return self.params.treasury or self.admin.address


@dataclass(frozen=True)
class Component:
    """A contract of the system.

    `args`: constructor arguments. `links`: views that must return another component's address (wiring fixed in
    immutables). `settings`: views and the values the parameters gave them (`immutable` ones can never drift;
    others governance may change later). `external`: an existing contract's address replaces deployment when this
    returns one (the live stablecoin).
    """

    name: str
    contract: str
    args: Callable[[Build], tuple]
    links: Mapping[str, str] = field(default_factory=dict)
    settings: Callable[[Build], Mapping[str, Any]] = lambda build: {}
    immutable_settings: tuple[str, ...] = ()
    external: Callable[[Build], str | None] = lambda build: None


@dataclass(frozen=True)
class Step:
    """A wiring step. `done(build)` reads chain state; None means no view shows it (checked by its recorded
    transactions instead). `apply(build)` sends what is missing and returns the receipts."""

    name: str
    done: Callable[[Build], bool | None]
    apply: Callable[[Build], list]
    what: str = ""


def _managed(links: Mapping[str, str] | None = None) -> dict[str, str]:
    return {"authority": "manager", **(links or {})}


COMPONENTS: list[Component] = [
    Component("manager", "ProtocolAccessManager", lambda b: (b.admin,)),
    Component("stablecoin", "MockStablecoin", lambda b: (), external=lambda b: b.contracts.get("stablecoin")),
    Component(
        "oracle",
        "UsageOracle",
        lambda b: (b["manager"], b.params.epoch_seconds, 0),
        _managed(),
        lambda b: {"epochSeconds": b.params.epoch_seconds},
        ("epochSeconds",),
    ),
    Component(
        "assets",
        "ComputeAssetRegistry",
        lambda b: (b["manager"], b["oracle"], b.params.burn_in_epochs, b.params.burn_in_min_uptime_bps),
        _managed({"USAGE_ORACLE": "oracle"}),
        lambda b: {"burnInEpochs": b.params.burn_in_epochs, "burnInMinUptimeBps": b.params.burn_in_min_uptime_bps},
    ),
    Component(
        "compliance",
        "ComplianceRegistry",
        lambda b: (b["manager"], b["stablecoin"], b["assets"]),
        _managed({"STABLECOIN": "stablecoin", "ASSETS": "assets"}),
    ),
    Component(
        "factory",
        "AssetSharesFactory",
        lambda b: (b["manager"], b["compliance"], b["assets"]),
        _managed({"COMPLIANCE": "compliance", "ASSETS": "assets"}),
    ),
    Component(
        "router",
        "RevenueRouter",
        lambda b: (
            b["manager"],
            b["stablecoin"],
            b["assets"],
            b["factory"],
            b.treasury,
            b.params.protocol_fee_bps,
            b.params.operator_fee_bps,
        ),
        _managed({"STABLECOIN": "stablecoin", "ASSETS": "assets", "FACTORY": "factory"}),
        lambda b: {
            "protocolFeeBps": b.params.protocol_fee_bps,
            "operatorFeeBps": b.params.operator_fee_bps,
            "treasury": b.treasury,
        },
    ),
    Component(
        "lease_market",
        "LeaseMarket",
        lambda b: (b["manager"], b["stablecoin"], b["assets"], b["router"]),
        _managed(
            {"STABLECOIN": "stablecoin", "ASSETS": "assets", "USAGE_ORACLE": "oracle", "REVENUE_ROUTER": "router"}
        ),
    ),
    Component(
        "rate_model",
        "KinkedRateModel",
        lambda b: (b.params.base_rate_per_year, b.params.slope1_per_year, b.params.slope2_per_year, b.params.kink),
        {},
        lambda b: {
            "BASE_RATE_PER_YEAR": b.params.base_rate_per_year,
            "SLOPE1_PER_YEAR": b.params.slope1_per_year,
            "SLOPE2_PER_YEAR": b.params.slope2_per_year,
            "KINK": b.params.kink,
        },
        ("BASE_RATE_PER_YEAR", "SLOPE1_PER_YEAR", "SLOPE2_PER_YEAR", "KINK"),
    ),
    Component(
        "vault",
        "LendingVault",
        lambda b: (
            b["manager"],
            b["stablecoin"],
            b["rate_model"],
            b.params.reserve_factor_bps,
            b.params.vault_name,
            b.params.vault_symbol,
        ),
        _managed({"asset": "stablecoin", "RATE_MODEL": "rate_model"}),
        lambda b: {
            "reserveFactorBps": b.params.reserve_factor_bps,
            "name": b.params.vault_name,
            "symbol": b.params.vault_symbol,
        },
        ("name", "symbol"),
    ),
    Component(
        "nav",
        "NavOracle",
        lambda b: (
            b["manager"],
            b["router"],
            b["factory"],
            b.params.nav_heartbeat,
            b.params.nav_max_change_bps,
            b.params.nav_multiple_bps,
            b.params.nav_revenue_window,
        ),
        _managed({"ROUTER": "router", "FACTORY": "factory"}),
        lambda b: {
            "heartbeat": b.params.nav_heartbeat,
            "maxChangeBps": b.params.nav_max_change_bps,
            "multipleBps": b.params.nav_multiple_bps,
            "revenueWindow": b.params.nav_revenue_window,
        },
    ),
]


def component_names() -> list[str]:
    return [component.name for component in COMPONENTS]


System.NAMES = tuple(component_names())  # the System attributes that hold contracts, in deployment order


def _function_roles_step(name: str) -> Step:
    def missing(build: Build) -> dict[str, Role]:
        manager, target = build["manager"], build[name]
        return {
            function: role
            for function, role in FUNCTION_ROLES[name].items()
            if manager.getTargetFunctionRole(target, selector(target, function)) != role
        }

    return Step(
        f"roles:{name}",
        lambda b: not missing(b),
        lambda b: set_function_roles(b["manager"], b[name], missing(b), b.admin),
        f"function roles of {name}",
    )


def _grant_step(role: Role, account: Callable[[Build], str], delay: Callable[[Build], int], label: str) -> Step:
    def done(build: Build) -> bool:
        member, current = build["manager"].hasRole(role, account(build))
        return bool(member) and int(current) == delay(build)

    def apply(build: Build) -> list:
        return [build["manager"].grantRole(role, account(build), delay(build), sender=build.admin)]

    return Step(f"grant:{role.label}:{label}", done, apply, f"{role.name} to {label}")


def _each_missing(
    name: str, accounts: Callable[[Build], Iterable[str]], present: str, add: Callable[[Any, str, Any], Any]
) -> Step:
    """A step that adds each configured account a component lacks (`present` is the view that tells)."""

    def missing(build: Build) -> list[str]:
        view = getattr(build[name], present)
        return [account for account in accounts(build) if not view(account)]

    return Step(
        f"{present}:{name}",
        lambda b: not missing(b),
        lambda b: [add(b[name], account, b.admin) for account in missing(b)],
        f"{present} on {name}",
    )


def wiring_steps(params: Params) -> list[Step]:
    """The steps after the components, in order.

    Contract-to-contract wiring and appointments come first, while every restricted function is still the admin's
    alone (an AccessManager target function defaults to ADMIN_ROLE); then the function roles, labels, grants (the
    contracts' roles and the configured accounts' roles with their execution delays), and last the role admins
    (after them, OPERATOR is granted by ONBOARDING holders only).
    """
    steps = [
        Step(
            "hook:lease_market",
            lambda b: b["lease_market"].address in b["assets"].bindingHooks(),
            lambda b: [b["assets"].setBindingHook(b["lease_market"], True, sender=b.admin)],
            "lease market as the registry's binding hook",
        ),
        Step(
            "rent_source:lease_market",
            lambda b: b["router"].isRentSource(b["lease_market"]),
            lambda b: [b["router"].setRentSource(b["lease_market"], True, sender=b.admin)],
            "lease market as the router's rent source",
        ),
        _each_missing(
            "oracle",
            lambda b: b.params.attesters,
            "isAttester",
            lambda oracle, account, admin: oracle.addAttester(account, sender=admin),
        ),
        _each_missing(
            "nav",
            lambda b: b.params.appraisers,
            "isAppraiser",
            lambda nav, account, admin: nav.setAppraiser(account, True, sender=admin),
        ),
    ]
    if params.attesters:
        steps.append(
            Step(
                "quorum:oracle",
                lambda b: b["oracle"].quorum() == b.params.quorum,
                lambda b: [b["oracle"].setQuorum(b.params.quorum, sender=b.admin)],
                f"attester quorum {params.quorum}",
            )
        )
    # A table whose key is not a component (say `markets`: one contract per asset) is applied by `asset_plan`.
    steps += [_function_roles_step(name) for name in FUNCTION_ROLES if name in component_names()]
    steps.append(
        Step(
            "labels",
            lambda b: None,
            lambda b: [b["manager"].labelRole(role, role.label, sender=b.admin) for role in Role if role != Role.ADMIN],
            "role labels",
        )
    )
    for role, holders in CONTRACT_ROLES.items():
        for holder in holders:
            steps.append(_grant_step(role, lambda b, h=holder: b[h].address, lambda b: 0, holder))
    for configured in params.grants:
        account, delay = configured.account, configured.delay
        steps.append(_grant_step(configured.role, lambda b, a=account: a, lambda b, d=delay: d, account))
    for role, role_admin in ROLE_ADMINS.items():
        steps.append(
            Step(
                f"role_admin:{role.label}",
                lambda b, r=role, a=role_admin: b["manager"].getRoleAdmin(r) == a,
                lambda b, r=role, a=role_admin: [b["manager"].setRoleAdmin(r, a, sender=b.admin)],
                f"{role_admin.name} administers {role.name}",
            )
        )
    return steps


# The functions every CollateralMarket restricts, and their roles (one market per share token: `markets/<asset id>`).
MARKET_FUNCTION_ROLES: dict[str, Role] = {
    "setRiskParams": Role.GOVERNOR,
    "skim": Role.GOVERNOR,
    "recoverPosition": Role.COMPLIANCE,
    "pause": Role.PAUSER,
    "unpause": Role.PAUSER,
}


def asset_plan(
    asset_id: int, risk: tuple[int, ...] | None = None, debt_ceiling: int | None = None
) -> tuple[list[Component], list[Step]]:
    """The per-asset parts: a CollateralMarket for the asset's share token, named `markets/<asset_id>`, its function
    roles, `compliance.setSystemHolder(market, True)` and `vault.setMarket(market, True, ceiling)`. The last two
    are GOVERNOR functions: the admin running the plan must hold GOVERNOR without delay.

    `risk`: the market's RiskParams tuple (`cap.lending.RiskParams().as_tuple()` when omitted); `debt_ceiling`:
    `params.market_debt_ceiling` when omitted."""
    from cap.lending import RiskParams

    name = f"markets/{asset_id}"
    risk = tuple(risk or RiskParams().as_tuple())
    market = Component(
        name,
        "CollateralMarket",
        lambda b: (b["manager"], b["factory"].sharesOf(asset_id), b["vault"], b["nav"], b["compliance"], risk),
        _managed({"VAULT": "vault", "NAV": "nav", "COMPLIANCE": "compliance"}),
        lambda b: {"ASSET_ID": asset_id},
        ("ASSET_ID",),
    )

    def missing_roles(build: Build) -> dict[str, Role]:
        manager, target = build["manager"], build[name]
        return {
            function: role
            for function, role in MARKET_FUNCTION_ROLES.items()
            if manager.getTargetFunctionRole(target, selector(target, function)) != role
        }

    def ceiling(build: Build) -> int:
        return build.params.market_debt_ceiling if debt_ceiling is None else debt_ceiling

    steps = [
        Step(
            f"roles:{name}",
            lambda b: not missing_roles(b),
            lambda b: set_function_roles(b["manager"], b[name], missing_roles(b), b.admin),
            f"function roles of {name}",
        ),
        Step(
            f"system_holder:{name}",
            lambda b: bool(b["compliance"].investorOf(b[name]).systemHolder),
            lambda b: [b["compliance"].setSystemHolder(b[name], True, sender=b.admin)],
            f"{name} holds shares as a system holder",
        ),
        Step(
            f"vault_market:{name}",
            lambda b: tuple(b["vault"].marketOf(b[name]))[:2] == (True, ceiling(b)),
            lambda b: [b["vault"].setMarket(b[name], True, ceiling(b), sender=b.admin)],
            f"{name} borrows from the vault up to its ceiling",
        ),
    ]
    return [market], steps


# ---------------------------------------------------------------- the executor


def code_hash(code: bytes) -> str:
    return "0x" + keccak(bytes(code)).hex()


def matches_artifact(code: bytes, artifact: bytes) -> bool:
    """Whether runtime `code` is the artifact's, immutables aside (the compiler leaves zeros where they go)."""
    from hexbytes import HexBytes

    code, artifact = bytes(HexBytes(code)), bytes(HexBytes(artifact))
    if len(code) != len(artifact) or not code:
        return False
    return all(a == c or a == 0 for a, c in zip(artifact, code, strict=True))


def create_address(sender: str, nonce: int) -> str:
    """The address a CREATE from `sender` at `nonce` makes."""
    import rlp

    return to_checksum_address(keccak(rlp.encode([bytes.fromhex(sender[2:]), nonce]))[12:])


@dataclass
class Finding:
    """One verification result: `level` is ok, drift (a setting governance may have changed) or error."""

    level: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"[{self.level}] {self.subject}: {self.message}"


class Deployer:
    """Runs the plan: verifies what exists, deploys and wires what is missing, records as it goes.

    `manifest`: where addresses and transactions are recorded (None: nothing recorded, nothing to resume: the
    tests' fresh deployments). `stop_after`: raise `DeployInterrupted` after that many transactions (tests and
    `ape run deploy --stop-after`). `log(message)`: progress lines.
    """

    def __init__(
        self,
        admin: Any,
        params: Params | None = None,
        manifest: Manifest | None = None,
        stablecoin: Any = None,
        stop_after: int | None = None,
        log: Callable[[str], None] = lambda message: None,
    ):
        self.params = params or Params()
        self.build = Build(admin, self.params)
        self.manifest = manifest
        self.stop_after = stop_after
        self.log = log
        self.sent = 0
        if stablecoin is not None:
            self.build.contracts["stablecoin"] = stablecoin

    # ------------------------------------------------ running

    def run(self) -> System:
        for component in COMPONENTS:
            self._component(component)
        for step in wiring_steps(self.params):
            self._step(step)
        return self.system()

    def system(self) -> System:
        contracts = self.build.contracts
        return System(**{name: contracts.get(name) for name in component_names()}, params=self.params)

    def _count(self, receipts: int = 1) -> None:
        self.sent += receipts
        if self.stop_after is not None and self.sent >= self.stop_after:
            raise DeployInterrupted(f"stopped after {self.sent} transaction(s), as asked; run again to resume")

    def _component(self, component: Component) -> None:
        from ape import chain, project

        build, name = self.build, component.name
        container = getattr(project, component.contract)
        external = component.external(build)
        recorded = self.manifest.contract(name) if self.manifest else None
        if external is not None:
            address = external if isinstance(external, str) else external.address
            if self.manifest is not None:
                code = chain.provider.get_code(address)
                if not code:
                    raise DeployError(f"{name}: no contract at {address} on this chain")
                if recorded and recorded["address"] != address:
                    raise DeployError(f"{name}: the manifest records {recorded['address']}, the config {address}")
                if not recorded:
                    self.manifest.record_contract(name, "external", address, None, None, code_hash(code), [])
            build.contracts[name] = external if not isinstance(external, str) else container.at(address)
            return
        if recorded is None and self.manifest is not None:
            recorded = self._adopt_pending(component, container)
        if recorded is not None:
            self._check_code(name, recorded, container)
            build.contracts[name] = container.at(recorded["address"])
            self._check_links(component)
            self.log(f"  {name:<14} {recorded['address']}  verified")
            return
        args = component.args(build)
        if self.manifest is not None:
            self.manifest.mark_pending(name, build.admin.address, build.admin.nonce)
        instance = container.deploy(*args, sender=build.admin)
        build.contracts[name] = instance
        if self.manifest is not None:
            receipt = chain.get_receipt(instance.txn_hash)
            code = chain.provider.get_code(instance.address)
            self.manifest.record_contract(
                name,
                component.contract,
                instance.address,
                instance.txn_hash,
                receipt.block_number,
                code_hash(code),
                [_jsonable(arg) for arg in args],
            )
        self.log(f"  {name:<14} {instance.address}  deployed")
        self._count()

    def _adopt_pending(self, component: Component, container: Any) -> dict | None:
        """A deployment sent but not recorded (interrupted while waiting): adopt the contract if it is there."""
        from ape import chain

        pending = self.manifest.pending(component.name)
        if not pending:
            return None
        address = create_address(pending["sender"], pending["nonce"])
        code = chain.provider.get_code(address)
        if not code or not matches_artifact(code, container.contract_type.runtime_bytecode.bytecode):
            self.manifest.clear_pending(component.name)
            return None
        args = [_jsonable(arg) for arg in component.args(self.build)]
        self.manifest.record_contract(component.name, component.contract, address, None, None, code_hash(code), args)
        self.log(f"  {component.name:<14} {address}  adopted (deployed before an interruption)")
        return self.manifest.contract(component.name)

    def _check_code(self, name: str, recorded: dict, container: Any) -> None:
        from ape import chain

        address = recorded["address"]
        code = chain.provider.get_code(address)
        if not code:
            raise DeployError(
                f"{name}: the manifest records {address}, but there is no code there on this chain "
                f"(a reset local chain? move {self.manifest.path} away to start over)"
            )
        if code_hash(code) != recorded["code_hash"]:
            raise DeployError(f"{name} at {address}: runtime code hash differs from the manifest's")
        if not matches_artifact(code, container.contract_type.runtime_bytecode.bytecode):
            raise DeployError(
                f"{name} at {address}: its code is not the compiled {recorded['contract']} any more (the source "
                "changed since it was deployed); deploying a new system needs a new manifest"
            )

    def _check_links(self, component: Component) -> None:
        contract = self.build[component.name]
        for view, other in component.links.items():
            value = getattr(contract, view)()
            if value != self.build[other].address:
                raise DeployError(f"{component.name}.{view}() is {value}, expected {other} {self.build[other].address}")

    def _step(self, step: Step) -> None:
        from ape import chain

        build = self.build
        recorded = self.manifest.step(step.name) if self.manifest else None
        state = step.done(build)
        if state is None and recorded:  # no view: its recorded transactions must be on chain and successful
            state = all(chain.get_receipt(tx).status == 1 for tx in recorded["txs"])
        if state:
            if self.manifest is not None and not recorded:
                self.manifest.record_step(step.name, [], None)
            self.log(f"  {step.name:<30} ok")
            return
        if recorded and state is False:
            # Done at deployment, changed since (governance revoked a grant, say): not undone behind its back.
            self.log(f"  {step.name:<30} changed since deployment; left as it is")
            return
        receipts = step.apply(build)
        if self.manifest is not None:
            block = max((receipt.block_number for receipt in receipts), default=None)
            self.manifest.record_step(step.name, [receipt.txn_hash for receipt in receipts], block)
        self.log(f"  {step.name:<30} done ({len(receipts)} tx)")
        self._count(len(receipts))


def _jsonable(value: Any) -> Any:
    if hasattr(value, "address"):
        return value.address
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value


def deploy_system(admin: Any, params: Params | None = None, stablecoin: Any = None) -> System:
    """Deploys the whole system with `admin` as the AccessManager's admin and wires every restricted function.

    `stablecoin`: an existing token; a MockStablecoin is deployed when omitted (local networks). Nothing is recorded
    (tests and the demo); `ape run deploy` runs the same plan with a manifest.
    """
    return Deployer(admin, params, stablecoin=stablecoin).run()


def load_system(manifest: Manifest, params: Params | None = None) -> System:
    """The System a manifest records, typed with the project's contract types (no transaction, no check)."""
    from ape import project

    contracts, markets = {}, {}
    for name, entry in manifest.contracts().items():
        if name.startswith("markets/"):  # per-asset parts (asset_plan)
            markets[int(name.split("/", 1)[1])] = getattr(project, entry["contract"]).at(entry["address"])
            continue
        contract = entry["contract"] if entry["contract"] != "external" else _contract_of(name)
        contracts[name] = getattr(project, contract).at(entry["address"])
    missing = [name for name in component_names() if name not in contracts]
    if missing:
        raise DeployError(f"the deployment in {manifest.path} is incomplete (missing {', '.join(missing)}): deploy")
    return System(**contracts, params=params or manifest.params(), markets=markets)


def _contract_of(name: str) -> str:
    return next(component.contract for component in COMPONENTS if component.name == name)


def verify(system: System, manifest: Manifest | None = None) -> list[Finding]:
    """Checks a deployed system against its plan: code (against the manifest's hashes and the compiled artifacts),
    links, settings, function roles, contract roles, role admins and the configured grants."""
    from ape import chain, project

    findings: list[Finding] = []
    build = Build(_Address(manifest.data["deployer"]) if manifest else None, system.params, system.contracts())
    for component in COMPONENTS:
        contract = build.contracts.get(component.name)
        if contract is None:
            findings.append(Finding("error", component.name, "not deployed"))
            continue
        code = chain.provider.get_code(contract.address)
        entry = manifest.contract(component.name) if manifest else None
        if entry is not None and code_hash(code) != entry["code_hash"]:
            findings.append(Finding("error", component.name, "runtime code hash differs from the manifest"))
        elif entry is None or entry["contract"] != "external":
            artifact = getattr(project, component.contract).contract_type.runtime_bytecode.bytecode
            ok = matches_artifact(code, artifact)
            findings.append(Finding("ok" if ok else "error", component.name, f"code {code_hash(code)[:18]}…"))
        for view, other in component.links.items():
            value = getattr(contract, view)()
            ok = value == build[other].address
            findings.append(Finding("ok" if ok else "error", f"{component.name}.{view}", f"{value} ({other})"))
        for view, expected in component.settings(build).items():
            value = getattr(contract, view)()
            if value == expected:
                findings.append(Finding("ok", f"{component.name}.{view}", f"{value}"))
            else:
                level = "error" if view in component.immutable_settings else "drift"
                findings.append(Finding(level, f"{component.name}.{view}", f"{value}, deployed with {expected}"))
    if findings and any(f.level == "error" and "not deployed" in f.message for f in findings):
        return findings
    for step in wiring_steps(system.params):
        if step.name == "labels":
            continue
        state = step.done(build)
        if state:
            findings.append(Finding("ok", step.name, step.what))
        elif manifest is not None and manifest.step(step.name):
            findings.append(Finding("drift", step.name, f"{step.what}: changed since deployment"))
        else:
            findings.append(Finding("error", step.name, f"{step.what}: not in place"))
    return findings


@dataclass(frozen=True)
class _Address:
    address: str


def grant(system: System, admin: Any, role: Role, account: Any, delay: int | None = None) -> None:
    """Grants `role`; GOVERNOR grants carry the configured execution delay unless `delay` is given."""
    if delay is None:
        delay = system.params.governor_delay if role is Role.GOVERNOR else 0
    system.manager.grantRole(role, account, delay, sender=admin)


def deploy_asset(
    system: System,
    admin: Any,
    asset_id: int,
    manifest: Manifest | None = None,
    risk: tuple[int, ...] | None = None,
    debt_ceiling: int | None = None,
) -> System:
    """Deploys and wires the per-asset parts of `asset_plan(asset_id)`: the asset's collateral market. `admin` holds
    ADMIN and GOVERNOR; the asset must have shares."""
    components, steps = asset_plan(asset_id, risk, debt_ceiling)
    deployer = Deployer(admin, system.params, manifest)
    deployer.build.contracts.update(system.contracts())
    for component in components:
        deployer._component(component)
    for step in steps:
        deployer._step(step)
    for name, contract in deployer.build.contracts.items():
        if name.startswith("markets/"):
            system.markets[int(name.split("/", 1)[1])] = contract
    return system

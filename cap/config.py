"""Deployment configuration: one reviewed YAML file per network (`deployments/config/<ecosystem>-<network>.yaml`),
checked completely before any transaction: an unknown key, a wrong type or an out-of-range value is an error that
names the key. The ranges are the contracts' own (a test reads them from a deployment and compares).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cap.deploy import WAD, DeployError, Grant, Params
from cap.roles import Role

CONFIG_FOLDER = Path("deployments/config")
DEPLOYER = "deployer"  # in the file: the account that deploys

# The contracts' bounds (a test compares them with the constants of a deployed system).
MAX_PROTOCOL_FEE_BPS = 2_000
MAX_OPERATOR_FEE_BPS = 3_000
MAX_BURN_IN_EPOCHS = 720
MIN_BURN_IN_UPTIME_BPS = 5_000
MAX_RESERVE_FACTOR_BPS = 5_000
MIN_KINK, MAX_KINK = Decimal("0.05"), Decimal("0.99")
MAX_RATE_PER_YEAR = Decimal(10)
MIN_HEARTBEAT, MAX_HEARTBEAT = 3_600, 30 * 86_400
MIN_CHANGE_BPS, MAX_CHANGE_BPS = 100, 5_000
MIN_MULTIPLE_BPS, MAX_MULTIPLE_BPS = 1_000, 100_000
MIN_REVENUE_WINDOW, MAX_REVENUE_WINDOW = 7 * 86_400, 365 * 86_400
MAX_EXECUTION_DELAY = 90 * 86_400  # a sanity bound on AccessManager delays (the manager allows up to 2^32 - 1)


def _addresses(value: Any) -> list[str]:
    addresses = [_address(item) for item in value or []]
    if len(set(addresses)) != len(addresses):
        raise ValueError("an address is listed twice")
    return addresses


def _address(value: Any) -> str:
    if value == DEPLOYER:
        return DEPLOYER
    text = str(value)
    if not (text.startswith("0x") and len(text) == 42):
        raise ValueError(f"not an address: {text!r} (0x and 40 hex digits, or '{DEPLOYER}')")
    int(text, 16)
    from eth_utils import to_checksum_address

    return to_checksum_address(text)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class OracleConfig(_Section):
    epoch_seconds: int = Field(3600, ge=1, le=3600)
    quorum: int = Field(3, ge=1)
    attesters: list[str] = []

    @field_validator("epoch_seconds")
    @classmethod
    def _divides_an_hour(cls, value: int) -> int:
        if 3600 % value:
            raise ValueError("must divide an hour (the lease market books whole hours)")
        return value

    @field_validator("attesters", mode="before")
    @classmethod
    def _addresses(cls, value: Any) -> list[str]:
        return _addresses(value)

    @model_validator(mode="after")
    def _quorum(self) -> OracleConfig:
        if self.attesters and self.quorum > len(self.attesters):
            raise ValueError(f"quorum {self.quorum} is more than the {len(self.attesters)} attesters listed")
        return self


class AssetsConfig(_Section):
    burn_in_epochs: int = Field(24, ge=1, le=MAX_BURN_IN_EPOCHS)
    burn_in_min_uptime_bps: int = Field(9_500, ge=MIN_BURN_IN_UPTIME_BPS, le=10_000)


class FeesConfig(_Section):
    protocol_fee_bps: int = Field(500, ge=0, le=MAX_PROTOCOL_FEE_BPS)
    operator_fee_bps: int = Field(1_500, ge=0, le=MAX_OPERATOR_FEE_BPS)
    treasury: str = DEPLOYER

    @field_validator("treasury", mode="before")
    @classmethod
    def _treasury(cls, value: Any) -> str:
        return _address(value)


class LendingConfig(_Section):
    base_rate_per_year: Decimal = Field(Decimal("0.02"), ge=0)
    slope1_per_year: Decimal = Field(Decimal("0.08"), ge=0)
    slope2_per_year: Decimal = Field(Decimal("1.0"), ge=0)
    kink: Decimal = Field(Decimal("0.80"), ge=MIN_KINK, le=MAX_KINK)
    reserve_factor_bps: int = Field(1_000, ge=0, le=MAX_RESERVE_FACTOR_BPS)
    vault_name: str = Field("CAP Lending USD", min_length=1, max_length=64)
    vault_symbol: str = Field("capUSD", min_length=1, max_length=16)

    @model_validator(mode="after")
    def _max_rate(self) -> LendingConfig:
        total = self.base_rate_per_year + self.slope1_per_year + self.slope2_per_year
        if total > MAX_RATE_PER_YEAR:
            raise ValueError(f"base + slope1 + slope2 = {total} per year, above the maximum {MAX_RATE_PER_YEAR}")
        return self


class NavConfig(_Section):
    heartbeat: int = Field(86_400, ge=MIN_HEARTBEAT, le=MAX_HEARTBEAT)
    max_change_bps: int = Field(2_000, ge=MIN_CHANGE_BPS, le=MAX_CHANGE_BPS)
    multiple_bps: int = Field(50_000, ge=MIN_MULTIPLE_BPS, le=MAX_MULTIPLE_BPS)
    revenue_window: int = Field(30 * 86_400, ge=MIN_REVENUE_WINDOW, le=MAX_REVENUE_WINDOW)
    appraisers: list[str] = []

    @field_validator("revenue_window")
    @classmethod
    def _whole_days(cls, value: int) -> int:
        if value % 86_400:
            raise ValueError("must be a whole number of days")
        return value

    @field_validator("appraisers", mode="before")
    @classmethod
    def _addresses(cls, value: Any) -> list[str]:
        return _addresses(value)


class GrantConfig(_Section):
    account: str
    delay: int | None = Field(None, ge=0, le=MAX_EXECUTION_DELAY)

    @field_validator("account", mode="before")
    @classmethod
    def _account(cls, value: Any) -> str:
        return _address(value)


class AccessConfig(_Section):
    governor_delay: int = Field(0, ge=0, le=MAX_EXECUTION_DELAY)
    roles: dict[str, list[GrantConfig]] = {}

    @field_validator("roles", mode="before")
    @classmethod
    def _roles(cls, value: Any) -> dict:
        value = value or {}
        if not isinstance(value, dict):
            raise ValueError("a mapping of role name -> accounts")
        names = {role.label for role in Role}
        for name in value:
            if name not in names:
                raise ValueError(f"unknown role {name!r} (roles: {', '.join(sorted(names))})")
        return {
            name: [item if isinstance(item, dict) else {"account": item} for item in (accounts or [])]
            for name, accounts in value.items()
        }


class DeployConfig(_Section):
    stablecoin: str | None = None  # None: deploy a MockStablecoin (test networks only)
    allow_test_accounts: bool = False  # accept `--account test:N` (a local stand-in network)
    min_balance_wei: int = Field(0, ge=0)  # the deployer must hold more than this (and more than zero)
    oracle: OracleConfig = OracleConfig()
    assets: AssetsConfig = AssetsConfig()
    fees: FeesConfig = FeesConfig()
    lending: LendingConfig = LendingConfig()
    nav: NavConfig = NavConfig()
    access: AccessConfig = AccessConfig()

    @field_validator("stablecoin", mode="before")
    @classmethod
    def _stablecoin(cls, value: Any) -> str | None:
        if value is None:
            return None
        address = _address(value)
        if address == DEPLOYER:
            raise ValueError("the stablecoin is a token address, or null for a MockStablecoin")
        return address

    def to_params(self, deployer: str) -> Params:
        """The deployment parameters, with `deployer` in place of the word 'deployer'."""

        def resolve(address: str) -> str:
            return deployer if address == DEPLOYER else address

        def wad(value: Decimal) -> int:
            return int(value * WAD)

        grants = []
        for name, accounts in self.access.roles.items():
            role = Role[name.upper()]
            for item in accounts:
                default = self.access.governor_delay if role is Role.GOVERNOR else 0
                delay = default if item.delay is None else item.delay
                grants.append(Grant(role, resolve(item.account), delay))
        return Params(
            epoch_seconds=self.oracle.epoch_seconds,
            burn_in_epochs=self.assets.burn_in_epochs,
            burn_in_min_uptime_bps=self.assets.burn_in_min_uptime_bps,
            quorum=self.oracle.quorum,
            governor_delay=self.access.governor_delay,
            protocol_fee_bps=self.fees.protocol_fee_bps,
            operator_fee_bps=self.fees.operator_fee_bps,
            treasury=resolve(self.fees.treasury),
            base_rate_per_year=wad(self.lending.base_rate_per_year),
            slope1_per_year=wad(self.lending.slope1_per_year),
            slope2_per_year=wad(self.lending.slope2_per_year),
            kink=wad(self.lending.kink),
            reserve_factor_bps=self.lending.reserve_factor_bps,
            vault_name=self.lending.vault_name,
            vault_symbol=self.lending.vault_symbol,
            nav_heartbeat=self.nav.heartbeat,
            nav_max_change_bps=self.nav.max_change_bps,
            nav_multiple_bps=self.nav.multiple_bps,
            nav_revenue_window=self.nav.revenue_window,
            attesters=tuple(resolve(a) for a in self.oracle.attesters),
            appraisers=tuple(resolve(a) for a in self.nav.appraisers),
            grants=tuple(grants),
        )


def config_path(ecosystem: str, network: str, base: Path = CONFIG_FOLDER) -> Path:
    return base / f"{ecosystem}-{network}.yaml"


def load_config(path: Path) -> DeployConfig:
    """Reads and checks a config file; every problem is a DeployError that names the file and the key."""
    try:
        raw = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError as error:
        raise DeployError(f"no deployment config {path}: write one (see deployments/config/ for examples)") from error
    except (OSError, yaml.YAMLError) as error:
        raise DeployError(f"cannot read {path}: {error}") from error
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise DeployError(f"{path}: expected a mapping of settings at the top level")
    try:
        return DeployConfig.model_validate(raw)
    except ValidationError as error:
        raise DeployError(f"{path}: invalid configuration:\n" + _describe(error)) from error


def _describe(error: ValidationError) -> str:
    lines = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = "unknown key"
        elif "input" in problem and problem["type"] not in ("missing",):
            message += f" (got {problem['input']!r})"
        lines.append(f"  {where}: {message}")
    return "\n".join(lines)

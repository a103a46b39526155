"""Access-control matrix, generated from `cap.deploy.FUNCTION_ROLES`: every restricted function of the deployed
system, called by a holder of every other role and by a stranger, fails on authorization (AccessManagedUnauthorized,
or the contract's own error where a function also admits an operator), with arguments built from its ABI.

A second test makes the table complete: every non-view function of every AccessManaged contract of the system that
refuses a stranger with AccessManagedUnauthorized must have a row, and every row must match the AccessManager's
wiring. A new restricted function without a row fails here.

A table entry names a `System` attribute; contracts deployed next to the core (not yet `System` attributes) are
deployed here by their `cap` helper, listed in DEPLOYERS.
"""

from __future__ import annotations

from types import SimpleNamespace

import ape
import pytest
from eth_abi import encode as abi_encode
from eth_utils import keccak

from cap.deploy import FUNCTION_ROLES, System
from cap.roles import Role

UNAUTHORIZED = "AccessManagedUnauthorized"


def _deploy_offering(system, admin):
    from cap.offering import deploy_share_offering

    return deploy_share_offering(system, admin, admin, admin, 200)


def _deploy_secondary_market(system, admin):
    from cap.orders import deploy_secondary_market

    return deploy_secondary_market(system, admin, admin, 30)


# FUNCTION_ROLES entries that are not `System` attributes: how to deploy them over the system.
DEPLOYERS = {"offering": _deploy_offering, "secondary_market": _deploy_secondary_market}

# Functions whose authorization is "the operator (of the asset, of the offering), or a caller the AccessManager
# allows": they refuse with the contract's own error (caller, id) after looking the id up; the uint arguments name
# a live asset or offering (`UINT_ARGUMENT`).
OWN_AUTH_ERRORS: dict[tuple[str, str], str] = {
    ("assets", "suspend"): "ComputeAssetRegistryUnauthorized",
    ("assets", "retire"): "ComputeAssetRegistryUnauthorized",
    ("offering", "cancel"): "ShareOfferingUnauthorized",
}
UINT_ARGUMENT: dict[tuple[str, str], str] = {("offering", "cancel"): "offering_id"}

# Contracts of `System` that are not AccessManaged by the system's manager (the manager itself, the stablecoin, the
# rate model: a pure function of immutable parameters, with no owner).
NOT_MANAGED = {"manager", "stablecoin", "rate_model"}
MANAGED = [name for name in System.NAMES if name not in NOT_MANAGED] + [
    name for name in FUNCTION_ROLES if name not in System.NAMES
]

# AccessManaged's own setAuthority: callable only by the current authority (the manager's updateAuthority), so by
# no role holder at all.
AUTHORITY_ONLY = ("setAuthority",)

CASES = [
    (attribute, function, role, caller)
    for attribute, functions in FUNCTION_ROLES.items()
    for function, role in functions.items()
    for caller in [r for r in Role if r is not role] + ["stranger"]
] + [
    (attribute, function, None, caller)
    for attribute in MANAGED
    for function in AUTHORITY_ONLY
    for caller in [*Role, "stranger"]
]


def case_id(case) -> str:
    attribute, function, _, caller = case
    return f"{attribute}.{function}.{caller if isinstance(caller, str) else caller.label}"


@pytest.fixture(scope="module")
def targets(system, gov) -> dict:
    """Every managed contract by its table name: the system's, then those deployed here."""
    targets = {}
    for name in MANAGED:
        if hasattr(system, name):
            targets[name] = getattr(system, name)
        else:
            assert name in DEPLOYERS, f"FUNCTION_ROLES[{name!r}] is neither a System attribute nor in DEPLOYERS"
            targets[name] = DEPLOYERS[name](system, gov)
    return targets


@pytest.fixture(scope="module")
def holders(system, gov, accounts):
    """One account per role, holding that role only (no execution delay)."""
    holders = {}
    for role, account in zip(Role, accounts[10:20], strict=False):
        system.manager.grantRole(role, account, 0, sender=gov)
        holders[role] = account
    return holders


@pytest.fixture(scope="module")
def ids(register_asset, targets, shares, operator, chain):
    """A registered asset (its operator is the fixture `operator`, who holds no role given to `holders`) and a live
    offering of `shares` by that operator, opening in an hour."""
    from cap.offering import OfferingParams, create_offering

    opens_at = chain.pending_timestamp + 3_600
    params = OfferingParams(shares.address, 10**6, 10**20, 10**21, 10**18, 10**21, opens_at, opens_at + 86_400, (840,))
    offering_id = create_offering(targets["offering"], shares, operator, params) if "offering" in targets else 0
    return SimpleNamespace(asset_id=register_asset(), offering_id=offering_id)


def plausible(abi_type, number: int, address: str):
    """A well-formed value of an ABI input (ethpm-types ABIType), so the call reaches the authorization check."""
    type_ = abi_type.type
    if type_.endswith("]"):
        inner = type_[: type_.rindex("[")]
        size = type_[type_.rindex("[") + 1 : -1]
        element = abi_type.model_copy(update={"type": inner})
        return [plausible(element, number, address)] * (int(size) if size else 1)
    if type_ == "tuple":
        return tuple(plausible(component, number, address) for component in abi_type.components)
    if type_ == "address":
        return address
    if type_ == "bool":
        return True
    if type_.startswith(("uint", "int")):
        return number
    if type_ == "bytes":
        return b"\x01"
    if type_.startswith("bytes"):
        return b"\x01" * int(type_[5:])
    if type_ == "string":
        return "x"
    raise NotImplementedError(type_)


def method_abi(contract, function: str):
    abis = [abi for abi in contract.contract_type.mutable_methods if abi.name == function]
    assert len(abis) == 1, f"{contract.contract_type.name}.{function}: expected one function, found {len(abis)}"
    return abis[0]


def number_for(attribute: str, function: str, ids) -> int:
    return getattr(ids, UINT_ARGUMENT.get((attribute, function), "asset_id"))


def call_reverting(contract, function: str, args: list, caller) -> bytes:
    """eth_call of `function` from `caller`; returns the revert data (fails if the call succeeds)."""
    data = getattr(contract, function).as_transaction(*args, sender=caller).data
    try:
        ape.chain.provider.web3.eth.call({"from": caller.address, "to": contract.address, "data": data})
    except Exception as error:  # noqa: BLE001 - any revert; its data is checked by the caller
        return _revert_data(error)
    raise AssertionError(f"{contract.contract_type.name}.{function} succeeded for {caller.address}")


def error_data(contract, name: str, *values) -> bytes:
    """ABI-encoded custom error `name` of `contract` (selector and arguments)."""
    abi = next(e for e in contract.contract_type.errors if e.name == name)
    return keccak(text=abi.selector)[:4] + abi_encode([arg.canonical_type for arg in abi.inputs], values)


@pytest.mark.parametrize("case", CASES, ids=[case_id(case) for case in CASES])
def test_restricted_function_refuses_every_other_role_and_a_stranger(case, targets, holders, ids, stranger):
    attribute, function, _, caller_role = case
    contract = targets[attribute]
    caller = stranger if caller_role == "stranger" else holders[caller_role]
    number = number_for(attribute, function, ids)
    args = [plausible(arg, number, stranger.address) for arg in method_abi(contract, function).inputs]
    own_error = OWN_AUTH_ERRORS.get((attribute, function))
    if own_error:
        expected = error_data(contract, own_error, caller.address, number)
    else:
        expected = error_data(contract, UNAUTHORIZED, caller.address)
    assert call_reverting(contract, function, args, caller) == expected


def unlisted_restricted(targets: dict, table: dict, ids, stranger) -> list[str]:
    """Non-view functions of the managed contracts, not in `table`, that refuse a stranger with
    AccessManagedUnauthorized(stranger): restricted functions without a row."""
    missing = []
    for name, contract in targets.items():
        for abi in contract.contract_type.mutable_methods:
            if abi.name in table.get(name, {}) or abi.name in AUTHORITY_ONLY:
                continue
            args = [plausible(arg, ids.asset_id, stranger.address) for arg in abi.inputs]
            try:
                revert = call_reverting(contract, abi.name, args, stranger)
            except AssertionError:
                continue  # a stranger may call it
            if revert == error_data(contract, UNAUTHORIZED, stranger.address):
                missing.append(f"{name}.{abi.name}")
    return missing


def test_table_covers_every_restricted_function_and_matches_the_wiring(system, targets, ids, stranger):
    wrong_role = []
    for name, contract in targets.items():
        assert contract.authority() == system.manager.address, f"{name} is not managed by the system's manager"
        for function, role in FUNCTION_ROLES.get(name, {}).items():
            selector = keccak(text=method_abi(contract, function).selector)[:4]
            if system.manager.getTargetFunctionRole(contract, selector) != role:
                wrong_role.append(f"{name}.{function}")
    assert not wrong_role, f"FUNCTION_ROLES rows the AccessManager does not wire that way: {wrong_role}"
    missing = unlisted_restricted(targets, FUNCTION_ROLES, ids, stranger)
    assert not missing, f"restricted functions without a FUNCTION_ROLES row: {missing}"


def test_completeness_check_notices_a_missing_row(targets, ids, stranger):
    table = {name: dict(functions) for name, functions in FUNCTION_ROLES.items()}
    del table["router"]["setFees"], table["compliance"]["forceTransfer"]
    assert unlisted_restricted(targets, table, ids, stranger) == ["compliance.forceTransfer", "router.setFees"]


def _revert_data(error: Exception) -> bytes:
    data = getattr(error, "data", None)
    if isinstance(data, dict):
        data = data.get("data")
    if isinstance(data, str) and data.startswith("0x"):
        return bytes.fromhex(data[2:])
    return data if isinstance(data, bytes) else b""

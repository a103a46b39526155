"""Deployment and governance: bounded parameters, the appraiser set, and who may call the setters."""

import ape
import pytest
from conftest import NAV_FUNCTION_ROLES, deploy_nav
from nav_model import DAY, HEARTBEAT, MAX_CHANGE_BPS, MULTIPLE_BPS, REVENUE_WINDOW

from cap.roles import Role

# setter -> (error, bounds below / above / other invalid values, a valid value)
SETTERS = {
    "setHeartbeat": ("NavOracleInvalidHeartbeat", [3_599, 30 * DAY + 1, 0], 2 * DAY, "heartbeat", "HeartbeatSet"),
    "setMaxChangeBps": ("NavOracleInvalidMaxChange", [99, 5_001, 0], 1_000, "maxChangeBps", "MaxChangeSet"),
    "setMultipleBps": ("NavOracleInvalidMultiple", [999, 100_001, 0], 30_000, "multipleBps", "MultipleSet"),
    "setRevenueWindow": (
        "NavOracleInvalidRevenueWindow",
        [7 * DAY - DAY, 366 * DAY, 10 * DAY + 1, 0],
        7 * DAY,
        "revenueWindow",
        "RevenueWindowSet",
    ),
}
BOUNDS = {  # setter -> (min, max)
    "setHeartbeat": (3_600, 30 * DAY),
    "setMaxChangeBps": (100, 5_000),
    "setMultipleBps": (1_000, 100_000),
    "setRevenueWindow": (7 * DAY, 365 * DAY),
}
INITIAL = {
    "heartbeat": HEARTBEAT,
    "maxChangeBps": MAX_CHANGE_BPS,
    "multipleBps": MULTIPLE_BPS,
    "revenueWindow": REVENUE_WINDOW,
}


def test_deploy__wiring_params_and_domain(nav, system, chain):
    assert nav.ROUTER() == system.router.address
    assert nav.FACTORY() == system.factory.address
    assert nav.authority() == system.manager.address
    for getter, value in INITIAL.items():
        assert getattr(nav, getter)() == value
    assert (nav.MIN_HEARTBEAT(), nav.MAX_HEARTBEAT()) == BOUNDS["setHeartbeat"]
    assert (nav.MIN_CHANGE_BPS(), nav.MAX_CHANGE_BPS()) == BOUNDS["setMaxChangeBps"]
    assert (nav.MIN_MULTIPLE_BPS(), nav.MAX_MULTIPLE_BPS()) == BOUNDS["setMultipleBps"]
    assert (nav.MIN_REVENUE_WINDOW(), nav.MAX_REVENUE_WINDOW()) == BOUNDS["setRevenueWindow"]
    domain = nav.eip712Domain()
    assert (domain[1], domain[2], domain[3], domain[4]) == ("CAP NavOracle", "1", chain.chain_id, nav.address)


@pytest.mark.parametrize(
    "case",
    [
        ({"heartbeat": 3_599}, "NavOracleInvalidHeartbeat"),
        ({"max_change_bps": 5_001}, "NavOracleInvalidMaxChange"),
        ({"multiple_bps": 999}, "NavOracleInvalidMultiple"),
        ({"revenue_window": 30 * DAY + 1}, "NavOracleInvalidRevenueWindow"),
    ],
)
def test_deploy__params_out_of_bounds__reverts(project, system, gov, case):
    overrides, error = case
    with ape.reverts(getattr(project.NavOracle, error)):
        deploy_nav(system, gov, **overrides)


def test_deploy__zero_address__reverts(project, system, gov):
    zero = "0x" + "00" * 20
    for args in (
        (system.manager, zero, system.factory),
        (system.manager, system.router, zero),
    ):
        with ape.reverts(project.NavOracle.NavOracleZeroAddress):
            project.NavOracle.deploy(*args, HEARTBEAT, MAX_CHANGE_BPS, MULTIPLE_BPS, REVENUE_WINDOW, sender=gov)


def test_deploy__factory_not_the_routers__reverts(project, system, gov, stranger):
    with ape.reverts(
        project.NavOracle.NavOracleFactoryMismatch, factory=stranger.address, routerFactory=system.factory.address
    ):
        project.NavOracle.deploy(
            system.manager, system.router, stranger, HEARTBEAT, MAX_CHANGE_BPS, MULTIPLE_BPS, REVENUE_WINDOW, sender=gov
        )


def test_function_roles__all_governor(nav, system):
    from cap.deploy import selector

    for name, role in NAV_FUNCTION_ROLES.items():
        assert role is Role.GOVERNOR
        assert system.manager.getTargetFunctionRole(nav, selector(nav, name)) == Role.GOVERNOR


@pytest.mark.parametrize("setter", list(SETTERS))
def test_setter__in_bounds__set_and_emitted(nav, gov, setter):
    _, _, valid, getter, event_name = SETTERS[setter]
    for value in (valid, *BOUNDS[setter]):
        receipt = getattr(nav, setter)(value, sender=gov)
        assert getattr(nav, getter)() == value
        events = receipt.decode_logs(getattr(nav, event_name))
        assert len(events) == 1 and list(events[0].event_arguments.values()) == [value]


@pytest.mark.parametrize("setter", list(SETTERS))
def test_setter__out_of_bounds__reverts_unchanged(nav, gov, setter):
    error, invalid_values, _, getter, _ = SETTERS[setter]
    for value in invalid_values:
        with ape.reverts(getattr(nav, error)):
            getattr(nav, setter)(value, sender=gov)
    assert getattr(nav, getter)() == INITIAL[getter]


@pytest.mark.parametrize("setter", list(SETTERS))
def test_setter__unauthorized__reverts(nav, setter, stranger, operator):
    _, _, valid, getter, _ = SETTERS[setter]
    for caller in (stranger, operator):
        with ape.reverts(nav.AccessManagedUnauthorized, caller=caller):
            getattr(nav, setter)(valid, sender=caller)
    assert getattr(nav, getter)() == INITIAL[getter]


def test_set_appraiser__appoints_and_removes(nav, gov, appraisers):
    new = appraisers[2]
    assert not nav.isAppraiser(new)
    receipt = nav.setAppraiser(new, True, sender=gov)
    assert nav.isAppraiser(new)
    event = receipt.decode_logs(nav.AppraiserSet)[0]
    assert (event.appraiser, event.enabled) == (new.address, True)
    receipt = nav.setAppraiser(new, False, sender=gov)
    assert not nav.isAppraiser(new)
    assert not receipt.decode_logs(nav.AppraiserSet)[0].enabled


@pytest.mark.parametrize("enabled", [True, False])
def test_set_appraiser__unchanged__reverts(nav, gov, appraisers, enabled):
    account = appraisers[0] if enabled else appraisers[2]
    with ape.reverts(nav.NavOracleAppraiserStatusUnchanged, appraiser=account.address, enabled=enabled):
        nav.setAppraiser(account, enabled, sender=gov)


def test_set_appraiser__zero_address__reverts(nav, gov):
    with ape.reverts(nav.NavOracleZeroAddress):
        nav.setAppraiser("0x" + "00" * 20, True, sender=gov)


def test_set_appraiser__unauthorized__reverts(nav, stranger, appraisers):
    with ape.reverts(nav.AccessManagedUnauthorized, caller=stranger):
        nav.setAppraiser(appraisers[2], True, sender=stranger)
    assert not nav.isAppraiser(appraisers[2])

"""Governance of the market: the role table, the bounded fee, the treasury, pausing."""

import ape

from cap.deploy import FUNCTION_ROLES, selector

ZERO = "0x0000000000000000000000000000000000000000"


def test_function_roles__as_in_deploy_table(market, manager):
    for name, role in FUNCTION_ROLES["secondary_market"].items():
        assert manager.getTargetFunctionRole(market, selector(market, name)) == role


def test_deployment__wired(market, system, treasury):
    assert market.STABLECOIN() == system.stablecoin
    assert market.COMPLIANCE() == system.compliance
    assert market.treasury() == treasury
    assert market.MAX_FEE_BPS() == 500


def test_set_fee__bounded(market, gov):
    tx = market.setFee(500, sender=gov)
    assert tx.events.filter(market.FeeSet)[0].feeBps == 500 == market.feeBps()
    with ape.reverts(market.SecondaryMarketFeeTooHigh, feeBps=501, maxFeeBps=500):
        market.setFee(501, sender=gov)


def test_set_treasury(market, gov, stranger):
    market.setTreasury(stranger, sender=gov)
    assert market.treasury() == stranger
    with ape.reverts(market.SecondaryMarketZeroAddress):
        market.setTreasury(ZERO, sender=gov)


def test_restricted__others__revert(market, stranger, pauser, gov):
    with ape.reverts(market.AccessManagedUnauthorized, caller=stranger):
        market.setFee(0, sender=stranger)
    with ape.reverts(market.AccessManagedUnauthorized, caller=stranger):
        market.setTreasury(stranger, sender=stranger)
    with ape.reverts(market.AccessManagedUnauthorized, caller=gov):
        market.pause(sender=gov)
    with ape.reverts(market.AccessManagedUnauthorized, caller=pauser):
        market.setFee(0, sender=pauser)

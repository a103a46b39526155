"""KinkedRateModel: the formula against the Python mirror, the kink, and the deployment bounds."""

import ape
import pytest
from conftest import RATES
from lending_model import WAD, YEAR, KinkedRates


def test_parameters(rate_model):
    assert rate_model.BASE_RATE_PER_YEAR() == RATES.base
    assert rate_model.SLOPE1_PER_YEAR() == RATES.slope1
    assert rate_model.SLOPE2_PER_YEAR() == RATES.slope2
    assert rate_model.KINK() == RATES.kink


@pytest.mark.parametrize(
    "cash, debt",
    [(0, 0), (10**9, 0), (0, 10**9), (10**9, 10**9), (2 * 10**8, 8 * 10**8), (10**8, 9 * 10**8), (7, 13), (1, 10**12)],
)
def test_rate__matches_the_formula(rate_model, cash, debt):
    assert rate_model.utilization(cash, debt) == RATES.utilization(cash, debt)
    assert rate_model.borrowRatePerSecond(cash, debt) == RATES.per_second(cash, debt)


def test_rate__kink_points(rate_model):
    assert rate_model.borrowRatePerYear(0) == RATES.base
    assert rate_model.borrowRatePerYear(RATES.kink) == RATES.base + RATES.slope1
    assert rate_model.borrowRatePerYear(WAD) == RATES.base + RATES.slope1 + RATES.slope2
    below = rate_model.borrowRatePerYear(RATES.kink) - rate_model.borrowRatePerYear(RATES.kink - 10**16)
    above = rate_model.borrowRatePerYear(RATES.kink + 10**16) - rate_model.borrowRatePerYear(RATES.kink)
    assert above > 10 * below  # the kink
    assert rate_model.borrowRatePerSecond(0, 1) == (RATES.base + RATES.slope1 + RATES.slope2) // YEAR


@pytest.mark.parametrize("kink", [0, int(0.05e18) - 1, int(0.99e18) + 1, WAD])
def test_deploy__kink_out_of_bounds__reverts(project, gov, kink):
    with ape.reverts(project.KinkedRateModel.KinkedRateModelKinkOutOfBounds, kink=kink):
        project.KinkedRateModel.deploy(0, 0, 0, kink, sender=gov)


@pytest.mark.parametrize(
    "rates", [(int(10e18) + 1, 0, 0), (int(5e18), int(5e18), 1), (0, 0, 2**255), (2**256 - 1, 2**256 - 1, 1)]
)
def test_deploy__rate_too_high__reverts(project, gov, rates):
    with ape.reverts(project.KinkedRateModel.KinkedRateModelRateTooHigh):
        project.KinkedRateModel.deploy(*rates, int(0.8e18), sender=gov)


def test_deploy__at_the_bounds(project, gov):
    model = project.KinkedRateModel.deploy(0, int(2e18), int(8e18), int(0.99e18), sender=gov)
    edge = KinkedRates(0, int(2e18), int(8e18), int(0.99e18))
    assert model.borrowRatePerSecond(0, 10**6) == edge.per_second(0, 10**6) == int(10e18) // YEAR

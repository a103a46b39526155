"""Shared fixtures, named by role. Contract systems are built by factory fixtures in the area conftests."""

import pytest


@pytest.fixture(scope="session")
def gov(accounts):
    return accounts[0]


@pytest.fixture(scope="session")
def compliance_agent(accounts):
    return accounts[1]


@pytest.fixture(scope="session")
def operator(accounts):
    return accounts[2]


@pytest.fixture(scope="session")
def oracle_admin(accounts):
    return accounts[3]


@pytest.fixture(scope="session")
def pauser(accounts):
    return accounts[4]


@pytest.fixture(scope="session")
def investors(accounts):
    return accounts[5:9]


@pytest.fixture(scope="session")
def stranger(accounts):
    return accounts[9]


@pytest.fixture(scope="session")
def attesters():
    """Five attester keys, separate from the funded test accounts (they only sign)."""
    from ape import accounts

    return [accounts.test_accounts.generate_test_account() for _ in range(5)]

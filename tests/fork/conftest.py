"""The fork suite: runs on `ethereum:capnet-fork:foundry`, an Ape fork of the upstream anvil that
tools/run_fork_tests.sh started and deployed to with `ape run deploy` (manifest in $CAP_DEPLOYMENTS). The accounts
are the upstream config's (deployments/config/ethereum-capnet.yaml): anvil's test keys by index.
"""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_collection_modifyitems(config, items):
    """Outside a fork of the capnet stand-in (a plain `ape test`), the suite has nothing to test: skipped."""
    if "capnet-fork" not in str(config.getoption("network", default="")):
        skip = pytest.mark.skip(reason="fork suite: run by tools/run_fork_tests.sh")
        here = Path(__file__).parent
        for item in items:
            if here in Path(item.fspath).parents:  # the hook sees every item of the session
                item.add_marker(skip)


@pytest.fixture(scope="session")
def deployment():
    from cap.network import load_deployment

    return load_deployment()


@pytest.fixture(scope="session")
def manifest(deployment):
    return deployment.manifest


@pytest.fixture(scope="session")
def system(deployment):
    return deployment.system


@pytest.fixture(scope="session")
def config():
    from cap.config import load_config

    return load_config(Path("deployments/config/ethereum-capnet.yaml"))


@pytest.fixture(scope="session")
def test_account():
    from ape import accounts

    return lambda index: accounts.test_accounts[index]


@pytest.fixture(scope="session")
def deployer(test_account):
    return test_account(0)


@pytest.fixture(scope="session")
def governor(test_account):
    return test_account(1)


@pytest.fixture(scope="session")
def operator(test_account):
    return test_account(2)


@pytest.fixture(scope="session")
def agent(test_account):
    return test_account(3)


@pytest.fixture(scope="session")
def pauser(test_account):
    return test_account(4)


@pytest.fixture(scope="session")
def attesters(test_account):
    return [test_account(5), test_account(6), test_account(7)]

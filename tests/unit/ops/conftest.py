"""Ops tests: `ape run deploy`'s logic (cap.network, cap.deploy, cap.config) on the test chain with manifests in a
temporary folder, and the console, command and keeper functions over the session's `system`."""

from __future__ import annotations

from pathlib import Path

import pytest

LOCAL_CONFIG = Path("deployments/config/ethereum-local.yaml")


@pytest.fixture(scope="session")
def network(chain):
    return chain.provider.network


@pytest.fixture(scope="session")
def local_config():
    from cap.config import load_config

    return load_config(LOCAL_CONFIG)


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "deployments"


@pytest.fixture(scope="session")
def write_config(tmp_path_factory):
    """Writes `text` as a config file and returns its path."""
    base = tmp_path_factory.mktemp("configs")
    counter = iter(range(10**6))

    def write(text: str) -> Path:
        path = base / f"config-{next(counter)}.yaml"
        path.write_text(text)
        return path

    return write


@pytest.fixture(scope="module", autouse=True)
def _session_fixtures_first(
    system, shares, gov, operator, compliance_agent, pauser, investors, stranger, network, activate, register_asset
):
    """Sets up the session fixtures before any module state (Ape snapshots the chain per scope)."""

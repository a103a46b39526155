"""What `ape console` opens with (see ape_console_extras.py): the deployment recorded for the connected network, its
contracts by name, and helpers for common tasks. Without a deployment on the network the helpers are still there
and say so; `deploy_here()` deploys one on a local chain.
"""

from __future__ import annotations

from typing import Any

from cap import ops
from cap.assets import HardwareSpec
from cap.deploy import DeployError, System, deploy_system
from cap.narrate import table

EXAMPLE_SPEC = HardwareSpec("NVIDIA H100 SXM5 80GB", 8, 80, 7_912, 10_200, "us-tx-1")


class Console:
    """The helpers; `system` is None until a deployment is loaded (or deployed with `deploy_here`)."""

    def __init__(self, system: System | None = None, note: str = ""):
        self.system = system
        self.note = note

    def _system(self) -> System:
        if self.system is None:
            raise LookupError(f"no deployment loaded: {self.note or 'run deploy_here() on a local chain'}")
        return self.system

    # ------------------------------------------------ helpers

    def register_asset(self, operator: Any, serial: str, spec: HardwareSpec = EXAMPLE_SPEC, legal_doc: str = "") -> int:
        """Registers a machine as `operator`; returns its asset id."""
        return ops.register_asset(self._system(), operator, spec, serial, legal_doc or f"legal:{serial}")

    def verify_investor(self, agent: Any, investor: Any, days: int = 365, jurisdiction: int = 840) -> ops.Outcome:
        return ops.verify_investor(self._system(), agent, getattr(investor, "address", investor), days, jurisdiction)

    def list_offer(self, operator: Any, asset_id: int, price_per_hour_usd: float, **terms: Any) -> Any:
        price = int(round(price_per_hour_usd * ops.USD))
        return ops.list_offer(self._system(), operator, asset_id, price, **terms)

    def asset_yield(self, asset_id: int, days: int = 30) -> ops.AssetReport:
        """Prints and returns an asset's uptime, utilization and yield over the last `days`."""
        report = ops.asset_report(self._system(), asset_id, days)
        table(f"Asset {asset_id}", ["", "value"], report.rows())
        return report

    def loan_health(self, asset_id: int, borrower: Any) -> dict | None:
        """Prints and returns a borrower's position in the asset's collateral market; None while there is none."""
        try:
            position = ops.loan_health(self._system(), asset_id, getattr(borrower, "address", borrower))
        except LookupError as error:
            print(error)
            return None
        table(f"Loan of {borrower} on asset {asset_id}", ["", "value"], list(position.items()))
        return position

    def deploy_here(self, admin: Any = None) -> System:
        """Deploys a fresh system on a local chain (nothing recorded) and loads it."""
        from ape import accounts, chain

        if not chain.provider.network.is_dev:
            raise DeployError("deploy_here() is for local chains: use `ape run deploy` on a live network")
        self.system = deploy_system(admin or accounts.test_accounts[0])
        return self.system

    def namespace(self) -> dict[str, Any]:
        names: dict[str, Any] = {
            "cap": self,
            "register_asset": self.register_asset,
            "verify_investor": self.verify_investor,
            "list_offer": self.list_offer,
            "asset_yield": self.asset_yield,
            "loan_health": self.loan_health,
            "deploy_here": self.deploy_here,
            "HardwareSpec": HardwareSpec,
        }
        if self.system is not None:
            names["system"] = self.system
            names.update(self.system.contracts())
        return names


def load(network: Any = None) -> Console:
    """A Console with the connected network's recorded deployment, or with a note saying why there is none."""
    from ape.exceptions import ApeException

    from cap.network import load_deployment

    try:
        deployment = load_deployment(network)
    except (DeployError, ApeException) as error:
        return Console(None, str(error))
    return Console(deployment.system)


def banner(console: Console) -> str:
    if console.system is None:
        return f"CAP: no deployment loaded ({console.note})"
    names = ", ".join(console.system.contracts())
    helpers = "register_asset, verify_investor, list_offer, asset_yield, loan_health"
    return f"CAP deployment loaded: {names}; helpers: {helpers}"

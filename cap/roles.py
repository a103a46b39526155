"""AccessManager role ids: the one place that names them (deploy wiring, console, tests)."""

from enum import IntEnum


class Role(IntEnum):
    """Role ids in the protocol's AccessManager. 0 is the manager's own ADMIN_ROLE (governance)."""

    ADMIN = 0
    COMPLIANCE = 1  # compliance agent: verify, freeze, recover
    ONBOARDING = 2  # admin of OPERATOR: onboards operators
    OPERATOR = 3  # registers compute assets
    ORACLE_ADMIN = 4  # appoints attesters, sets the quorum
    PAUSER = 5  # pauses new risk
    LEASE_MARKET = 6  # the only caller allowed to set an asset's ERC-4907 user
    SYSTEM = 7  # protocol contracts calling each other (the shares factory)
    GOVERNOR = 8  # risk parameters (burn-in, fees): executes after a delay on live networks
    ARBITER = 9  # resolves lease disputes with a split

    @property
    def label(self) -> str:
        return self.name.lower()

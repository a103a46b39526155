"""Fixtures of the stateful fuzzing suite: the world (`fuzz_world.build_world`), deployed once per session."""

import pytest
from fuzz_world import FUZZ_STATS, build_world


@pytest.fixture(scope="session")
def world(
    project, chain, accounts, system, gov, compliance_agent, operator, investors, stranger, attesters, params,
    register_asset, activate, verify, fractionalize,
):  # fmt: skip
    return build_world(
        project, chain, accounts, system, gov, compliance_agent, operator, investors, stranger, attesters, params,
        register_asset, activate, verify, fractionalize,
    )  # fmt: skip


def pytest_terminal_summary(terminalreporter):
    if FUZZ_STATS["examples"]:
        terminalreporter.section("stateful fuzzing")
        terminalreporter.write_line(
            f"examples run: {FUZZ_STATS['examples']}, steps tried: {FUZZ_STATS['steps']}, "
            f"of which refused (expected or allowed, books unchanged): {FUZZ_STATS['reverted']}"
        )
        for title, key in (("steps by rule", "rules"), ("went through", "done"), ("refused", "refusals")):
            counts = sorted(FUZZ_STATS.get(key, {}).items(), key=lambda item: -item[1])
            if counts:
                terminalreporter.write_line(f"{title}: " + ", ".join(f"{name} {count}" for name, count in counts))

"""`ape run orders ...`: the command's steps on the session's chain (sign and post, list, fill, cancel-all), and its
refusals before any transaction."""

import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner

from cap.orders import SignedOrder

ROOT = Path(__file__).resolve().parents[3]


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"{name}_script", ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def orders_cli():
    return load_script("orders").cli


def call(cli, name, **options):
    """Runs a command's body on the session's chain (the click layer would open its own network context)."""
    return cli.commands[name].callback(network=None, **options)


def test_orders_cli__sign_post_list_fill_cancel_all(
    orders_cli, market, shares, stablecoin, seller, buyer, approve_shares, tmp_path, capsys
):
    from cap.orders import Side

    path = tmp_path / "order.json"
    approve_shares(seller, 100 * 10**18)
    call(
        orders_cli, "sign", market_address=market.address, share_token=shares.address, side=Side.SELL,
        amount=100 * 10**18, price=2_500_000, expires_in=3_600, out=path, post=True, account_spec="test:5",
    )  # fmt: skip
    assert "posted" in capsys.readouterr().out
    signed = SignedOrder.load(path)
    assert signed.order.maker == seller.address and signed.order.share_amount == 100 * 10**18

    call(orders_cli, "list", market_address=market.address, share_token=shares.address, side=None, from_block=0)
    assert "sell 100.0000 of 100.0000 shares" in capsys.readouterr().out

    stablecoin.mint(buyer, 10**9, sender=buyer)
    order_hash = "0x" + market.hashOrder(signed.order.as_tuple()).hex().removeprefix("0x")
    call(
        orders_cli, "fill", market_address=market.address, order_file=None, order_hash=order_hash,
        amount=40 * 10**18, price_limit=None, account_spec="test:6",
    )  # fmt: skip
    assert "filled 40.000000 shares for 100.000000" in capsys.readouterr().out
    assert shares.balanceOf(buyer) == 40 * 10**18
    assert market.remainingOf(signed.order.as_tuple()) == 60 * 10**18

    call(orders_cli, "cancel-all", market_address=market.address, account_spec="test:5")
    assert "epoch is now 1" in capsys.readouterr().out
    call(orders_cli, "list", market_address=market.address, share_token=None, side=None, from_block=0)
    assert "no open orders" in capsys.readouterr().out


def test_orders_cli__bad_amount__exits_before_any_transaction(orders_cli, market, shares):
    result = CliRunner().invoke(
        orders_cli,
        ["sign", "--market", market.address, "--shares", shares.address, "--side", "sell", "--amount", "1e-30",
         "--price", "2", "--account", "test:5"],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "at most 18 decimals" in result.output


def test_orders_cli__fill_needs_one_source(orders_cli, market):
    result = CliRunner().invoke(
        orders_cli, ["fill", "--market", market.address, "--amount", "1", "--account", "test:6"]
    )
    assert result.exit_code != 0 and "--order or --hash" in result.output

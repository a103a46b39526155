"""`ape console` opens with the deployment recorded for the connected network (deployments/<ecosystem>-<network>.json):
its contracts by name (manager, stablecoin, oracle, assets, compliance, factory, router, lease_market, rate_model,
vault, nav), `system`, and helpers: register_asset, verify_investor, list_offer, asset_yield, loan_health,
deploy_here (a fresh system on a local chain). See cap/console.py.
"""


def ape_init_extras():
    from cap.console import banner, load

    console = load()
    print(banner(console))
    return console.namespace()

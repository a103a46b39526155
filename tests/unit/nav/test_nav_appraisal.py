"""Signed appraisals: who may sign, ordering by timestamp and nonce, the change bound, the heartbeat."""

import ape
import pytest
from eth_account import Account
from nav_model import HEARTBEAT, MAX_CHANGE_BPS, PRICE, Appraisal, appraisal_digest


def test_digest__matches_python(nav, chain, asset_id):
    appraisal = Appraisal(asset_id, PRICE, 1_700_000_000, 7)
    assert nav.appraisalDigest(appraisal.as_tuple()) == appraisal_digest(appraisal, chain.chain_id, nav.address)


def test_submit__first__stored_fresh_and_emitted(nav, appraise, asset_id, appraisers, stranger):
    assert nav.appraisalOf(asset_id) == (0, 0, 0, False)
    assert nav.nextNonce(asset_id) == 0
    receipt, appraisal = appraise(asset_id, PRICE, sender=stranger)  # anyone submits

    assert nav.appraisalOf(asset_id) == (PRICE, appraisal.timestamp, 0, True)
    assert nav.nextNonce(asset_id) == 1
    events = receipt.decode_logs(nav.AppraisalSubmitted)
    assert len(events) == 1
    event = events[0]
    assert (event.assetId, event.appraiser, event.pricePerShare, event.timestamp, event.nonce) == (
        asset_id,
        appraisers[0].address,
        PRICE,
        appraisal.timestamp,
        0,
    )


def test_submit__first__any_price_free_of_the_bound(nav, appraise, asset_id):
    appraise(asset_id, 10**30)
    assert nav.appraisalOf(asset_id)[0] == 10**30


def test_submit__second_appraiser__accepted_in_sequence(nav, appraise, asset_id, appraisers):
    appraise(asset_id, PRICE)
    _, second = appraise(asset_id, PRICE + 1, signer=appraisers[1])
    assert nav.appraisalOf(asset_id) == (PRICE + 1, second.timestamp, 1, True)
    assert nav.nextNonce(asset_id) == 2


def test_submit__non_appraiser__reverts(nav, chain, sign, asset_id, appraisers, stranger):
    appraisal = Appraisal(asset_id, PRICE, chain.pending_timestamp - 1, 0)
    with ape.reverts(nav.NavOracleUnauthorizedAppraiser, signer=appraisers[2].address):
        nav.submitAppraisal(appraisal.as_tuple(), sign(appraisers[2], appraisal), sender=stranger)
    assert nav.appraisalOf(asset_id) == (0, 0, 0, False)


def test_submit__removed_appraiser__reverts(nav, chain, sign, asset_id, appraisers, gov, stranger):
    nav.setAppraiser(appraisers[0], False, sender=gov)
    appraisal = Appraisal(asset_id, PRICE, chain.pending_timestamp - 1, 0)
    with ape.reverts(nav.NavOracleUnauthorizedAppraiser, signer=appraisers[0].address):
        nav.submitAppraisal(appraisal.as_tuple(), sign(appraisers[0], appraisal), sender=stranger)


@pytest.mark.parametrize("domain", ["chain", "contract"])
def test_submit__signed_for_another_domain__recovers_a_non_appraiser(
    nav, chain, sign, asset_id, appraisers, stranger, domain
):
    appraisal = Appraisal(asset_id, PRICE, chain.pending_timestamp - 1, 0)
    if domain == "chain":
        signature = sign(appraisers[0], appraisal, chain_id=chain.chain_id + 1)
    else:
        signature = sign(appraisers[0], appraisal, contract=stranger.address)
    recovered = Account._recover_hash(appraisal_digest(appraisal, chain.chain_id, nav.address), signature=signature)
    assert recovered != appraisers[0].address
    with ape.reverts(nav.NavOracleUnauthorizedAppraiser, signer=recovered):
        nav.submitAppraisal(appraisal.as_tuple(), signature, sender=stranger)


def test_submit__tampered_price__recovers_a_non_appraiser(nav, chain, sign, asset_id, appraisers, stranger):
    signed = Appraisal(asset_id, PRICE, chain.pending_timestamp - 1, 0)
    tampered = Appraisal(asset_id, PRICE * 2, signed.timestamp, 0)
    with ape.reverts(nav.NavOracleUnauthorizedAppraiser):
        nav.submitAppraisal(tampered.as_tuple(), sign(appraisers[0], signed), sender=stranger)


@pytest.mark.parametrize("signature", [b"", b"\x01" * 64, b"\x00" * 65])
def test_submit__malformed_signature__reverts(nav, chain, asset_id, stranger, signature):
    appraisal = Appraisal(asset_id, PRICE, chain.pending_timestamp - 1, 0)
    with ape.reverts(nav.NavOracleInvalidSignature):
        nav.submitAppraisal(appraisal.as_tuple(), signature, sender=stranger)


def test_submit__replayed__reverts(nav, appraise, asset_id, sign, appraisers, stranger):
    _, appraisal = appraise(asset_id, PRICE)
    with ape.reverts(nav.NavOracleOutdatedAppraisal, timestamp=appraisal.timestamp, lastTimestamp=appraisal.timestamp):
        nav.submitAppraisal(appraisal.as_tuple(), sign(appraisers[0], appraisal), sender=stranger)


def test_submit__older_timestamp__reverts(nav, appraise, asset_id, sign, appraisers, stranger):
    _, first = appraise(asset_id, PRICE)
    older = Appraisal(asset_id, PRICE, first.timestamp - 1, 1)
    with ape.reverts(nav.NavOracleOutdatedAppraisal, timestamp=older.timestamp, lastTimestamp=first.timestamp):
        nav.submitAppraisal(older.as_tuple(), sign(appraisers[0], older), sender=stranger)
    assert nav.appraisalOf(asset_id) == (PRICE, first.timestamp, 0, True)


def test_submit__future_timestamp__reverts(nav, chain, sign, asset_id, appraisers, stranger):
    block_time = chain.pending_timestamp + 10
    appraisal = Appraisal(asset_id, PRICE, block_time + 1, 0)
    chain.pending_timestamp = block_time
    with ape.reverts(nav.NavOracleFutureTimestamp, timestamp=block_time + 1, blockTimestamp=block_time):
        nav.submitAppraisal(appraisal.as_tuple(), sign(appraisers[0], appraisal), sender=stranger)


def test_submit__older_than_heartbeat__reverts(nav, chain, sign, asset_id, appraisers, stranger):
    block_time = chain.pending_timestamp + 10
    appraisal = Appraisal(asset_id, PRICE, block_time - HEARTBEAT - 1, 0)
    chain.pending_timestamp = block_time
    with ape.reverts(nav.NavOracleExpiredAppraisal, timestamp=appraisal.timestamp, heartbeat=HEARTBEAT):
        nav.submitAppraisal(appraisal.as_tuple(), sign(appraisers[0], appraisal), sender=stranger)


def test_submit__exactly_heartbeat_old__accepted(nav, chain, sign, asset_id, appraisers, stranger):
    block_time = chain.pending_timestamp + 10
    appraisal = Appraisal(asset_id, PRICE, block_time - HEARTBEAT, 0)
    chain.pending_timestamp = block_time
    nav.submitAppraisal(appraisal.as_tuple(), sign(appraisers[0], appraisal), sender=stranger)
    assert nav.appraisalOf(asset_id) == (PRICE, appraisal.timestamp, 0, True)


@pytest.mark.parametrize("nonce", [1, 5])
def test_submit__first_with_wrong_nonce__reverts(nav, appraise, asset_id, nonce):
    with ape.reverts(nav.NavOracleInvalidNonce, nonce=nonce, expected=0):
        appraise(asset_id, PRICE, nonce=nonce)


@pytest.mark.parametrize("nonce", [0, 2])
def test_submit__later_with_wrong_nonce__reverts(nav, appraise, asset_id, nonce):
    appraise(asset_id, PRICE)
    with ape.reverts(nav.NavOracleInvalidNonce, nonce=nonce, expected=1):
        appraise(asset_id, PRICE, nonce=nonce)


@pytest.mark.parametrize("price", [0, 2**128])
def test_submit__price_out_of_range__reverts(nav, appraise, asset_id, price):
    with ape.reverts(nav.NavOracleInvalidPrice, pricePerShare=price):
        appraise(asset_id, price)


def test_submit__largest_price__accepted(nav, appraise, asset_id):
    appraise(asset_id, 2**128 - 1)
    assert nav.appraisalOf(asset_id)[0] == 2**128 - 1


@pytest.mark.parametrize("direction", [1, -1])
def test_submit__change_at_the_bound__accepted(nav, appraise, asset_id, direction):
    appraise(asset_id, PRICE)
    moved = PRICE + direction * PRICE * MAX_CHANGE_BPS // 10_000
    appraise(asset_id, moved)
    assert nav.appraisalOf(asset_id)[0] == moved


@pytest.mark.parametrize("direction", [1, -1])
def test_submit__change_beyond_the_bound__reverts(nav, appraise, asset_id, direction):
    _, first = appraise(asset_id, PRICE)
    moved = PRICE + direction * (PRICE * MAX_CHANGE_BPS // 10_000 + 1)
    with ape.reverts(
        nav.NavOracleChangeTooLarge,
        assetId=asset_id,
        previousPrice=PRICE,
        pricePerShare=moved,
        maxChangeBps=MAX_CHANGE_BPS,
    ):
        appraise(asset_id, moved)
    assert nav.appraisalOf(asset_id) == (PRICE, first.timestamp, 0, True)


def test_submit__bound_applies_after_staleness(nav, appraise, asset_id):
    """A lapsed appraisal still anchors the next one: governance widens maxChangeBps to reprice faster."""
    appraise(asset_id, PRICE)
    with ape.reverts(nav.NavOracleChangeTooLarge):
        appraise(asset_id, PRICE * 2, after=HEARTBEAT * 3)


def test_fresh__until_heartbeat__then_stale(nav, chain, appraise, asset_id):
    _, appraisal = appraise(asset_id, PRICE)
    chain.mine(timestamp=appraisal.timestamp + HEARTBEAT)
    assert nav.appraisalOf(asset_id) == (PRICE, appraisal.timestamp, 0, True)
    assert nav.priceOf(asset_id)[1] is True
    chain.mine(timestamp=appraisal.timestamp + HEARTBEAT + 1)
    assert nav.appraisalOf(asset_id) == (PRICE, appraisal.timestamp, 0, False)
    assert nav.priceOf(asset_id)[1] is False


def test_fresh__a_new_appraisal_refreshes(nav, appraise, asset_id, advance):
    appraise(asset_id, PRICE)
    advance(HEARTBEAT + 1)
    assert nav.appraisalOf(asset_id)[3] is False
    appraise(asset_id, PRICE)
    assert nav.appraisalOf(asset_id)[3] is True

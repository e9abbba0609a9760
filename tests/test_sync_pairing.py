"""Pairing a new device: both screens show the same six digits; a swapped code shows other
digits; every message belongs to one pairing, used once (journal_app/sync/pairing.py)."""

from __future__ import annotations

import pytest

from journal_app.sync.pairing import Commitment, Holder, Joiner, Offer, PairingRefused, Reveal


def pair(holder: Holder, joiner: Joiner) -> tuple[str, str]:
    nonce = holder.take_commitment(joiner.commitment())
    reveal, joiner_digits = joiner.reveal(nonce)
    return holder.take_reveal(reveal), joiner_digits


def test_both_screens_show_the_same_six_digits_and_the_secrets_reach_the_new_device_only():
    holder = Holder()
    joiner = Joiner(holder.offer)
    on_holder, on_joiner = pair(holder, joiner)
    assert on_holder == on_joiner and len(on_holder) == 6 and on_holder.isdigit()
    sealed = holder.seal_for_new_device(b"la clef de synchronisation")
    assert joiner.open_from_holder(sealed) == b"la clef de synchronisation"
    with pytest.raises(PairingRefused):
        holder.seal_for_new_device(b"encore")  # one use
    stranger = Joiner(holder.offer)  # someone else who read the same code, too late
    with pytest.raises(PairingRefused):
        holder.take_commitment(stranger.commitment())


def test_a_swapped_code_shows_other_digits_on_the_two_screens():
    """Someone shows the new device their own code and answers the real holder themselves."""
    mismatches = 0
    for _ in range(20):
        holder, in_between = Holder(), Holder()  # in_between: what the new device was given instead
        joiner, to_holder = Joiner(in_between.offer), Joiner(holder.offer)  # and they answer the holder
        on_joiner = pair(in_between, joiner)[1]
        on_holder = pair(holder, to_holder)[0]
        mismatches += on_joiner != on_holder
    assert mismatches >= 19  # a blind match is one chance in a million


def test_a_key_other_than_the_one_committed_to_is_refused():
    holder = Holder()
    joiner = Joiner(holder.offer)
    nonce = holder.take_commitment(joiner.commitment())
    reveal, _ = joiner.reveal(nonce)
    other = Joiner(holder.offer).reveal(nonce)[0]
    with pytest.raises(PairingRefused):
        holder.take_reveal(Reveal(other.key, reveal.nonce))  # chosen after seeing the holder's nonce


def test_an_answer_from_a_device_that_did_not_read_this_code_is_refused():
    holder = Holder()
    wrong = Joiner(Offer(holder.offer.key, b"\x00" * 16))  # the key, not the secret
    with pytest.raises(PairingRefused):
        holder.take_commitment(wrong.commitment())
    forged = Commitment(b"\x01" * 32, b"\x02" * 32)
    with pytest.raises(PairingRefused):
        holder.take_commitment(forged)


def test_a_sealed_transfer_changed_on_the_way_does_not_open():
    holder = Holder()
    joiner = Joiner(holder.offer)
    pair(holder, joiner)
    sealed = bytearray(holder.seal_for_new_device(b"secrets"))
    sealed[-1] ^= 1
    with pytest.raises(PairingRefused):
        joiner.open_from_holder(bytes(sealed))

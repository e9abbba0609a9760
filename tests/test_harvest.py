"""The facilitator's import: duplicates, withdrawals, another circle's bundle, release in batches."""

from __future__ import annotations

from datetime import date

import pytest

from journal_app.circles import Circles
from journal_app.harvest import Harvest, ThresholdTooLow
from journal_app.sharing import BundleInvalid, WrongCircle
from journal_app.vault.storage import Database, create_database, open_database
from tests.conftest import FAST_KDF, PASSPHRASE, every_record


def circle_with_member(facilitator: Database, *members: Database, name: str = "Cercle du jeudi") -> str:
    keys = Circles(facilitator).create(name)
    for member in members:
        Circles(member).join(keys.invitation.code())
    return keys.invitation.circle_id


def share(member: Database, cid: str, *texts: str) -> list[str]:
    circles = Circles(member)
    return [circles.share(cid, t, day=date(2026, 11, 27), kind="reflection", prompt_id="orid.reflective").insight.id
            for t in texts]


def texts_of(harvest: Harvest, cid: str) -> list[str]:
    return sorted(i.text for i in harvest.released(cid))


def test_import_adds_skips_duplicates_and_releases_a_full_batch(db, member, other):
    cid = circle_with_member(db, member, other)
    share(member, cid, *(f"Idée numéro {n}" for n in range(4)))
    share(other, cid, "Idée numéro 4", "Idée numéro 5")
    harvest = Harvest(db)
    report = harvest.import_bundle(Circles(member).outbox_bundle(cid))
    assert (report.added, report.duplicates, report.withdrawn, report.released) == (4, 0, 0, 0)
    report = harvest.import_bundle(Circles(other).outbox_bundle(cid))
    assert (report.added, report.duplicates, report.withdrawn, report.released) == (2, 0, 0, 6)
    again = harvest.import_bundle(Circles(member).outbox_bundle(cid))
    assert (again.added, again.duplicates, again.released) == (0, 4, 0)
    assert texts_of(harvest, cid) == sorted(f"Idée numéro {n}" for n in range(6))


def test_one_members_file_never_releases_a_batch_by_itself(db, member, other):
    cid = circle_with_member(db, member, other)
    share(member, cid, *(f"Une seule personne, idée {n}" for n in range(12)))
    harvest = Harvest(db)
    report = harvest.import_bundle(Circles(member).outbox_bundle(cid))
    assert (report.added, report.released, report.waiting) == (12, 0, 12)
    harvest.set_k(cid, 3)  # lowering k does not make one file a batch either
    assert harvest.released(cid) == []
    share(other, cid, "Une autre voix")
    report = harvest.import_bundle(Circles(other).outbox_bundle(cid))
    assert (report.released, report.waiting) == (13, 0)


def test_with_k5_four_insights_show_nothing_but_a_count_and_a_later_batch_of_four_waits(db, member):
    cid = circle_with_member(db, member)
    harvest = Harvest(db)
    share(member, cid, "un", "deux", "trois", "quatre")
    report = harvest.import_bundle(Circles(member).outbox_bundle(cid))
    assert report.added == 4 and report.released == 0 and report.waiting == 4
    assert harvest.released(cid) == [] and harvest.waiting(cid) == 4
    share(member, cid, "cinq")
    harvest.import_bundle(Circles(member).outbox_bundle(cid))
    assert texts_of(harvest, cid) == ["cinq", "deux", "quatre", "trois", "un"]
    # Four more arrive: they wait, the five already seen stay.
    share(member, cid, "six", "sept", "huit", "neuf")
    report = harvest.import_bundle(Circles(member).outbox_bundle(cid))
    assert report.added == 4 and report.released == 0 and harvest.waiting(cid) == 4
    assert len(harvest.released(cid)) == 5
    share(member, cid, "dix")
    harvest.import_bundle(Circles(member).outbox_bundle(cid))
    assert len(harvest.released(cid)) == 10 and harvest.waiting(cid) == 0


def test_k_is_never_below_3_and_lowering_it_releases_what_now_fills_a_batch(db, member, other):
    cid = circle_with_member(db, member, other)
    harvest = Harvest(db)
    with pytest.raises(ThresholdTooLow):
        harvest.set_k(cid, 2)
    assert harvest.k(cid) == 5
    share(member, cid, "un", "deux")
    share(other, cid, "trois")
    harvest.import_bundle(Circles(member).outbox_bundle(cid))
    harvest.import_bundle(Circles(other).outbox_bundle(cid))
    assert harvest.released(cid) == []
    harvest.set_k(cid, 3)
    assert harvest.k(cid) == 3 and len(harvest.released(cid)) == 3


def withdrawn_after_import(facilitator: Database, member: Database, other: Database):
    """« Partage 0 » to « Partage 4 » from two members, imported; then the first member withdraws
    « Partage 0 » and the facilitator imports that member's next file. (cid, harvest, report)"""
    cid = circle_with_member(facilitator, member, other)
    ids = share(member, cid, *(f"Partage {n}" for n in range(4)))
    share(other, cid, "Partage 4")
    harvest = Harvest(facilitator)
    harvest.import_bundle(Circles(member).outbox_bundle(cid))
    harvest.import_bundle(Circles(other).outbox_bundle(cid))
    Circles(member).mark_exported(cid, date(2026, 11, 30))
    Circles(member).withdraw(ids[0])
    return cid, harvest, harvest.import_bundle(Circles(member).outbox_bundle(cid))


def test_withdrawals_are_applied_and_a_reimport_does_not_bring_the_text_back(db, member, other, vault_file):
    cid, harvest, report = withdrawn_after_import(db, member, other)
    assert (report.withdrawn, report.added, report.duplicates) == (1, 0, 3)
    assert "Partage 0" not in texts_of(harvest, cid)
    assert b"Partage 0" not in every_record(vault_file)  # gone from the vault and its backup
    report = harvest.import_bundle(Circles(member).outbox_bundle(cid))
    assert report.added == 0 and "Partage 0" not in texts_of(harvest, cid)
    db.close()
    reopened = open_database(vault_file, PASSPHRASE)
    try:
        assert texts_of(Harvest(reopened), cid) == [f"Partage {n}" for n in range(1, 5)]
    finally:
        reopened.close()


def test_a_withdrawal_before_its_insight_and_a_withdrawal_in_the_same_bundle(db, member):
    cid = circle_with_member(db, member)
    ids = share(member, cid, *(f"Texte {n}" for n in range(6)))
    Circles(member).withdraw(ids[1])  # shared then withdrawn before anything was delivered
    harvest = Harvest(db)
    report = harvest.import_bundle(Circles(member).outbox_bundle(cid))
    assert report.added == 5 and report.withdrawn == 0  # it never left: nothing to withdraw
    assert "Texte 1" not in texts_of(harvest, cid)


def test_a_forged_withdrawal_is_refused(db, member, other):
    from journal_app.sharing import Withdrawal, make_bundle, seal

    cid = circle_with_member(db, member, other)
    ids = share(member, cid, *(f"Texte {n}" for n in range(4)))
    share(other, cid, "Texte 4")
    harvest = Harvest(db)
    harvest.import_bundle(Circles(member).outbox_bundle(cid))
    harvest.import_bundle(Circles(other).outbox_bundle(cid))
    invitation = Circles(member).joined_circle(cid)
    forged = make_bundle(cid, [seal(Withdrawal(ids[0], "00" * 32), invitation)])
    report = harvest.import_bundle(forged)
    assert report.withdrawn == 0 and report.damaged == 1
    assert "Texte 0" in texts_of(harvest, cid)


def test_a_bundle_for_another_circle_is_refused_and_changes_nothing(db, member, tmp_path):
    cid = circle_with_member(db, member)
    share(member, cid, *(f"Texte {n}" for n in range(5)))
    Harvest(db).import_bundle(Circles(member).outbox_bundle(cid))
    other_db, _ = create_database(tmp_path / "other.vault", PASSPHRASE, kdf=FAST_KDF)
    try:
        other = circle_with_member(other_db, member, name="Autre cercle")
        share(member, other, "Ceci ne me concerne pas")
        before = db.storage.vault.read()
        with pytest.raises(WrongCircle):
            Harvest(db).import_bundle(Circles(member).outbox_bundle(other))
        assert db.storage.vault.read() == before
    finally:
        other_db.close()


@pytest.mark.parametrize("data", [b"", b"{", b'{"format": "ressenti-bundle", "version": 9}', b"\xff\xfe"])
def test_malformed_bundles_are_one_clear_error_and_change_nothing(db, member, data):
    circle_with_member(db, member)
    before = db.storage.vault.read()
    with pytest.raises(BundleInvalid):
        Harvest(db).import_bundle(data)
    assert db.storage.vault.read() == before

"""The journal service: entries, filters, search that ignores case and accents, undo."""

from __future__ import annotations

import gc
import json
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from journal_app.errors import AmbiguousEntryId, EntryNotFound, InputTooLarge, InvalidEntry
from journal_app.interchange import markdown, ressenti_json
from journal_app.journal import EntryFilter, FeltShift, Journal, Meeting, entry_from_doc, fold
from journal_app.sync.engine import Change, Sync
from journal_app.vault.storage import create_database, open_database
from tests.conftest import FAST_KDF, PASSPHRASE


def test_add_read_update_delete(journal, clock):
    entry = journal.add("Corps lourd en arrivant.", title="Cercle de mardi", tags=["#Cercle", "corps"],
                        meeting=Meeting("Cercle de mardi", date(2026, 11, 24), "scribe"),
                        felt_shift=FeltShift(3, 7))
    assert entry.created == clock.now and entry.tags == ("Cercle", "corps")
    clock.advance(minutes=5)
    changed = journal.update(entry.id[:8], body="Plus léger en partant.")
    assert changed.body == "Plus léger en partant." and changed.updated == clock.now
    assert changed.created == entry.created
    assert journal.get(entry.id) == changed
    removed = journal.delete(entry.id)
    with pytest.raises(EntryNotFound):
        journal.get(entry.id)
    journal.put(removed)  # undo
    assert journal.get(entry.id) == changed


def test_an_opened_journals_entries_share_what_they_repeat_and_their_answers_stay_put(journal, db, vault_file, clock):
    """A large journal holds one entry per document while it is open: what many entries repeat
    (a time zone, a list of tags, no answers) is made once, and the shared empty answers cannot
    be changed in place (the memory of opening, bench/bench_vault.py)."""
    for n in range(3):
        journal.add(f"Entrée {n}", tags=["cercle", "corps"])
        clock.advance(minutes=5)
    journal.add("Avec réponse", answers={"q": "r"})
    db.close()
    again = open_database(vault_file, PASSPHRASE)
    first, second, third, answered = sorted(Journal(again).entries(), key=lambda e: e.created)
    assert first.created.tzinfo is second.created.tzinfo is third.updated.tzinfo
    assert first.tags == ("cercle", "corps") and first.tags is second.tags is third.tags
    assert first.answers == {} and first.answers is second.answers and answered.answers == {"q": "r"}
    with pytest.raises(TypeError):
        first.answers["q"] = "changé"  # type: ignore[index]
    assert second.answers == {}
    docs = again.storage.read()["entries"].values()
    assert len({id(doc._table) for doc in docs}) == 1  # one string for the table's name, not one per document
    assert all(doc["updated"] is doc["created"] for doc in docs)  # never changed: one string for both
    again.close()


def test_changes_are_saved_before_returning(journal, db, vault_file):
    entry = journal.add("Sauvé tout de suite")
    journal.update(entry.id, tags=["vite"])
    db.close()
    db2 = open_database(vault_file, PASSPHRASE)
    assert Journal(db2).get(entry.id).tags == ("vite",)
    db2.close()


def test_a_body_with_apostrophes_and_emoji_comes_back_exactly_everywhere(tmp_path, clock):
    """Opened entries keep their bodies as UTF-8 (journal_app/vault/packed.py): saved, opened
    again, searched (the first search and the next ones), exported and sent to another device,
    a body is the text typed, to the character."""
    body = "J’ai senti 🌿 une chaleur dans la poitrine… « là » \ud800 et \"ici\"\n\tÉté 🧘🏽‍♀️ fin"
    path = tmp_path / "journal.vault"
    db, _ = create_database(path, PASSPHRASE, kdf=FAST_KDF)
    sync = Sync(db, wall=lambda: 1_800_000_000.0)
    entry = Journal(db, clock).add(body, title="Galet’s 🌿", tags=["cercle"])
    change = next(c for c in sync.pending() if c.id == entry.id)
    sent = Change.unpack(json.loads(json.dumps(change.pack(), ensure_ascii=False)))
    assert change.doc is not None and change.doc["body"] == body and sent.doc == change.doc
    journal = Journal(db, clock)
    other = journal.add("Rien de tel ici.")
    db.close()
    db = open_database(path, PASSPHRASE)
    try:
        journal = Journal(db, clock)
        # the first search (the documents as held), then the next ones (the texts kept at hand)
        for word in ("j’ai", "🌿", "CHALEUR", "ete", "poitrine…", "\ud800", "galet’s", "🧘🏽‍♀️"):
            assert [e.id for e in journal.search(word)] == [entry.id], word
        assert {e.id for e in journal.search("ici")} == {other.id, entry.id}, (other.id, entry.id)
        assert journal.get(entry.id).body == body and journal.get(entry.id) == entry
        assert journal.search("chaleur")[0].body == body
        exported = json.loads(ressenti_json.export_text(journal, [journal.get(entry.id)]))
        assert exported["entries"][0]["body"] == body
        assert body in markdown.export_text(journal, [journal.get(entry.id)])
        sync = Sync(db, wall=lambda: 1_800_000_100.0)
        again = journal.update(entry.id, title="Autre")  # the body read back and saved again
        change = next(c for c in sync.pending() if c.id == entry.id)
        assert again.body == body and change.doc is not None and change.doc["body"] == body
        snapshot = sync.snapshot()  # every document, for a new device
        assert next(c for c in snapshot if c.id == entry.id).doc["body"] == body
        laptop, _ = create_database(tmp_path / "laptop" / "journal.vault", PASSPHRASE, kdf=FAST_KDF)
        try:
            Sync(laptop, wall=lambda: 1_800_000_200.0).take(snapshot)
            assert Journal(laptop).get(entry.id).body == body and Journal(laptop).search("j’ai")[0].body == body
        finally:
            laptop.close()
    finally:
        db.close()
    for opened in (path, tmp_path / "laptop" / "journal.vault"):
        db = open_database(opened, PASSPHRASE)
        try:
            assert Journal(db).get(entry.id).body == body
        finally:
            db.close()


def test_an_entry_holds_its_body_once_with_its_stored_document(journal, db, vault_file):
    """Added, imported, edited or made at opening, an entry keeps the very body its stored
    document holds (no second copy of the journal's text while it is open)."""

    def shares(entry_id: str, journal: Journal) -> bool:
        held = dict.get(journal.database.storage.read()["entries"][entry_id], "body")
        return any(ref is held for ref in gc.get_referents(journal.get(entry_id)))

    added = journal.add("Écrit au retour, l’esprit calme.")
    imported = journal.put_new([journal.new_entry(f"Importée {n}, c’est ça.") for n in range(3)])
    edited = journal.update(imported[0].id, body="Reprise : l’eau du lac.")
    for entry_id in (added.id, imported[1].id, edited.id):
        assert shares(entry_id, journal)
    db.close()
    db = open_database(vault_file, PASSPHRASE)
    try:
        reopened = Journal(db)
        reopened.search("lac")  # entries made by a search, then the others
        assert all(shares(e.id, reopened) for e in reopened.entries())
    finally:
        db.close()


def test_search_ignores_case_and_accents(journal):
    reunion = journal.add("Après la Réunion, un cœur serré.", title="Soirée")
    journal.add("Marche en forêt", tags=["Été"])
    assert journal.search("reunion") == [reunion]
    assert journal.search("RÉUNION coeur") == [reunion]
    assert journal.search("soiree") == [reunion]
    assert [e.body for e in journal.search("ete")] == ["Marche en forêt"]  # tags are searched
    assert journal.search("réunion forêt") == []  # every word must match
    assert fold("Œuvre ÉLAN") == "oeuvre elan"


def test_search_covers_answers_and_meeting(journal):
    guided = journal.add(kind="reflection", answers={"orid.objective": "On a parlé du budget"},
                         meeting=Meeting("Conseil d’administration"))
    assert journal.search("budget") == [guided]
    assert journal.search("conseil d'administration") == [guided]


def test_filters_by_kind_tag_and_dates(journal, clock):
    old = journal.add("vieux", kind="focusing", tags=["corps"])
    clock.advance(days=10)
    new = journal.add("neuf", kind="reflection", tags=["Réunion"])
    assert journal.entries() == [new, old]  # newest first
    assert journal.entries(EntryFilter(kind="focusing")) == [old]
    assert journal.entries(EntryFilter(tag="reunion")) == [new]
    assert journal.entries(EntryFilter(since=new.created.date())) == [new]
    assert journal.entries(EntryFilter(until=old.created.date())) == [old]
    assert journal.search("", EntryFilter(kind="reflection")) == [new]
    assert journal.tags() == [("corps", 1), ("Réunion", 1)]


def test_the_list_makes_only_the_entries_read_newest_first_across_daylight_saving(db, vault_file, monkeypatch):
    """Unlocking shows the first page of a large journal without making every entry. The order
    is the moments' own: in November, 01:10 at -05:00 comes after 01:30 at -04:00, though its
    text sorts first. An entry deleted after the list was made still reads as it was."""
    zone = {"edt": timezone(timedelta(hours=-4)), "est": timezone(timedelta(hours=-5))}
    moments = [datetime(2026, 11, 1, 1, 30, tzinfo=zone["edt"]),  # 05:30 UTC
               datetime(2026, 11, 1, 1, 10, tzinfo=zone["est"]),  # 06:10 UTC: the later one
               datetime(2026, 3, 8, 1, 30, tzinfo=zone["est"]),
               datetime(2026, 3, 8, 3, 10, tzinfo=zone["edt"])]
    first = Journal(db)
    first.put_new(first.new_entry(f"Entrée {n}", created=when) for n, when in enumerate(moments * 10))
    db.close()
    again = open_database(vault_file, PASSPHRASE)
    journal = Journal(again)
    made = []

    def counted(doc, shared=None):
        made.append(doc)
        return entry_from_doc(doc, shared)

    monkeypatch.setattr("journal_app.journal.entry_from_doc", counted)
    listed = journal.search("", EntryFilter())
    assert len(listed) == 40 and not made
    page = listed[:4]
    assert len(made) == 4
    assert [e.created for e in page] == [moments[1], moments[1], moments[1], moments[1]]
    assert [e.created for e in listed[10:12]] == [moments[0], moments[0]]
    assert len(made) == 6 and listed[0] is page[0]  # made once
    assert journal.get(page[1].id[:30]) is page[1] and len(made) == 6
    assert journal.days_with_entries(2026, 3) == {8: 20} and len(made) == 6
    assert [e.created for e in listed] == sorted(moments * 10, reverse=True)  # every one, when read through
    journal.delete(page[2].id)
    assert listed[2].body == page[2].body and len(journal) == 39
    assert journal.entries(EntryFilter(since=date(2026, 11, 1))) == listed[:2] + listed[3:20]
    assert journal.entries(EntryFilter(until=date(2026, 3, 7))) == []
    assert journal.on_this_day(date(2027, 3, 8)) == listed[20:]
    again.close()


def test_ambiguous_and_unknown_ids(journal):
    entries = [journal.add(str(i)) for i in range(40)]
    first_chars = [e.id[0] for e in entries]
    shared = next(c for c in first_chars if first_chars.count(c) > 1)  # 40 ids, 16 hex digits
    with pytest.raises(AmbiguousEntryId):
        journal.get(shared)
    for unknown in ("", "zzzz"):
        with pytest.raises(EntryNotFound):
            journal.get(unknown)
    assert journal.get(entries[3].id[:36]) == entries[3]


def test_invalid_entries_are_refused_and_nothing_is_saved(journal):
    with pytest.raises(InvalidEntry):
        journal.add("x", kind="poème")
    with pytest.raises(InvalidEntry):
        journal.add("x", felt_shift=FeltShift(before=11))
    with pytest.raises(InvalidEntry):
        journal.add("x", meeting=Meeting("m", role="chef"))
    with pytest.raises(InputTooLarge):
        journal.add("x" * 2_000_001)
    assert len(journal) == 0


def test_put_new_saves_many_at_once(journal):
    made = [journal.new_entry(f"importée {i}") for i in range(5)]
    journal.put_new(made)
    assert len(journal) == 5
    with pytest.raises(InvalidEntry):
        journal.put_new([replace(made[0], body="doublon")])
    assert journal.get(made[0].id).body == "importée 0"


def test_search_index_never_serves_stale_text(journal):
    entry = journal.add("ancien texte")
    journal.warm_up()
    journal.update(entry.id, body="nouveau texte")
    assert journal.search("ancien") == []
    assert [e.id for e in journal.search("nouveau")] == [entry.id]


def test_tag_counts_follow_every_change(journal):
    first = journal.add("a", tags=["corps"])
    assert journal.tags() == [("corps", 1)]
    second = journal.add("b", tags=["Corps", "cercle"])
    assert journal.tags() == [("corps", 2), ("cercle", 1)]
    journal.update(first.id, tags=["cercle"])
    assert journal.tags() == [("cercle", 2), ("Corps", 1)]
    journal.delete(second.id)
    assert journal.tags() == [("cercle", 1)]


def test_match_spans_find_words_as_search_does_and_preview_skips_the_headline(journal):
    from journal_app.journal import match_spans, preview

    text = "L’Œuvre du cœur, la réunion, l’œuvre"
    assert [text[a:b] for a, b in match_spans(text, "oeuvre REUNION")] == ["Œuvre", "réunion", "œuvre"]
    assert match_spans(text, "   ") == []
    untitled = journal.add("Première ligne\nla suite du texte")
    assert preview(untitled) == "la suite du texte"
    long = journal.add("mot " * 200, title="Long")
    assert preview(long).endswith("…") and len(preview(long)) <= 181


def _fold_reference(text: str) -> str:
    """What fold meant before it was made fast: replacements, NFKD, marks dropped, casefold."""
    import unicodedata

    from journal_app.folding import _COMBINING

    text = (text.replace("’", "'").replace("‘", "'").replace("œ", "oe").replace("Œ", "oe")
            .replace("æ", "ae").replace("Æ", "ae"))
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def test_fast_fold_is_the_reference_fold_on_every_character_and_on_journal_text():
    import random

    differing = [cp for cp in range(0x110000)
                 if not 0xD800 <= cp < 0xE000 and fold(chr(cp)) != _fold_reference(chr(cp))]
    assert differing == []
    rng = random.Random(4)
    words = ["Réunion", "CŒUR", "l’été", "Ça", "naïve", "Noël", "« caillou »", "jusqu’à", "ÉLAN",
             "Straße", "ﬁn", "ᐊᐃᓐᖓᐃ", "مرحبا", "你好", "🙏🏽", "e\u0301cole", "İstanbul", "Ǆemal",
             "Øre", "Łódź", "Việt", "Ελληνικά", "Москва", "한국어", "\u00a0", "…", "½"]
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 30)))
        assert fold(text) == _fold_reference(text), text


def test_a_search_shows_the_passage_where_the_word_was_found(journal):
    """p6: only the first line was shown, without the match."""
    from journal_app.journal import PREVIEW_CHARS, match_spans, preview

    body = "Au début de la rencontre, on a fait le tour de table. " * 6 + "Puis nandu est revenu, doucement. Fin."
    entry = journal.add(body, title="Cercle")
    shown = preview(entry, "nandu")
    assert "nandu" in shown and shown.startswith("…") and len(shown) <= PREVIEW_CHARS
    assert match_spans(shown, "nandu")
    assert preview(entry) == preview(entry, "") and "nandu" not in preview(entry)  # no search: the start
    assert preview(entry, "rencontre") == preview(entry)  # found at the start already


def test_an_entry_read_from_its_document_has_every_field_and_equals_the_one_saved(journal):
    from dataclasses import fields

    from journal_app.journal import Entry, Practiced, entry_from_doc, entry_to_doc

    entry = journal.add("Corps", title="T", tags=["a"], answers={"q": "r"},
                        meeting=Meeting("Cercle", date(2026, 11, 24), "scribe"), felt_shift=FeltShift(2, 8),
                        practiced=Practiced(60, True))
    again = entry_from_doc(entry_to_doc(entry))
    assert all(hasattr(again, f.name) for f in fields(Entry))  # (slots: an unset one would raise)
    assert again == entry and replace(again, title="U").title == "U"
    bare = entry_from_doc({"id": "x", "created": "2026-11-28T12:00:00+00:00", "updated": "2026-11-28T12:00:00+00:00"})
    assert all(hasattr(bare, f.name) for f in fields(Entry)) and bare.kind == "free" and bare.meeting is None

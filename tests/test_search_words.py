"""Search through the vault's word list (journal_app/vault/words.py) finds exactly what folding
every entry finds, on mixed text; the list is kept by every save, read back, built again when a
save did not keep it, and holds no word of a deleted entry."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from journal_app.folding import fold
from journal_app.journal import Journal, Meeting, search_text
from journal_app.vault import Vault
from journal_app.vault.storage import encode_value, item_key, open_database
from journal_app.vault.words import TABLE
from tests.conftest import PASSPHRASE, every_record

WORDS = [
    "Réunion", "réunion", "RÉUNION", "reunion", "Été", "été", "forêt", "Forêt", "cœur", "Cœur", "ŒUVRE", "œuvre",
    "j’ai", "J’AI", "l'eau", "L’Eau", "poitrine", "Poitrine,", "(poitrine)", "poitrine.", "Ça", "ça", "garçon",
    "naïve", "Noël", "über", "straße", "STRASSE", "ﬁn", "ﬂeur", "½", "¼h", "e\u0301te\u0301", "Re\u0301union",
    "ΣΟΦΙΑΣ", "σοφιας", "ὈΔΥΣΣΕΎΣ", "İstanbul", "ıi", "ＲÉＵＮＩＯＮ", "ｒｅｕｎｉｏｎ", "😀", "💚🙏", "👩🏽‍🦱",
    "क़िला", "क\u094d\u093c", "\u093c\u094d", "한국어", "가나", "ㄱ", "ᄀ", "日本語", "ｶﾀｶﾅ", "がぎ", "か\u3099",
    "Ǆemal", "ǆ", "ŉ", "¨", "a\u00a8b", "x\u00b4y", "ª", "º", "²", "K", "Å", "Ω", "µ", "ｴ", "—", "…", "«", "»",
    "x\u0301\u0323", "x\u0323\u0301", "\u0301début", "chaleur", "Chaleur", "CHALEUR", "Sylvie", "sylvie",
    "SYLVIE", "Ginette", "Montréal", "Québec", "quebec", "Saint-Jérôme", "Lac-Mégantic", "11h30", "2026-11-28",
]
SPACES = [" ", " ", " ", "\n", "\u00a0", "\u202f", "\u3000", "\t"]


def _text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(WORDS) + rng.choice(SPACES) for _ in range(n)).strip()


def _journal_of(journal: Journal, rng: random.Random, n: int) -> None:
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    journal.put_new(journal.new_entry(
        _text(rng, rng.randrange(1, 30)), title=_text(rng, rng.randrange(0, 3)),
        tags=[_text(rng, 1) for _ in range(rng.randrange(0, 3))],
        answers={f"q{k}": _text(rng, 5) for k in range(rng.randrange(0, 2))},
        meeting=Meeting(_text(rng, 2)) if rng.random() < 0.2 else None,
        created=start + timedelta(hours=i)) for i in range(n))


def _queries(journal: Journal, rng: random.Random, n: int) -> list[str]:
    """Pieces of the entries' folded texts (so that most find something), and whole words."""
    texts = [search_text(e) for e in journal.entries()]
    queries = []
    for _ in range(n):
        pieces = rng.choice(texts).split() or ["x"]
        piece = rng.choice(pieces)
        start = rng.randrange(len(piece))
        queries.append(piece[start : start + rng.randrange(1, 7)])
    queries += [rng.choice(WORDS) for _ in range(n // 2)]
    queries += [f"{rng.choice(WORDS)} {rng.choice(WORDS)}" for _ in range(n // 4)]
    return queries


def _folding_every_entry(journal: Journal, query: str) -> list[str]:
    """What search found before the word list: every entry folded, each word looked for in it."""
    terms = fold(query).split()
    return [e.id for e in journal.entries() if all(t in search_text(e) for t in terms)]


def _check(journal: Journal, queries: list[str]) -> int:
    through_list = 0
    for query in queries:
        expected = _folding_every_entry(journal, query)
        assert [e.id for e in journal.search(query)] == expected, query
        found = journal._search_words(fold(query).split(), None)  # a later search: texts kept at hand
        if found is not None:
            through_list += 1
            assert sorted(e.id for e in found) == sorted(expected), query
            first = Journal(journal.database)._search_words(fold(query).split(), None)  # a first search
            assert first is not None and sorted(e.id for e in first) == sorted(expected), query
    return through_list


def test_the_word_list_finds_what_folding_every_entry_finds(db, vault_file):
    rng = random.Random(7)
    journal = Journal(db)
    _journal_of(journal, rng, 300)
    queries = _queries(journal, rng, 400)
    through_list = _check(journal, queries)
    assert through_list >= 0.9 * len(queries)  # only words holding a combining mark go the slow way
    for _ in range(40):  # edits and additions keep the list
        entry = rng.choice(journal.entries())
        journal.update(entry.id, body=_text(rng, 10))
        journal.add(_text(rng, 8), title=_text(rng, 1))
    db.close()
    db2 = open_database(vault_file, PASSPHRASE)  # read back from the file
    journal2 = Journal(db2)
    assert _check(journal2, queries) == through_list
    db2.close()


def test_a_save_that_did_not_keep_the_list_is_searched_the_slow_way_until_the_next_save(db, vault_file):
    journal = Journal(db)
    journal.add("Une soirée tranquille.")
    assert journal._search_words(["zephyrine"], None) == []
    # An app that did not keep the list saves an entry (written here straight into the vault).
    doc = {"id": "e1", "created": "2026-11-28T12:00:00+00:00", "updated": "2026-11-28T12:00:00+00:00",
           "kind": "free", "title": "", "body": "Zéphyrine est venue.", "answers": {}, "tags": []}
    db.close()
    vault, _ = Vault.open(vault_file, PASSPHRASE)
    vault.save([(item_key("entries", "e1"), encode_value(doc))])
    vault.close()
    db2 = open_database(vault_file, PASSPHRASE)
    journal2 = Journal(db2)
    assert journal2._search_words(["zephyrine"], None) is None  # the list does not cover the file
    assert [e.id for e in journal2.search("zephyrine")] == ["e1"]  # found the slow way
    journal2.add("Autre chose.")  # the next save builds the list again
    assert [e.id for e in journal2._search_words(["zephyrine"], None) or []] == ["e1"]
    assert "Zéphyrine" in "\n".join(d.get("words", "") for d in db2.table(TABLE).all())
    db2.close()


def test_a_rewrite_of_the_file_keeps_the_list_current(db, vault_file):
    journal = Journal(db)
    journal.add("Réunion du soir.")
    db.vault.compact()  # a rewrite: a save of its own
    assert [e.body for e in journal._search_words(["reunion"], None) or []] == ["Réunion du soir."]
    new_key = db.vault.change_passphrase("une autre phrase de passe bien longue")
    assert new_key.recovery_key
    assert journal._search_words(["reunion"], None) is not None


def test_a_deleted_entrys_words_leave_the_list_and_the_file(db, vault_file):
    journal = Journal(db)
    keep = journal.add("Sylvie était là.")
    gone = journal.add("Ginette et Zéphyrine m’ont parlé.")
    assert b"Z\xc3\xa9phyrine" in every_record(vault_file)
    journal.delete(gone.id)
    assert b"Z\xc3\xa9phyrine" not in every_record(vault_file)  # the file and its backup
    assert b"Ginette" not in every_record(vault_file)
    assert [e.id for e in journal.search("sylvie")] == [keep.id]


def test_an_edits_earlier_words_leave_the_list_at_the_next_rewrite(db, vault_file):
    journal = Journal(db)
    entry = journal.add("Ginette m’a parlé.")
    journal.update(entry.id, body="Quelqu’un m’a parlé.")
    db.vault.compact()
    db.vault.forget_previous()
    assert b"Ginette" not in every_record(vault_file)
    assert [e.id for e in journal.search("quelqu'un")] == [entry.id]
    assert journal._search_words(["ginette"], None) == []


def test_a_search_before_the_entries_are_made_then_changes_then_the_list(db, vault_file):
    journal = Journal(db)
    first = journal.add("Réunion du mardi.")
    journal.add("Autre chose.")
    db.close()
    db2 = open_database(vault_file, PASSPHRASE)
    journal2 = Journal(db2)  # a command: nothing made yet
    found = journal2.search("reunion")
    assert [e.id for e in found] == [first.id] and journal2._cache is None
    changed = journal2.update(first.id, body="Réunion du jeudi.")
    assert journal2.search("jeudi") == [changed] and journal2.search("mardi") == []
    added = journal2.add("Troisième réunion.")
    assert [e.id for e in journal2.search("reunion")] == [added.id, first.id]
    assert journal2.get(first.id) == changed and len(journal2.entries()) == 3
    db2.close()


class _Rebuilds:
    """Counts the word list's full builds (each still runs: a call through, not a stand-in)."""

    def __init__(self, db) -> None:
        self.count = 0
        words = db.storage.words
        real = words.rebuild

        def counted(tables):
            self.count += 1
            real(tables)

        words.rebuild = counted


def _listed(db) -> set[str]:
    table = db.storage.read()[TABLE]
    return {word for doc_id, doc in table.items() if doc_id != "state" for word in doc["words"].split("\n")}


def test_deleting_an_entry_takes_its_words_out_without_building_the_list_again(db, vault_file):
    """At 50,000 entries building the list again made a deletion 1.1 → 2.8 s; the deleted
    entry's words that no other entry holds are taken out instead (bench: 1.4–1.6 s)."""
    journal = Journal(db)
    keep = journal.add("Réunion avec Sylvie.", tags=["Été"])
    gone = journal.add("Réunion avec Zéphyrine et Gaétan.", tags=["Forêt"], answers={"q": "Ça va"})
    journal.add("Autre chose.")
    rebuilds = _Rebuilds(db)
    journal.delete(gone.id)
    assert rebuilds.count == 0
    records = every_record(vault_file)
    for word in ("Zéphyrine", "Gaétan", "Forêt", "Ça"):
        assert word.encode() not in records, word  # the file and its backup
    assert {"Réunion", "Sylvie.", "Été"} <= _listed(db)
    assert [e.id for e in journal._search_words(["reunion"], None) or []] == [keep.id]
    assert [e.id for e in journal._search_words(["ete"], None) or []] == [keep.id]


def test_a_word_an_edit_took_out_leaves_the_file_when_its_entry_is_deleted(db, vault_file):
    journal = Journal(db)
    journal.add("Une soirée.")
    entry = journal.add("Ginette m’a parlé.")
    journal.update(entry.id, body="Quelqu’un m’a parlé.")
    journal.delete(entry.id)
    assert b"Ginette" not in every_record(vault_file) and b"Quelqu" not in every_record(vault_file)


def test_after_reopening_a_deletion_knows_what_edits_took_out(db, vault_file):
    journal = Journal(db)
    journal.add("Une soirée.")
    entry = journal.add("Ginette m’a parlé.")
    other = journal.add("Réunion du soir.")
    journal.update(entry.id, body="Quelqu’un m’a parlé.")  # « Ginette » stays in the list
    db.close()
    db2 = open_database(vault_file, PASSPHRASE)  # what the edit took out is not known here
    journal2 = Journal(db2)
    journal2.delete(entry.id)
    assert b"Ginette" not in every_record(vault_file)
    db2.close()  # the list is exact again: the next deletion needs no building
    db3 = open_database(vault_file, PASSPHRASE)
    rebuilds = _Rebuilds(db3)
    Journal(db3).delete(other.id)
    assert rebuilds.count == 0 and b"R\xc3\xa9union" not in every_record(vault_file)
    db3.close()


def test_a_word_kept_for_a_longer_word_leaves_with_the_longer_word(db, vault_file):
    journal = Journal(db)
    short = journal.add("Gaé, en abrégé.")
    long = journal.add("Gaétan était là.")
    journal.delete(short.id)  # « Gaé » is still in the file, inside « Gaétan »
    journal.delete(long.id)
    records = every_record(vault_file)
    assert b"Ga\xc3\xa9" not in records and b"abr\xc3\xa9g\xc3\xa9" not in records


def test_deletions_and_edits_keep_search_through_the_list_exact_and_take_deleted_words_out(db, vault_file):
    rng = random.Random(11)
    journal = Journal(db)
    _journal_of(journal, rng, 120)
    queries = _queries(journal, rng, 120)
    typed: dict[str, list[str]] = {e.id: ["\n".join(entry_texts_of(e))] for e in journal.entries()}  # every version
    for round_ in range(30):
        entry = rng.choice(journal.entries())
        if round_ % 3 == 0:
            changed = journal.update(entry.id, body=_text(rng, 6), tags=[_text(rng, 1)])
            typed[entry.id].append("\n".join(entry_texts_of(changed)))
            continue
        journal.delete(entry.id)
        del typed[entry.id]
        if round_ % 10 == 1:
            db.close()
            db = open_database(vault_file, PASSPHRASE)
            journal = Journal(db)
        # Every word of the list is in a text some entry holds, or held before an edit.
        held = "\n".join(t for texts in typed.values() for t in texts)
        assert [w for w in _listed(db) if w not in held] == []
    _check(journal, queries)
    db.close()


def entry_texts_of(entry) -> list[str]:
    return [entry.title, entry.body, *entry.answers.values(), *entry.tags, entry.meeting.name if entry.meeting else ""]

"""TinyDB over the vault: every way TinyDB changes a document reaches the disk."""

from __future__ import annotations

import copy
import gc
import json
import tracemalloc
from datetime import datetime, timedelta, timezone

import pytest
from tinydb import Query, where
from tinydb.operations import delete, increment
from tinydb.operations import set as set_field
from tinydb.table import Document

from journal_app.errors import VaultDamaged
from journal_app.journal import Journal
from journal_app.vault import Vault
from journal_app.vault.storage import (
    PARSE_GROUP,
    StoredDoc,
    create_database,
    encode_value,
    item_key,
    open_database,
)
from tests.conftest import FAST_KDF, PASSPHRASE, every_record


def on_disk(vault_file, table):
    db = open_database(vault_file, PASSPHRASE)
    try:
        return {doc.doc_id: dict(doc) for doc in db.table(table)}
    finally:
        db.close()


def test_each_kind_of_change_is_saved(db, vault_file):
    t = db.table("things")
    t.insert(Document({"n": 1, "tags": ["a"], "name": "un"}, doc_id="a"))
    t.insert_multiple([Document({"n": 2, "name": "deux"}, doc_id="b"),
                       Document({"n": 3, "name": "trois"}, doc_id="c")])
    t.update({"name": "UN"}, doc_ids=["a"])
    t.update(increment("n"), Query().name == "deux")
    t.update(delete("name"), doc_ids=["c"])
    t.update(set_field("tags", ["x", "y"]), doc_ids=["a"])
    t.upsert(Document({"n": 9, "name": "neuf"}, doc_id="d"))
    t.remove(~where("name").exists())
    db.close()
    assert on_disk(vault_file, "things") == {
        "a": {"n": 1, "tags": ["x", "y"], "name": "UN"},
        "b": {"n": 3, "name": "deux"},
        "d": {"n": 9, "name": "neuf"},
    }


def test_a_write_saves_only_the_documents_it_changed(db, vault_file):
    t = db.table("things")
    t.insert_multiple(Document({"n": i, "text": "mot " * 300}, doc_id=str(i)) for i in range(100))
    db.vault.compact()  # a journal past its first saves: a snapshot, then a log
    before = vault_file.read_bytes()
    t.update({"n": 10}, doc_ids=["1"])
    after = vault_file.read_bytes()
    assert after[: len(before)] == before  # nothing rewritten
    assert len(after) - len(before) <= 2048 + 256  # one document's record (2 KiB) and a commit, not 100
    assert b'"n":10' in every_record(vault_file)


def test_a_refused_change_leaves_memory_as_on_disk(db, vault_file):
    t = db.table("things")
    t.insert(Document({"n": 1}, doc_id="a"))
    with pytest.raises(ValueError):
        t.insert_multiple([Document({"n": 2}, doc_id="b"), Document({"n": 3}, doc_id="a")])
    assert {d.doc_id for d in t} == {"a"}
    db.close()
    assert on_disk(vault_file, "things") == {"a": {"n": 1}}


def test_insert_doc_keeps_its_own_copy_and_refuses_a_taken_id(db, vault_file):
    """`insert_doc` stores the document without TinyDB's `insert` (two copies of it at each added
    entry): as with TinyDB, the caller's dict is not the one kept, and a taken id is refused."""
    t = db.table("things")
    mine = {"n": 1}
    t.insert_doc("a", mine)
    mine["n"] = 99
    with pytest.raises(ValueError):
        t.insert_doc("a", {"n": 2})
    assert t.get_doc("a") == {"n": 1}
    db.close()
    assert on_disk(vault_file, "things") == {"a": {"n": 1}}


@pytest.mark.parametrize("many", [False, True])
def test_opening_keeps_each_field_name_and_repeated_value_once(db, vault_file, many):
    """Each document's field names were strings of their own: at 50,000 entries a fifth of the
    memory the open journal takes (bench/bench_vault.py). Read in groups of about PARSE_GROUP
    bytes, each is made once a group; an entry's id is its key's string, and kinds, languages
    and tags are kept once each."""
    journal = Journal(db)
    count = 1 + 2 * PARSE_GROUP // 1000 if many else 3  # several groups, or one
    journal.put_new(journal.new_entry("x" * 900, tags=["cercle", "corps"]) for _ in range(count))
    journal.add("Écrite après", tags=["cercle"])  # a save of its own, appended
    db.close()
    reopened = open_database(vault_file, PASSPHRASE)
    try:
        docs = list(reopened.storage.read()["entries"].items())
        first = docs[0][1]
        assert len(docs) == count + 1
        groups = 1 + count * 1000 // PARSE_GROUP + 1  # the snapshot's, and the appended save
        assert len({id(name) for _, doc in docs for name in doc}) <= len(first) * groups
        for doc_id, doc in docs:
            assert doc["id"] is doc_id
            assert doc["tags"][0] is first["tags"][0] and doc["language"] is first["language"]
            assert doc["kind"] is first["kind"]
        assert {e.body for e in Journal(reopened).entries()} == {"x" * 900, "Écrite après"}
    finally:
        reopened.close()


@pytest.mark.parametrize("value", [b'{"n":1},{"n":2}', b"[1]", b'{"n":1} x', b'{"n":', b"\xff", b""])
def test_a_stored_value_that_is_not_one_document_is_refused_and_the_vault_let_go(tmp_path, value):
    path = tmp_path / "journal.vault"
    items = [(item_key("things", "a"), b'{"n":0}'), (item_key("things", "b"), value),
             (item_key("things", "c"), b'{"n":3}')]
    vault, _ = Vault.create(path, PASSPHRASE, items, kdf=FAST_KDF)
    vault.close()
    with pytest.raises(VaultDamaged):
        open_database(path, PASSPHRASE)
    with pytest.raises(VaultDamaged):  # not "already open": the failed opening let go of its lock
        open_database(path, PASSPHRASE)


BODY = "J’ai senti 🌿 une chaleur, « là » \ud800 et \"ici\"\n\tfin."  # two-byte, four-byte, a lone surrogate, escapes


def test_a_body_is_held_as_utf8_and_every_reader_gets_the_text(db, vault_file):
    """Opening keeps an entry's body as UTF-8 (half the memory of a text holding « ’ »), yet
    every way of reading a stored document gives it as text, CPython's own C paths included."""
    t = db.table("entries")
    t.insert_doc("e1", {"id": "e1", "title": "T", "body": BODY, "tags": ["a"]})
    db.close()
    db = open_database(vault_file, PASSPHRASE)
    try:
        t = db.table("entries")
        doc = db.storage.read()["entries"]["e1"]
        assert type(doc) is StoredDoc and dict.get(doc, "body") == BODY.encode("utf-8", "surrogatepass")
        plain = {"id": "e1", "title": "T", "body": BODY, "tags": ["a"]}

        def keywords(**fields):
            return fields

        readings = [doc.plain(), dict(doc), {**doc}, keywords(**doc), dict(doc.items()), copy.copy(doc),
                    copy.deepcopy(doc), doc.copy(), doc | {}, {} | doc,
                    dict(zip(doc.keys(), doc.values(), strict=True)), {k: doc[k] for k in doc},
                    {k: doc.get(k) for k in doc}, json.loads(json.dumps(doc)),
                    json.loads(encode_value(doc).decode("utf-8", "surrogatepass")), dict(t.get_doc("e1")),
                    dict(t.search(Query().body == BODY)[0]), dict(t.all()[0])]
        for reading in readings:
            assert reading == plain and type(reading["body"]) is str
        assert doc == plain and plain == doc and not doc != plain and repr(doc) == repr(plain)
        assert t.search(Query().body.search("chaleur"))  # TinyDB's queries read the text
        t.update({"title": "U"}, doc_ids=["e1"])  # a change of another field keeps the body as it was
        t.update({"body": BODY + "!"}, doc_ids=["e1"])
        assert dict.get(doc, "body") == (BODY + "!").encode("utf-8", "surrogatepass") and doc["body"] == BODY + "!"
    finally:
        db.close()
    assert on_disk(vault_file, "entries")["e1"] == {"id": "e1", "title": "U", "body": BODY + "!", "tags": ["a"]}


def test_an_opened_journal_holds_less_than_twice_its_file(tmp_path):
    """Memory of opening and making every entry (bench/bench_vault.py measures the process's
    peak): each body is held once, as UTF-8. Bodies holding « ’ » took 2.2 times the file."""
    path = tmp_path / "journal.vault"
    db, _ = create_database(path, PASSPHRASE, kdf=FAST_KDF)
    journal = Journal(db)
    body = "Ce soir, au cercle, j’ai senti une chaleur monter dans la poitrine quand on a parlé de partage. " * 15
    start = datetime(2023, 1, 1, 19, tzinfo=timezone(timedelta(hours=-5)))
    journal.put_new(journal.new_entry(f"{body}{n}", title=f"Rencontre {n}", tags=["cercle", "corps"],
                                      created=start + timedelta(hours=7 * n)) for n in range(1500))
    db.close()
    gc.collect()
    tracemalloc.start()
    try:
        db = open_database(path, PASSPHRASE)
        entries = Journal(db).entries()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    try:
        assert len(entries) == 1500 and entries[-1].body == f"{body}0"
        assert peak < 1.75 * path.stat().st_size
    finally:
        db.close()

"""TinyDB over the vault: every way TinyDB changes a document reaches the disk."""

from __future__ import annotations

import pytest
from tinydb import Query, where
from tinydb.operations import delete, increment
from tinydb.operations import set as set_field
from tinydb.table import Document

from journal_app.vault.storage import open_database
from tests.conftest import PASSPHRASE, every_record


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

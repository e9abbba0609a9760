"""TinyDB over the vault: every way TinyDB changes a document reaches the disk."""

from __future__ import annotations

import pytest
from tinydb import Query, where
from tinydb.operations import delete, increment
from tinydb.operations import set as set_field
from tinydb.table import Document

from journal_app.vault.storage import open_database
from tests.conftest import PASSPHRASE


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


def test_unchanged_documents_are_not_reencoded(db):
    t = db.table("things")
    t.insert_multiple(Document({"n": i}, doc_id=str(i)) for i in range(3))
    stored = db.storage.read()["things"]
    lines = {k: doc.line for k, doc in stored.items()}
    t.update({"n": 10}, doc_ids=["1"])
    after = db.storage.read()["things"]
    assert after["0"].line is lines["0"] and after["2"].line is lines["2"]
    assert after["1"].line is not lines["1"] and b'"n":10' in after["1"].line


def test_a_refused_change_leaves_memory_as_on_disk(db, vault_file):
    t = db.table("things")
    t.insert(Document({"n": 1}, doc_id="a"))
    with pytest.raises(ValueError):
        t.insert_multiple([Document({"n": 2}, doc_id="b"), Document({"n": 3}, doc_id="a")])
    assert {d.doc_id for d in t} == {"a"}
    db.close()
    assert on_disk(vault_file, "things") == {"a": {"n": 1}}

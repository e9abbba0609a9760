"""docs/vault-format.md is precise enough to write a reader: here is one, independent of
journal_app/vault/, for format 2 and for format 1."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import unicodedata
import zlib

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from journal_app.journal import Journal
from journal_app.vault.storage import create_database
from tests.conftest import FAST_KDF, PASSPHRASE


def data_key_by_the_document(data: bytes, passphrase: str | None, recovery: str | None) -> bytes:
    assert hashlib.sha256(data[:186]).digest() == data[186:218]
    memory, iterations, lanes = struct.unpack(">III", data[10:22])
    if passphrase is not None:
        kek = Argon2id(salt=data[22:38], length=32, iterations=iterations, lanes=lanes,
                       memory_cost=memory).derive(unicodedata.normalize("NFC", passphrase).encode())
        return AESGCM(kek).decrypt(data[38:50], data[50:98], b"RESSENTI\x01passphrase")
    raw = base64.b32decode(recovery.replace("-", ""))
    kek = HKDF(hashes.SHA256(), 32, data[98:114], b"ressenti vault recovery key v1").derive(raw)
    return AESGCM(kek).decrypt(data[114:126], data[126:174], b"RESSENTI\x01recovery")


def read_format2_by_the_document(data: bytes, passphrase: str | None = None, recovery: str | None = None):
    """Format 2, as docs/vault-format.md says: frames, associated data, chain, items, commits."""
    assert data[:8] == b"RESSENTI" and data[8] == 2 and data[9] == 1
    key = AESGCM(data_key_by_the_document(data, passphrase, recovery))
    digest = data[186:218]
    chain, k, pos = digest, 0, 218
    live, pending, counters = {}, [], []
    while pos < len(data):
        k += 1
        sealed, rest, crc = struct.unpack(">III", data[pos:pos + 12])
        assert crc == zlib.crc32(struct.pack(">QII", k, sealed, rest))
        nonce = data[pos + 12:pos + 24]
        plain = key.decrypt(nonce, data[pos + 24:pos + 12 + sealed],
                            b"RESSENTI\x02record" + digest + struct.pack(">Q", k) + chain)
        chain = hashlib.sha256(chain + data[pos:pos + 12] + nonce).digest()
        pos += 12 + sealed
        kind, length = struct.unpack(">BI", plain[:5])
        assert set(plain[5 + length:]) <= {0}
        payload = plain[5:5 + length]
        if kind == 1:
            assert rest > 0
            pending.append(payload)
            continue
        assert kind == 2 and rest == 0 and len(plain) == 64
        _journal_id, counter, count = struct.unpack(">16sQI", payload)
        assert count == len(pending)
        counters.append(counter)
        for items in pending:
            at = 0
            while at < len(items):
                (klen,) = struct.unpack(">H", items[at:at + 2])
                item_key = items[at + 2:at + 2 + klen]
                (vlen,) = struct.unpack(">I", items[at + 2 + klen:at + 6 + klen])
                at += 6 + klen
                if vlen == 0xFFFFFFFF:
                    live.pop(item_key, None)
                else:
                    live[item_key] = items[at:at + vlen]
                    at += vlen
        pending = []
    assert counters == list(range(counters[0], counters[0] + len(counters)))
    records = []
    for item_key, value in live.items():
        table, _, doc_id = item_key.partition(b"\x00")
        records.append([table.decode(), doc_id.decode(), json.loads(value.decode("utf-8", "surrogatepass"))])
    return records


def read_by_the_document(data: bytes, passphrase: str | None = None, recovery: str | None = None):
    assert data[:8] == b"RESSENTI" and data[8] == 1 and data[9] == 1
    key = data_key_by_the_document(data, passphrase, recovery)
    padded = AESGCM(key).decrypt(data[174:186], data[218:], data[:218])
    (length,) = struct.unpack(">Q", padded[:8])
    assert set(padded[8 + length:]) <= {0}
    lines = padded[8:8 + length].decode("utf-8", "surrogatepass").split("\n")
    assert json.loads(lines[0]) == {"format": "ressenti-document", "version": 1}
    assert lines[-1] == ""
    return [json.loads(line) for line in lines[1:-1]]


def test_an_independent_reader_following_the_doc_reads_a_format2_vault(vault_file):
    db, recovery_key = create_database(vault_file, PASSPHRASE, kdf=FAST_KDF)
    journal = Journal(db)
    journal.add("Assez de mots pour que le journal devienne un registre. " * 1500, title="Long")
    entry = journal.add("Lu par un autre programme 🌿", title="Interop", tags=["doc"])
    other = journal.add("Une autre")
    journal.update(entry.id, body="Lu par un autre programme 🌿 (corrigé)")
    db.table("notes").insert_doc("n1", {"x": 1})
    db.table("notes").remove_docs(["n1"])  # a deletion appended to the log

    db.close()
    data = vault_file.read_bytes()
    assert data[8] == 2 and len(data) > 70_000  # appended saves after a snapshot, not one body
    for records in (read_format2_by_the_document(data, passphrase=PASSPHRASE),
                    read_format2_by_the_document(data, recovery=recovery_key)):
        found = {doc_id: record for table, doc_id, record in records if table == "entries"}
        assert set(found) >= {entry.id, other.id} and len(found) == 3
        assert not [r for r in records if r[0] == "notes"]
        assert found[entry.id]["body"] == "Lu par un autre programme 🌿 (corrigé)"
        assert found[entry.id]["tags"] == ["doc"] and found[entry.id]["created"] == entry.created.isoformat()
        # The word list: the entries' words that folding changes, and its state.
        lists = {doc_id: record for table, doc_id, record in records if table == "search_words"}
        assert lists.pop("state")["version"] == 1
        words = {w for record in lists.values() for w in record["words"].split("\n")}
        assert {"Interop", "Lu", "(corrigé)", "Long", "Une", "Assez"} <= words
        assert not words & {"programme", "autre", "🌿", "par"}


def test_an_independent_reader_following_the_doc_reads_a_format1_vault(vault_file):
    from bench.format1.storage import create_database as create_format1

    db, recovery_key = create_format1(vault_file, PASSPHRASE, kdf=FAST_KDF)
    entry = Journal(db).add("Lu par un autre programme 🌿", title="Interop", tags=["doc"])
    db.close()
    data = vault_file.read_bytes()
    for records in (read_by_the_document(data, passphrase=PASSPHRASE),
                    read_by_the_document(data, recovery=recovery_key)):
        assert len(records) == 1
        table, doc_id, record = records[0]
        assert (table, doc_id) == ("entries", entry.id)
        assert record["body"] == "Lu par un autre programme 🌿" and record["tags"] == ["doc"]
        assert record["created"] == entry.created.isoformat()

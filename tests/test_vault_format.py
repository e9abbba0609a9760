"""docs/vault-format.md is precise enough to write a reader: here is one, independent of vault.py."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import unicodedata

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from journal_app.journal import Journal
from journal_app.vault.storage import create_database
from tests.conftest import FAST_KDF, PASSPHRASE


def read_by_the_document(data: bytes, passphrase: str | None = None, recovery: str | None = None):
    assert data[:8] == b"RESSENTI" and data[8] == 1 and data[9] == 1
    assert hashlib.sha256(data[:186]).digest() == data[186:218]
    memory, iterations, lanes = struct.unpack(">III", data[10:22])
    if passphrase is not None:
        kek = Argon2id(salt=data[22:38], length=32, iterations=iterations, lanes=lanes,
                       memory_cost=memory).derive(unicodedata.normalize("NFC", passphrase).encode())
        key = AESGCM(kek).decrypt(data[38:50], data[50:98], b"RESSENTI\x01passphrase")
    else:
        raw = base64.b32decode(recovery.replace("-", ""))
        kek = HKDF(hashes.SHA256(), 32, data[98:114], b"ressenti vault recovery key v1").derive(raw)
        key = AESGCM(kek).decrypt(data[114:126], data[126:174], b"RESSENTI\x01recovery")
    padded = AESGCM(key).decrypt(data[174:186], data[218:], data[:218])
    (length,) = struct.unpack(">Q", padded[:8])
    assert set(padded[8 + length:]) <= {0}
    lines = padded[8:8 + length].decode("utf-8", "surrogatepass").split("\n")
    assert json.loads(lines[0]) == {"format": "ressenti-document", "version": 1}
    assert lines[-1] == ""
    return [json.loads(line) for line in lines[1:-1]]


def test_an_independent_reader_following_the_doc_reads_a_vault(vault_file):
    db, recovery_key = create_database(vault_file, PASSPHRASE, kdf=FAST_KDF)
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

"""Argon2id on every platform: the RFC 9106 vector, the same key from libargon2 and from OpenSSL,
vaults that open whichever made them, and a journal that works where OpenSSL has no Argon2."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal_app import kdf
from journal_app.kdf import argon2id, crypto_versions, openssl_argon2_supported
from journal_app.vault import keys as vault
from journal_app.vault.storage import create_database, open_database
from tests.conftest import FAST_KDF, PASSPHRASE

# RFC 9106, section 5.3 (Argon2id): password 32 × 0x01, salt 16 × 0x02, secret 8 × 0x03,
# associated data 12 × 0x04, 32 KiB, 3 passes, 4 lanes, 32-byte tag.
RFC_TAG = bytes.fromhex("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659")
RFC = dict(password=b"\x01" * 32, salt=b"\x02" * 16, secret=b"\x03" * 8, ad=b"\x04" * 12)


def libargon2_with_secret(password: bytes, salt: bytes, secret: bytes, ad: bytes) -> bytes:
    """The RFC vector uses a secret and associated data, which `hash_secret_raw` does not take:
    fill libargon2's context through argon2-cffi's low-level binding."""
    from argon2.low_level import Type, core, ffi, lib

    out = ffi.new("uint8_t[]", 32)
    buffers = {name: ffi.new("uint8_t[]", value) for name, value in
               (("pwd", password), ("salt", salt), ("secret", secret), ("ad", ad))}
    ctx = ffi.new("argon2_context *", dict(
        version=0x13, out=out, outlen=32,
        pwd=buffers["pwd"], pwdlen=len(password), salt=buffers["salt"], saltlen=len(salt),
        secret=buffers["secret"], secretlen=len(secret), ad=buffers["ad"], adlen=len(ad),
        t_cost=3, m_cost=32, lanes=4, threads=4,
        allocate_cbk=ffi.NULL, free_cbk=ffi.NULL, flags=lib.ARGON2_DEFAULT_FLAGS))
    assert core(ctx, Type.ID.value) == lib.ARGON2_OK
    return bytes(ffi.buffer(out, 32))


def openssl_argon2id(secret: bytes, salt: bytes, *, memory_kib: int, iterations: int, lanes: int,
                     length: int = 32) -> bytes:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    return Argon2id(salt=salt, length=length, iterations=iterations, lanes=lanes,
                    memory_cost=memory_kib).derive(secret)


def test_rfc9106_vector_from_libargon2():
    assert libargon2_with_secret(**RFC) == RFC_TAG


@pytest.mark.openssl_argon2
def test_rfc9106_vector_from_openssl():
    assert openssl_argon2_supported(), "this machine's cryptography should have Argon2 (OpenSSL ≥ 3.2)"
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    tag = Argon2id(salt=RFC["salt"], length=32, iterations=3, lanes=4, memory_cost=32,
                   secret=RFC["secret"], ad=RFC["ad"]).derive(RFC["password"])
    assert tag == RFC_TAG


@pytest.mark.openssl_argon2
def test_the_vault_parameters_give_the_same_key_from_both():
    salt = bytes(range(16))
    mine = argon2id("une phrase de passe".encode(), salt, memory_kib=64 * 1024, iterations=3, lanes=4)
    theirs = openssl_argon2id("une phrase de passe".encode(), salt, memory_kib=64 * 1024,
                              iterations=3, lanes=4)
    assert mine == theirs and len(mine) == 32


@pytest.mark.openssl_argon2
@settings(max_examples=25, deadline=None)
@given(secret=st.binary(max_size=64), salt=st.binary(min_size=8, max_size=32),
       lanes=st.integers(1, 4), iterations=st.integers(1, 3), extra=st.integers(0, 64))
def test_both_implementations_agree(secret, salt, lanes, iterations, extra):
    params = dict(memory_kib=8 * lanes + extra, iterations=iterations, lanes=lanes)
    assert argon2id(secret, salt, **params) == openssl_argon2id(secret, salt, **params)


@pytest.mark.openssl_argon2
@pytest.mark.parametrize("made_with", ["openssl", "libargon2"])
def test_a_vault_made_with_one_opens_with_the_other(tmp_path, monkeypatch, made_with):
    path = tmp_path / "journal.vault"
    if made_with == "openssl":
        monkeypatch.setattr(vault, "argon2id", openssl_argon2id)
    db, _ = create_database(path, PASSPHRASE, kdf=FAST_KDF)
    db.table("entries").insert({"body": "Un caillou dans la poche"})
    db.close()
    monkeypatch.setattr(vault, "argon2id", argon2id if made_with == "openssl" else openssl_argon2id)
    reopened = open_database(path, PASSPHRASE)
    try:
        assert [d["body"] for d in reopened.table("entries").all()] == ["Un caillou dans la poche"]
    finally:
        reopened.close()


PHONE_PRELUDES = {
    # cryptography 43.0.1 (Python 3.12/3.13 phones): the argon2 module does not exist.
    "43.0.1": "sys.modules['cryptography.hazmat.primitives.kdf.argon2'] = None",
    # cryptography 48.0.0 on OpenSSL 3.0 (Python 3.14 phones): it exists and refuses to run.
    "48.0.0": textwrap.dedent("""
        from cryptography.exceptions import UnsupportedAlgorithm, _Reasons
        from cryptography.hazmat.primitives.kdf import argon2
        class Argon2id:
            def __init__(self, *args, **kwargs):
                raise UnsupportedAlgorithm("Argon2id is not supported by this version of OpenSSL.",
                                           _Reasons.UNSUPPORTED_KEY_DERIVATION_FUNCTION)
        argon2.Argon2id = Argon2id
        """),
}


@pytest.mark.slow
@pytest.mark.parametrize("phone", [
    "43.0.1", pytest.param("48.0.0", marks=pytest.mark.openssl_argon2)])  # 48's module, patched
def test_a_journal_works_where_openssl_has_no_argon2(tmp_path, phone):
    """The phones' cryptography: every member-side module imports, a journal is made, written,
    locked and opened again, and the About screen's figures say which Argon2 ran."""
    script = "import sys\n" + PHONE_PRELUDES[phone] + "\n" + textwrap.dedent(f"""
        from pathlib import Path
        from journal_app import anonymize, circles, journal, practice, sharing, vault
        from journal_app.vault import container, log, storage
        from journal_app.kdf import crypto_versions, openssl_argon2_supported
        from journal_app.session import JournalSession
        assert not openssl_argon2_supported()
        s = JournalSession(Path({str(tmp_path)!r}))
        key = s.create("trois mots tranquilles")
        s.journal.add("Après le cercle, un galet")
        s.lock()
        s.unlock("trois mots tranquilles")
        assert [e.body for e in s.journal.entries()] == ["Après le cercle, un galet"]
        s.lock()
        s.recover(key, "une autre phrase de passe")
        s.lock()
        versions = crypto_versions()
        assert versions.argon2.startswith("argon2-cffi") and not versions.openssl_argon2
        print("ok", versions.argon2)
        """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=Path(__file__).parent.parent, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok argon2-cffi")


def test_about_figures_name_the_versions():
    versions = crypto_versions()
    assert versions.cryptography[0].isdigit()
    assert "OpenSSL" in versions.openssl
    assert versions.argon2.startswith("argon2-cffi ")
    assert versions.openssl_argon2 == kdf.openssl_argon2_supported()

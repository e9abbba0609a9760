"""Every command and its error paths, in-process through `main(argv, Env(...))`: what the person
reads on stdout and stderr, and the exit status. (tests/test_cli.py keeps a few runs in real
subprocesses.)"""

from __future__ import annotations

import io
import json
import re
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

from journal_app.cli import Env, main
from journal_app.cli.parser import translate_argparse

FIXTURES = Path(__file__).parent / "fixtures"
PACKS = Path(__file__).parent.parent / "journal_app" / "prompts"
PASS = "une phrase de passe"


class Terminal(io.StringIO):
    """Standard input that is a terminal, with what the person will type."""

    def isatty(self) -> bool:
        return True


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    def one_line(self) -> str:
        """An error: a non-zero status and one translated line, never a traceback."""
        assert self.returncode != 0, self.stdout
        assert "Traceback" not in self.stderr
        lines = self.stderr.strip().splitlines()
        assert len(lines) == 1, self.stderr
        return lines[0]


def run(data: Path, *args: str, input: str = "", passphrase: str | None = PASS, lang: str = "fr_CA.UTF-8",
        tty: bool = False, secrets: list[str] | None = None, **environ: str) -> Result:
    env_vars = {"LANG": lang, "JOURNAL_APP_DATA_DIR": str(data), **environ}
    if passphrase is not None:
        env_vars["JOURNAL_APP_PASSPHRASE"] = passphrase
    answers = list(secrets or [])
    out, err = io.StringIO(), io.StringIO()
    env = Env(stdin=Terminal(input) if tty else io.StringIO(input), stdout=out, stderr=err,
              environ=env_vars, ask_secret=lambda prompt: answers.pop(0))
    code = main(list(args), env)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def journal(tmp_path) -> Path:
    data = tmp_path / "données"
    assert run(data, "init").returncode == 0
    return data


def test_init_shows_the_recovery_key_once_and_refuses_a_second_journal(tmp_path):
    data = tmp_path / "d"
    done = run(data, "init")
    assert done.returncode == 0 and re.search(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){7}", done.stdout)
    assert "existe déjà" in run(data, "init").one_line()


def test_init_asks_twice_on_a_terminal_and_refuses_a_mismatch(tmp_path):
    asked = run(tmp_path / "a", "init", passphrase=None, tty=True, secrets=[PASS, "autre chose ici"])
    assert asked.returncode == 2 and "pas identiques" in asked.stderr
    assert run(tmp_path / "b", "init", passphrase=None, tty=True, secrets=[PASS, PASS]).returncode == 0
    without = run(tmp_path / "c", "init", passphrase=None)
    assert without.returncode == 2 and "JOURNAL_APP_PASSPHRASE" in without.stderr


def test_add_list_search_show(journal):
    assert run(journal, "add", "--text", "Après la réunion, le cœur ouvert.", "--title", "Jeudi",
               "--tags", "réunion, cœur,", "--kind", "reflection").returncode == 0
    assert run(journal, "add", input="Écrit sur l’entrée standard\n").returncode == 0
    empty = run(journal, "add", input="   \n")
    assert empty.returncode == 2 and "rien à enregistrer" in empty.stderr
    listed = json.loads(run(journal, "list", "--json").stdout)
    assert len(listed) == 2
    found = json.loads(run(journal, "search", "reunion", "coeur", "--json", "--kind", "reflection").stdout)
    assert [e["title"] for e in found] == ["Jeudi"] and found[0]["tags"] == ["réunion", "cœur"]
    assert run(journal, "list", "--limit", "1").stdout.count("\n") == 1
    shown = run(journal, "show", found[0]["id"][:8])
    assert "Après la réunion" in shown.stdout and "Réflexion" in shown.stdout
    assert json.loads(run(journal, "show", found[0]["id"], "--json").stdout)["title"] == "Jeudi"
    assert "identifiant" in run(journal, "show", "zzzzzzzz").one_line()
    nothing = run(journal, "search", "introuvable")
    assert nothing.returncode == 0 and nothing.stdout == "" and nothing.stderr.strip()


def test_delete_asks_on_a_terminal_and_needs_yes_elsewhere(journal):
    run(journal, "add", "--text", "À effacer")
    entry = json.loads(run(journal, "list", "--json").stdout)[0]["id"][:8]
    assert "--yes" in run(journal, "delete", entry).one_line()
    kept = run(journal, "delete", entry, tty=True, input="non\n")
    assert kept.returncode == 1 and "annulé" in kept.stderr.lower()
    assert run(journal, "delete", entry, tty=True, input="oui\n").returncode == 0
    assert json.loads(run(journal, "list", "--json").stdout) == []


def test_export_and_import(journal, tmp_path):
    run(journal, "add", "--text", "Un caillou dans la poche", "--title", "Caillou")
    out = tmp_path / "out.json"
    exported = run(journal, "export", "-o", str(out))
    assert exported.returncode == 0 and "n’est pas chiffré" in exported.stderr
    assert len(json.loads(out.read_text("utf-8"))["entries"]) == 1
    assert "existe déjà" in run(journal, "export", "-o", str(out)).one_line()
    assert run(journal, "export", "-o", str(out), "--force", "--format", "markdown").returncode == 0
    imported = run(journal, "import", str(FIXTURES / "jrnl-export.json"))
    assert imported.returncode == 0 and "ajoutées\u00a0: 3" in imported.stdout
    again = run(journal, "import", str(FIXTURES / "jrnl-export.json"))
    assert "déjà dans le journal\u00a0: 3" in again.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("{ oops", "utf-8")
    mixed = run(journal, "import", str(bad), str(FIXTURES / "2024-05-01-marche.md"))
    assert mixed.returncode == 1 and "bad.json" in mixed.stderr and "ajoutées\u00a0: 1" in mixed.stdout


def test_passphrase_change_and_recover(journal, tmp_path):
    key = re.search(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){7}", run(tmp_path / "k", "init").stdout).group(0)
    changed = run(journal, "passphrase", "change", JOURNAL_APP_NEW_PASSPHRASE="une autre phrase de passe")
    assert changed.returncode == 0
    assert "bonne phrase" in run(journal, "list").one_line()
    assert run(journal, "list", passphrase="une autre phrase de passe").returncode == 0
    weak = run(journal, "passphrase", "change", passphrase="une autre phrase de passe",
               JOURNAL_APP_NEW_PASSPHRASE="aaaaaaaa")
    assert "trop facile" in weak.one_line()
    recovered = run(tmp_path / "k", "recover", passphrase=None, JOURNAL_APP_RECOVERY_KEY=key.lower(),
                    JOURNAL_APP_NEW_PASSPHRASE="après la récupération")
    assert recovered.returncode == 0
    assert "clé de récupération" in run(tmp_path / "k", "recover", passphrase=None,
                                        JOURNAL_APP_RECOVERY_KEY="AAAA-" * 7 + "AAAA",
                                        JOURNAL_APP_NEW_PASSPHRASE="encore une autre phrase").one_line()


def test_secrets_from_files(journal, tmp_path):
    secret = tmp_path / "phrase.txt"
    secret.write_text(PASS + "\n", "utf-8")
    assert run(journal, "list", "--passphrase-file", str(secret), passphrase=None).returncode == 0
    missing = run(journal, "list", "--passphrase-file", str(tmp_path / "absent.txt"), passphrase=None)
    assert missing.returncode == 2 and "absent.txt" in missing.stderr


def test_prompts(journal, tmp_path):
    assert run(journal, "prompts", "list").stdout.count("\n") == 13
    assert "Focusing in six movements" in run(journal, "prompts", "show", "focusing-six-steps",
                                              "--lang", "en").stdout
    assert "fichier de pratique valide" in run(journal, "prompts", "validate", str(PACKS / "orid.toml")).stdout
    assert "«\u00a0nulle-part\u00a0»" in run(journal, "prompts", "show", "nulle-part").one_line()
    mine = tmp_path / "mine.toml"
    mine.write_text((PACKS / "orid.toml").read_text("utf-8").replace('id = "orid"', 'id = "orid-cercle"'), "utf-8")
    assert "importé" in run(journal, "prompts", "import", str(mine)).stdout
    out = tmp_path / "out.toml"
    assert run(journal, "prompts", "export", "orid-cercle", "-o", str(out)).returncode == 0
    assert out.read_text("utf-8") == mine.read_text("utf-8")
    assert run(journal, "prompts", "export", "orid-cercle").returncode == 2  # -o is needed


def test_circles_member_and_facilitator(tmp_path):
    from tests.labelled_insights import bundles_for, labelled_set

    facilitator, member = tmp_path / "f", tmp_path / "m"
    run(facilitator, "init")
    run(member, "init")
    code = run(facilitator, "circle", "create", "Cercle", "du", "jeudi").stdout.strip().splitlines()[-1]
    circle_id = run(facilitator, "circle", "list").stdout.split()[0]
    assert run(facilitator, "circle", "invite", circle_id).stdout.strip() == code
    assert "Cercle du jeudi" in run(member, "circle", "join", code).stdout
    assert "pas valide" in run(member, "circle", "join", code[:-4] + "AAAA").one_line()
    bundle = tmp_path / "b.json"
    assert run(member, "circle", "export-outbox", "-o", str(bundle)).returncode == 0
    assert run(member, "circle", "export-outbox").returncode == 2

    from journal_app.circles import Circles
    from journal_app.vault.storage import open_database

    db = open_database(facilitator / "journal.vault", PASS)
    keys = Circles(db).owned_circle(circle_id)
    db.close()
    rows = labelled_set()[::8]
    files = [tmp_path / "partages-1.json", tmp_path / "partages-2.json"]
    for path, data in zip(files, bundles_for(keys, rows, members=2)[0], strict=True):
        path.write_bytes(data)
    received = run(facilitator, "circle", "import", *map(str, files), str(bundle))
    assert received.returncode == 0 and received.stdout.count(f"ajoutées\u00a0: {len(rows) // 2};") == 2
    report = run(facilitator, "circle", "themes", circle_id, "--format", "json")
    assert report.returncode == 0 and json.loads(report.stdout)
    assert "seuil" in run(facilitator, "circle", "themes", circle_id, "--k", "2").one_line()
    # The report is in the circle's language (most of its insights are French), whatever the
    # terminal's, unless --lang names one (#28 m23).
    assert sum(r.lang == "fr" for r in rows) > len(rows) / 2
    english_terminal = run(facilitator, "circle", "themes", circle_id, lang="en_CA.UTF-8")
    assert english_terminal.stdout.startswith("# Thèmes du cercle «\u00a0Cercle du jeudi\u00a0»")
    asked = run(facilitator, "--lang", "en", "circle", "themes", circle_id, lang="fr_CA.UTF-8")
    assert asked.stdout.startswith("# Themes of the circle “Cercle du jeudi”")
    seeded = run(facilitator, "circle", "seed", circle_id, "--theme", "Argent : budget, dons")
    assert seeded.returncode == 0 and "Argent" in seeded.stdout
    assert run(facilitator, "circle", "seed", circle_id).returncode == 2  # --theme is needed


def test_anonymize_has_its_own_text_language(tmp_path):
    english = run(tmp_path, "anonymize", "--text-lang", "en", input="Call Sarah at (438) 555 1234.\n")
    assert english.stdout == "Call [person A] at [phone].\n"
    # --lang is the language of the messages, as for every command; the text's is detected.
    assert run(tmp_path, "anonymize", "--lang", "en", input="Ginette a écrit de ginette@exemple.ca").stdout \
        == "[personne A] a écrit de [courriel]"


@pytest.mark.parametrize("args", [["--lang=en", "list"], ["list", "--lang=en"], ["list", "--lang", "en"],
                                  ["--lang", "en", "list"]])
def test_lang_anywhere_on_the_line(tmp_path, args):
    said = run(tmp_path / "none", *args).one_line()
    assert said.startswith("No journal here") and "journal-app init" in said


def test_usage_errors_are_translated_without_touching_argparse(tmp_path):
    import argparse

    french = run(tmp_path, "list", "--kind", "xyz")
    assert french.returncode == 2 and "choix invalide" in french.stderr and "erreur" in french.stderr
    english = run(tmp_path, "list", "--kind", "xyz", "--lang=en")
    assert "invalid choice" in english.stderr
    assert argparse._("usage: ") == "usage: "  # the module itself is left as it is
    assert translate_argparse("unrecognized arguments: --nope", "fr") == "arguments non reconnus\u00a0: --nope"
    helped = run(tmp_path, "--help")
    assert helped.returncode == 0 and helped.stdout.startswith("utilisation\u00a0: journal-app")


def test_errors_are_one_line_and_traceback_shows_the_story(tmp_path, journal):
    assert run(tmp_path / "vide", "list").one_line().startswith("Aucun journal ici")
    assert "bonne phrase" in run(journal, "list", passphrase="pas la bonne").one_line()
    told = run(journal, "list", "--traceback", passphrase="pas la bonne")
    assert told.returncode == 1 and "Traceback" in told.stderr and "WrongPassphrase" in told.stderr


def test_web_on_a_busy_port_is_one_line(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        said = run(tmp_path, "web", "--port", str(port))
    assert str(port) in said.one_line()


def test_show_and_markdown_export_name_each_answer_by_its_question(journal, tmp_path):
    from journal_app.vault.storage import open_database

    db = open_database(journal / "journal.vault", PASS)
    from journal_app.journal import Journal

    entry = Journal(db).add(kind="reflection", pack_id="orid", title="ORID après une rencontre",
                            answers={"objective": "On a parlé du budget.", "gone": "Une vieille réponse.",
                                     ":handle": "galet"})
    db.close()
    shown = run(journal, "show", entry.id[:8]).stdout
    assert "— Les faits\nOn a parlé du budget." in shown and "— Un mot pour ce qui s’est présenté" in shown
    assert "— Réponse à une question d’une pratique retirée" in shown
    assert "objective" not in shown and "gone" not in shown and ":handle" not in shown
    assert "— The facts" in run(journal, "show", entry.id[:8], "--lang", "en").stdout
    out = tmp_path / "journal.md"
    assert run(journal, "export", "--format", "markdown", "-o", str(out)).returncode == 0
    text = out.read_text("utf-8")
    assert "### Les faits\n\nOn a parlé du budget." in text and "### objective" not in text


@pytest.mark.parametrize("example", ["galets tranquilles sous la pluie", "Quiet pebbles in the rain"])
def test_the_passphrase_the_app_shows_as_an_example_is_refused_on_the_command_line(tmp_path, example):
    refused = run(tmp_path / "data", "init", passphrase=example)
    assert "trop facile à deviner" in refused.one_line()
    assert not (tmp_path / "data" / "journal.vault").exists()


def test_a_base_install_without_the_web_client_says_what_to_install(tmp_path, monkeypatch):
    """`pip install ressenti` without the `desktop` extra, then `journal-app web`: one translated
    line naming the extra, not « Erreur inattendue : ModuleNotFoundError » after « ouvert »."""
    import sys

    monkeypatch.setitem(sys.modules, "flet_web", None)  # as absent as a module can be: import fails
    said = (("fr_CA.UTF-8", "client web n’est pas installé"), ("en_CA.UTF-8", "web client is not installed"))
    for lang, words in said:
        started = run(tmp_path, "web", "--port", "1", lang=lang)
        assert started.returncode == 1 and words in started.stderr and 'ressenti[desktop]' in started.stderr
        assert "ModuleNotFoundError" not in started.stderr and started.stdout == ""

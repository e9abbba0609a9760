"""Trust, round 3: each finding of the December review (shared/reviews/security-2026-12.md) as a
test that failed on the code before it was mended."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest

from journal_app.circles import Circles
from journal_app.harvest import Harvest
from journal_app.sharing import CircleKeys, Insight, Withdrawal, open_envelope, read_bundle
from journal_app.vault import backup_path
from journal_app.vault.storage import open_database
from tests.conftest import PASSPHRASE
from tests.test_harvest import circle_with_member, share, withdrawn_after_import


def opened(bundle: bytes, keys: CircleKeys) -> list[Insight | Withdrawal]:
    return [open_envelope(e, keys) for e in read_bundle(bundle, keys.invitation.circle_id)]


def everything_in(vault: Path, tmp_path: Path) -> str:
    """Every document of a vault file (a copy, opened where no lock is held), as one text."""
    copy = Path(tempfile.mkdtemp(dir=tmp_path)) / "journal.vault"
    shutil.copyfile(vault, copy)
    database = open_database(copy, PASSPHRASE)
    try:
        return repr(database.storage.read())
    finally:
        database.close()


# --- 1. Withdrawn means withdrawn --------------------------------------------------------------
def test_a_withdrawn_insight_leaves_as_its_withdrawal_alone(db, member):
    keys = Circles(db).create("Cercle")
    cid = keys.invitation.circle_id
    circles = Circles(member)
    circles.join(keys.invitation.code())
    kept, gone = share(member, cid, "Une idée qui reste", "Une phrase que je reprends")
    circles.mark_exported(cid, date(2026, 11, 30))  # a first file carried both
    circles.withdraw(gone)
    for _ in range(2):  # and every later file
        messages = opened(circles.outbox_bundle(cid), keys)
        texts = [m.text for m in messages if isinstance(m, Insight)]
        assert texts == ["Une idée qui reste"]
        assert [m.insight_id for m in messages if isinstance(m, Withdrawal)] == [gone]
    assert kept


def test_an_insight_withdrawn_before_any_file_carried_it_never_leaves(db, member):
    keys = Circles(db).create("Cercle")
    cid = keys.invitation.circle_id
    circles = Circles(member)
    circles.join(keys.invitation.code())
    (gone,) = share(member, cid, "Trop personnel, finalement")
    circles.withdraw(gone)
    assert opened(circles.outbox_bundle(cid), keys) == []
    circles.mark_exported(cid, date(2026, 12, 1))
    assert circles.outbox()[0].exported is None  # so no later file carries its withdrawal either
    assert opened(circles.outbox_bundle(cid), keys) == []


def test_the_facilitators_previous_copy_forgets_a_withdrawn_text(db, member, other, vault_file, tmp_path):
    assert withdrawn_after_import(db, member, other)[2].withdrawn == 1
    assert "Partage 0" not in everything_in(vault_file, tmp_path)
    assert "Partage 0" not in everything_in(backup_path(vault_file), tmp_path)
    assert "Partage 1" in everything_in(backup_path(vault_file), tmp_path)  # the copy is still whole




# --- 3. Released batches stay unlinkable -------------------------------------------------------
def test_a_released_insight_keeps_no_trace_of_the_file_it_came_in(db, member, other):
    cid = circle_with_member(db, member, other)
    share(member, cid, *(f"Première personne, idée {n}" for n in range(3)))
    share(other, cid, *(f"Seconde personne, idée {n}" for n in range(3)))
    harvest = Harvest(db)
    harvest.import_bundle(Circles(member).outbox_bundle(cid))
    waiting = [d for d in db.storage.read()["received"].values() if "text" in d]
    assert len(waiting) == 3 and all("bundle" in d for d in waiting)  # needed until released
    harvest.import_bundle(Circles(other).outbox_bundle(cid))
    released = [d for d in db.storage.read()["received"].values() if "text" in d]
    assert len(released) == 6 and all(d["batch"] for d in released)
    assert not any("bundle" in d for d in released)
    assert set(released[0]) == {"circle", "id", "week", "kind", "prompt_id", "lang", "text", "proof", "question",
                                "batch"}


def report_over_weeks(weeks: dict[str, int], k: int = 5):
    from journal_app.theme_report import Report
    from journal_app.themes.model import Theme, ThemeView

    insights = [Insight(f"i{w}{n}", w, "free", "", "fr", f"Idée {w} {n}", "0" * 64)
                for w, count in weeks.items() for n in range(count)]
    view = ThemeView(Theme("t1", "Le temps", [i.id for i in insights]), insights, sorted(weeks.items()),
                     insights[:2])
    return Report("Cercle du jeudi", k, [view], 0, len(insights))


def test_the_report_shows_a_weeks_count_only_where_the_week_holds_k_insights():
    import csv
    import io
    import json

    from journal_app.theme_report import to_csv, to_json, to_markdown

    report = report_over_weeks({"2025-W48": 5, "2025-W49": 1, "2025-W50": 2})
    markdown = to_markdown(report, "fr")
    assert "semaine 48 de 2025 (5), autres semaines (3)" in markdown
    assert "semaine 49" not in markdown and "semaine 50" not in markdown
    rows = list(csv.reader(io.StringIO(to_csv(report, "en"))))
    assert rows[0][:4] == ["theme", "insights", "2025-W48", "other weeks"]
    assert rows[1][:4] == ["Le temps", "8", "5", "3"]
    doc = json.loads(to_json(report))["themes"][0]
    assert doc["weeks"] == {"2025-W48": 5} and doc["other_weeks"] == 3
    # No week reaches k: no week is named at all.
    spread = to_markdown(report_over_weeks({"2025-W48": 3, "2025-W49": 3}), "fr")
    assert "semaine" not in spread and "Le temps (6)" in spread


# --- 4. The lows --------------------------------------------------------------------------------
ESCAPES = "\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2K\u202etxt.exe\u202c\x9b31m"


def test_what_others_wrote_never_drives_the_terminal(tmp_path):
    """An insight's ESC sequences (OSC 52 writes the clipboard, CSI 2K erases a line) and a
    bidirectional override reached `circle themes` and `list` raw."""
    from journal_app.vault.storage import open_database
    from tests.labelled_insights import Labelled, bundles_for
    from tests.test_cli_inprocess import PASS, run

    data = tmp_path / "f"
    run(data, "init")
    circle_id = run(data, "circle", "create", "Cercle").stdout and run(data, "circle", "list").stdout.split()[0]
    db = open_database(data / "journal.vault", PASS)
    keys = Circles(db).owned_circle(circle_id)
    db.close()
    rows = [Labelled("temps", "", "fr", f"Le temps nous manque encore en rencontre {ESCAPES}") for n in range(12)]
    files = []
    for n, bundle in enumerate(bundles_for(keys, rows, members=2)[0]):
        files.append(tmp_path / f"p{n}.json")
        files[-1].write_bytes(bundle)
    assert run(data, "circle", "import", *map(str, files)).returncode == 0
    jrnl = tmp_path / "jrnl.json"
    jrnl.write_text('{"tags": {}, "entries": [{"date": "2026-11-02", "time": "10:00", "title": "Titre '
                    + ESCAPES.replace("\x1b", "\\u001b").replace("\x07", "\\u0007").replace("\x9b", "\\u009b")
                    + '", "body": "corps", "starred": false}]}', "utf-8")
    assert run(data, "import", str(jrnl)).returncode == 0
    outputs = [run(data, "circle", "themes", circle_id, "--k", "3", "--format", fmt).stdout
               for fmt in ("markdown", "csv")]
    outputs += [run(data, "list").stdout, run(data, "search", "Titre").stdout]
    listed = run(data, "list", "--json").stdout
    for out in outputs + [listed]:
        assert not any(ch in out for ch in "\x1b\x07\x9b\u202e\u202c"), out
    assert "Le temps nous manque" in outputs[0] and "\ufffd\\]52" in outputs[0]  # « ] » escaped in Markdown
    assert "Titre \ufffd]52" in outputs[2]
    import json

    assert json.loads(listed)[0]["title"] == "Titre " + ESCAPES  # JSON keeps the data whole, escaped


HUGE = "9" * 5000


@pytest.mark.parametrize("text", [
    "a = " + "[" * 5000 + "]" * 5000, "x = " + "{a = " * 3000 + "1" + "}" * 3000,
    f'format = "ressenti-prompt-pack"\nformat_version = {HUGE}\n'])
def test_a_hostile_pack_is_malformed_not_an_unexpected_error(tmp_path, text):
    from tests.test_cli_inprocess import run

    run(tmp_path, "init")
    pack = tmp_path / "pack.toml"
    pack.write_text(text)
    for action in ("validate", "import"):
        said = run(tmp_path, "prompts", action, str(pack))
        assert said.returncode == 1 and "mal formé" in said.stderr and "inattendue" not in said.stderr


@pytest.mark.parametrize("text", [
    '{"tags": {}, "entries": [{"date": "2026-01-01", "time": "10:00", "title": "t", "body": "b", "starred": '
    + HUGE + "}]}",
    '{"tags": {}, "entries": ' + "[" * 100_000 + "]" * 100_000 + "}"])
def test_a_hostile_jrnl_file_is_malformed_and_nothing_is_imported(tmp_path, text):
    from tests.test_cli_inprocess import run

    run(tmp_path, "init")
    before = (tmp_path / "journal.vault").read_bytes()
    source = tmp_path / "jrnl.json"
    source.write_text(text)
    said = run(tmp_path, "import", str(source))
    assert "mal formé" in said.one_line() and "inattendue" not in said.stderr
    assert (tmp_path / "journal.vault").read_bytes() == before


@pytest.mark.parametrize("version", [HUGE, "true", "1.0"])
def test_a_share_file_with_a_hostile_version_is_refused_as_unreadable(tmp_path, version):
    from tests.test_cli_inprocess import run

    run(tmp_path, "init")
    run(tmp_path, "circle", "create", "Cercle")
    circle_id = run(tmp_path, "circle", "list").stdout.split()[0]
    source = tmp_path / "partage.json"
    source.write_text('{"format": "ressenti-bundle", "version": ' + version + ', "circle": "' + circle_id
                      + '", "envelopes": []}')
    said = run(tmp_path, "circle", "import", str(source))
    assert said.returncode == 1 and "illisible" in said.stdout + said.stderr
    assert "inattendue" not in said.stderr


def test_restore_refuses_when_the_journal_opens_fine(tmp_path):
    """Before: it rolled a healthy journal back one save and labelled the good file « damaged »."""
    from tests.test_cli_inprocess import run

    run(tmp_path, "init")
    run(tmp_path, "add", "--text", "Premier mot")
    run(tmp_path, "add", "--text", "Le dernier mot")
    before = (tmp_path / "journal.vault").read_bytes()
    said = run(tmp_path, "restore")
    assert "rien à restaurer" in said.one_line()
    assert (tmp_path / "journal.vault").read_bytes() == before
    assert not list(tmp_path.glob("*.damaged-*"))
    assert "Le dernier mot" in run(tmp_path, "list").stdout
    assert "phrase de passe" in run(tmp_path, "restore", passphrase="pas la bonne").one_line()


@pytest.mark.slow
def test_the_web_app_answers_only_its_own_address_and_pages(tmp_path):
    """Before: a WebSocket upgrade from any Origin and any Host was accepted (cross-site
    WebSocket; DNS rebinding)."""
    import os
    import socket
    import subprocess
    import sys
    import time

    from tests.test_e2e_browser import free_port

    port = free_port()
    env = {**os.environ, "JOURNAL_APP_DATA_DIR": str(tmp_path / "data")}
    env.pop("DISPLAY", None)
    proc = subprocess.Popen([sys.executable, "-m", "journal_app", "web", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def status(path: str, **headers: str) -> int:
        lines = [f"GET {path} HTTP/1.1", *(f"{k.replace('_', '-')}: {v}" for k, v in headers.items()), "", ""]
        with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
            conn.sendall("\r\n".join(lines).encode())
            return int(conn.recv(200).split()[1])

    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status("/", Host=f"127.0.0.1:{port}")
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.3)
        own = f"127.0.0.1:{port}"
        assert status("/", Host=own) == 200
        assert status("/", Host=f"localhost:{port}") == 200
        assert status("/", Host=f"rebound.example:{port}") == 403
        assert status("/ws", Host=own, Origin="https://evil.example", **upgrade) == 403
        assert status("/ws", Host=f"rebound.example:{port}", Origin=f"http://rebound.example:{port}",
                      **upgrade) == 403
        assert status("/ws", Host=own, Origin=f"http://{own}", **upgrade) == 101
    finally:
        proc.terminate()
        proc.wait(timeout=20)

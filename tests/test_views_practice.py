"""View tests for the practice library, the session player, the reflection wizard, progress."""

from __future__ import annotations

import json
import re

import flet as ft
import pytest

from journal_app.app import build_app
from journal_app.practice import HANDLE_KEY, State
from journal_app.views.player import PlayerScreen
from journal_app.views.progress_screen import ProgressScreen
from journal_app.views.wizard import WizardScreen
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.flet_harness import new_harness, run_ui
from tests.test_views import app, make_journal, unlock


async def to_practices(h):
    bar = h.page.views[-1].navigation_bar
    h.client_sets(bar, selected_index=2)
    await h.fire(bar, "change")
    assert h.has_text("Pratiques")


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_session_runs_rings_the_bell_and_is_saved(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        await h.choose("Séances guidées")
        assert not h.has_text("ORID après une rencontre")
        await h.click(ft.ListTile, "Météo intérieure en cinq minutes")
        player = shell.screen
        assert isinstance(player, PlayerScreen)
        ticks = Ticks()
        player.session.clock = ticks
        assert h.has_text("Pas de note pour l’instant")
        await h.choose("3")
        assert h.has_text("Ma note : 3 sur 10")
        await h.click(ft.FilledButton, "Commencer")
        assert player.session.state is State.RUNNING and h.has_text("Se poser")
        assert "enable" in h.conn.invoked  # the screen is kept awake
        await h.type(h.find(ft.TextField, "Mes notes"), "Les épaules descendent.")
        await h.click(ft.OutlinedButton, "Pause")
        ticks.now += 500  # paused: does not count
        await h.click(ft.OutlinedButton, "Reprendre")
        ticks.now += 30
        player.tick()
        assert player.remaining.value == "0:30" and not player.bell_note.value
        ticks.now += 31
        player.tick()
        await h.settle()
        assert "play" in h.conn.invoked and player.bell_note.value  # the bell, once
        h.conn.invoked.clear()
        player.tick()
        await h.settle()
        assert "play" not in h.conn.invoked
        await h.click(ft.FilledButton, "Suivant")
        await h.click(ft.FilledButton, "Suivant")
        await h.click(ft.FilledButton, "Terminer")
        assert h.has_text("Et maintenant")
        await h.choose("8")
        await h.type(h.find(ft.TextField, "Un mot"), "galet")
        await h.click(ft.FilledButton, "Enregistrer la séance")
        entry = shell.ctx.session.journal.entries()[0]
        assert entry.kind == "focusing" and entry.answers["settle"] == "Les épaules descendent."
        assert entry.answers[HANDLE_KEY] == "galet"
        assert (entry.felt_shift.before, entry.felt_shift.after) == (3, 8)
        assert h.has_text("Pratique enregistrée") and h.has_text("galet")
        # Opened again, the entry shows each note under its step, and the felt shift.
        await h.click(ft.ListTile, "galet")
        notes = h.find(ft.TextField, "Se poser")
        assert notes.value == "Les épaules descendent."
        assert h.has_text("3 sur 10 avant la séance, 8 sur 10 après")
        fields = h.find_all(ft.TextField)
        handle = h.find(ft.TextField, "Un mot pour ce qui s’est présenté")
        assert fields.index(handle) < fields.index(notes)  # the handle word at the top
        await h.type(notes, "Les épaules descendent, le souffle aussi.")
        await h.wait_for(lambda: shell.ctx.session.journal.get(entry.id).answers["settle"]
                         == "Les épaules descendent, le souffle aussi.")
        assert shell.ctx.session.journal.get(entry.id).answers[HANDLE_KEY] == "galet"
        shell.lock()

    run_ui(body)


def test_stopping_a_session_asks_whether_to_keep_the_notes(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        await h.click(ft.ListTile, "Focusing en six mouvements")
        await h.click(ft.FilledButton, "Commencer")
        await h.type(h.find(ft.TextField, "Mes notes"), "Pas le temps aujourd’hui")
        await h.click(ft.TextButton, "Arrêter la séance")
        dialog = next(c for c in h.page._dialogs.controls if isinstance(c, ft.AlertDialog))
        keep = next(b for b in dialog.actions if b.content == "Ne rien garder")
        await h.fire(keep, "click")
        assert len(shell.ctx.session.journal) == 0
        await h.click(ft.ListTile, "Focusing en six mouvements")
        await h.click(ft.FilledButton, "Commencer")
        await h.type(h.find(ft.TextField, "Mes notes"), "À garder")
        shell.lock()  # locking mid-session keeps what was written, and where the session was
        await unlock(h)
        assert shell.ctx.session.journal.entries()[0].answers["clearing"] == "À garder"
        assert h.find(ft.TextField, "Mes notes").value == "À garder"
        shell.lock()

    run_ui(body)


def test_the_wizard_asks_one_question_a_screen_on_a_phone_and_saves_a_draft(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        await h.click(ft.ListTile, "ORID après une rencontre")
        wizard = shell.screen
        assert isinstance(wizard, WizardScreen)
        await h.type(h.find(ft.TextField, "Nom de la rencontre"), "Cercle de jeudi")
        await h.choose("Prise de notes")
        await h.click(ft.FilledButton, "Suivant")
        assert h.has_text("Question 1 sur 4") and not h.has_text("Ce que j’ai ressenti")
        await h.type(h.find(ft.TextField, "Les faits"), "On a parlé du budget.")
        await h.wait_for(lambda: wizard.entry is not None)  # the draft is in the vault already
        journal = shell.ctx.session.journal
        assert journal.get(wizard.entry.id).answers == {"objective": "On a parlé du budget."}
        await h.click(ft.FilledButton, "Suivant")
        await h.type(h.find(ft.TextField, "Ce que j’ai ressenti"), "Surprise, puis soulagement.")
        await h.click(ft.FilledButton, "Suivant")
        await h.click(ft.FilledButton, "Suivant")
        await h.click(ft.FilledButton, "Terminer")
        entry = journal.entries()[0]
        assert entry.kind == "reflection" and entry.pack_id == "orid"
        assert entry.meeting.name == "Cercle de jeudi" and entry.meeting.role == "scribe"
        assert set(entry.answers) == {"objective", "reflective"}
        assert entry.title == "ORID après une rencontre — Cercle de jeudi"
        shell.lock()

    run_ui(body)


def test_the_wizard_shows_every_question_on_a_wide_screen(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path, width=1280)
        await unlock(h)
        shell.show_practices()
        await h.click(ft.ListTile, "Bilan en quatre temps")
        for label in ("Ce que j’ai aimé", "Ce que j’ai appris", "Ce qui a manqué",
                      "Ce que je souhaite"):
            assert h.find(ft.TextField, label)
        await h.click(ft.TextButton, "Arrêter")
        dialog = next(c for c in h.page._dialogs.controls if isinstance(c, ft.AlertDialog))
        await h.fire(next(b for b in dialog.actions if b.content == "Ne rien garder"), "click")
        assert len(shell.ctx.session.journal) == 0
        shell.lock()

    run_ui(body)


def test_progress_shows_weeks_and_the_felt_shift(tmp_path):
    from journal_app.journal import FeltShift

    make_journal(tmp_path, [("x", {"kind": "focusing", "felt_shift": FeltShift(2, 6)}),
                            ("y", {"kind": "reflection"})])

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        await h.click(ft.OutlinedButton, "Mon parcours")
        assert isinstance(shell.screen, ProgressScreen)
        assert h.has_text("2 pratiques en 12 semaines")
        chart = h.find(ft.Semantics, "pratiques en 12").content
        assert sum(group.rods[0].to_y for group in chart.groups) == 2
        # m15: whole practices on the axis, in the reader's way of writing numbers
        assert [(a.value, a.label.value) for a in chart.left_axis.labels] == [(v, str(v)) for v in range(4)]
        assert h.has_text("Comment je me sentais avant et après, à la dernière séance notée")
        line = h.find(ft.Semantics, "à la dernière séance").content
        assert [[(p.x, p.y) for p in d.points] for d in line.data_series] == [[(0, 2)], [(0, 6)]]
        assert [a.value for a in line.left_axis.labels] == [0, 2, 4, 6, 8, 10]
        assert all(d.point for d in line.data_series)  # one session alone draws no line: dots
        assert line.min_x < 0 < line.max_x
        assert h.has_text("2 sur 10 avant, 6 sur 10 après")  # the same, said in words
        assert not any(ch in text for text in h.texts() for ch in "━→")  # glyphs the font lacks
        shell.lock()

    run_ui(body)


def test_packs_are_imported_and_exported_from_the_library(tmp_path):
    from pathlib import Path

    make_journal(tmp_path)
    orid = (Path(__file__).parent.parent / "journal_app" / "prompts" / "orid.toml").read_text("utf-8")
    mine = orid.replace('id = "orid"', 'id = "orid-cercle"').replace(
        'fr = "ORID après une rencontre"', 'fr = "ORID du cercle"')

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        library = shell.screen
        library.import_files([("mine.toml", mine.encode()), ("orid.toml", orid.encode()),
                              ("broken.toml", b"id = [")])
        status = library.import_status.value
        assert "orid-cercle" in status and "pratique intégrée" in status and "broken.toml" in status
        h.page.update()
        assert h.has_text("ORID du cercle")
        await library.export_pack(library.library.get("orid-cercle"))
        assert "save_file" in h.conn.invoked
        shell.lock()

    run_ui(body)


def test_the_felt_ratings_can_be_left_blank_before_and_after(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        await h.choose("Séances guidées")
        await h.click(ft.ListTile, "Météo intérieure en cinq minutes")
        chips = [c for c in h.find_all(ft.Chip) if c.data in range(11)]
        assert [h.chip_text(c) for c in chips] == [str(n) for n in range(11)]
        assert not any(c.selected for c in chips)  # no preset value: the person chooses
        await h.choose("6")  # chosen, then taken back
        assert h.has_text("Ma note : 6 sur 10")
        await h.choose("4")  # another number: only it is chosen
        assert [h.chip_text(c) for c in chips if c.selected] == ["4"]
        four = next(c for c in chips if c.data == 4)
        four.selected = False  # tapped again: the client unticks it
        await h.fire(four, "select")
        assert not any(c.selected for c in chips) and h.has_text("Pas de note pour l’instant")
        await h.choose("4")
        await h.click(ft.TextButton, "Ne pas noter")
        assert h.has_text("Pas de note pour l’instant") and not h.has_text("Ma note")
        assert not any(c.selected for c in chips)
        await h.click(ft.FilledButton, "Commencer")
        for _ in range(2):
            await h.click(ft.FilledButton, "Suivant")
        await h.click(ft.FilledButton, "Terminer")
        assert h.has_text("(facultatif)")
        await h.click(ft.FilledButton, "Enregistrer la séance")  # no rating after either
        entry = shell.ctx.session.journal.entries()[0]
        assert entry.kind == "focusing" and entry.felt_shift is None
        assert h.has_text("Pratique enregistrée")

    run_ui(body)


def test_the_new_packs_open_from_the_practices_screen_in_both_languages(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        await h.click(ft.ListTile, "Le pouls du noyau porteur")
        assert isinstance(shell.screen, PlayerScreen)
        await h.click(ft.FilledButton, "Commencer")
        assert h.has_text("Se poser") and h.has_text("Étape 1 sur 6")
        await h.click(ft.TextButton, "Arrêter la séance")
        await h.click(ft.TextButton, "Ne rien garder")
        for title, first in (("Après une rencontre en gouvernance partagée", "Ma voix dans les tours"),
                             ("Apprendre entre pairs, en ligne ou en présence", "Le format et mon corps")):
            await to_practices(h)
            await h.click(ft.ListTile, title)
            assert isinstance(shell.screen, WizardScreen)
            assert h.has_text("Chaque question est facultative")
            await h.click(ft.FilledButton, "Suivant")  # past the meeting's name and date
            await h.type(h.find(ft.TextField, first), "Quelques mots.")
            await h.click(ft.TextButton, "Arrêter")
            await h.click(ft.TextButton, "Ne rien garder")

    run_ui(body)


STOPS = {  # practice, its first button, its field, its stop button, « keep going », the dialog's title
    "session": ("Météo intérieure en cinq minutes", "Commencer", "Mes notes", "Arrêter la séance",
                "Reprendre la séance", "Arrêter maintenant?"),
    "reflection": ("ORID après une rencontre", "Suivant", "Les faits", "Arrêter",
                   "Reprendre la réflexion", "Arrêter la réflexion?"),
}


@pytest.mark.parametrize("kind", STOPS)
def test_stopping_a_practice_with_each_choice_tapped_twice_never_crashes(tmp_path, kind):
    """The « Arrêter maintenant? » dialog once stayed on screen after a choice; a second tap
    then raised WrongMoment ("Error running app")."""
    practice, begin, field, stop, resume, title = STOPS[kind]
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        journal = shell.ctx.session.journal
        for choice, kept in (("Garder mes notes", 1), ("Ne rien garder", 0)):
            before = len(journal)
            await to_practices(h)
            await h.click(ft.ListTile, practice)
            await h.click(ft.FilledButton, begin)
            await h.type(h.find(ft.TextField, field), "Une note à garder ou non.")
            await h.click(ft.TextButton, stop)
            await h.click(ft.TextButton, resume)
            assert not h.has_text(title)
            if kind == "session":  # the clock goes on where it was
                assert shell.screen.session.state is State.RUNNING
            await h.click(ft.TextButton, stop)
            button = h.find(ft.TextButton, choice)
            await h.fire(button, "click")
            await h.fire(button, "click")  # a double tap, or a tap on a dialog still closing
            assert not h.has_text(title)
            assert len(journal) == before + kept
        assert not isinstance(shell.screen, (PlayerScreen, WizardScreen))

    run_ui(body)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_practice_under_way_has_no_navigation_to_pull_the_person_elsewhere(tmp_path, width):
    """Focus mode: during a session or a reflection, no navigation bar (phone) or rail (wide);
    the lock stays, and back leads to the practices, where the navigation is again."""
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path, width=width)
        await unlock(h)
        shell.go("/practices")
        await h.settle()
        for title in ("Météo intérieure en cinq minutes", "ORID après une rencontre"):
            await h.click(ft.ListTile, title)
            view = h.page.views[-1]
            assert view.navigation_bar is None and not h.find_all(ft.NavigationRail)
            assert h.find(ft.IconButton, "Verrouiller le journal")
            shell.go_back()
            await h.settle()
            assert h.page.views[-1].navigation_bar is not None or h.find_all(ft.NavigationRail)
        shell.lock()

    run_ui(body)


def test_a_chip_with_the_keyboard_focus_draws_a_ring_chosen_or_not(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        await h.choose("Séances guidées")
        await h.click(ft.ListTile, "Météo intérieure en cinq minutes")
        await h.choose("4")
        four = next(c for c in h.find_all(ft.Chip) if c.data == 4)
        assert four.selected and four.border_side is None
        await h.fire(four, "focus")  # Tab reaches the chosen number
        assert four.border_side is not None and four.border_side.width >= 3
        await h.fire(four, "blur")
        assert four.border_side is None
        shell.lock()

    run_ui(body)


# -- a guided session within reach (experience review 2026-12-03: M4, m7, m19, p3, p14, p15) -----

def scrolls_away(control) -> bool:
    """Whether the control sits in a scrolling column (it may leave the screen)."""
    node = control.parent
    while node is not None:
        if getattr(node, "scroll", None) is not None:
            return True
        node = node.parent
    return False


def test_the_session_bar_stays_on_screen_while_the_step_scrolls(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        await h.click(ft.ListTile, "Météo intérieure en cinq minutes")
        await h.click(ft.FilledButton, "Commencer")
        for step in range(3):
            forward = "Terminer" if step == 2 else "Suivant"
            bar = [h.find(ft.OutlinedButton, "Précédent"), h.find(ft.OutlinedButton, "Pause"),
                   h.find(ft.FilledButton, forward), h.find(ft.TextButton, "Arrêter la séance"),
                   next(c for c in h.walk() if isinstance(c, ft.Text)  # the time left, « 1:00 »
                        and re.fullmatch(r"\d+:\d\d", str(c.value or "")))]
            assert not any(scrolls_away(c) for c in bar)
            assert scrolls_away(h.find(ft.TextField, "Mes notes"))  # the step's text and notes scroll
            if step < 2:
                await h.click(ft.FilledButton, forward)
        shell.lock()

    run_ui(body)


def test_the_reflection_bar_stays_on_screen_and_the_answer_gets_the_cursor(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        await h.click(ft.ListTile, "ORID après une rencontre")
        for label in ("Les faits", "Ce que j’ai ressenti", "Ce que j’en comprends", "Pour la suite"):
            await h.click(ft.FilledButton, "Suivant")
            answer = h.find(ft.TextField, label)
            assert h.conn.focused(answer)  # the cursor in the answer, ready to type
            assert answer.min_lines > 3 and scrolls_away(answer)
            bar = [h.find(ft.TextButton, "Arrêter"), h.find(ft.OutlinedButton, "Précédent")]
            bar.append(h.find(ft.FilledButton, "Terminer" if label == "Pour la suite" else "Suivant"))
            assert not any(scrolls_away(c) for c in bar)
        shell.lock()

    run_ui(body)


def test_after_each_step_the_keyboard_stays_on_the_bar_not_on_the_lock(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        await h.click(ft.ListTile, "Météo intérieure en cinq minutes")
        await h.click(ft.FilledButton, "Commencer")
        for _ in range(2):
            h.conn.invoked_on.clear()
            forward = h.find(ft.FilledButton, "Suivant")
            await h.click(ft.FilledButton, "Suivant")
            assert h.conn.focused(forward)  # the same button, now « Suivant » or « Terminer »
            assert not h.conn.focused(h.find(ft.IconButton, "Verrouiller le journal"))
        h.conn.invoked_on.clear()
        await h.click(ft.OutlinedButton, "Précédent")
        assert h.conn.focused(h.find(ft.OutlinedButton, "Précédent"))
        shell.lock()

    run_ui(body)


def test_the_time_left_is_said_in_minutes_and_seconds_not_as_a_percentage(tmp_path):
    for lang in ("fr", "en"):
        make_journal(tmp_path / lang)

    async def body():
        for lang, said in (("fr", "1 min 58 s restantes"), ("en", "1 min 58 s left")):
            h, shell = await app(tmp_path / lang, lang=lang)
            shell.ctx.session.unlock(PASSPHRASE)
            shell.render()
            shell.go("/practice/focusing-six-steps")  # its first step: 5 minutes
            await h.settle()
            await h.click(ft.FilledButton, "Commencer" if lang == "fr" else "Start")
            player = shell.screen
            ticks = Ticks()
            player.session.clock = ticks
            player.session._running_since = 0.0
            ticks.now = 182
            player.tick()
            timer = h.find(ft.Semantics, said)
            assert timer.exclude_semantics  # the ring's own percentage is not read
            ticks.now = 299
            player.tick()
            assert h.find(ft.Semantics, "1 s restante" if lang == "fr" else "1 s left")
            shell.lock()

    run_ui(body)


def test_a_reload_mid_session_resumes_the_same_session_at_the_same_step(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        await h.click(ft.ListTile, "Météo intérieure en cinq minutes")
        await h.choose("3")
        ticks = Ticks()
        shell.screen.session.clock = ticks
        await h.click(ft.FilledButton, "Commencer")
        await h.type(h.find(ft.TextField, "Mes notes"), "Les épaules descendent.")
        ticks.now += 50
        await h.click(ft.FilledButton, "Suivant")
        await h.type(h.find(ft.TextField, "Mes notes"), "Un nœud dans le ventre.")
        ticks.now += 20
        address = shell.route
        shell.lock(show=False)  # the tab reloads: its page goes, the journal closes

        h = await new_harness()
        h.page.route = address  # the address the browser reloads
        shell = build_app(h.page, tmp_path, autosave_delay=0.01)
        shell.ctx.session._kdf = FAST_KDF
        h.page.update()
        await unlock(h)
        player = shell.screen
        assert isinstance(player, PlayerScreen) and h.has_text("Étape 2 sur 3")
        assert h.has_text("Vous reprenez là où vous en étiez")
        assert h.find(ft.TextField, "Mes notes").value == "Un nœud dans le ventre."
        assert player.session.state is State.PAUSED  # the time locked did not count
        player.session.clock = ticks
        ticks.now += 3600
        await h.click(ft.OutlinedButton, "Reprendre")
        ticks.now += 30
        await h.click(ft.FilledButton, "Suivant")
        ticks.now += 10
        await h.click(ft.FilledButton, "Terminer")
        await h.type(h.find(ft.TextField, "Un mot"), "galet")
        await h.click(ft.FilledButton, "Enregistrer la séance")
        [entry] = shell.ctx.session.journal.entries()  # one entry, not the partial one beside it
        assert entry.answers["settle"] == "Les épaules descendent."
        assert entry.answers["inventory"] == "Un nœud dans le ventre."
        assert entry.felt_shift.before == 3
        assert (entry.practiced.seconds, entry.practiced.completed) == (50 + 20 + 30 + 10, True)  # M7
        await to_practices(h)
        await h.click(ft.ListTile, "Météo intérieure en cinq minutes")
        assert h.has_text("Commencer")  # finished: the next session starts anew
        shell.lock()

    run_ui(body)


def test_a_reload_mid_reflection_keeps_the_answers_and_the_one_draft(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        await h.click(ft.ListTile, "Bilan en quatre temps")
        await h.type(h.find(ft.TextField, "Nom de la rencontre"), "Cercle de jeudi")
        await h.click(ft.FilledButton, "Suivant")
        await h.type(h.find(ft.TextField, "Ce que j’ai aimé"), "L’écoute du groupe.")
        await h.wait_for(lambda: len(shell.ctx.session.journal) == 1)  # the draft, saved as typed
        address = shell.route
        shell.lock(show=False)

        h = await new_harness()
        h.page.route = address
        shell = build_app(h.page, tmp_path, autosave_delay=0.01)
        shell.ctx.session._kdf = FAST_KDF
        h.page.update()
        await unlock(h)
        assert isinstance(shell.screen, WizardScreen) and h.has_text("Question 1 sur 4")
        assert h.find(ft.TextField, "Ce que j’ai aimé").value == "L’écoute du groupe."
        await h.click(ft.FilledButton, "Suivant")
        await h.type(h.find(ft.TextField, "Ce que j’ai appris"), "Ralentir.")
        await h.click(ft.OutlinedButton, "Précédent")
        assert h.find(ft.TextField, "Ce que j’ai aimé").value == "L’écoute du groupe."
        for _ in range(4):
            if h.find_all(ft.FilledButton, "Terminer"):
                break
            await h.click(ft.FilledButton, "Suivant")
        await h.click(ft.FilledButton, "Terminer")
        [entry] = shell.ctx.session.journal.entries()  # never a second draft
        assert entry.answers == {"liked": "L’écoute du groupe.", "learned": "Ralentir."}
        assert entry.meeting.name == "Cercle de jeudi"
        shell.lock()

    run_ui(body)


def least_box(control) -> tuple[float, float]:
    """The smallest width and height a control takes, whatever its text: its own size, or the
    largest of what it stacks (a text alone may be as small as its glyphs)."""
    if isinstance(control, ft.Stack):
        boxes = [least_box(c) for c in control.controls]
        return max(w for w, _ in boxes), max(h for _, h in boxes)
    if isinstance(control, ft.Container):
        inner = least_box(control.content) if control.content is not None else (0, 0)
        return max(control.width or 0, inner[0]), max(control.height or 0, inner[1])
    return 0, 0


def test_the_0_to_10_chips_are_44_px_targets_before_and_after(tmp_path):
    """p18: the numbers 0 to 10 before and after a session were 42 × 34 px semantic nodes (a
    number is one digit or two, a chip took its glyphs' size): each is now at least 44 px a
    side, said as its number, tapped and chosen the same way, and still 44 px once chosen."""
    from journal_app.views.theme import MIN_TARGET

    make_journal(tmp_path)

    def numbers(h):
        return [c for c in h.walk() if isinstance(c, ft.Chip) and h.chip_text(c).isdigit()]

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        await h.click(ft.ListTile, "Séance guidée de Wholebody Focusing")
        chips = numbers(h)
        assert [h.chip_text(c) for c in chips] == [str(n) for n in range(11)]
        for chip in chips:
            assert min(least_box(chip.label)) >= MIN_TARGET, (h.chip_text(chip), least_box(chip.label))
        await h.choose("7")
        assert chips[7].selected and h.has_text("Ma note : 7 sur 10")
        assert min(least_box(numbers(h)[7].label)) >= MIN_TARGET
        await h.click(ft.FilledButton, "Commencer")
        for _ in shell.screen.session.pack.steps[:-1]:
            await h.click(ft.FilledButton, "Suivant")
        await h.click(ft.FilledButton, "Terminer")
        after = numbers(h)
        assert len(after) == 11 and all(min(least_box(c.label)) >= MIN_TARGET for c in after)
        await h.choose("10")
        assert after[10].selected and h.has_text("Ma note : 10 sur 10")
        shell.lock()

    run_ui(body)


def test_the_player_has_one_back_control_the_app_bars(tmp_path):
    """p1: the player's intro showed its own « Retour » button under the app bar's arrow, two
    back controls read by a screen reader. The arrow alone stays; tapped before the session
    starts it goes back to the practices, tapped during it, it asks as « Arrêter » does."""
    from tests.test_routes import back_controls

    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        await h.click(ft.ListTile, "Météo intérieure en cinq minutes")
        assert isinstance(shell.screen, PlayerScreen) and back_controls(h) == ["Retour"]
        await h.click(ft.IconButton, "Retour")
        assert shell.route == "/practices" and not isinstance(shell.screen, PlayerScreen)
        await h.click(ft.ListTile, "Météo intérieure en cinq minutes")
        await h.click(ft.FilledButton, "Commencer")
        assert back_controls(h) == ["Retour"]
        await h.click(ft.IconButton, "Retour")
        assert h.has_text("Arrêter maintenant?") and isinstance(shell.screen, PlayerScreen)
        await h.click(ft.TextButton, "Reprendre la séance")
        shell.lock()

    run_ui(body)


@pytest.mark.parametrize("how", ["browser", "app bar"])
def test_back_during_a_session_asks_as_stop_does(tmp_path, how):
    make_journal(tmp_path)

    async def back(h, shell):
        if how == "browser":  # the client reports the previous address
            h.page.route = "/practices"
            await h.fire(h.page, "route_change", {"route": "/practices"})
        else:
            await h.click(ft.IconButton, "Retour")

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        await h.click(ft.ListTile, "Météo intérieure en cinq minutes")
        await h.click(ft.FilledButton, "Commencer")
        await h.type(h.find(ft.TextField, "Mes notes"), "Presque rien.")
        session_address = shell.route
        await back(h, shell)
        assert h.has_text("Arrêter maintenant?") and isinstance(shell.screen, PlayerScreen)
        await h.click(ft.TextButton, "Reprendre la séance")
        await h.settle()
        assert shell.route == session_address and h.page.route == session_address
        assert shell.screen.session.state is State.RUNNING
        await back(h, shell)
        await h.click(ft.TextButton, "Garder mes notes")
        assert shell.route == "/practices" and not isinstance(shell.screen, PlayerScreen)
        [entry] = shell.ctx.session.journal.entries()
        assert entry.answers["settle"] == "Presque rien."
        await h.click(ft.ListTile, "Météo intérieure en cinq minutes")
        assert h.has_text("Commencer")  # stopped on purpose: nothing to resume
        shell.lock()

    run_ui(body)


def test_back_during_a_reflection_asks_and_can_drop_the_draft(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        await h.click(ft.ListTile, "ORID après une rencontre")
        await h.click(ft.FilledButton, "Suivant")
        await h.type(h.find(ft.TextField, "Les faits"), "On a parlé du budget.")
        await h.wait_for(lambda: len(shell.ctx.session.journal) == 1)
        h.page.route = "/practices"
        await h.fire(h.page, "route_change", {"route": "/practices"})
        assert h.has_text("Arrêter la réflexion?")
        await h.click(ft.TextButton, "Ne rien garder")
        assert shell.route == "/practices" and len(shell.ctx.session.journal) == 0
        shell.lock()

    run_ui(body)


def test_the_lock_screen_puts_the_cursor_in_the_passphrase(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        h.conn.invoked_on.clear()
        await h.click(ft.IconButton, "Verrouiller le journal")
        field = h.find(ft.TextField, "Phrase de passe")
        await h.wait_for(lambda: h.conn.focused(field), timeout=5)

    run_ui(body)


def test_the_crisis_numbers_are_one_tap_to_dial(tmp_path):
    """m21: « 811 », « 1 866 APPELLE » and « 9-8-8 » were plain text; « 1 866 APPELLE » could
    break across lines."""
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        notice = next(c for c in h.walk() if isinstance(c, ft.Text) and c.spans
                      and "Info-Social" in "".join(s.text or "" for s in c.spans))
        links = {s.text: s.url for s in notice.spans if s.url}
        assert links == {"811": "tel:811", "1\u00a0866\u00a0APPELLE (277-3553)": "tel:+18662773553",
                         "9-8-8": "tel:988", "9-1-1": "tel:911"}
        shell.lock()

    run_ui(body)


def test_a_session_clicked_through_and_one_abandoned_count_as_what_was_done(tmp_path):
    """M7: the 22-minute Wholebody Focusing session clicked through in 45 s, and the check-in
    stopped at step 2: « Compétences », « Mon parcours » and the signed claim count one practice
    and the minute it took, never 22 minutes; the stopped one is shown apart, never claimable."""
    from journal_app.circles import Circles, new_relay
    from journal_app.recognition.exchange import read_message
    from journal_app.session import JournalSession
    from tests.conftest import FAST_KDF as KDF
    from tests.test_views_recognition import journal_in, shown_code

    facilitator = JournalSession(tmp_path / "f", kdf=KDF)
    facilitator.create(PASSPHRASE)
    keys = Circles(facilitator.database).create("Cercle du jeudi", relay=new_relay("http://127.0.0.1:9"))
    facilitator.lock()
    journal_in(tmp_path / "m", keys.invitation.code())

    async def body():
        h, shell = await app(tmp_path / "m")
        await unlock(h)
        await to_practices(h)
        await h.click(ft.ListTile, "Séance guidée de Wholebody Focusing")
        ticks = Ticks()
        shell.screen.session.clock = ticks
        await h.click(ft.FilledButton, "Commencer")
        for _ in range(8):
            ticks.now += 5
            await h.click(ft.FilledButton, "Suivant")
        ticks.now += 5
        await h.click(ft.FilledButton, "Terminer")
        ticks.now += 300  # the questions after are not practice time
        await h.click(ft.FilledButton, "Enregistrer la séance")

        await to_practices(h)
        await h.click(ft.ListTile, "Météo intérieure en cinq minutes")
        shell.screen.session.clock = ticks
        await h.click(ft.FilledButton, "Commencer")
        ticks.now += 20
        await h.click(ft.FilledButton, "Suivant")
        await h.type(h.find(ft.TextField, "Mes notes"), "Pas le temps.")
        ticks.now += 10
        await h.click(ft.TextButton, "Arrêter la séance")
        dialog = next(c for c in h.page._dialogs.controls if isinstance(c, ft.AlertDialog))
        await h.fire(next(b for b in dialog.actions if b.content == "Garder mes notes"), "click")
        assert len(shell.ctx.session.journal) == 2

        # Each entry says what it was: taken to its end, or stopped, and the time it took.
        await h.click(ft.ListTile, "Météo intérieure en cinq minutes")
        assert h.has_text("Séance commencée, non terminée\u00a0: moins d’une minute de pratique, sans les pauses.")
        shell.go("/")
        await h.settle()
        await h.click(ft.ListTile, "Séance guidée de Wholebody Focusing")
        assert h.has_text("Séance menée jusqu’au bout\u00a0: 1\u00a0min de pratique, sans les pauses.")

        shell.go("/progress")
        await h.settle()
        assert h.has_text("En 12 semaines, 1\u00a0pratique menée jusqu’au bout.")
        assert h.has_text("Temps passé en séance guidée\u00a0: 1\u00a0min (les pauses ne comptent pas).")
        assert h.has_text("Commencée, non terminée\u00a0: 1\u00a0pratique, qui n’est pas comptée.")
        await h.click(ft.FilledButton, "Compétences")
        wbf = "Séance guidée de Wholebody Focusing — 1 pratique, la dernière le "
        counted = next(t for t in h.texts() if t.startswith(wbf))
        assert counted.endswith("En tout\u00a0: 1\u00a0min.") and "22\u00a0min" not in counted
        assert h.has_text("Météo intérieure en cinq minutes — 1\u00a0pratique commencée, non terminée (pas comptée).")

        shell.go("/skill/wholebody_focusing")
        await h.settle()
        labels = [b.label for b in h.find_all(ft.Checkbox)]
        assert "Séance guidée de Wholebody Focusing" in labels
        assert "Météo intérieure en cinq minutes" not in labels  # nothing to claim of it
        await h.type(h.find(ft.TextField, "Votre nom dans ce cercle"), "Camille")
        await h.type(h.find(ft.TextField, "Dans vos mots"), "Je reviens au sol.")
        box = h.find(ft.Checkbox, "Séance guidée de Wholebody Focusing")
        h.client_sets(box, value=True)
        await h.fire(box, "change")
        assert h.has_text("Compté par le journal — Séance guidée de Wholebody Focusing\u00a0: 1 pratique")
        await h.click(ft.FilledButton, "Signer et demander une reconnaissance")
        await h.wait_for(lambda: any(t.startswith("RSNTR1-") for t in h.texts()))
        claim = read_message(shown_code(h)).credential
        said = json.dumps(claim, ensure_ascii=False)
        assert "1 pratique, la dernière le" in said and "En tout\u00a0: 1\u00a0min." in said
        assert "22\u00a0min" not in said and "Météo" not in said and "5\u00a0min" not in said
        shell.lock()

    run_ui(body)


def test_a_reflection_stopped_after_one_answer_is_shown_apart_never_counted(tmp_path):
    """M7 for reflections: an ORID stopped after its first answer counted as a practice like
    one taken to « Terminer », in « Mon parcours », « Compétences » and a signed claim. Like a
    session, a reflection counts once finished; one stopped is kept in the journal, said so
    on its entry, shown apart and never claimable; a reflection the lock closed under and
    finished later counts once."""
    from journal_app.recognition.exchange import read_message
    from tests.test_views_recognition import shown_code

    make_journal(tmp_path)

    async def stop_and_keep(h):
        await h.click(ft.TextButton, "Arrêter")
        dialog = next(c for c in h.page._dialogs.controls if isinstance(c, ft.AlertDialog))
        await h.fire(next(b for b in dialog.actions if b.content == "Garder mes notes"), "click")

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        journal = shell.ctx.session.journal
        await to_practices(h)
        await h.click(ft.ListTile, "ORID après une rencontre")
        await h.click(ft.FilledButton, "Suivant")
        await h.type(h.find(ft.TextField, "Les faits"), "On était six.")
        await h.wait_for(lambda: len(journal) == 1)
        await stop_and_keep(h)
        assert [e.answers for e in journal.entries()] == [{"objective": "On était six."}]

        await to_practices(h)
        await h.click(ft.ListTile, "ORID après une rencontre")
        await h.click(ft.FilledButton, "Suivant")
        await h.type(h.find(ft.TextField, "Les faits"), "On a parlé du budget.")
        await h.wait_for(lambda: len(journal) == 2)
        shell.lock()  # the journal closes under the reflection: it opens again where it was
        await unlock(h)
        assert isinstance(shell.screen, WizardScreen)
        for _ in range(3):
            await h.click(ft.FilledButton, "Suivant")
        await h.click(ft.FilledButton, "Terminer")
        assert len(journal) == 2

        stopped = next(e for e in journal.entries() if e.answers["objective"] == "On était six.")
        shell.go(f"/entry/{stopped.id}")
        await h.settle()
        assert h.has_text("Réflexion commencée, non terminée : elle n’est pas comptée dans votre parcours.")
        assert not h.has_text("de pratique, sans les pauses")  # a reflection has no timer
        shell.go("/progress")
        await h.settle()
        assert h.has_text("En 12 semaines, 1 pratique menée jusqu’au bout.")
        assert h.has_text("Commencée, non terminée : 1 pratique, qui n’est pas comptée.")
        await h.click(ft.FilledButton, "Compétences")
        assert any(t.startswith("ORID après une rencontre — 1 pratique, la dernière le ") for t in h.texts())
        assert h.has_text("ORID après une rencontre — 1 pratique commencée, non terminée (pas comptée).")

        shell.go("/skill/collective_intelligence")
        await h.settle()
        await h.type(h.find(ft.TextField, "Votre nom dans ce cercle"), "Camille")
        await h.type(h.find(ft.TextField, "Dans vos mots"), "Je nomme les faits avant d’interpréter.")
        box = h.find(ft.Checkbox, "ORID après une rencontre")
        h.client_sets(box, value=True)
        await h.fire(box, "change")
        assert h.has_text("Compté par le journal — ORID après une rencontre : 1 pratique")
        await h.click(ft.FilledButton, "Signer et demander une reconnaissance")
        await h.wait_for(lambda: any(t.startswith("RSNTR1-") for t in h.texts()))
        said = json.dumps(read_message(shown_code(h)).credential, ensure_ascii=False)
        assert "1 pratique, la dernière le" in said and "2 pratiques" not in said
        shell.lock()

    run_ui(body)


def test_a_practice_is_exported_from_one_button_not_an_icon_beside_every_card(tmp_path):
    """Issue 28 (p17): an export icon beside every practice card was noise for members. One
    « Exporter une pratique » beside « Importer une pratique » asks which one, then saves it."""
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        assert h.find_all(ft.Card)
        assert not [c for card in h.find_all(ft.Card) for c in h.walk(card) if isinstance(c, ft.IconButton)]
        await h.click(ft.OutlinedButton, "Exporter une pratique")
        assert h.has_text("Quelle pratique exporter?")
        await h.choose("ORID après une rencontre")
        await h.click(ft.FilledButton, "Exporter")
        await h.wait_for(lambda: h.has_text("Pratique orid exportée."))
        assert "save_file" in h.conn.invoked
        shell.lock()

    run_ui(body)


def test_the_scale_is_explained_before_its_chips(tmp_path):
    """p16: « 0 : beaucoup de tension… » came after the 0–10 chips."""
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await to_practices(h)
        await h.click(ft.ListTile, "Séance guidée de Wholebody Focusing")
        order = [c for c in shell.screen.body.controls]
        help_at = next(i for i, c in enumerate(order) if isinstance(c, ft.Text) and (c.value or "").startswith("0"))
        chips_at = next(i for i, c in enumerate(order) if any(isinstance(x, ft.Chip) for x in h.walk(c)))
        assert help_at < chips_at
        shell.lock()

    run_ui(body)

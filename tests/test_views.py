"""View tests without a client: first run, unlock, journal, editor, settings, auto-lock."""

from __future__ import annotations

from pathlib import Path

import flet as ft
import pytest

from journal_app.app import build_app
from journal_app.session import JournalSession
from journal_app.settings import Settings, save_settings
from journal_app.views.journal_list import PAGE_SIZE
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.flet_harness import new_harness, plain, run_ui


def make_journal(data_dir, entries=()):
    session = JournalSession(data_dir, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    for body, fields in entries:
        session.journal.add(body, **fields)
    session.lock()


async def app(data_dir, width=390, lang="fr"):
    save_settings(data_dir, Settings(language=lang))
    h = await new_harness(width=width)
    shell = build_app(h.page, data_dir, autosave_delay=0.01)
    shell.ctx.session._kdf = FAST_KDF
    h.page.update()
    return h, shell


async def saved_by(h, button: str, suffix: str, expected: str, said: str) -> None:
    """Tap an export button: the file offered for saving has that suffix and holds `expected`,
    and the screen then says `said`."""
    h.conn.invoked_args.clear()
    await h.click(ft.OutlinedButton, button)
    await h.wait_for(lambda: any(name == "save_file" for name, _ in h.conn.invoked_args))
    [saved] = [args for name, args in h.conn.invoked_args if name == "save_file"]
    assert saved["file_name"].endswith(suffix) and expected in saved["src_bytes"].decode("utf-8")
    await h.wait_for(lambda: h.has_text(said))


async def first_run(data_dir):
    """A new journal's first screen, French chosen: the passphrase form."""
    h = await new_harness()
    shell = build_app(h.page, data_dir, autosave_delay=0.01)
    shell.ctx.session._kdf = FAST_KDF
    h.page.update()
    await h.click(ft.FilledButton, "Français")
    return h, shell


async def unlock(h, passphrase=PASSPHRASE):
    await h.type(h.find(ft.TextField, "Phrase de passe"), passphrase)
    await h.click(ft.FilledButton, "Déverrouiller")
    await h.wait_for(lambda: not h.find_all(ft.FilledButton, "Déverrouiller"))


def test_first_run_creates_the_journal_and_shows_the_recovery_key_once(tmp_path):
    async def body():
        h = await new_harness()
        shell = build_app(h.page, tmp_path, autosave_delay=0.01)
        shell.ctx.session._kdf = FAST_KDF
        h.page.update()
        assert h.has_text("Bienvenue")
        await h.click(ft.FilledButton, "Français")
        first = h.find(ft.TextField, "Phrase de passe")
        await h.type(first, "court")
        assert h.find(ft.FilledButton, "Créer").disabled
        assert h.has_text("Trop faible")
        await h.type(first, "trois mots tranquilles")
        await h.type(h.find(ft.TextField, "Encore une fois"), "trois mots différents")
        assert h.find(ft.FilledButton, "Créer").disabled
        assert h.has_text("ne sont pas identiques")
        await h.type(h.find(ft.TextField, "Encore une fois"), "trois mots tranquilles")
        await h.click(ft.FilledButton, "Créer")
        await h.wait_for(lambda: h.has_text("clé de récupération"))
        key_text = next(t for t in h.texts() if t.count("-") == 7 and len(t) == 39)
        # A screen reader hears the key itself, spelled group by group, in a monospace font;
        # not selectable (a selectable text is absent from Flutter's web accessibility tree).
        shown = next(c for c in h.walk() if isinstance(c, ft.Text) and c.value == key_text)
        first = key_text.split("-")[0]
        assert plain(shown.semantics_label).startswith(f"Clé de récupération : {' '.join(first)}, ")
        assert shown.font_family == "Ressenti Mono" and not shown.selectable
        assert (tmp_path / "journal.vault").exists()
        # « Enregistrer dans un fichier » once crashed the whole app: tap it as a person would.
        await h.click(ft.OutlinedButton, "Enregistrer dans un fichier")
        saved = [args for name, args in h.conn.invoked_args if name == "save_file"]
        assert len(saved) == 1
        assert key_text in saved[0]["src_bytes"].decode("utf-8")
        assert h.has_text("Fichier enregistré") and h.has_text(key_text)
        go_on = h.find(ft.FilledButton, "Continuer")
        assert go_on.disabled
        checkbox = h.find(ft.Checkbox)
        h.client_sets(checkbox, value=True)
        await h.fire(checkbox, "change")
        await h.click(ft.FilledButton, "Continuer")
        assert h.has_text("Votre journal est vide")
        assert not any(key_text in t for t in h.texts())
        shell.lock()
        assert JournalSession(tmp_path).exists()

    run_ui(body)


def test_wrong_passphrase_says_so_and_the_right_one_opens(tmp_path):
    make_journal(tmp_path, [("Après la réunion", {"title": "Cercle"})])

    async def body():
        h, shell = await app(tmp_path)
        await h.type(h.find(ft.TextField, "Phrase de passe"), "mauvaise phrase")
        await h.click(ft.FilledButton, "Déverrouiller")
        await h.wait_for(lambda: h.has_text("pas la bonne phrase de passe"))
        assert not shell.ctx.session.is_open
        await unlock(h)
        assert h.has_text("Cercle")
        shell.lock()

    run_ui(body)


def test_forgotten_passphrase_path_uses_the_recovery_key(tmp_path):
    session = JournalSession(tmp_path, kdf=FAST_KDF)
    key = session.create(PASSPHRASE)
    session.journal.add("Toujours là")
    session.lock()

    async def body():
        h, shell = await app(tmp_path)
        await h.click(ft.TextButton, "oublié")
        await h.type(h.find(ft.TextField, "Clé de récupération"), "AAAA-BBBB")
        await h.type(h.find(ft.TextField, "Nouvelle phrase de passe"), "nouvelle phrase ici")
        await h.type(h.find(ft.TextField, "Encore une fois"), "nouvelle phrase ici")
        await h.click(ft.FilledButton, "Rouvrir")
        await h.wait_for(lambda: h.has_text("ne correspond pas"))
        await h.type(h.find(ft.TextField, "Clé de récupération"), key.lower())
        await h.click(ft.FilledButton, "Rouvrir")
        await h.wait_for(lambda: h.has_text("Toujours là"))
        shell.lock()
        JournalSession(tmp_path).unlock("nouvelle phrase ici")

    run_ui(body)


def test_damaged_file_offers_the_backup(tmp_path):
    make_journal(tmp_path, [("Première", {}), ("Deuxième", {})])
    vault = tmp_path / "journal.vault"
    data = bytearray(vault.read_bytes())
    data[-3] ^= 0xFF
    vault.write_bytes(bytes(data))

    async def body():
        h, shell = await app(tmp_path)
        await h.type(h.find(ft.TextField, "Phrase de passe"), PASSPHRASE)
        await h.click(ft.FilledButton, "Déverrouiller")
        await h.wait_for(lambda: h.has_text("endommagé"))
        await h.click(ft.OutlinedButton, "Restaurer")
        await h.wait_for(lambda: h.has_text("Première"))
        assert not h.has_text("Deuxième")  # the backup is the generation before the last save
        shell.lock()

    run_ui(body)


def test_search_filters_and_ignores_accents(tmp_path):
    make_journal(tmp_path, [
        ("Le corps a parlé", {"title": "Réunion du conseil", "tags": ["conseil"]}),
        ("Marche en forêt", {"title": "Dehors", "kind": "focusing"}),
    ])

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        search = h.find(ft.TextField, "Rechercher")
        await h.type(search, "reunion")
        assert h.has_text("Réunion du conseil") and not h.has_text("Dehors")
        await h.type(search, "")
        await h.choose("Séance guidée")
        assert h.has_text("Dehors") and not h.has_text("Réunion du conseil")
        await h.choose("Tous les types")
        assert not h.has_text("conseil (1)")  # the tags are counted once the filters unfold
        await h.unfold("Filtres")
        await h.choose("conseil (1)")
        assert h.has_text("Réunion du conseil") and not h.has_text("Dehors")
        await h.choose("Toutes les étiquettes")
        first = shell.ctx.session.journal.entries()[-1].created.date()
        await h.type(h.find(ft.TextField, "Du"), (first.replace(year=first.year + 1)).isoformat())
        assert h.has_text("Aucune entrée ne correspond")
        await h.type(h.find(ft.TextField, "Du"), "pas une date")
        assert h.has_text("Réunion du conseil")
        assert h.find(ft.TextField, "Du").error == "Écrivez la date comme 2026-11-27 ou 27 novembre."
        await h.type(h.find(ft.TextField, "Du"), "")
        await h.type(search, "introuvable")
        assert h.has_text("Aucune entrée ne correspond")
        shell.lock()

    run_ui(body)


def test_a_second_window_gets_already_open(tmp_path):
    make_journal(tmp_path, [("x", {"title": "Une entrée"})])

    async def body():
        h1, shell1 = await app(tmp_path)
        await unlock(h1)
        h2, shell2 = await app(tmp_path)
        await h2.type(h2.find(ft.TextField, "Phrase de passe"), PASSPHRASE)
        await h2.click(ft.FilledButton, "Déverrouiller")
        await h2.wait_for(lambda: h2.has_text("déjà ouvert ailleurs"))
        assert not shell2.ctx.session.is_open
        shell1.lock()
        await unlock(h2)
        assert h2.has_text("Une entrée")
        shell2.lock()

    run_ui(body)


def test_long_journals_are_built_a_page_at_a_time(tmp_path):
    make_journal(tmp_path)
    session = JournalSession(tmp_path)
    session.unlock(PASSPHRASE)
    journal = session.journal
    journal.put_new(journal.new_entry(f"entrée {i}") for i in range(180))
    session.lock()

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        tiles = lambda: len(h.find_all(ft.ListTile))  # noqa: E731
        assert tiles() == PAGE_SIZE
        await h.click(ft.TextButton, "Voir plus")
        assert tiles() == 2 * PAGE_SIZE
        shell.lock()

    run_ui(body)


def test_tags_are_completed_from_the_journals_own_tags_and_read_as_tags(tmp_path):
    make_journal(tmp_path, [("Le corps a parlé", {"title": "Conseil", "tags": ["conseil", "corps"]}),
                            ("Encore", {"title": "Cercle", "tags": ["cercle"]})])

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        bar = h.page.views[-1].navigation_bar
        bar.selected_index = 1  # « Écrire »
        await h.fire(bar, "change")
        await h.type(h.find(ft.TextField, "Texte"), "Une journée douce.")
        field = h.find(ft.TextField, "Ajouter une étiquette")
        assert not [c for c in h.find_all(ft.Chip) if c.on_click]  # not counted before they are wanted
        await h.fire(field, "focus")  # the person reaches the field: the journal's tags are offered
        assert sorted(c.label.value for c in h.find_all(ft.Chip) if c.on_click) == ["cercle", "conseil", "corps"]
        await h.type(field, "co")  # completion: the tags beginning so, not « cercle »
        offered = [c.label.value for c in h.find_all(ft.Chip) if c.on_click]
        assert sorted(offered) == ["conseil", "corps"]
        await h.click(ft.Chip, "corps")
        assert field.value == ""
        await h.type(field, "Souffle,")  # a comma closes a new tag
        assert field.value == ""
        # Each tag is read as a tag, then its ✕ (a chip was read as a disabled checkbox, m20).
        tags = [c for c in h.find_all(ft.Text) if c.semantics_label and c.semantics_label.startswith("Étiquette")]
        assert [c.value for c in tags] == ["corps", "Souffle"]
        assert [plain(c.semantics_label) for c in tags] == ["Étiquette « corps »", "Étiquette « Souffle »"]
        assert not [c for c in h.find_all(ft.Chip) if c.on_delete]
        await h.click(ft.IconButton, "Retirer l’étiquette « Souffle »")  # the tag's ✕
        await h.type(field, "pas fini")  # still typed when the entry is saved: kept too
        journal = shell.ctx.session.journal
        await h.wait_for(lambda: any(e.tags == ("corps", "pas fini") for e in journal.entries()))
        shell.lock()

    run_ui(body)


def test_editor_autosaves_and_delete_can_be_undone(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await h.click(ft.FilledButton, "première entrée")
        await h.type(h.find(ft.TextField, "Titre"), "Après le cercle")
        await h.type(h.find(ft.TextField, "Texte"), "Une chaleur dans la poitrine.")
        await h.wait_for(lambda: h.has_text("Enregistré"))
        journal = shell.ctx.session.journal
        assert [e.title for e in journal.entries()] == ["Après le cercle"]
        assert journal.entries()[0].body == "Une chaleur dans la poitrine."
        await h.type(h.find(ft.TextField, "Ajouter une étiquette"), "cercle, corps")
        await h.wait_for(lambda: journal.entries()[0].tags == ("cercle", "corps"))
        await h.click(ft.IconButton, "Supprimer")
        assert len(journal) == 0
        bar = next(c for c in h.page._dialogs.controls if isinstance(c, ft.SnackBar))
        assert bar.action == "Annuler"
        await h.fire(bar, "action")
        assert len(journal) == 1 and h.has_text("Après le cercle")
        shell.lock()

    run_ui(body)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_option_labels_start_with_a_capital_like_the_others(tmp_path, lang):
    """Review 2026-12-03, French wording: the kinds and roles were « écriture libre »,
    « animation »… beside « Phrase par phrase » and « Tous les types »; options read in
    sentence case (lower case only inside a sentence), the role's « none » says it is a role.
    The options are tapped by their shown label and the entry keeps what was chosen."""
    labels = {"fr": ("Séance guidée", "Prise de notes", "Aucun rôle en particulier", "Écriture libre"),
              "en": ("Guided session", "Scribe", "No role in particular", "Free writing")}[lang]
    guided, scribe, no_role, free = labels
    from tests.test_routes import unlock_en

    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path, lang=lang)
        if lang == "fr":
            await unlock(h)
            await h.click(ft.FilledButton, "première entrée")
        else:
            await unlock_en(h)
            await h.click(ft.FilledButton, "first entry")
        journal = shell.ctx.session.journal
        await h.type(h.find(ft.TextField, "Titre" if lang == "fr" else "Title"), "Cercle")
        await h.wait_for(lambda: len(journal) == 1)
        assert h.find(ft.Radio, free) and h.find(ft.Radio, no_role)
        await h.choose(guided)
        await h.choose(scribe)
        await h.wait_for(lambda: journal.entries()[0].kind == "focusing")
        await h.wait_for(lambda: journal.entries()[0].meeting is not None)
        assert journal.entries()[0].meeting.role == "scribe"
        shell.lock()

    run_ui(body)


def test_settings_import_reports_and_export_holds_the_entries(tmp_path):
    make_journal(tmp_path)
    fixture = Path(__file__).parent / "fixtures" / "jrnl-export.json"

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        shell.show_settings()
        screen = shell.screen
        screen.import_files([(fixture.name, fixture.read_bytes()), ("bad.json", b"{ oops")])
        status = screen.import_status.value
        assert "ajoutées\u00a0: 3" in status and "bad.json" in status and "mal formé" in status
        assert h.has_text("n’est pas chiffré")
        # Each export button, tapped (it once made a coroutine nobody awaited: nothing saved).
        for label, suffix, expected in (("JSON", ".json", "caillou"), ("Markdown", ".md", "# Focusing du matin.")):
            await saved_by(h, label, suffix, expected, "Fichier exporté enregistré")
        shell.lock()

    run_ui(body)


def test_auto_lock_after_idle_minutes(tmp_path):
    make_journal(tmp_path, [("Secret", {"title": "Secret"})])

    async def body():
        h, shell = await app(tmp_path)
        now = [1000.0]
        shell.ctx.auto_lock._clock = lambda: now[0]
        await unlock(h)
        assert h.has_text("Secret")
        now[0] += 4 * 60
        shell.check_idle()
        assert shell.ctx.session.is_open
        now[0] += 61
        shell.check_idle()
        assert not shell.ctx.session.is_open
        assert not h.has_text("Secret") and h.has_text("Déverrouiller")
        # Going to the background locks at once.
        await unlock(h)
        shell._lifecycle(ft.AppLifecycleStateChangeEvent(
            name="app_lifecycle_state_change", control=h.page, state=ft.AppLifecycleState.HIDE))
        assert not shell.ctx.session.is_open

    run_ui(body)


def test_language_switch_relabels_everything(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        bar = h.page.views[-1].navigation_bar
        h.client_sets(bar, selected_index=3)
        await h.fire(bar, "change")
        assert h.has_text("Réglages")
        await h.choose("English")
        assert h.has_text("Language") and h.has_text("Journal") and not h.has_text("Langue")
        assert h.find(ft.IconButton, "Lock")
        shell.lock()

    run_ui(body)


@pytest.mark.parametrize("width", [390, 1280])
def test_layout_follows_the_width(tmp_path, width):
    make_journal(tmp_path, [("x", {"title": "Une entrée"})])

    async def body():
        h, shell = await app(tmp_path, width=width)
        await unlock(h)
        if width >= 900:
            assert h.find_all(ft.NavigationRail) and not h.page.views[-1].navigation_bar
            await h.click(ft.ListTile, "Une entrée")
            assert h.find(ft.TextField, "Titre").value == "Une entrée"
            assert h.find_all(ft.ListTile, "Une entrée")  # the list stays beside the editor
        else:
            assert h.page.views[-1].navigation_bar and not h.find_all(ft.NavigationRail)
            await h.click(ft.ListTile, "Une entrée")
            assert h.find(ft.TextField, "Titre").value == "Une entrée"
            assert not h.find_all(ft.ListTile)
        shell.lock()

    run_ui(body)


def test_every_interactive_control_has_a_label_or_tooltip(tmp_path):
    make_journal(tmp_path, [("x", {"title": "Une entrée", "tags": ["a"]})])

    async def body():
        h, shell = await app(tmp_path, width=1280)
        await unlock(h)
        await h.click(ft.ListTile, "Une entrée")
        screens = [lambda: None, shell.show_settings]
        for show in screens:
            show()
            for c in h.walk():
                if isinstance(c, (ft.TextField, ft.Checkbox, ft.Radio)):
                    assert c.label or c.tooltip, c
                if isinstance(c, ft.Chip):
                    assert h.chip_text(c), c
                if isinstance(c, ft.IconButton):  # named once, by its icon: any tooltip kept out
                    assert isinstance(c.icon, ft.Icon) and c.icon.semantics_label, c
                    assert not isinstance(c.parent, ft.Semantics) or not c.parent.label
                    assert c.tooltip is None or c.tooltip.exclude_from_semantics
        shell.lock()

    run_ui(body)




def test_typing_the_passphrase_never_moves_the_field_that_confirms_it(tmp_path):
    """The strength line (empty, then up to three lines at 2× text: « Trop faible : au moins 8
    caractères… », then one: « Très bonne ») sat above « Encore une fois ». While the app caught
    up with the letters typed, that field moved under the finger about to tap it (a browser test
    on a busy machine waited 60 s there). Now nothing above it changes size while the first field
    is typed: the bar (one height) stays under the first field, its words go under the second."""
    async def body():
        h, shell = await first_run(tmp_path)
        first = h.find(ft.TextField, "Phrase de passe")
        again = h.find(ft.TextField, "Encore une fois")

        def above_the_confirmation() -> list[tuple[str, object]]:
            seen = []
            for control in h.walk():
                if control is again:
                    return seen
                if control is not first and not isinstance(control, ft.ProgressBar):  # no height change
                    seen += [(type(control).__name__, getattr(control, attr, None))
                             for attr in ("value", "error", "helper", "label", "visible")]
            raise AssertionError("no confirmation field on screen")

        before = above_the_confirmation()
        for typed in ("m", "mes trois", "mes trois lunes bleues"):
            await h.type(first, typed)
            assert above_the_confirmation() == before, typed
        assert h.has_text("Très bonne")  # judged, below it

    run_ui(body)


def test_the_passphrase_form_judges_only_what_was_typed_and_refuses_its_own_example(tmp_path):
    """« Trop faible » showed before anything was typed, the example on the same screen was
    rated « Très bonne », and the mismatch error showed from the first letter."""
    async def body():
        h, shell = await first_run(tmp_path)
        assert not h.has_text("Trop faible")  # nothing typed, nothing judged
        assert h.has_text("galets tranquilles sous la pluie")
        first = h.find(ft.TextField, "Phrase de passe")
        await h.type(first, "Galets  tranquilles sous la PLUIE")  # the example, barely changed
        # m14: said for what it is, not « at least 8 characters » under 32 of them
        assert h.has_text("l’exemple de l’écran") and h.find(ft.FilledButton, "Créer").disabled
        assert not h.has_text("au moins 8 caractères")
        await h.type(first, "mes trois lunes bleues")
        again = h.find(ft.TextField, "Encore une fois")
        await h.type(again, "m")
        assert not again.error  # being typed, not wrong
        await h.type(again, "mes trois lunes")
        assert not again.error
        await h.fire(again, "blur")  # m14: left the field with only a beginning: now it is wrong
        assert again.error and h.has_text("ne sont pas identiques")
        await h.type(again, "mes trois lunes r")
        assert again.error and h.has_text("ne sont pas identiques")
        await h.type(again, "mes trois lunes bleues")
        assert not again.error and not h.find(ft.FilledButton, "Créer").disabled

    run_ui(body)


def test_flutters_own_words_follow_the_apps_language(tmp_path):
    """Flutter's labels stayed English ("Close", "Journal Tab 1 of 4"): the locale was not set."""
    async def body():
        h = await new_harness()
        build_app(h.page, tmp_path, autosave_delay=0.01)
        h.page.update()
        await h.click(ft.FilledButton, "Français")
        assert h.page.locale_configuration.current_locale.language_code == "fr"
        assert h.page.locale_configuration.current_locale.country_code == "CA"
        await h.click(ft.TextButton, "Retour")
        await h.click(ft.OutlinedButton, "English")
        assert h.page.locale_configuration.current_locale.language_code == "en"

    run_ui(body)


def test_a_day_tapped_in_the_calendar_is_said_ringed_and_its_emptiness_named(tmp_path):
    """m2: a day tap became « 2 filtres actifs », the day was not highlighted, and an empty day
    said « Aucune entrée ne correspond à cette recherche » though nothing was searched."""
    from journal_app.i18n import format_date

    make_journal(tmp_path, [("Le corps a parlé", {"title": "Conseil"})])

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        assert h.has_text("1 entrée")
        await h.click(ft.TextButton, "Calendrier")
        written = shell.ctx.session.journal.entries()[0].created.date()
        label = f"{format_date(written, 'fr')}, 1 entrée"
        day = next(c for c in h.walk() if isinstance(c, ft.Text) and c.semantics_label == label)
        cell = next(c for c in h.walk() if isinstance(c, ft.Semantics) and c.content is not None
                    and getattr(c.content, "content", None) is day)
        await h.fire(cell.content, "click")
        assert h.has_text(f"Les entrées du {format_date(written, 'fr')}") and not h.has_text("filtres actifs")
        assert "1 entrée" in h.texts()  # p7: the count says what it counts
        ringed = next(c for c in h.walk() if isinstance(c, ft.Semantics) and c.selected)
        assert ringed.content.content.value == str(written.day) and ringed.content.border is not None
        other = written.replace(day=1) if written.day != 1 else written.replace(day=2)
        label = f"{format_date(other, 'fr')}, 0 entrée"
        empty = next(c for c in h.walk() if isinstance(c, ft.Text) and c.semantics_label == label)
        cell = next(c for c in h.walk() if isinstance(c, ft.Semantics) and c.content is not None
                    and getattr(c.content, "content", None) is empty)
        await h.fire(cell.content, "click")
        assert h.has_text(f"Aucune entrée le {format_date(other, 'fr')}.")
        assert not h.has_text("ne correspond")

        shell.lock()

    run_ui(body)


def test_the_empty_journal_says_its_heading_once(tmp_path):
    """p2: the empty state's icon was named with the heading, so a screen reader read it twice."""
    make_journal(tmp_path, [])

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        heard = [c.value for c in h.walk() if isinstance(c, ft.Text)]
        heard += [c.semantics_label for c in h.walk() if isinstance(c, ft.Icon) and c.semantics_label]
        assert heard.count("Votre journal est vide pour l’instant") == 1
        shell.lock()

    run_ui(body)


def test_active_filters_say_so_when_folded_and_clear_in_one_tap(tmp_path):
    """With the filters folded, nothing said a filter was active (« 0 sur 2 » and an empty
    search box), and nothing cleared them."""
    make_journal(tmp_path, [
        ("Le corps a parlé", {"title": "Rencontre du conseil", "tags": ["conseil"]}),
        ("Marche en forêt", {"title": "Dehors", "kind": "focusing"}),
    ])

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        assert not h.has_text("filtre actif") and not h.find_all(ft.TextButton, "Effacer les filtres")
        await h.choose("Séance guidée")
        assert h.has_text("1 filtre actif")
        await h.unfold("Filtres")
        await h.choose("conseil (1)")
        assert h.has_text("2 filtres actifs") and h.has_text("Aucune entrée ne correspond")
        assert h.has_text("0 entrée sur 2")  # p7: « 0 sur 2 » said what it counts
        await h.click(ft.TextButton, "Effacer les filtres")
        assert h.has_text("Dehors") and h.has_text("Rencontre du conseil") and not h.has_text("filtre actif")
        search = h.find(ft.TextField, "Rechercher")
        assert not h.find_all(ft.IconButton, "Effacer la recherche")  # nothing to clear yet
        await h.type(search, "forêt")
        assert not h.has_text("Rencontre du conseil")
        await h.click(ft.IconButton, "Effacer la recherche")
        assert search.value == "" and h.has_text("Rencontre du conseil") and h.has_text("Dehors")
        shell.lock()

    run_ui(body)


def test_list_items_show_a_preview_with_the_searched_words_marked(tmp_path):
    """The list showed no text preview and no match highlight."""
    make_journal(tmp_path, [
        ("Marche en forêt après la rencontre. Le cœur s’est ouvert doucement.", {"title": "Dehors"}),
    ])

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        assert h.has_text("Marche en forêt après la rencontre.")  # the text under its title
        await h.type(h.find(ft.TextField, "Rechercher"), "FORET coeur")
        marked = [span.text for c in h.walk() if isinstance(c, ft.Text) and c.spans
                  for span in c.spans if span.style and span.style.weight == ft.FontWeight.BOLD]
        assert marked == ["forêt", "cœur"]
        shell.lock()

    run_ui(body)


def test_on_a_wide_screen_the_open_entry_is_marked_and_its_text_keeps_a_readable_measure(tmp_path):
    """The open entry was not highlighted on desktop, and lines ran ~150 characters wide."""
    from journal_app.views.shell import READING_WIDTH

    make_journal(tmp_path, [("Premier texte", {"title": "Une"}), ("Second texte", {"title": "Deux"})])

    async def body():
        h, shell = await app(tmp_path, width=1280)
        await unlock(h)
        await h.click(ft.ListTile, "Deux")
        tiles = {t.title.value: t for t in h.find_all(ft.ListTile) if isinstance(t.title, ft.Text)}
        assert tiles["Deux"].selected and not tiles["Une"].selected
        body_field = h.find(ft.TextField, "Texte")
        node, widths = body_field, []
        while node is not None:
            if isinstance(node, ft.Container) and node.width:
                widths.append(node.width)
            node = node.parent
        assert widths and widths[0] <= READING_WIDTH <= 680
        await h.click(ft.ListTile, "Une")
        tiles = {t.title.value: t for t in h.find_all(ft.ListTile) if isinstance(t.title, ft.Text)}
        assert tiles["Une"].selected and not tiles["Deux"].selected
        shell.lock()

    run_ui(body)


def test_a_year_ago_today_shows_above_the_journal_and_opens(tmp_path):
    """« Il y a un an »: the entries of this day in earlier years, on the journal screen."""
    from datetime import datetime, timedelta

    now = datetime.now().astimezone()
    a_year_ago = now.replace(year=now.year - 1) if (now.month, now.day) != (2, 29) else now - timedelta(days=366)
    make_journal(tmp_path, [
        ("Le premier cercle de l’automne.", {"title": "Premier cercle", "created": a_year_ago}),
        ("Une autre journée.", {"title": "Hier", "created": now - timedelta(days=1)}),
    ])

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        assert h.has_text("Il y a un an, ce jour-là")
        await h.type(h.find(ft.TextField, "Rechercher"), "journée")
        assert not h.has_text("Il y a un an, ce jour-là")  # a search narrows: memories step aside
        await h.type(h.find(ft.TextField, "Rechercher"), "")
        memory = next(t for t in h.find_all(ft.ListTile, "Premier cercle")
                      if getattr(t.leading, "icon", None) == ft.Icons.HISTORY)
        await h.fire(memory, "click")
        assert h.find(ft.TextField, "Titre").value == "Premier cercle"
        shell.lock()

    run_ui(body)


def test_a_lost_recovery_key_is_replaced_from_settings_after_the_passphrase(tmp_path):
    """The recovery key could never be had again: now a new one, after the passphrase is typed
    again; the old one stops working, the passphrase stays."""
    import pytest

    from journal_app.errors import WrongRecoveryKey
    from tests.test_views_phone import open_settings

    session = JournalSession(tmp_path, kdf=FAST_KDF)
    old_key = session.create(PASSPHRASE)
    session.journal.add("Un secret")
    session.lock()
    shown: dict[str, str] = {}

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await open_settings(h)
        await h.click(ft.OutlinedButton, "Nouvelle clé de récupération")
        assert h.has_text("Tapez d’abord votre phrase de passe actuelle")
        await h.type(h.find(ft.TextField, "Phrase de passe actuelle"), "pas la bonne phrase")
        await h.click(ft.OutlinedButton, "Nouvelle clé de récupération")
        await h.wait_for(lambda: h.has_text("Ce n’est pas la bonne phrase de passe"))
        await h.type(h.find(ft.TextField, "Phrase de passe actuelle"), PASSPHRASE)
        await h.click(ft.OutlinedButton, "Nouvelle clé de récupération")
        await h.wait_for(lambda: h.has_text("Nouvelle clé de récupération en place"))
        shown["key"] = next(t for t in h.texts() if t.count("-") == 7 and len(t) == 39)
        assert shown["key"] != old_key
        shell.lock()

    run_ui(body)
    with pytest.raises(WrongRecoveryKey):
        session.recover(old_key, "encore une autre phrase")
    session.unlock(PASSPHRASE)  # the passphrase did not change
    session.lock()
    session.recover(shown["key"], "encore une autre phrase")
    assert [e.body for e in session.journal.entries()] == ["Un secret"]
    session.lock()


def test_the_calendar_marks_the_days_with_entries_and_a_tap_shows_that_day(tmp_path):
    from datetime import datetime, timedelta

    from journal_app.i18n import format_date

    now = datetime.now().astimezone().replace(hour=12)
    other = now - timedelta(days=1) if now.day > 1 else now + timedelta(days=1)
    make_journal(tmp_path, [("Matin calme", {"title": "Aujourd’hui", "created": now}),
                            ("Soir agité", {"title": "L’autre jour", "created": other}),
                            ("Encore", {"title": "L’autre jour, encore", "created": other})])

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await h.click(ft.TextButton, "Calendrier")
        day_label = format_date(other.date(), "fr")

        def heard() -> list[tuple[str, ft.Container]]:  # a day is heard by its date and count, once
            return [(c.content.semantics_label, c) for c in h.find_all(ft.Container)
                    if isinstance(c.content, ft.Text) and c.content.semantics_label]

        def day_cell(label: str) -> ft.Container:
            return next(c for said, c in heard() if said.endswith(label))

        cell = day_cell(f"{day_label}, 2 entrées")
        assert cell.bgcolor == ft.Colors.PRIMARY_CONTAINER and isinstance(cell.parent, ft.Semantics)
        assert cell.parent.button and not cell.parent.label
        assert day_cell(", 0 entrée").bgcolor is None
        await h.fire(cell, "click")
        assert h.has_text("L’autre jour, encore") and not h.has_text("Aujourd’hui")
        await h.click(ft.IconButton, "Mois suivant")
        await h.click(ft.IconButton, "Mois précédent")
        await h.click(ft.IconButton, "Mois précédent")
        assert heard() and not any(said.startswith(day_label) for said, _ in heard())  # another month shown
        await h.click(ft.TextButton, "Effacer les filtres")
        assert h.has_text("Aujourd’hui")
        shell.lock()

    run_ui(body)


def test_the_meeting_date_is_picked_in_a_calendar_as_well_as_typed(tmp_path):
    """The meeting date could only be typed as AAAA-MM-JJ."""
    from datetime import datetime

    make_journal(tmp_path, [("Le corps a parlé", {"title": "Conseil"})])

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await h.click(ft.ListTile, "Conseil")
        await h.click(ft.IconButton, "Choisir la date dans un calendrier")
        picker = next(d for d in h.page._dialogs.controls if isinstance(d, ft.DatePicker) and d.open)
        assert picker.locale.language_code == "fr"
        picker.value = datetime(2026, 11, 19)  # the person taps the 19th, then OK
        await h.fire(picker, "change")
        assert h.find(ft.TextField, "Date de la rencontre").value == "2026-11-19"
        await h.wait_for(lambda: (shell.ctx.session.journal.entries()[0].meeting or None) is not None
                         and str(shell.ctx.session.journal.entries()[0].meeting.date) == "2026-11-19")
        shell.lock()

    run_ui(body)


def test_a_meeting_date_typed_the_french_way_is_understood(tmp_path):
    """m1: « 28 novembre » was refused (« Écrivez la date sous la forme AAAA-MM-JJ »)."""
    make_journal(tmp_path, [("Le corps a parlé", {"title": "Conseil"})])

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await h.click(ft.ListTile, "Conseil")
        field = h.find(ft.TextField, "Date de la rencontre")
        await h.type(field, "le 1er novembre 2026")
        await h.wait_for(lambda: (shell.ctx.session.journal.entries()[0].meeting or None) is not None
                         and str(shell.ctx.session.journal.entries()[0].meeting.date) == "2026-11-01")
        assert not field.error
        await h.type(field, "32 novembre")
        await h.wait_for(lambda: bool(field.error))
        assert "27 novembre" in field.error
        shell.lock()

    run_ui(body)


def test_write_puts_the_cursor_in_the_text_on_a_wide_screen(tmp_path):
    """M3: after « Write my first entry » (Enter or a tap) the words typed were lost: the new
    entry's text is given the focus, and so is it after « Écrire » in the navigation rail."""
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path, width=1280)
        await unlock(h)
        await h.click(ft.FilledButton, "Écrire ma première entrée")
        await h.wait_for(lambda: shell.editor is not None and h.conn.focused(shell.editor.body))
        await h.type(shell.editor.body, "Premier jet")
        await h.wait_for(lambda: bool(shell.ctx.session.journal.entries()))
        first = shell.editor
        rail = h.find(ft.NavigationRail)
        rail.selected_index = 1  # « Écrire »
        await h.fire(rail, "change")
        await h.wait_for(lambda: shell.editor is not first and h.conn.focused(shell.editor.body))
        shell.lock()

    run_ui(body)


def test_first_run_and_unlock_forms_are_centred_on_a_wide_screen(tmp_path):
    async def body():
        h = await new_harness(width=1280)
        build_app(h.page, tmp_path, autosave_delay=0.01)
        h.page.update()
        assert h.page.views[-1].horizontal_alignment == ft.CrossAxisAlignment.CENTER  # first run
        form = next(c for c in h.walk() if isinstance(c, ft.Container) and c.width)
        assert form.width <= 640

    run_ui(body)
    make_journal(tmp_path / "autre")

    async def unlock_screen():
        h, shell = await app(tmp_path / "autre", width=1280)
        assert h.has_text("Déverrouiller") and h.page.views[-1].horizontal_alignment == ft.CrossAxisAlignment.CENTER
        await unlock(h)
        assert h.page.views[-1].horizontal_alignment == ft.CrossAxisAlignment.START  # the journal: full width
        shell.lock()

    run_ui(unlock_screen)


def test_the_entrys_tags_are_read_as_tags_not_as_disabled_checkboxes(tmp_path):
    """Issue 28 (m20): each tag was a chip that screen readers announced as « comité, case à
    cocher, non cochée, désactivée ». A tag is now read « Étiquette « comité » », beside a button
    that removes it."""
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await h.click(ft.FilledButton, "première entrée")
        await h.type(h.find(ft.TextField, "Texte"), "Une rencontre du comité.")
        await h.type(h.find(ft.TextField, "Ajouter une étiquette"), "comité, corps,")
        tags = shell.screen.tag_chips
        assert not [c for c in h.walk(tags) if isinstance(c, ft.Chip)]  # a chip reads as a checkbox
        said = [c.semantics_label for c in h.walk(tags) if isinstance(c, ft.Text)]
        assert said == ["Étiquette «\u00a0comité\u00a0»", "Étiquette «\u00a0corps\u00a0»"]
        await h.click(ft.IconButton, "Retirer l’étiquette «\u00a0comité\u00a0»")
        assert [c.value for c in h.walk(tags) if isinstance(c, ft.Text)] == ["corps"]
        journal = shell.ctx.session.journal
        await h.wait_for(lambda: [e.tags for e in journal.entries()] == [("corps",)])
        shell.lock()

    run_ui(body)

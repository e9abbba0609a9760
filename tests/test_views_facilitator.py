"""View tests for the facilitator's dashboard: batches, themes, curation, report."""

from __future__ import annotations

import flet as ft
import pytest

from journal_app.circles import Circles
from journal_app.session import JournalSession
from journal_app.themes import ThemeBoard
from journal_app.views.facilitator import FacilitatorScreen
from tests.conftest import FAST_KDF
from tests.flet_harness import plain, run_ui
from tests.labelled_insights import import_circle, labelled_set
from tests.test_views import PASSPHRASE, app, unlock


def facilitator_journal(data_dir, rows):
    session = JournalSession(data_dir, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    keys = Circles(session.database).create("Cercle du jeudi")
    if rows:
        import_circle(session.database, keys, rows)
    session.lock()
    return keys.invitation.circle_id


async def open_dashboard(h, shell):
    await unlock(h)
    shell.show_settings()
    await h.settle()
    await h.click(ft.OutlinedButton, "Animer un cercle")
    assert isinstance(shell.screen, FacilitatorScreen)


def test_fewer_than_k_insights_show_nothing_but_a_count(tmp_path):
    facilitator_journal(tmp_path, labelled_set()[:4])

    async def body():
        h, shell = await app(tmp_path)
        await open_dashboard(h, shell)
        assert h.has_text("4 idées en attente") and h.has_text("Rien à montrer pour l’instant")
        assert not any(r.text in t for r in labelled_set()[:4] for t in h.texts())
        # Lowering the threshold to 3 releases them (never below 3: the minus button is then off).
        await h.click(ft.IconButton, "Baisser le seuil")
        await h.click(ft.IconButton, "Baisser le seuil")
        assert h.has_text("Seuil de confidentialité : 3") and h.find(ft.IconButton, "Baisser le seuil").disabled
        assert not h.has_text("en attente")

    run_ui(body)


def test_themes_show_and_curation_is_kept(tmp_path):
    rows = labelled_set()[::4]  # 80 insights, every topic, both languages
    cid = facilitator_journal(tmp_path, rows)

    async def body():
        h, shell = await app(tmp_path, width=1280)
        await open_dashboard(h, shell)
        screen = shell.screen
        assert h.has_text("Regroupement des idées")  # the themes are computed aside
        await h.wait_for(lambda: h.has_text("Thèmes ("), timeout=60)
        assert h.find_all(ft.Card)
        views, _ = screen.board.views()
        first = views[0].theme
        assert h.has_text(f"{first.label} ({views[0].count})")
        # Rename the first theme through its dialog.
        await h.fire(h.find_all(ft.TextButton, "Renommer")[0], "click")
        field = h.find(ft.TextField, "Nom en français")
        await h.type(field, "Le temps des rencontres")
        await h.click(ft.FilledButton, "OK")
        assert h.has_text(f"Le temps des rencontres ({views[0].count})")
        # Move one of its insights to the second theme.
        moved = views[0].insights[0]
        screen.choose_dialog("test", [(views[1].theme.id, views[1].theme.label)],
                             lambda target: screen.board.move(moved.id, target))
        await h.settle()
        await h.choose(views[1].theme.label)
        await h.fire(h.find_all(ft.FilledButton, "OK")[-1], "click")  # the dialog now open
        assert moved.id in screen.board.board.theme(views[1].theme.id).members
        # A seeded theme.
        await h.type(h.find(ft.TextField, "Nommer un thème d’avance"), "Argent : subventions, budget, dons")
        await h.click(ft.OutlinedButton, "Ajouter le thème")
        assert h.has_text("Argent (")
        # The report goes through the save dialog (a download in the browser).
        await h.click(ft.OutlinedButton, "Rapport Markdown")
        await h.wait_for(lambda: h.has_text("Rapport enregistré."))
        assert "save_file" in h.conn.invoked
        shell.lock()

    run_ui(body)
    session = JournalSession(tmp_path, kdf=FAST_KDF)
    session.unlock(PASSPHRASE)
    try:
        board = ThemeBoard(session.database, cid)
        labels = {t.label for t in board.board.themes}
        assert "Le temps des rencontres" in labels and "Argent" in labels
        assert any(moved_id in t.members for t in board.board.themes for moved_id in board.board.fixed)
    finally:
        session.lock()


def test_question_filters_show_each_question_in_words_never_its_id(tmp_path):
    """The question filters showed `closing / decisional…`."""
    from datetime import date

    from journal_app.harvest import Harvest
    from journal_app.sharing import make_bundle, new_insight, seal

    session = JournalSession(tmp_path, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    keys = Circles(session.database).create("Cercle du jeudi")
    prompts = ["orid.reflective", "four-ls.liked", "une-pratique-privee.etape", "decisional"]
    envelopes = [seal(new_insight(row.text, day=date(2026, 11, 20), kind="reflection", prompt_id=prompts[n % 4],
                                  lang=row.lang)[0], keys.invitation)
                 for n, row in enumerate(labelled_set()[:8])]
    for half in (envelopes[:4], envelopes[4:]):
        Harvest(session.database).import_bundle(make_bundle(keys.invitation.circle_id, half))
    session.lock()

    async def body():
        h, shell = await app(tmp_path, width=1280)
        await open_dashboard(h, shell)
        await h.wait_for(lambda: h.has_text("Thèmes (") or h.has_text("Autres"), timeout=60)
        for label in ("Ce que j’ai ressenti", "Ce que j’ai aimé", "Pour la suite",
                      "Question d’une pratique que vous n’avez pas"):
            assert h.find_all(ft.Chip, label), label
        shown = h.texts()
        assert not any(p in shown for p in prompts + ["reflective", "liked"])
        await h.choose("Ce que j’ai ressenti")  # the filter still works by the id underneath
        assert shell.screen.prompt == "orid.reflective"

    run_ui(body)


def test_one_received_insight_is_set_aside_from_the_dashboard(tmp_path):
    """« Mettre de côté » under an insight, confirmed in its dialog: its text leaves the vault."""
    from journal_app.harvest import Harvest

    rows = labelled_set()[::8]
    cid = facilitator_journal(tmp_path, rows)

    async def body():
        h, shell = await app(tmp_path, width=1280)
        await open_dashboard(h, shell)
        await h.wait_for(lambda: h.has_text("Thèmes ("), timeout=60)
        db = shell.ctx.session.database
        before = {i.id: i.text for i in Harvest(db).released(cid)}
        await h.fire(h.find_all(ft.TextButton, "Mettre de côté")[0], "click")
        assert h.has_text("Mettre cette idée de côté?")
        await h.fire(h.find_all(ft.TextButton, "Mettre de côté")[-1], "click")  # the dialog's button
        await h.wait_for(lambda: len(Harvest(db).released(cid)) == len(before) - 1, timeout=60)
        [gone] = set(before) - {i.id for i in Harvest(db).released(cid)}
        assert before[gone] not in repr(db.storage.read())
        await h.wait_for(lambda: h.has_text("Thèmes ("), timeout=60)
        shell.lock()

    run_ui(body)


def test_publishing_the_harvest_shows_what_members_will_see_first(tmp_path):
    """« Publier la récolte pour le cercle » opens a preview (themes, counts, quotes, a nudge for
    the themes still named by the app); nothing is published before « Publier » (#28 M5)."""
    from journal_app.themes import ThemeBoard
    from journal_app.usecases.relay import create_circle
    from tests.relay_live import relay_in_thread

    with relay_in_thread(tmp_path / "relay") as url:
        session = JournalSession(tmp_path, kdf=FAST_KDF)
        session.create(PASSPHRASE)
        keys = create_circle(session.database, "Cercle du jeudi", url)
        import_circle(session.database, keys, labelled_set()[::4])
        cid = keys.invitation.circle_id
        board = ThemeBoard(session.database, cid)
        board.save()
        shown = [v for v in board.views()[0] if v.count >= 5]
        session.lock()
        assert shown  # the set makes themes of at least k

        async def body():
            h, shell = await app(tmp_path, width=1280)
            await open_dashboard(h, shell)
            await h.wait_for(lambda: h.has_text("Thèmes ("), timeout=60)
            circles = Circles(shell.ctx.session.database)
            await h.click(ft.FilledButton, "Publier la récolte pour le cercle")
            await h.wait_for(lambda: h.has_text("Ce que les membres verront"), timeout=60)
            assert h.has_text(f"{shown[0].theme.label} ({shown[0].count})")
            assert h.has_text("portent encore le nom proposé par l’application")  # none renamed yet
            await h.click(ft.TextButton, "Annuler")
            assert circles.published_harvest(cid) is None  # nothing left
            await h.click(ft.FilledButton, "Publier la récolte pour le cercle")
            await h.wait_for(lambda: h.has_text("Ce que les membres verront"), timeout=60)
            await h.fire(h.find_all(ft.FilledButton, "Publier")[-1], "click")  # the dialog now open
            await h.wait_for(lambda: circles.published_harvest(cid) is not None, timeout=60)
            assert circles.published_harvest(cid).body["themes"][0]["names"]["fr"] == shown[0].theme.label
            shell.lock()

        run_ui(body)


async def unlock_in(h, lang: str) -> None:
    if lang == "fr":
        return await unlock(h)
    await h.type(h.find(ft.TextField, "Passphrase"), PASSPHRASE)
    await h.click(ft.FilledButton, "Unlock")
    await h.wait_for(lambda: not h.find_all(ft.FilledButton, "Unlock"))


def rename_button(h, label: str) -> ft.TextButton:
    """The « Renommer » button of the theme card titled `label`."""
    for card in h.find_all(ft.Card):
        inside = list(h.walk(card))
        if any(isinstance(c, ft.Text) and isinstance(c.value, str) and c.value.startswith(f"{label} (")
               for c in inside):
            return next(c for c in inside if isinstance(c, ft.TextButton) and c.content in ("Rename", "Renommer"))
    raise AssertionError(f"no theme card titled {label!r}")


def test_a_theme_named_in_both_languages_reaches_each_member_in_their_own(tmp_path):
    """Issue 28 (M5): an English facilitator renamed themes and French members read « Slowing
    down before deciding » and the raw keywords. Now the rename dialog asks for a French and an
    English name; a theme named in English only shows that name to everyone, never keywords."""
    from journal_app.circle_messages import harvest_of
    from journal_app.usecases.relay import create_circle, fetch_messages
    from tests.relay_live import relay_in_thread

    facilitator_dir, french_dir, english_dir = (tmp_path / n for n in ("f", "fr", "en"))
    with relay_in_thread(tmp_path / "relay") as url:
        session = JournalSession(facilitator_dir, kdf=FAST_KDF)
        session.create(PASSPHRASE)
        keys = create_circle(session.database, "Cercle du jeudi", url)
        import_circle(session.database, keys, labelled_set()[::4])
        cid = keys.invitation.circle_id
        board = ThemeBoard(session.database, cid, "en")
        board.save()
        first, second = [v for v in board.views()[0] if v.count >= 5][:2]
        session.lock()
        for folder in (french_dir, english_dir):
            member = JournalSession(folder, kdf=FAST_KDF)
            member.create(PASSPHRASE)
            Circles(member.database).join(keys.invitation.code())
            member.lock()

        async def facilitate():
            h, shell = await app(facilitator_dir, width=1280, lang="en")
            await unlock_in(h, "en")
            shell.show_settings()
            await h.settle()
            await h.click(ft.OutlinedButton, "Facilitate a circle")
            await h.wait_for(lambda: h.has_text("Themes ("), timeout=60)
            await h.fire(rename_button(h, first.theme.label), "click")
            await h.type(h.find(ft.TextField, "Name in French"), "Le temps de nos rencontres")
            await h.type(h.find(ft.TextField, "Name in English"), "The time of our meetings")
            await h.click(ft.FilledButton, "OK")
            await h.wait_for(lambda: h.has_text("The time of our meetings ("), timeout=60)
            assert h.has_text("In French: “Le temps de nos rencontres”")
            await h.fire(rename_button(h, second.theme.label), "click")
            await h.type(h.find(ft.TextField, "Name in English"), "Money talk")  # English only
            await h.click(ft.FilledButton, "OK")
            await h.wait_for(lambda: h.has_text("Money talk ("), timeout=60)
            await h.click(ft.FilledButton, "Publish the harvest")
            await h.wait_for(lambda: h.has_text("What members will see"), timeout=60)
            assert h.has_text("The time of our meetings (") and h.has_text("In French: “Le temps de nos rencontres”")
            await h.fire(h.find_all(ft.FilledButton, "Publish")[-1], "click")
            circles = Circles(shell.ctx.session.database)
            await h.wait_for(lambda: circles.published_harvest(cid) is not None, timeout=60)
            shell.lock()

        run_ui(facilitate)
        for folder in (french_dir, english_dir):
            member = JournalSession(folder, kdf=FAST_KDF)
            member.unlock(PASSPHRASE)
            assert fetch_messages(member.database) == 1
            member.lock()

    def read_harvest(folder, lang, expected, absent):
        async def body():
            h, shell = await app(folder, lang=lang)
            await unlock_in(h, lang)
            shell.show_outbox()
            await h.settle()
            await h.click(ft.OutlinedButton, "La récolte de «\u00a0Cercle du jeudi\u00a0»" if lang == "fr"
                          else "What the circle “Cercle du jeudi” harvested")
            for name in expected:
                assert h.has_text(f"{name} ("), (name, h.texts())
            for name in absent:
                assert not h.has_text(name), name
            shell.lock()

        run_ui(body)

    english_only = "Money talk"
    keywords = [n for n in second.theme.names.values() if n]  # the app's, replaced by « Money talk »
    read_harvest(french_dir, "fr", ["Le temps de nos rencontres", english_only],
                 ["The time of our meetings", *keywords])
    read_harvest(english_dir, "en", ["The time of our meetings", english_only], ["Le temps de nos rencontres"])
    member = JournalSession(french_dir, kdf=FAST_KDF)
    member.unlock(PASSPHRASE)
    try:
        harvest = harvest_of(Circles(member.database).circle_message(cid, "harvest"))
        named = {t.name("fr"): t.name("en") for t in harvest.themes}
        assert named["Le temps de nos rencontres"] == "The time of our meetings"
        assert named[english_only] == english_only
    finally:
        member.lock()


def test_the_themes_report_is_in_the_circles_language_or_the_one_chosen(tmp_path):
    """Issue 28 (m23): an English facilitator exported a French circle's report with English
    headings. It now follows the circle's language (the one its insights are in), and the
    facilitator can choose the other one."""
    from tests.test_views import saved_by

    french = [r for r in labelled_set() if r.lang == "fr"][::3]
    facilitator_journal(tmp_path, french)

    async def body():
        h, shell = await app(tmp_path, width=1280, lang="en")
        await unlock_in(h, "en")
        shell.show_settings()
        await h.settle()
        await h.click(ft.OutlinedButton, "Facilitate a circle")
        await h.wait_for(lambda: h.has_text("Themes ("), timeout=60)
        assert h.has_text("Report language:")
        await saved_by(h, "Markdown report", ".md", "# Thèmes du cercle «\u00a0Cercle du jeudi\u00a0»",
                       "Report saved.")
        await h.choose("English")
        await saved_by(h, "CSV report", ".csv", "theme,insights", "Report saved.")
        await saved_by(h, "Markdown report", ".md", "# Themes of the circle “Cercle du jeudi”", "Report saved.")
        shell.lock()

    run_ui(body)


def card_button(h, label: str, button: str) -> ft.TextButton:
    """The button `button` of the theme card titled `label`."""
    for card in h.find_all(ft.Card):
        inside = list(h.walk(card))
        if any(isinstance(c, ft.Text) and isinstance(c.value, str) and c.value.startswith(f"{label} (")
               for c in inside):
            return next(c for c in inside if isinstance(c, ft.TextButton) and c.content == button)
    raise AssertionError(f"no theme card titled {label!r}")


def shown_dialog(h) -> ft.AlertDialog:
    return [d for d in h.page._dialogs.controls if isinstance(d, ft.AlertDialog) and d.open][-1]


def test_curating_themes_enter_renames_dialogs_are_named_and_a_merge_keeps_the_chosen_name(tmp_path):
    """Issue 28 (m10): Enter did nothing in the Rename dialog; dialogs were announced as « Alert »;
    the Merge dialog was 750 px tall with no counts; merging into « pause » renamed it with the
    keywords of both themes."""
    facilitator_journal(tmp_path, labelled_set()[::4])

    async def body():
        h, shell = await app(tmp_path, width=1280)
        await open_dashboard(h, shell)
        screen = shell.screen
        await h.wait_for(lambda: h.has_text("Thèmes ("), timeout=60)
        views, _ = screen.board.views()
        first, second, third = views[0], views[1], views[2]
        # Rename: type, then Enter.
        await h.fire(card_button(h, first.theme.label, "Renommer"), "click")
        assert shown_dialog(h).semantics_label == "Renommer"  # announced by its title
        await h.type(h.find(ft.TextField, "Nom en français"), "Le temps des rencontres", submit=True)
        await h.wait_for(lambda: h.has_text(f"Le temps des rencontres ({first.count})"))
        assert not [d for d in h.page._dialogs.controls if isinstance(d, ft.AlertDialog) and d.open]
        # Merge the third theme into the second, which the app named with its keywords.
        target_name = second.theme.label
        await h.fire(card_button(h, third.theme.label, "Fusionner"), "click")
        dialog = shown_dialog(h)
        assert dialog.semantics_label == f"Fusionner «\u00a0{third.theme.label}\u00a0» dans\u00a0:"
        choices = dialog.content.content
        assert isinstance(choices, ft.Column) and choices.tight  # as tall as its choices
        assert h.find_all(ft.Radio, f"{target_name} ({second.count})")  # each theme with its count
        await h.choose(f"{target_name} ({second.count})")
        await h.fire(h.find_all(ft.FilledButton, "OK")[-1], "click")
        merged = second.count + third.count
        await h.wait_for(lambda: h.has_text(f"{target_name} ({merged})"), timeout=60)
        # The questions of a set-aside dialog (ctx.ask) are named too.
        await h.fire(h.find_all(ft.TextButton, "Mettre de côté")[0], "click")
        assert shown_dialog(h).semantics_label == "Mettre cette idée de côté?"
        shell.lock()

    run_ui(body)


def test_the_circles_questions_stay_open_say_added_and_each_pair_reads_apart(tmp_path):
    """Issue 28 (m10, p13): « Les questions du cercle » folded after each « Ajouter la
    question », with no word; the French and English lines of the questions ran together."""
    from journal_app.usecases.relay import create_circle
    from tests.relay_live import relay_in_thread

    with relay_in_thread(tmp_path / "relay") as url:
        session = JournalSession(tmp_path / "f", kdf=FAST_KDF)
        session.create(PASSPHRASE)
        create_circle(session.database, "Cercle du jeudi", url)
        session.lock()

        async def body():
            h, shell = await app(tmp_path / "f", width=1280)
            await open_dashboard(h, shell)
            await h.unfold("Les questions du cercle (0)")
            for fr, en in (("Qu’est-ce qui vous a touché?", "What touched you?"),
                           ("Que voulez-vous essayer?", "What do you want to try?")):
                await h.type(h.find(ft.TextField, "La question en français"), fr)
                await h.type(h.find(ft.TextField, "La question en anglais"), en)
                await h.click(ft.OutlinedButton, "Ajouter la question")
                tile = h.find(ft.ExpansionTile, "Les questions du cercle (")
                assert tile.expanded, "the panel folded"
                assert h.has_text("Question ajoutée.")
                assert h.find(ft.TextField, "La question en français").value == ""
            assert h.find(ft.ExpansionTile, "Les questions du cercle (2)").expanded
            assert h.has_text("En français\u00a0: Qu’est-ce qui vous a touché?")
            assert h.has_text("En anglais\u00a0: What touched you?")
            tile = h.find(ft.ExpansionTile, "Les questions du cercle (2)")
            assert [c for c in h.walk(tile) if isinstance(c, ft.Divider)], "the two pairs run together"
            shell.lock()

        run_ui(body)


def test_facilitating_is_near_the_top_of_settings_and_its_screen_is_in_parts(tmp_path):
    """Issue 28 (m9, p10): « Animer un cercle » sat at the bottom of Réglages (y≈1,460), and the
    facilitator's screen mixed setup, questions, reports and themes in one scroll; « Langue »
    hid under « Apparence »."""
    facilitator_journal(tmp_path, labelled_set()[::4])

    async def body():
        h, shell = await app(tmp_path, width=1280)
        await unlock(h)
        shell.show_settings()
        await h.settle()
        texts = h.texts()
        facilitate = texts.index("Animer un cercle")
        assert facilitate < texts.index("Apparence") and facilitate < texts.index("Confidentialité")
        # « Langue » is a section of its own, before « Apparence », not a line under it.
        headings = [c.value for c in h.walk() if isinstance(c, ft.Text) and c.size == 18]
        assert "Langue" in headings and headings.index("Langue") < headings.index("Apparence")
        await h.click(ft.OutlinedButton, "Animer un cercle")
        assert isinstance(shell.screen, FacilitatorScreen)
        await h.wait_for(lambda: h.has_text("Thèmes ("), timeout=60)
        texts = h.texts()
        parts = ["Mise en place", "Idées reçues et thèmes", "Rapports et récolte"]
        at = [texts.index(p) for p in parts]
        assert at == sorted(at)
        themes_at = next(i for i, t in enumerate(texts) if t.startswith("Thèmes ("))
        assert texts.index("Seuil de confidentialité\u00a0: 5") < at[1] < themes_at < at[2]
        assert at[2] < texts.index("Rapport Markdown")
        headers = [c for c in h.walk() if isinstance(c, ft.Semantics) and c.header]
        assert {c.content.value for c in headers} >= set(parts)
        shell.lock()

    run_ui(body)


def test_a_themes_weeks_are_a_line_and_a_small_sparkline_not_a_100_px_chart(tmp_path):
    """p12: on a laptop each theme spent about 100 px on a bar chart, most often of one or two
    bars. The trend is now one line (« 3 la semaine 43 · 5 la précédente ») beside a sparkline
    24 px high, read by a screen reader as the count of each week."""
    import re

    import flet_charts as fc

    rows = labelled_set()[::4]
    facilitator_journal(tmp_path, rows)

    async def body():
        h, shell = await app(tmp_path, width=1280)
        await open_dashboard(h, shell)
        await h.wait_for(lambda: h.has_text("Thèmes ("), timeout=60)
        views, _ = shell.screen.board.views()
        cards = h.find_all(ft.Card)
        assert not [c for card in cards for c in h.walk(card) if isinstance(c, fc.BarChart)]
        seen = 0
        for card in cards:
            trends = [c for c in h.walk(card)
                      if isinstance(c, ft.Semantics) and (c.label or "").startswith("Idées par semaine")]
            if not trends:
                continue
            [trend] = trends
            seen += 1
            assert trend.exclude_semantics  # read once, as its label says
            line = next(c.value for c in h.walk(trend) if isinstance(c, ft.Text))
            assert re.fullmatch(r"\d+ (cette semaine|la semaine (dernière|\d+( de \d{4})?))( · \d+ la précédente)?",
                                plain(line)), line
            bars = [c for c in h.walk(trend) if isinstance(c, ft.Container)]
            assert all(b.height <= 24 for b in bars)
            said = re.findall(r"semaine \d+(?: de \d{4})?\u00a0: (\d+)", trend.label)
            title = next(c.value for c in h.walk(card)
                         if isinstance(c, ft.Text) and re.search(r"\(\d+\)$", c.value or ""))
            assert sum(int(n) for n in said) == int(re.search(r"\((\d+)\)$", title).group(1))
        assert seen == len([v for v in views if v.weeks]) > 0
        shell.lock()

    run_ui(body)


def test_the_trend_line_says_this_week_last_week_or_which_week_and_the_one_before():
    from datetime import date

    from journal_app.i18n import translate
    from journal_app.views.facilitator import trend_line, week_series

    def t(key, **values):
        return translate(key, "fr", **values)

    today = date(2026, 12, 9)  # a Wednesday of week 50
    assert plain(trend_line([("2026-W50", 3)], today, t, "fr")) == "3 cette semaine"
    two = [("2026-W48", 5), ("2026-W49", 3)]
    assert plain(trend_line(two, today, t, "fr")) == "3 la semaine dernière · 5 la précédente"
    assert plain(trend_line([("2026-W45", 2), ("2026-W47", 4)], today, t, "fr")) == "4 la semaine 47 · 0 la précédente"
    assert plain(trend_line([("2025-W52", 1)], today, t, "fr")) == "1 la semaine 52 de 2025"
    assert trend_line([("2026-W49", 1)], today, lambda k, **v: translate(k, "en", **v), "en") == "1 last week"
    # The sparkline's weeks: none left out between the first and the last, at most twelve.
    assert week_series([("2026-W52", 1), ("2027-W02", 2)]) == [("2026-W52", 1), ("2026-W53", 0), ("2027-W01", 0),
                                                              ("2027-W02", 2)]
    assert len(week_series([("2026-W01", 1), ("2026-W40", 2)])) == 12


@pytest.mark.extras  # ZXing and Pillow come with the test extra
@pytest.mark.parametrize("width", [390, 1280])
def test_the_invitations_qr_code_has_modules_a_phone_reads_across_a_room(tmp_path, width):
    """p11: a relay circle's invitation (about 390 characters) was 77 modules a side in 240 px:
    3 px a module, resampled, with 2 modules of quiet zone. Its QR form (base32, low error
    correction on a screen) has fewer modules, each whole pixels, at least 3 px on a phone and
    6 on a laptop, with 4 modules of quiet zone; it reads back as the same invitation, and the
    PNG saved to print keeps medium error correction."""
    import io

    import zxingcpp
    from PIL import Image

    from journal_app.circles import new_relay
    from journal_app.sharing import parse_invitation
    from tests.test_views_recognition import qr_geometry, shown_qr

    session = JournalSession(tmp_path, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    keys = Circles(session.database).create("Cercle du jeudi", relay=new_relay("https://relais.cercle-focusing.ca"))
    session.lock()

    async def body():
        h, shell = await app(tmp_path, width=width)
        await open_dashboard(h, shell)
        await h.unfold("Inviter des membres")
        image = shown_qr(h, "Code QR de l’invitation au cercle")
        module, modules, quiet = qr_geometry(image)
        print(f"\ninvitation of {len(keys.invitation.code())} characters at {width} px: {modules} modules, "
              f"{module:.2f} px each")
        assert module >= (3 if width < 600 else 6) and module == int(module) and quiet >= 4
        assert image.width <= width - 24
        [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.src)))
        assert parse_invitation(found.text) == keys.invitation
        await h.click(ft.OutlinedButton, "Enregistrer l’image du code QR")
        await h.wait_for(lambda: "save_file" in h.conn.invoked)
        [saved] = [args for name, args in h.conn.invoked_args if name == "save_file"]
        [printed] = zxingcpp.read_barcodes(Image.open(io.BytesIO(saved["src_bytes"])))
        assert parse_invitation(printed.text) == keys.invitation and printed.ec_level in ("M", "Q", "H")
        shell.lock()

    run_ui(body)

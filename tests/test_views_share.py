"""View tests for the consent preview (redact, restore, confirm, cancel) and the outbox."""

from __future__ import annotations

import flet as ft

from journal_app.circles import Circles
from journal_app.sharing import CircleKeys, Withdrawal, open_envelope, read_bundle
from journal_app.views.share import OutboxScreen, ShareScreen
from tests.flet_harness import plain, run_ui
from tests.test_views import app, make_journal, unlock

TEXT = "Quand Sylvie a parlé, j’ai senti ma gorge se serrer. Écrivez-moi à s@exemple.ca."


async def open_share(h, shell):
    await h.click(ft.ListTile, "Cercle")
    await h.click(ft.IconButton, "Partager")


def word_pieces(h):
    """« Mot par mot »: one control per word or replacement, read as the word and checked (it
    leaves) or not."""
    return [c for c in h.walk() if isinstance(c, ft.Semantics) and isinstance(c.content, ft.Container)
            and isinstance(c.content.data, tuple) and c.content.data[:1] == ("word",)]


def shown(piece):
    """The text a word piece shows."""
    return next(c.value for c in piece.content.content.controls[1].controls if isinstance(c, ft.Text))


def word(h, text):
    found = [p for p in word_pieces(h) if shown(p) == text]
    assert found, [shown(p) for p in word_pieces(h)]
    return found[0]


async def share_screen(data_dir):
    """The journal unlocked, its entry « Cercle » open on « Partager une idée »."""
    h, shell = await app(data_dir)
    await unlock(h)
    await open_share(h, shell)
    return h, shell


async def join(h, facilitator) -> None:
    """The invitation pasted and « Rejoindre » tapped, as a member does on the share screen."""
    await h.type(h.find(ft.TextField, "Code d’invitation"), facilitator.invitation.code())
    await h.click(ft.OutlinedButton, "Rejoindre")


def test_consent_preview_redact_restore_and_confirm(tmp_path):
    make_journal(tmp_path, [(TEXT, {"title": "Cercle"})])
    facilitator = CircleKeys.create("Cercle du jeudi")

    async def body():
        h, shell = await share_screen(tmp_path)
        screen = shell.screen
        assert isinstance(screen, ShareScreen)
        assert "Sylvie" not in screen.outgoing_text and "s@exemple.ca" not in screen.outgoing_text
        assert h.has_text("[personne A]") and h.has_text("[courriel]")
        # Not in a circle yet: confirm is off until the invitation is pasted.
        assert h.find(ft.FilledButton, "Je confirme").disabled
        await h.type(h.find(ft.TextField, "Code d’invitation"), "RSNT1-faux")
        await h.click(ft.OutlinedButton, "Rejoindre")
        assert h.has_text("pas valide")
        await join(h, facilitator)
        assert not h.find(ft.FilledButton, "Je confirme").disabled
        # Word by word: tap a word to redact it, tap the name's placeholder to restore it.
        await h.choose("Mot par mot")
        await h.fire(word(h, "gorge").content, "click")
        assert "gorge" not in screen.outgoing_text and "[retiré]" in screen.outgoing_text
        await h.fire(word(h, "[personne A]").content, "click")
        assert "Sylvie" in screen.outgoing_text
        await h.fire(word(h, "Quand").content, "click")  # a capitalized word: remembered as a marked name
        assert "Quand" in Circles(shell.ctx.session.database).marked_names()
        shown = screen.outgoing_text
        await h.click(ft.FilledButton, "Je confirme")
        circles = Circles(shell.ctx.session.database)
        [item] = circles.outbox()
        assert item.shared.insight.text == shown  # exactly what was shown, nothing else
        opened = open_envelope(item.shared.envelope, facilitator)
        assert opened.text == shown and opened.kind == "free"
        shell.lock()

    run_ui(body)


def sentence_tiles(h):
    """The sentences of the consent preview: one control each, announced checked or not."""
    return [c for c in h.walk() if isinstance(c, ft.Semantics) and c.checked is not None
            and isinstance(c.content, ft.Container) and c.content.on_click]


def test_a_passage_is_shared_by_keeping_some_sentences_only(tmp_path):
    text = ("Le cercle a commencé en retard. Quand Sylvie a parlé, j’ai senti ma gorge se serrer. "
            "Puis tout s’est posé. Ma sœur m’attendait après.")
    make_journal(tmp_path, [(text, {"title": "Cercle"})])
    facilitator = CircleKeys.create("Cercle du jeudi")

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        Circles(shell.ctx.session.database).join(facilitator.invitation.code())
        await open_share(h, shell)
        screen = shell.screen
        tiles = sentence_tiles(h)
        assert len(tiles) == 4 and all(t.checked for t in tiles)
        # Four sentences, four controls (not one per word), each read with its redacted text.
        assert "[personne A]" in tiles[1].content.content.controls[1].value
        await h.fire(tiles[0].content, "click")  # leave out the first and the last
        await h.fire(sentence_tiles(h)[3].content, "click")
        assert [t.checked for t in sentence_tiles(h)] == [False, True, True, False]
        expected = "Quand [personne A] a parlé, j’ai senti ma gorge se serrer. Puis tout s’est posé."
        assert screen.outgoing_text == expected and h.has_text(expected)  # shown as it will leave
        await h.fire(sentence_tiles(h)[2].content, "click")  # a gap between two kept: marked
        await h.fire(sentence_tiles(h)[3].content, "click")
        assert screen.outgoing_text == ("Quand [personne A] a parlé, j’ai senti ma gorge se serrer."
                                        " […] Ma sœur m’attendait après.")
        await h.choose("Mot par mot")  # the words of the kept sentences only
        words = [shown(p) for p in word_pieces(h)]
        assert "retard." not in words and "Quand" in words and "posé." not in words
        await h.choose("Phrase par phrase")
        while any(t.checked for t in sentence_tiles(h)):  # a tap redraws the sentences
            await h.fire(next(t for t in sentence_tiles(h) if t.checked).content, "click")
        assert h.find(ft.FilledButton, "Je confirme").disabled and h.has_text("rien ne partirait")
        await h.fire(sentence_tiles(h)[1].content, "click")
        await h.click(ft.FilledButton, "Je confirme")
        [item] = Circles(shell.ctx.session.database).outbox()
        assert item.shared.insight.text == "Quand [personne A] a parlé, j’ai senti ma gorge se serrer."
        # Back on the entry, which says it was shared, with whom and where it is now.
        await h.wait_for(lambda: h.has_text("a été partagée avec « Cercle du jeudi » : en attente d’envoi"))
        note = next(c for c in h.find_all(ft.TextButton, "Voir mes idées partagées")
                    if not isinstance(c.parent, ft.SnackBar))
        await h.fire(note, "click")
        assert isinstance(shell.screen, OutboxScreen)
        shell.lock()

    run_ui(body)


def test_a_code_read_by_the_phone_camera_is_pasted_from_the_clipboard(tmp_path):
    make_journal(tmp_path, [(TEXT, {"title": "Cercle"})])
    facilitator = CircleKeys.create("Cercle du jeudi")

    async def body():
        h, shell = await share_screen(tmp_path)
        assert h.has_text("appareil photo")
        h.conn.answers["get"] = "  " + facilitator.invitation.code() + "\n"  # as a camera app copies it
        await h.click(ft.OutlinedButton, "Coller le code copié")
        assert "get" in h.conn.invoked
        assert [c.circle_id for c in Circles(shell.ctx.session.database).joined()] == \
            [facilitator.invitation.circle_id]
        assert not h.find(ft.FilledButton, "Je confirme").disabled
        shell.lock()

    run_ui(body)


def test_cancel_leaves_the_outbox_unchanged(tmp_path):
    make_journal(tmp_path, [(TEXT, {"title": "Cercle"})])
    facilitator = CircleKeys.create("Cercle")

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        Circles(shell.ctx.session.database).join(facilitator.invitation.code())
        await open_share(h, shell)
        await h.click(ft.TextButton, "Annuler")
        assert Circles(shell.ctx.session.database).outbox() == []
        assert not isinstance(shell.screen, ShareScreen)
        shell.lock()

    run_ui(body)


def test_outbox_withdraw_and_export(tmp_path):
    make_journal(tmp_path)
    facilitator = CircleKeys.create("Cercle du jeudi")

    async def body():
        from datetime import date

        h, shell = await app(tmp_path)
        await unlock(h)
        circles = Circles(shell.ctx.session.database)
        circles.join(facilitator.invitation.code())
        circles.share(facilitator.invitation.circle_id, "Un extrait", day=date(2026, 11, 27), kind="free")
        shell.show_outbox()
        assert isinstance(shell.screen, OutboxScreen) and h.has_text("Un extrait")
        await h.click(ft.OutlinedButton, "Exporter le fichier de partage")
        await h.settle()
        assert "save_file" in h.conn.invoked and "share_files" not in h.conn.invoked
        assert circles.outbox()[0].exported
        await h.click(ft.TextButton, "Retirer")
        # p9: asked first, saying it cannot be undone; « Garder l’idée » keeps it
        dialog = next(c for c in h.page._dialogs.controls if isinstance(c, ft.AlertDialog) and c.open)
        assert "ne peut pas être annulé" in dialog.content.value
        await h.fire(next(b for b in dialog.actions if b.content == "Garder l’idée"), "click")
        assert not circles.outbox()[0].withdrawn
        await h.click(ft.TextButton, "Retirer")
        dialog = next(c for c in h.page._dialogs.controls if isinstance(c, ft.AlertDialog) and c.open)
        await h.fire(next(b for b in dialog.actions if b.content == "Retirer"), "click")
        assert h.has_text("retiré") and circles.outbox()[0].withdrawn
        # From now on the file carries the withdrawal alone, never the text again.
        (envelope,) = read_bundle(circles.outbox_bundle(facilitator.invitation.circle_id))
        assert isinstance(open_envelope(envelope, facilitator), Withdrawal)
        # On a phone, the same button hands the file to the platform's share sheet.
        h.page.platform = ft.PagePlatform.ANDROID
        await h.click(ft.OutlinedButton, "Exporter le fichier de partage")
        await h.settle()
        assert "share_files" in h.conn.invoked
        shell.lock()

    run_ui(body)


def test_the_questions_of_a_guided_entry_are_named_by_their_text_never_their_ids(tmp_path):
    """« Que voulez-vous partager? » listed objective / reflective / interpretive / decisional."""
    answers = {"objective": "On a parlé du budget.", "reflective": "Surprise, puis soulagement."}
    make_journal(tmp_path, [("", {"title": "Cercle", "kind": "reflection", "pack_id": "orid",
                                  "answers": answers})])
    facilitator = CircleKeys.create("Cercle du jeudi")

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        Circles(shell.ctx.session.database).join(facilitator.invitation.code())
        await open_share(h, shell)
        assert h.has_text("Les faits") and h.has_text("Ce que j’ai ressenti")
        assert not any(t in ("objective", "reflective") for t in h.texts())
        await h.choose("Ce que j’ai ressenti")
        await h.click(ft.FilledButton, "Je confirme")
        [item] = Circles(shell.ctx.session.database).outbox()
        assert item.shared.insight.prompt_id == "orid.reflective"  # named by the facilitator's screens

    run_ui(body)


def test_the_outbox_says_what_left_and_what_waits_and_the_confirmation_leads_there(tmp_path):
    """The outbox said « partagé » before anything left, with a week code (2026-W48); after
    confirming, nothing led to it."""
    make_journal(tmp_path, [(TEXT, {"title": "Cercle"})])
    facilitator = CircleKeys.create("Cercle du jeudi")

    async def body():
        from datetime import date

        from journal_app.i18n import format_date

        h, shell = await app(tmp_path)
        await unlock(h)
        Circles(shell.ctx.session.database).join(facilitator.invitation.code())
        await open_share(h, shell)
        await h.click(ft.FilledButton, "Je confirme")
        snack = next(d for d in h.page._dialogs.controls if isinstance(d, ft.SnackBar))
        assert snack.action == "Voir mes idées partagées"
        await h.fire(snack, "action")
        assert isinstance(shell.screen, OutboxScreen)
        assert h.has_text("en attente d’envoi") and not h.has_text("exportée")
        week = date.today().isocalendar().week
        assert h.has_text(f"semaine {week}") and not any("-W" in t for t in h.texts())
        await h.click(ft.OutlinedButton, "Exporter le fichier de partage")
        await h.settle()
        assert h.has_text(f"exportée le {format_date(date.today(), 'fr')}") and not h.has_text("en attente d’envoi")
        await h.click(ft.TextButton, "Retirer")
        dialog = next(c for c in h.page._dialogs.controls if isinstance(c, ft.AlertDialog) and c.open)
        await h.fire(next(b for b in dialog.actions if b.content == "Retirer"), "click")
        assert h.has_text("retirée")

    run_ui(body)


def test_a_circle_is_joined_from_my_shares_and_a_new_relay_is_asked_first(tmp_path):
    """« Rejoindre un cercle » in « Mes idées partagées » (not only inside « Partager »). A member
    who joined without a relay and pastes a code with one sees the relay's host, and nothing
    changes until they tap « Oui, passer par ce relais »."""
    from journal_app.circles import new_relay
    from journal_app.sharing import Invitation

    make_journal(tmp_path)
    facilitator = CircleKeys.create("Cercle du jeudi")
    relay = new_relay("https://relais.cercle-du-jeudi.quebec")
    with_relay = Invitation(facilitator.invitation.circle_id, "Cercle du jeudi", facilitator.invitation.public_key,
                            relay.access)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        shell.show_outbox()
        await h.settle()
        assert h.has_text("Rejoindre un cercle")
        circles = Circles(shell.ctx.session.database)
        await h.type(h.find(ft.TextField, "Code d’invitation"), facilitator.invitation.code())
        await h.click(ft.OutlinedButton, "Rejoindre le cercle")
        assert h.has_text("Vous avez rejoint le cercle")
        assert h.find(ft.OutlinedButton, "Exporter le fichier de partage")  # the new circle's own button
        await h.type(h.find(ft.TextField, "Code d’invitation"), with_relay.code())
        await h.click(ft.OutlinedButton, "Rejoindre le cercle")
        assert h.has_text("relais.cercle-du-jeudi.quebec")
        assert circles.joined_circle(facilitator.invitation.circle_id).relay is None  # not before the yes
        await h.click(ft.TextButton, "Oui, passer par ce relais")
        assert circles.joined_circle(facilitator.invitation.circle_id).relay.url == relay.access.url
        shell.lock()

    run_ui(body)


def doubt_chips(h):
    """The consent screen's marks on doubted words: tappable chips announced with their word."""
    return [c for c in h.walk() if isinstance(c, ft.Semantics) and isinstance(c.content, ft.Container)
            and isinstance(c.content.data, tuple) and c.content.data[:1] == ("doubt",)]


def test_a_doubted_word_is_marked_and_one_tap_removes_it_or_puts_it_back(tmp_path):
    """Two doubts: « Pierre » opening a proverb (a name, or the stone?) leaves as written unless
    the member taps it; « shkurta » (in no list, in lower case) is removed unless they tap it
    back. Both are marked, announced with their word and their state, and one tap decides."""
    make_journal(tmp_path, [("Pierre qui roule n’amasse pas mousse, m’a dit shkurta après le cercle.",
                             {"title": "Cercle"})])
    facilitator = CircleKeys.create("Cercle du jeudi")

    def chip(h, word):
        [found] = [c for c in doubt_chips(h) if word in c.label]
        return found

    async def body():
        h, shell = await share_screen(tmp_path)
        screen = shell.screen
        await join(h, facilitator)
        assert h.has_text("À vérifier")
        pierre, shkurta = chip(h, "Pierre"), chip(h, "shkurta")
        assert "peut-être un nom" in pierre.label and pierre.checked is False
        assert "retiré" in shkurta.label and shkurta.checked is True
        assert "Pierre qui roule" in screen.outgoing_text and "shkurta" not in screen.outgoing_text
        await h.fire(pierre.content, "click")  # the member decides it is a name
        assert "Pierre" not in screen.outgoing_text and chip(h, "Pierre").checked is True
        await h.fire(chip(h, "shkurta").content, "click")  # and that this one may stay
        assert "shkurta" in screen.outgoing_text and chip(h, "shkurta").checked is False
        await h.fire(chip(h, "shkurta").content, "click")  # changed their mind: removed again
        assert "shkurta" not in screen.outgoing_text
        await h.fire(chip(h, "Pierre").content, "click")  # and the proverb back as written
        assert "Pierre qui roule" in screen.outgoing_text
        await h.choose("Mot par mot")  # word by word, the kept doubt is marked in the text too
        marked = word(h, "Pierre")
        assert "peut-être un nom" in marked.content.content.controls[1].controls[0].semantics_label
        await h.fire(marked.content, "click")
        assert "Pierre" not in screen.outgoing_text
        shown = screen.outgoing_text
        await h.click(ft.FilledButton, "Je confirme")
        [item] = Circles(shell.ctx.session.database).outbox()
        assert open_envelope(item.shared.envelope, facilitator).text == shown
        shell.lock()

    run_ui(body)



async def consent_for(tmp_path, text):
    """The consent screen for a journal of one entry, `text`, in a circle just joined."""
    make_journal(tmp_path, [(text, {"title": "Cercle"})])
    h, shell = await share_screen(tmp_path)
    await join(h, CircleKeys.create("Cercle du jeudi"))
    return h, shell, shell.screen


def test_a_word_the_tagger_doubts_is_marked_and_one_tap_removes_it(tmp_path):
    """« Rock » beside « Blanche »: the trained tagger (journal_app/tagger.py) takes it for a name,
    not surely enough to redact it. The consent screen marks it; one tap removes it."""
    async def body():
        h, shell, screen = await consent_for(tmp_path, "Rock pis Blanche sont venus souper dimanche après le cercle.")
        [rock] = [c for c in doubt_chips(h) if "Rock" in c.label]
        assert "peut-être un nom" in rock.label and rock.checked is False
        assert "Rock pis" in screen.outgoing_text and "Blanche" not in screen.outgoing_text
        await h.fire(rock.content, "click")
        assert "Rock" not in screen.outgoing_text and "souper dimanche" in screen.outgoing_text
        shell.lock()

    run_ui(body)


def test_someone_described_at_a_workplace_nobody_named_is_marked_and_one_tap_removes_them(tmp_path):
    """« Mon médecin à la clinique »: not one person for sure, so it would leave as written, but the
    consent screen marks the whole description as maybe someone people would recognize; one tap
    removes it, another puts it back."""
    async def body():
        h, shell, screen = await consent_for(tmp_path, "Mon médecin à la clinique m’a rassurée après le cercle.")
        [doctor] = [c for c in doubt_chips(h) if "médecin" in c.label]
        assert "Mon médecin à la clinique" in doctor.label and "quelqu’un qu’on reconnaîtrait" in doctor.label
        assert doctor.checked is False and "Mon médecin à la clinique" in screen.outgoing_text
        await h.fire(doctor.content, "click")
        assert "médecin" not in screen.outgoing_text and "clinique" not in screen.outgoing_text
        assert "rassurée après le cercle" in screen.outgoing_text
        [doctor] = [c for c in doubt_chips(h) if "médecin" in c.label]
        assert doctor.checked is True
        await h.fire(doctor.content, "click")
        assert "Mon médecin à la clinique" in screen.outgoing_text
        shell.lock()

    run_ui(body)


def test_a_name_the_journal_keeps_writing_is_caught_in_the_insight_however_typed(tmp_path):
    """« Kiki » is also an ordinary word (no list says it is a name); the member's journal writes
    it with a capital in two entries: the insight's « kiki » in lower case is redacted."""
    make_journal(tmp_path, [("Souper avec Kiki ce soir, ça m’a fait du bien.", {"title": "Souper"}),
                            ("J’ai appelé Kiki pour lui parler du cercle.", {"title": "Appel"}),
                            ("pis kiki etait la aussi, toujours aussi drôle.", {"title": "Cercle"})])

    async def body():
        h, shell = await share_screen(tmp_path)
        assert "kiki" not in shell.screen.outgoing_text.lower()
        assert h.has_text("[personne A]")
        shell.lock()

    run_ui(body)


def test_sharing_again_says_what_was_shared_before_and_that_words_may_be_quoted(tmp_path):
    """Opening « Partager » on an entry shared then withdrawn says so first (the full text is
    offered again); every share screen says the exact words may be quoted to the whole circle."""
    make_journal(tmp_path, [(TEXT, {"title": "Cercle"})])
    facilitator = CircleKeys.create("Cercle du jeudi")

    async def body():
        h, shell = await share_screen(tmp_path)
        assert h.has_text("cités, sans votre nom, à tout le cercle")
        assert not h.has_text("Vous avez déjà partagé")
        await join(h, facilitator)
        await h.click(ft.FilledButton, "Je confirme")
        circles = Circles(shell.ctx.session.database)
        await h.wait_for(lambda: bool(circles.outbox()))
        circles.withdraw(circles.outbox()[0].shared.insight.id)
        await h.wait_for(lambda: bool(h.find_all(ft.IconButton, "Partager")))
        await h.click(ft.IconButton, "Partager")
        assert h.has_text("Vous avez déjà partagé une idée tirée de cette entrée (Cercle du jeudi, retirée)")
        shell.lock()

    run_ui(body)


def test_sentences_and_words_are_keyboard_toggles_that_keep_their_place(tmp_path):
    """M2, m12: each sentence and each word is one control that Tab reaches and Space or Enter
    toggles (an inked container: Flutter gives it the focus and the activate keys), read as its
    text and whether it leaves, at least 44 px a side for a word (« a » was 12 × 20), without the
    tooltip read before it. A toggle redraws the same control, so the keyboard's focus stays
    on it (a new control would send it back to the top of the screen)."""
    from journal_app.views.share import MIN_TARGET, WORD_GAP

    text = "Le cercle a commencé en retard. Quand Sylvie a parlé, j’ai senti ma gorge se serrer."
    make_journal(tmp_path, [(text, {"title": "Cercle"})])

    async def body():
        h, shell = await share_screen(tmp_path)
        screen = shell.screen
        first, second = sentence_tiles(h)
        assert first.content.ink and second.content.ink
        await h.fire(first.content, "click")  # what Space or Enter does on the focused sentence
        assert sentence_tiles(h)[0] is first and first.checked is False
        await h.fire(first.content, "click")
        assert sentence_tiles(h)[0] is first and first.checked is True
        await h.choose("Mot par mot")
        pieces = word_pieces(h)
        assert [shown(p) for p in pieces][:4] == ["Le", "cercle", "a", "commencé"]
        for piece in pieces:
            box = piece.content
            assert box.ink and piece.container and isinstance(box.tooltip, ft.Tooltip)
            assert box.tooltip.exclude_from_semantics  # « Touchez pour retirer ce mot » is not read first
            tall, column, _ = box.content.controls
            assert tall.height >= MIN_TARGET  # the target's height, whatever the text's
            assert column.controls[1].width + 2 * WORD_GAP >= MIN_TARGET  # and its width
        a = word(h, "a")
        assert a.checked is True and a.content.content.controls[1].controls[0].semantics_label is None  # « a »
        await h.fire(a.content, "click")
        assert word_pieces(h)[2] is a and a.checked is False and shown(a) == "[retiré]"
        said = a.content.content.controls[1].controls[0].semantics_label
        assert plain(said) == "« a », retiré : remplacé par [retiré]"
        assert "Le cercle [retiré] commencé" in screen.outgoing_text
        await h.fire(a.content, "click")  # Space again: the word is back, on the same control
        assert word_pieces(h)[2] is a and a.checked is True and "Le cercle a commencé" in screen.outgoing_text
        name = word(h, "[personne A]")
        assert name.checked is False and "Sylvie" in name.content.content.controls[1].controls[0].semantics_label
        shell.lock()

    run_ui(body)


def test_a_long_question_chip_wraps_and_keeps_its_whole_text():
    """m13: at 2× text the circle's questions were cut off mid-word (« Qu'est-ce qui nous a »),
    with no « … » and nowhere to read the rest: the label wraps (up to three lines, then « … »),
    a screen reader reads it whole, and a tooltip shows it whole."""
    from journal_app.views.theme import choice_chips

    question = "Qu’est-ce qui nous aide à rester présents les uns aux autres quand le cercle s’agite?"
    row = choice_chips([("", "Aucune en particulier"), ("q1", question)], "", lambda v: None)
    short, long = row.controls
    assert long.label.value == question and long.label.semantics_label is None  # read whole
    assert long.label.max_lines == 3 and long.label.overflow == ft.TextOverflow.ELLIPSIS and not long.label.no_wrap
    assert isinstance(long.tooltip, ft.Tooltip) and long.tooltip.message == question
    assert long.tooltip.exclude_from_semantics  # not read twice
    assert short.tooltip is None


def test_a_text_said_to_the_phone_asks_to_be_read_word_by_word_and_one_tap_removes_a_word(tmp_path):
    """A voice note has no capitals: the anonymizer finds much less in it (docs/sharing.md, round
    9). The consent screen says so, and word by word one tap removes what it missed."""
    make_journal(tmp_path, [("a soir au cercle la grosse lamontagne du dépanneur ma pris dans ses bras pis "
                             "jai pleuré comme un bébé", {"title": "Cercle"})])
    facilitator = CircleKeys.create("Cercle du jeudi")

    async def body():
        h, shell = await share_screen(tmp_path)
        screen = shell.screen
        await join(h, facilitator)
        assert h.has_text("sans majuscules") and screen.caution.visible
        assert "lamontagne" not in screen.outgoing_text and "du dépanneur" in screen.outgoing_text
        await h.choose("Mot par mot")
        await h.fire(word(h, "dépanneur").content, "click")  # where she works says who she is: out too
        assert "dépanneur" not in screen.outgoing_text and "pleuré comme un bébé" in screen.outgoing_text
        shown = screen.outgoing_text
        await h.click(ft.FilledButton, "Je confirme")
        [item] = Circles(shell.ctx.session.database).outbox()
        assert open_envelope(item.shared.envelope, facilitator).text == shown
        shell.lock()

    run_ui(body)


def test_a_text_written_with_capitals_shows_no_caution(tmp_path):
    make_journal(tmp_path, [("Ce soir au cercle, j’ai senti ma gorge se serrer pendant le partage.",
                             {"title": "Cercle"})])

    async def body():
        h, shell = await share_screen(tmp_path)
        assert not shell.screen.caution.visible and not h.has_text("sans majuscules")
        shell.lock()

    run_ui(body)


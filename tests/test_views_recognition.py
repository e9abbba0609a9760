"""Recognition through the screens, tapping the real controls, across three journals: a member
writes a skill, ticks a count, sees exactly what will leave, signs and gets a request code; a peer
pastes it, reads it, endorses it; the member pastes the reply back; the facilitator gives the
circle's badge once enough peers endorsed it; « Vérifier » says an altered credential is altered."""

from __future__ import annotations

import json

import flet as ft
import pytest

from journal_app.circles import Circles, new_relay
from journal_app.journal import Meeting
from journal_app.recognition.exchange import read_message, to_code
from journal_app.recognition.wallet import Recognition
from journal_app.session import JournalSession
from journal_app.sharing import CircleKeys
from journal_app.vault.storage import create_database
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.flet_harness import run_ui
from tests.test_views import app, saved_by, unlock

STATEMENT = "Je garde le temps sans brusquer personne."


def journal_in(data_dir, code: str, *, meetings: int = 0) -> None:
    session = JournalSession(data_dir, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    for _ in range(meetings):
        session.journal.add("La rencontre.", kind="reflection", pack_id="orid", meeting=Meeting("Cercle", None,
                                                                                                 "timekeeper"))
    Circles(session.database).join(code)
    session.lock()


def shown_code(h) -> str:
    return next(t for t in h.texts() if t.startswith("RSNTR1-"))


def test_claim_endorse_receive_and_the_circles_badge_through_the_screens(tmp_path):
    facilitator = JournalSession(tmp_path / "f", kdf=FAST_KDF)
    facilitator.create(PASSPHRASE)
    keys = Circles(facilitator.database).create("Cercle du jeudi", relay=new_relay("http://127.0.0.1:9"))
    cid = keys.invitation.circle_id
    facilitator.lock()
    journal_in(tmp_path / "m", keys.invitation.code(), meetings=2)
    journal_in(tmp_path / "p", keys.invitation.code())

    async def body():
        # The member: « Mon parcours » → « Compétences » → a skill.
        h, shell = await app(tmp_path / "m")
        await unlock(h)
        shell.go("/progress")
        await h.settle()
        await h.click(ft.FilledButton, "Compétences")
        assert shell.route == "/skills" and h.has_text("2 rencontres où j’ai gardé le temps.")
        await h.fire(h.find(ft.ListTile, "Pratique entre pairs"), "click")
        assert shell.route == "/skill/peer_to_peer"
        await h.unfold("Renommer cette compétence")
        await h.type(h.find(ft.TextField, "Nom de la compétence"), "Pratique entre pairs, en ligne")
        await h.click(ft.OutlinedButton, "Renommer")
        assert h.has_text("Renommée «\u00a0Pratique entre pairs, en ligne\u00a0»")
        assert h.has_text("Compétence\u00a0: Pratique entre pairs, en ligne")  # what will leave says it too
        assert h.find(ft.Text, "Pratique entre pairs, en ligne").size == 22  # and so does the title
        await h.click(ft.FilledButton, "Signer et demander une reconnaissance")
        assert h.has_text("Choisissez d’abord le nom")
        await h.type(h.find(ft.TextField, "Votre nom dans ce cercle"), "Camille")
        await h.type(h.find(ft.TextField, "Dans vos mots"), STATEMENT)
        box = h.find(ft.Checkbox, "Garde du temps")
        h.client_sets(box, value=True)
        await h.fire(box, "change")
        assert h.has_text("Voici exactement ce qui partira")
        assert h.has_text(f"Ses mots\u00a0: «\u00a0{STATEMENT}\u00a0»")
        assert h.has_text("Compté par le journal — Garde du temps\u00a0: 2 rencontres où j’ai gardé le temps.")
        # An entry pointed to as private evidence: kept for the skill, never in the credential.
        await h.unfold("Entrées en appui")
        [entry] = shell.ctx.session.journal.entries()[:1]
        proof = next(b for b in h.find_all(ft.Checkbox) if b.data == entry.id)
        h.client_sets(proof, value=True)
        await h.fire(proof, "change")
        assert Recognition(shell.ctx.session.database).skill("peer_to_peer", "fr").entries == (entry.id,)
        await h.click(ft.FilledButton, "Signer et demander une reconnaissance")
        await h.wait_for(lambda: any(t.startswith("RSNTR1-") for t in h.texts()))
        request = shown_code(h)
        assert read_message(request).kind == "request" and h.has_text("Pas encore.")
        assert entry.id not in json.dumps(read_message(request).credential)
        for label, suffix, expected in (("Enregistrer le justificatif (JSON)", ".json", '"proofValue"'),
                                        ("Page à imprimer", ".html", "Pratique entre pairs")):
            await saved_by(h, label, suffix, expected, "Ce fichier n’est pas chiffré")
        shell.lock()

        # The peer pastes the request, reads exactly what it says, and endorses it.
        h, shell = await app(tmp_path / "p")
        await unlock(h)
        shell.go("/recognize")
        await h.settle()
        h.conn.answers["get"] = request + "\n"
        await h.click(ft.OutlinedButton, "Coller")
        assert h.has_text(STATEMENT) and h.has_text("Émis par\u00a0: Camille")
        await h.click(ft.FilledButton, "Signer cette reconnaissance")
        assert h.has_text("Écrivez d’abord quelques mots")
        await h.type(h.find(ft.TextField, "Ce que vous avez vu de sa pratique"), "Elle tient le temps avec douceur.")
        await h.click(ft.FilledButton, "Signer cette reconnaissance")
        assert h.has_text("Choisissez d’abord le nom")
        await h.type(h.find(ft.TextField, "Votre nom dans ce cercle"), "Sam")
        assert h.has_text("Commentaire\u00a0: «\u00a0Elle tient le temps avec douceur.\u00a0»")
        assert h.has_text("Vous signez avec votre identité du cercle «\u00a0Cercle du jeudi\u00a0».")  # F15
        await h.click(ft.FilledButton, "Signer cette reconnaissance")
        assert h.has_text("Reconnaissance signée.")
        reply = shown_code(h)
        shell.lock()

        # The member pastes the reply on the skill's page: it is in the portfolio.
        h, shell = await app(tmp_path / "m")
        await unlock(h)
        shell.go("/skill/peer_to_peer")
        await h.settle()
        await h.type(h.find(ft.TextField, "Le code ou le texte reçu de votre pair"), reply)
        await h.click(ft.FilledButton, "Lire")
        assert h.has_text("Elle tient le temps avec douceur.") and h.has_text("Émis par\u00a0: Sam")
        shell.go("/skills")
        await h.settle()
        assert h.has_text("Reconnue par 1 pair")
        recognition = Recognition(shell.ctx.session.database)
        [claim] = [x for x in recognition.held() if x.role == "claim"]
        request = to_code(recognition.request(claim.id))
        for n, name in enumerate(("Alex", "Lou")):  # two more peers, for the circle's badge
            peer = create_database(tmp_path / f"peer{n}.vault", PASSPHRASE, kdf=FAST_KDF)[0]
            Circles(peer).join(keys.invitation.code())
            them = Recognition(peer)
            them.set_name(cid, name)
            recognition.receive(them.endorse(recognition.request(claim.id), "Présente et patiente.", "fr", cid))
            peer.close()
        endorsed_thrice = to_code(recognition.request(claim.id))
        shell.lock()

        # The facilitator: one endorsement is not enough for the circle's badge (three are).
        h, shell = await app(tmp_path / "f", width=1280)
        await unlock(h)
        shell.go(f"/circle/{cid}")
        await h.settle()
        await h.click(ft.OutlinedButton, "Badge du cercle")
        assert shell.route == f"/circle/{cid}/badge"
        await h.type(h.find(ft.TextField, "Le code de la demande"), request)
        await h.click(ft.FilledButton, "Lire")
        assert h.has_text("1 reconnaissance valide d’un pair.") and h.has_text("Sam")
        await h.click(ft.FilledButton, "Décerner le badge du cercle")
        assert h.has_text("le badge du cercle en demande 3") and not h.page._dialogs.controls
        # Three: the facilitator sees who endorsed (names and keys) and is asked before the circle signs.
        await h.type(h.find(ft.TextField, "Le code de la demande"), endorsed_thrice)
        await h.click(ft.FilledButton, "Lire")
        assert h.has_text("3 reconnaissances valides de pairs.") and h.has_text("Alex") and h.has_text("Lou")
        assert h.has_text("Rien ne prouve que deux clés sont deux personnes")
        await h.click(ft.FilledButton, "Décerner le badge du cercle")
        dialog = next(c for c in h.page._dialogs.controls if isinstance(c, ft.AlertDialog) and c.open)
        assert "Sam" in dialog.content.value and "did:key:z6Mk" in dialog.content.value
        assert not h.has_text("Badge du cercle signé.")  # nothing signed before the yes
        sign = next(b for b in dialog.actions if b.content == "Signer le badge")
        await h.fire(sign, "click")
        assert h.has_text("Badge du cercle signé.") and any(t.startswith("RSNTR1-") for t in h.texts())
        shell.lock()

    run_ui(body)


def test_verify_says_altered_and_a_malformed_paste_is_one_line(tmp_path):
    from journal_app.sharing import CircleKeys

    circle = CircleKeys.create("Cercle")
    journal_in(tmp_path / "m", circle.invitation.code())
    session = JournalSession(tmp_path / "m", kdf=FAST_KDF)
    session.unlock(PASSPHRASE)
    recognition = Recognition(session.database)
    recognition.set_name(circle.invitation.circle_id, "Camille")
    recognition.set_statement("focusing", STATEMENT)
    held = recognition.claim("focusing", circle.invitation.circle_id, [], "fr")
    session.lock()
    altered = json.loads(json.dumps(held.document))
    altered["name"] = "Tout autre chose"

    async def body():
        h, shell = await app(tmp_path / "m", width=1280)
        await unlock(h)
        shell.go("/verify")
        await h.settle()
        field = h.find(ft.TextField, "Le code ou le texte du justificatif")
        await h.type(field, json.dumps(held.document))
        await h.click(ft.FilledButton, "Lire")
        assert h.has_text("Toutes les signatures tiennent")
        await h.type(field, json.dumps(altered))
        await h.click(ft.FilledButton, "Lire")
        assert h.has_text("Modifié\u00a0: quelque chose a changé") and not h.has_text("Toutes les signatures tiennent")
        await h.type(field, '{"@context": [' * 200)
        await h.click(ft.FilledButton, "Lire")
        assert h.has_text("Rien n’a été changé")
        shell.lock()

    run_ui(body)


def test_a_skill_of_ones_own_is_added_saved_shared_as_a_file_and_removed(tmp_path):
    from tests.test_views import saved_by
    from tests.test_views_phone import picked

    circle = CircleKeys.create("Cercle")
    journal_in(tmp_path / "m", circle.invitation.code())

    async def body():
        h, shell = await app(tmp_path / "m")
        await unlock(h)
        shell.go("/skills")
        await h.settle()
        await h.type(h.find(ft.TextField, "Une autre compétence"), "Tenir un cercle de parole")
        await h.click(ft.OutlinedButton, "Ajouter")
        assert shell.route.startswith("/skill/own-") and h.has_text("Tenir un cercle de parole")
        skill_id = shell.route.removeprefix("/skill/")
        await h.type(h.find(ft.TextField, "Dans vos mots"), STATEMENT)
        await h.click(ft.OutlinedButton, "Enregistrer le texte")
        assert h.has_text("Texte enregistré.")
        assert Recognition(shell.ctx.session.database).skill(skill_id, "fr").statement(
            circle.invitation.circle_id) == STATEMENT  # the words for this circle
        await h.type(h.find(ft.TextField, "Votre nom dans ce cercle"), "Camille")
        await h.click(ft.FilledButton, "Signer et demander une reconnaissance")
        await h.wait_for(lambda: any(t.startswith("RSNTR1-") for t in h.texts()))
        await saved_by(h, "Enregistrer le fichier", ".json", '"format": "ressenti-recognition"', "Fichier enregistré.")
        [saved] = [args for name, args in h.conn.invoked_args if name == "save_file"]
        (tmp_path / "demande.json").write_bytes(saved["src_bytes"])

        # The file, opened in « Vérifier »: reached from the skills list by its button.
        shell.go("/skills")
        await h.settle()
        assert h.has_text("Demande envoyée, en attente")
        await h.click(ft.OutlinedButton, "Vérifier un justificatif")
        assert shell.route == "/verify"
        h.conn.answers["pick_files"] = picked(tmp_path / "demande.json")
        await h.click(ft.OutlinedButton, "Ouvrir un fichier")
        await h.wait_for(lambda: h.has_text("Toutes les signatures tiennent"))
        assert h.has_text("Compétence\u00a0: Tenir un cercle de parole")

        # Removed from the list, after saying yes; what was signed stays.
        shell.go(f"/skill/{skill_id}")
        await h.settle()
        await h.click(ft.TextButton, "Retirer de la liste")
        dialog = next(c for c in h.page._dialogs.controls if isinstance(c, ft.AlertDialog))
        remove = next(b for b in dialog.actions if b.content == "Retirer de la liste")
        await h.fire(remove, "click")
        assert shell.route == "/skills" and not h.has_text("Tenir un cercle de parole")
        assert [x.role for x in Recognition(shell.ctx.session.database).held()] == ["claim"]
        shell.lock()

    run_ui(body)


def test_a_skills_words_are_per_circle_on_its_page_and_none_is_lost_switching(tmp_path):
    """F7 on screen: in two circles, the words for a skill belong to the circle chosen; words typed
    for one circle are kept for it when the member switches to the other."""
    thursday, tuesday = CircleKeys.create("Cercle du jeudi"), CircleKeys.create("Cercle du mardi")
    journal_in(tmp_path / "m", thursday.invitation.code())
    session = JournalSession(tmp_path / "m", kdf=FAST_KDF)
    session.unlock(PASSPHRASE)
    Circles(session.database).join(tuesday.invitation.code())
    session.lock()

    async def body():
        h, shell = await app(tmp_path / "m")
        await unlock(h)
        shell.go("/skill/focusing")
        await h.settle()
        await h.choose("Cercle du jeudi")
        await h.type(h.find(ft.TextField, "Votre nom dans ce cercle"), "Camille")
        await h.type(h.find(ft.TextField, "Dans vos mots"), STATEMENT)
        await h.choose("Cercle du mardi")  # not saved by hand: kept for Thursday all the same
        assert h.find(ft.TextField, "Dans vos mots").value == ""
        await h.type(h.find(ft.TextField, "Votre nom dans ce cercle"), "K.")
        await h.type(h.find(ft.TextField, "Dans vos mots"), "Je laisse venir ce qui vient.")
        await h.click(ft.FilledButton, "Signer et demander une reconnaissance")
        await h.wait_for(lambda: any(t.startswith("RSNTR1-") for t in h.texts()))
        await h.choose("Cercle du jeudi")
        assert h.find(ft.TextField, "Dans vos mots").value == STATEMENT
        recognition = Recognition(shell.ctx.session.database)
        [claim] = [x for x in recognition.held() if x.role == "claim"]
        assert claim.circle == tuesday.invitation.circle_id
        assert claim.checked().text == "Je laisse venir ce qui vient." and STATEMENT not in json.dumps(claim.document)
        assert recognition.skill("focusing", "fr").statement(thursday.invitation.circle_id) == STATEMENT
        shell.lock()

    run_ui(body)


# -- QR codes a phone reads at a glance (experience review 2026-12-03, p11) --------------------
MIN_MODULE_PX = 3  # a module's side on screen, at least


def shown_qr(h, label: str) -> ft.Image:
    [image] = [c for c in h.walk() if isinstance(c, ft.Image) and isinstance(c.parent, ft.Semantics)
               and c.parent.label == label]
    return image


def qr_geometry(image: ft.Image) -> tuple[float, int, int]:
    """What the screen shows of a QR image: a module's side in screen pixels, the modules a
    side, and the quiet zone in modules. Read from the pixels: the top-left finder pattern's
    first row is 7 dark modules."""
    import io

    from PIL import Image

    picture = Image.open(io.BytesIO(image.src)).convert("L")
    side, _ = picture.size
    pixels = picture.load()
    top = next(y for y in range(side) if any(pixels[x, y] < 128 for x in range(side)))
    left = next(x for x in range(side) if pixels[x, top] < 128)
    run = next(x for x in range(left, side) if pixels[x, top] >= 128) - left
    module = run / 7
    on_screen = (image.width or side) / side  # screen pixels an image pixel
    return module * on_screen, round((side - 2 * left) / module), round(left / module)


@pytest.mark.extras  # ZXing and Pillow come with the test extra
@pytest.mark.parametrize("width", [390, 1280])
def test_a_requests_qr_code_has_modules_a_phone_reads_at_a_glance(tmp_path, width):
    """p11: a skill request of about 1,215 characters was a QR code of 117 modules a side squeezed
    into 300 px (2.5 px a module, resampled, 2 modules of quiet zone). Its QR form is base32 (QR's
    alphanumeric mode), each module whole pixels, 3 px at least on a phone, more on a laptop, a
    quiet zone of 4 modules; a camera reads it back as the same request."""
    import io

    import zxingcpp
    from PIL import Image

    facilitator = JournalSession(tmp_path / "f", kdf=FAST_KDF)
    facilitator.create(PASSPHRASE)
    keys = Circles(facilitator.database).create("Cercle du jeudi", relay=new_relay("http://127.0.0.1:9"))
    facilitator.lock()
    journal_in(tmp_path / "m", keys.invitation.code(), meetings=2)

    async def body():
        h, shell = await app(tmp_path / "m", width=width)
        await unlock(h)
        shell.go("/skill/peer_to_peer")
        await h.settle()
        await h.type(h.find(ft.TextField, "Votre nom dans ce cercle"), "Camille")
        await h.type(h.find(ft.TextField, "Dans vos mots"), STATEMENT)
        box = h.find(ft.Checkbox, "Garde du temps")
        h.client_sets(box, value=True)
        await h.fire(box, "change")
        await h.click(ft.FilledButton, "Signer et demander une reconnaissance")
        await h.wait_for(lambda: any(t.startswith("RSNTR1-") for t in h.texts()))
        image = shown_qr(h, "Code QR de la demande ou de la reconnaissance, à lire avec l’appareil photo")
        module, modules, quiet = qr_geometry(image)
        print(f"\nrequest of {len(shown_code(h))} characters at {width} px: {modules} modules, {module:.2f} px each")
        assert module >= (MIN_MODULE_PX if width < 600 else 4) and module == int(module) and quiet >= 4
        assert image.width <= width - 24  # within the screen, its padding left
        [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.src)))
        assert read_message(found.text) == read_message(shown_code(h))
        shell.lock()

    run_ui(body)

"""The devices' screens (issue 27), tapping the real controls with a real relay on loopback:
« Mes appareils » and « Ajouter un appareil » on the device that holds the journal (the other
device is the pairing's use case in a thread), « J'ai déjà un journal sur un autre appareil » on
a new device's first run (the holder in a thread), « Synchroniser », and what goes wrong said in
one sentence."""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import flet as ft

from journal_app.journal import Journal
from journal_app.paths import vault_path
from journal_app.sync.devices import HolderPairing, JoinerPairing
from journal_app.sync.engine import Sync
from journal_app.vault.storage import Database, open_database
from tests.conftest import PASSPHRASE
from tests.flet_harness import run_ui
from tests.relay_live import relay_in_thread
from tests.test_devices import a_device, entries_of
from tests.test_views import app, first_run, unlock


def in_thread(work):
    """Run `work` in a thread; its result (or exception) in the returned dict once done."""
    out: dict = {}

    def run() -> None:
        try:
            out["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - looked at by the test
            out["error"] = exc
        out["done"] = True

    threading.Thread(target=run, daemon=True).start()
    return out


def read_qr(png: bytes) -> str:
    import zxingcpp
    from PIL import Image

    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return str(found.text)


async def open_add_device(h, shell):
    shell.show_settings()
    await h.settle()
    await h.click(ft.OutlinedButton, "Mes appareils")
    assert shell.route == "/devices" and h.has_text("Ce journal n’est encore jumelé à aucun autre appareil.")
    await h.click(ft.OutlinedButton, "Ajouter un appareil")
    assert shell.route == "/devices/add"
    await h.wait_for(lambda: bool(h.find_all(ft.TextField, "Code de jumelage")), timeout=30)
    return h.find(ft.TextField, "Code de jumelage").value


def test_add_a_device_shows_the_code_and_its_qr_asks_for_the_digits_and_sends_the_journal(tmp_path):
    with relay_in_thread(tmp_path / "relay") as url:
        phone = a_device(tmp_path / "phone", url, entries=12)
        laptop = a_device(tmp_path / "laptop", None)

        async def body():
            h, shell = await app(phone)
            await unlock(h)
            code = await open_add_device(h, shell)
            assert code.startswith("RSNTP1-")
            [picture] = [c for c in h.walk() if isinstance(c, ft.Image)]
            assert read_qr(picture.src) == code  # the QR image holds the code to copy
            await h.click(ft.FilledButton, "Copier le code")
            assert h.has_text("Code de jumelage copié")
            assert h.find(ft.TextButton, "Annuler")  # while it waits, the person can leave
            db = open_database(vault_path(laptop), PASSPHRASE)
            joiner = JoinerPairing(Sync(db), code)
            digits = in_thread(joiner.digits)
            await h.wait_for(lambda: h.has_text("Les six chiffres sont-ils les mêmes sur l’autre appareil?"),
                             timeout=30)
            await h.wait_for(lambda: "done" in digits, timeout=30)
            shown = f"{digits['value'][:3]} {digits['value'][3:]}"
            assert h.has_text(shown)  # the same six digits, big
            received = in_thread(joiner.receive)
            await h.click(ft.FilledButton, "Oui, ils sont pareils")
            await h.wait_for(lambda: h.has_text("votre journal est maintenant aussi sur le nouvel appareil"),
                             timeout=60)
            await h.wait_for(lambda: "done" in received, timeout=60)
            assert "error" not in received, received
            db.close()
            await h.click(ft.FilledButton, "Fermer")
            assert shell.route == "/devices"
            assert h.has_text("cet appareil") and h.has_text("ajouté le")
            assert h.find(ft.FilledButton, "Synchroniser").disabled is False
            shell.lock()

        run_ui(body)
        assert entries_of(laptop) == entries_of(phone) and len(entries_of(laptop)) == 12


def test_no_on_the_digits_sends_nothing_and_the_new_device_says_so(tmp_path):
    with relay_in_thread(tmp_path / "relay") as url:
        phone = a_device(tmp_path / "phone", url, entries=2)
        laptop = a_device(tmp_path / "laptop", None)

        async def body():
            h, shell = await app(phone)
            await unlock(h)
            code = await open_add_device(h, shell)
            db = open_database(vault_path(laptop), PASSPHRASE)
            joiner = JoinerPairing(Sync(db), code)
            digits = in_thread(joiner.digits)
            await h.wait_for(lambda: bool(h.find_all(ft.OutlinedButton, "Non")), timeout=30)
            await h.wait_for(lambda: "done" in digits, timeout=30)
            received = in_thread(joiner.receive)
            await h.click(ft.OutlinedButton, "Non")
            await h.wait_for(lambda: h.has_text("Jumelage refusé"), timeout=30)
            await h.wait_for(lambda: "done" in received, timeout=30)
            assert "Recommencez l’ajout" in received["error"].message("fr")
            db.close()
            shell.lock()

        run_ui(body)
        assert entries_of(laptop) == {}


def test_cancel_while_waiting_leaves_and_the_new_device_hears_no(tmp_path):
    with relay_in_thread(tmp_path / "relay") as url:
        phone = a_device(tmp_path / "phone", url)
        laptop = a_device(tmp_path / "laptop", None)

        async def body():
            h, shell = await app(phone)
            await unlock(h)
            code = await open_add_device(h, shell)
            await h.click(ft.TextButton, "Annuler")
            await h.wait_for(lambda: shell.route == "/devices", timeout=30)
            db = open_database(vault_path(laptop), PASSPHRASE)
            try:
                digits = in_thread(JoinerPairing(Sync(db), code).digits)
                await h.wait_for(lambda: "done" in digits, timeout=30)
                assert "rien n’a été reçu" in digits["error"].message("fr")
            finally:
                db.close()
            shell.lock()

        run_ui(body)


async def choose_join(h):
    """First run on a new device, « J'ai déjà un journal sur un autre appareil » ticked."""
    offer = h.find(ft.Checkbox, "J’ai déjà un journal sur un autre appareil")
    h.client_sets(offer, value=True)
    await h.fire(offer, "change")
    assert h.has_text("vous collerez le code de jumelage")
    await h.type(h.find(ft.TextField, "Phrase de passe"), PASSPHRASE)
    await h.type(h.find(ft.TextField, "Encore une fois"), PASSPHRASE)
    await h.click(ft.FilledButton, "Créer mon journal")
    await h.wait_for(lambda: h.has_text("Votre clé de récupération"), timeout=30)
    box = h.find(ft.Checkbox, "J’ai mis ma clé")
    h.client_sets(box, value=True)
    await h.fire(box, "change")
    await h.click(ft.FilledButton, "Continuer")
    assert h.has_text("Recevoir mon journal d’un autre appareil")


def test_a_new_device_pastes_the_code_sees_the_digits_and_receives_the_journal(tmp_path):
    with relay_in_thread(tmp_path / "relay") as url:
        phone = a_device(tmp_path / "phone", url, entries=8)
        laptop = tmp_path / "laptop"

        async def body():
            h, shell = await first_run(laptop)
            await choose_join(h)
            # A mistyped code: one sentence, the field still there.
            await h.type(h.find(ft.TextField, "Code de jumelage"), "RSNTP1-ABCDEF")
            await h.click(ft.FilledButton, "Jumeler")
            assert h.has_text("incomplet ou mal copié") and h.find(ft.TextField, "Code de jumelage")
            db = open_database(vault_path(phone), PASSPHRASE)
            holder = HolderPairing(Sync(db))
            code = holder.start()
            digits = in_thread(holder.digits)
            h.conn.answers["get"] = code  # the clipboard holds the code copied on the other device
            await h.click(ft.OutlinedButton, "Coller")
            await h.wait_for(lambda: "done" in digits, timeout=30)
            await h.wait_for(lambda: h.has_text(f"{digits['value'][:3]} {digits['value'][3:]}"), timeout=30)
            assert h.has_text("confirmez-le là-bas")
            sent = in_thread(holder.confirm)
            await h.wait_for(lambda: "done" in sent, timeout=60)
            assert "error" not in sent, sent
            db.close()
            await h.wait_for(lambda: shell.lock_screen is None and h.has_text("Entrée 7"), timeout=60)
            assert len(shell.ctx.session.journal) == 8
            shell.lock()

        run_ui(body)


def test_a_new_device_hears_no_from_the_other_and_can_paste_again(tmp_path):
    with relay_in_thread(tmp_path / "relay") as url:
        phone = a_device(tmp_path / "phone", url, entries=1)
        laptop = tmp_path / "laptop"

        async def body():
            h, shell = await first_run(laptop)
            await choose_join(h)
            db = open_database(vault_path(phone), PASSPHRASE)
            holder = HolderPairing(Sync(db))
            code = holder.start()
            digits = in_thread(holder.digits)
            await h.type(h.find(ft.TextField, "Code de jumelage"), code)
            await h.click(ft.FilledButton, "Jumeler")
            await h.wait_for(lambda: "done" in digits, timeout=30)
            await asyncio.to_thread(holder.refuse)
            await h.wait_for(lambda: h.has_text("les six chiffres ne sont pas les mêmes"), timeout=30)
            assert h.find(ft.FilledButton, "Jumeler")  # nothing lost: the code can be pasted again
            assert len(shell.ctx.session.journal) == 0
            db.close()
            shell.lock()

        run_ui(body)


@contextmanager
def paired_through_a_relay(tmp_path: Path, entries: int) -> Iterator[tuple[Path, Database]]:
    """A relay on loopback (stopped after), the phone with `entries` entries and a circle on it,
    and the laptop, paired through it: the phone's folder, and the laptop's database, open."""
    with relay_in_thread(tmp_path / "relay") as url:
        phone = a_device(tmp_path / "phone", url, entries=entries)
        yield phone, paired(phone, a_device(tmp_path / "laptop", None))


def paired(phone: Path, laptop: Path) -> Database:
    """The two vaults paired through the use cases (no screen); the laptop's database, open."""
    db = open_database(vault_path(phone), PASSPHRASE)
    holder, joiner_db = HolderPairing(Sync(db)), open_database(vault_path(laptop), PASSPHRASE)
    joiner = JoinerPairing(Sync(joiner_db), holder.start())
    digits = in_thread(joiner.digits)
    holder.digits()
    received = in_thread(joiner.receive)
    holder.confirm()
    while "done" not in received or "done" not in digits:
        threading.Event().wait(0.05)
    db.close()
    assert "error" not in received, received
    return joiner_db


def test_a_mass_deletion_is_asked_first_and_done_on_yes(tmp_path):
    with paired_through_a_relay(tmp_path, entries=8) as (phone, joiner_db):
        journal = Journal(joiner_db)
        for entry in journal.entries()[:4]:  # half the journal deleted on the laptop
            journal.delete(entry.id)
        from journal_app.usecases.devices import sync_now

        assert sync_now(joiner_db, delay=lambda: None).sent == 4
        joiner_db.close()

        async def body():
            h, shell = await app(phone)
            shell.ctx.devices.first = 3600  # the app's own rounds wait: « Synchroniser » is tapped here
            await unlock(h)
            shell.go("/devices")
            await h.settle()
            shell.screen.delay = lambda: None
            await h.click(ft.FilledButton, "Synchroniser")
            await h.wait_for(lambda: bool(h.find_all(ft.TextButton, "Oui, les effacer ici aussi")), timeout=60)
            assert h.has_text("effacerait 4 de vos 8 entrées") and len(shell.ctx.session.journal) == 8
            await h.click(ft.TextButton, "Oui, les effacer ici aussi")
            await h.wait_for(lambda: h.has_text("4 changements reçus, 0 envoyé."), timeout=60)
            assert len(shell.ctx.session.journal) == 4
            shell.lock()

        run_ui(body)


def test_synchroniser_says_in_one_line_what_happened_and_the_relay_down_in_one_sentence(tmp_path):
    with paired_through_a_relay(tmp_path, entries=1) as (phone, joiner_db):
        for n in range(3):  # written on the laptop, sent from there
            Journal(joiner_db).add(f"Écrit sur le portable {n}", title=f"Portable {n}")
        from journal_app.usecases.devices import sync_now

        assert sync_now(joiner_db, delay=lambda: None).sent == 3
        joiner_db.close()

        async def body():
            h, shell = await app(phone)
            shell.ctx.devices.first = 3600  # the app's own rounds wait: « Synchroniser » is tapped here
            await unlock(h)
            shell.ctx.session.journal.add("Écrit sur le téléphone", title="Téléphone")
            shell.go("/devices")
            await h.settle()
            screen = shell.screen
            screen.delay = lambda: None  # the privacy delay, for the test
            await h.click(ft.FilledButton, "Synchroniser")
            await h.wait_for(lambda: h.has_text("3 changements reçus, 1 envoyé."), timeout=60)
            assert len(shell.ctx.session.journal) == 5  # its own two, the laptop's three
            shell.show_journal()
            await h.settle()
            assert h.has_text("Portable 2")  # in the list, without unlocking again
            shell.lock()

        run_ui(body)

    async def down():  # the relay stopped: one sentence, nothing lost
        h, shell = await app(phone)
        shell.ctx.devices.first = 3600
        await unlock(h)
        shell.ctx.session.journal.add("Écrit pendant la panne", title="Panne")
        shell.go("/devices")
        await h.settle()
        shell.screen.delay = lambda: None
        await h.click(ft.FilledButton, "Synchroniser")
        await h.wait_for(lambda: h.has_text("Rien n’est perdu"), timeout=60)
        assert not h.has_text("changements reçus")
        from journal_app.sync.engine import Sync as S

        assert len(S(shell.ctx.session.database).pending()) == 1  # waits for the next try
        shell.lock()

    run_ui(down)


def test_the_sync_line_in_french_and_english():
    from journal_app.sync.transport import SyncUnreachable
    from journal_app.usecases.devices import SyncRound, sync_line

    assert sync_line(SyncRound(received=3, sent=1), "fr") == "3 changements reçus, 1 envoyé."
    assert sync_line(SyncRound(received=1, sent=2), "en") == "1 change received, 2 sent."
    down = SyncRound(error=SyncUnreachable())
    assert sync_line(down, "fr").startswith("Le relais ne répond pas") and "reçu" not in sync_line(down, "fr")
    assert sync_line(SyncRound(linked=False), "en") == "This journal is not paired with any other device."


def test_the_command_line_and_the_screen_say_a_sync_round_in_the_same_words():
    """`journal-app device sync` prints one fact a line (`describe_sync`), the screen one line
    (`sync_line`): the same sentences, written once."""
    from journal_app.sync.transport import SyncRefused, SyncUnreachable
    from journal_app.usecases.devices import SyncRound, describe_sync, sync_line

    rounds = [SyncRound(received=3, sent=1), SyncRound(received=1, sent=0, conflicts=["e1"]),
              SyncRound(error=SyncUnreachable()), SyncRound(received=2, error=SyncRefused(507, "mailbox_full")),
              SyncRound(linked=False)]
    for lang in ("fr", "en"):
        for round_ in rounds:
            assert sync_line(round_, lang) == " ".join(describe_sync(round_, lang)), (lang, round_)
    assert describe_sync(rounds[0], "fr") == ["3 changements reçus, 1 envoyé."]
    assert describe_sync(rounds[1], "en") == [
        "1 change received, 0 sent.", "1 entry now keeps a conflicting version: compare and choose."]
    down, full = describe_sync(rounds[2], "fr"), describe_sync(rounds[3], "fr")
    assert len(down) == 1 and down[0].startswith("Le relais ne répond pas")  # nothing moved: only that
    assert full[0] == "2 changements reçus, 0 envoyé." and "pleine" in full[1]


def test_an_open_journal_takes_the_other_devices_changes_by_itself_and_shows_them(tmp_path):
    """No tap: while the journal is open, the app's own rounds take what the laptop sent, and
    the list shows it; they stop at the lock."""
    with paired_through_a_relay(tmp_path, entries=1) as (phone, joiner_db):
        from journal_app.usecases.devices import sync_now

        async def body():
            h, shell = await app(phone)
            rounds = []

            def quick(db):  # the app's round, without the privacy delay, counted
                rounds.append(1)
                return sync_now(db, delay=lambda: None)

            shell.ctx.devices.round_, shell.ctx.devices.first, shell.ctx.devices.period = quick, 0.1, 0.3
            await unlock(h)
            assert not h.has_text("Écrit sur le portable, seul")
            Journal(joiner_db).add("Une phrase du soir.", title="Écrit sur le portable, seul")
            assert sync_now(joiner_db, delay=lambda: None).sent == 1
            await h.wait_for(lambda: h.has_text("Écrit sur le portable, seul"), timeout=60)
            assert rounds  # the list shows it without a tap: the app's own round took it
            shell.lock()
            done = len(rounds)
            await asyncio.sleep(1.0)
            assert len(rounds) == done  # no round once locked

        run_ui(body)
        joiner_db.close()


class _Killed(BaseException):
    """The holder's process dies here (nothing after it runs; what it saved stays)."""


def partly_arrived(tmp_path: Path, url: str, entries: int = 300) -> tuple[Path, Path]:
    """The phone (`entries` entries) paired with the laptop through the relay at `url`, the phone
    dead a third of the way through sending the journal: the laptop's journal has not all arrived
    (its vault says how far). Both folders, both vaults closed."""
    from tests.test_device_arrival import with_many_entries

    phone = a_device(tmp_path / "phone", url, entries=1)
    with_many_entries(phone, entries)
    laptop = a_device(tmp_path / "laptop", None)
    phone_db, laptop_db = (open_database(vault_path(f), PASSPHRASE) for f in (phone, laptop))
    try:
        holder = HolderPairing(Sync(phone_db))
        joiner = JoinerPairing(Sync(laptop_db), holder.start())
        digits = in_thread(lambda: joiner.digits(60))
        holder.digits(60)
        while "done" not in digits:
            threading.Event().wait(0.05)
        received = in_thread(lambda: joiner.receive(timeout=3))

        def dies(done: int, total: int) -> None:
            if done * 3 >= total:
                raise _Killed()

        try:
            holder.confirm(60, progress=dies)
            raise AssertionError("the phone died a third of the way")
        except _Killed:
            pass
        while "done" not in received:
            threading.Event().wait(0.05)
        assert "error" in received  # the laptop stopped waiting: not all there
    finally:
        phone_db.close()
        laptop_db.close()
    return phone, laptop


ARRIVING = r"Votre journal n’est pas encore tout arrivé\u00a0: (\d+) changements sur (\d+)\."
COMPLETE = "Votre journal est maintenant arrivé au complet."


def arrival_lines(h) -> list[str]:
    """What « Mes appareils » says of the journal's arrival, as a person reads it."""
    return [t for t in h.texts() if "arrivé" in t]


def test_my_devices_says_how_far_the_journal_arrived_and_once_that_it_all_did(tmp_path):
    """A laptop whose journal has not all arrived: « Mes appareils » says how much did, from its
    vault; once the phone sends the rest and the app's own round takes it (no tap, the screen
    open), it says the journal arrived in full; shown again later, it says nothing of it."""
    import re

    from journal_app.sync import transport
    from journal_app.usecases.devices import sync_now

    with relay_in_thread(tmp_path / "relay") as url:
        phone, laptop = partly_arrived(tmp_path, url)
        db = open_database(vault_path(laptop), PASSPHRASE)
        try:
            before = transport.arrival(db)
        finally:
            db.close()
        assert before is not None and before.total and 0 < before.done < before.total

        async def body():
            h, shell = await app(laptop)
            shell.ctx.devices.round_ = lambda d: sync_now(d, delay=lambda: None)  # the privacy delay, for the test
            shell.ctx.devices.first, shell.ctx.devices.period = 0.1, 0.3
            await unlock(h)
            shell.show_settings()
            await h.settle()
            await h.click(ft.OutlinedButton, "Mes appareils")
            assert shell.route == "/devices"
            [line] = arrival_lines(h)
            said = re.fullmatch(ARRIVING.replace(r"\u00a0", "\u00a0") + " .*", line)
            assert said is not None, line
            assert (int(said.group(1)), int(said.group(2))) == (before.done, before.total)
            phone_db = open_database(vault_path(phone), PASSPHRASE)
            try:  # the phone, back, sends the rest; the laptop's own round takes it
                rest = in_thread(lambda: sync_now(phone_db, delay=lambda: None))
                await h.wait_for(lambda: "done" in rest, timeout=60)
            finally:
                phone_db.close()
            assert rest["value"].error is None
            await h.wait_for(lambda: h.has_text(COMPLETE), timeout=60)
            assert arrival_lines(h) == [COMPLETE]  # said once, the count gone
            await asyncio.sleep(1.0)  # more rounds: said still once
            assert arrival_lines(h) == [COMPLETE]
            shell.show_journal()
            await h.settle()
            shell.go("/devices")
            await h.settle()
            assert arrival_lines(h) == []  # shown again: nothing more to say
            shell.lock()

        run_ui(body)
        assert entries_of(laptop) == entries_of(phone)


def test_synchroniser_on_my_devices_says_the_journal_arrived_in_full_once(tmp_path):
    """The same laptop, the rest taken by « Synchroniser »: the count shown before, then one
    « arrivé au complet » (in the round's line), never twice."""
    from journal_app.usecases.devices import sync_now

    with relay_in_thread(tmp_path / "relay") as url:
        phone, laptop = partly_arrived(tmp_path, url)
        phone_db = open_database(vault_path(phone), PASSPHRASE)
        try:
            assert sync_now(phone_db, delay=lambda: None).error is None  # the rest waits on the relay
        finally:
            phone_db.close()

        async def body():
            h, shell = await app(laptop)
            shell.ctx.devices.first = 3600  # the app's own rounds wait: « Synchroniser » is tapped here
            await unlock(h)
            shell.go("/devices")
            await h.settle()
            [line] = arrival_lines(h)
            assert line.startswith("Votre journal n’est pas encore tout arrivé\u00a0:") and "changements sur" in line
            shell.screen.delay = lambda: None
            await h.click(ft.FilledButton, "Synchroniser")
            await h.wait_for(lambda: h.has_text(COMPLETE), timeout=60)
            lines = arrival_lines(h)
            assert len(lines) == 1 and COMPLETE in lines[0] and "pas encore" not in lines[0], lines
            await h.click(ft.FilledButton, "Synchroniser")
            await h.wait_for(lambda: h.has_text("0 changement reçu"), timeout=60)
            assert arrival_lines(h) == []
            shell.lock()

        run_ui(body)
        assert entries_of(laptop) == entries_of(phone)

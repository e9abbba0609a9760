"""`journal-app device`: pair a new device with this journal (add, join), list the member's
devices, sync now, and remove a lost device (docs/sync.md)."""

from __future__ import annotations

from collections.abc import Callable

from journal_app.cli.command import EXIT_ERROR, YES, Command, Grammar, UsageError


def _progress(c: Command, key: str) -> Callable[[int, int], None]:
    """A line every tenth of the way (on stderr: stdout keeps the code and the digits)."""
    shown = {"at": -1}

    def tell(done: int, total: int) -> None:
        step = (100 * done // total) if total else 100
        if step // 10 != shown["at"] // 10 or done == total:
            shown["at"] = step
            c.warn(c.t(key, done=done, total=total))

    return tell


def add(c: Command) -> int:
    from journal_app.usecases.devices import spaced_digits, start_adding

    with c.database() as db:
        pairing = start_adding(db)
        code = pairing.start()
        c.warn(c.t("devices.code_intro"))
        c.say(code)
        if c.args.output:
            from pathlib import Path

            from journal_app.sync.devices import PairingCode
            from journal_app.vault import write_atomically

            write_atomically(Path(c.args.output), PairingCode.parse(code).qr_png(), keep_backup=False)
            c.warn(c.t("devices.qr_written", file=c.args.output))
        c.warn(c.t("devices.waiting_new"))
        digits = pairing.digits()
        c.say(c.t("devices.digits", digits=spaced_digits(digits)))
        answer = c.env.ask(c.t("devices.confirm") + " ").strip().lower()
        if answer not in YES:
            pairing.refuse()
            c.warn(c.t("devices.refused"))
            return EXIT_ERROR
        arrival = pairing.confirm(progress=_progress(c, "devices.sending"))
    c.say(c.t("devices.added", count=arrival.changes))
    return 0


def join(c: Command) -> int:
    from journal_app.sync.devices import PairingCode
    from journal_app.usecases.access import create_journal
    from journal_app.usecases.devices import AlreadyPaired, spaced_digits, start_joining

    if not c.args.target:
        raise UsageError(c.t("argparse.required") % "CODE")
    code = " ".join(c.args.target)
    PairingCode.parse(code)  # a mistyped code is said before any passphrase is asked
    if not c.vault.exists():
        db, recovery_key = create_journal(c.vault, c.passphrase(confirm=True))
        db.close()
        c.say(c.t("cli.init_done", path=str(c.vault)))
        c.say(c.t("cli.recovery_key_intro"))
        c.say(f"    {recovery_key}")
        c.say(c.t("cli.recovery_key_keep"))
    with c.database() as db:
        try:
            pairing = start_joining(db, code)
        except AlreadyPaired:  # said the command line's way: « journal-app device add » there
            raise UsageError(c.t("devices.already_paired")) from None
        c.warn(c.t("devices.waiting_holder"))
        digits = pairing.digits()
        c.say(c.t("devices.digits", digits=spaced_digits(digits)))
        c.warn(c.t("devices.confirm_there"))
        received = pairing.receive(progress=_progress(c, "devices.receiving"))
    c.say(c.t("devices.joined", count=received.taken.replaced + received.taken.merged))
    return 0


def list_devices(c: Command) -> int:
    """The same lines as « Mes appareils »: « Appareil 7F3A — cet appareil », then the others and
    the day each was added (`device remove 7F3A` takes the four characters)."""
    from journal_app.usecases.devices import device_line, device_list

    with c.database() as db:
        rows = device_list(db, c.lang)
    if not rows:
        c.warn(c.t("devices.not_paired"))
        return 0
    for row in rows:
        c.say(device_line(row, c.lang))
    return 0


def sync(c: Command) -> int:
    from journal_app.usecases.devices import describe_sync, sync_now

    with c.database() as db:
        round_ = sync_now(db, delay=lambda: None) if c.args.now else sync_now(db)
    for line in describe_sync(round_, c.lang):
        (c.warn if round_.error else c.say)(line)
    return EXIT_ERROR if round_.error else 0


def remove(c: Command) -> int:
    from journal_app.sync import transport
    from journal_app.sync.devices import find_device
    from journal_app.usecases.devices import remove_device, short_name

    if not c.args.target:
        raise UsageError(c.t("argparse.required") % "DEVICE")
    name = " ".join(c.args.target)
    with c.database() as db:
        link = transport.link_of(db)
        if link is None:
            c.warn(c.t("devices.not_paired"))
            return EXIT_ERROR
        device = find_device(link, name)  # an unknown name is said before anything is asked
        answer = c.env.ask(c.t("devices.remove_confirm", name=short_name(device.device, c.lang)) + " ").strip().lower()
        if answer not in YES:
            c.warn(c.t("devices.remove_cancelled"))
            return EXIT_ERROR
        removed = remove_device(db, device.device)
    c.say(c.t("devices.removed", name=short_name(removed.device, c.lang)))
    return 0


ACTIONS = {"add": add, "join": join, "list": list_devices, "sync": sync, "remove": remove}


def cmd_device(c: Command) -> int:
    return ACTIONS[c.args.action](c)


def add_commands(g: Grammar) -> None:
    p = g.command("device", cmd_device)
    p.add_argument("action", choices=tuple(ACTIONS), help=g.h("device_action"))
    p.add_argument("target", nargs="*", help=g.h("device_target"))
    p.add_argument("--now", action="store_true", help=g.h("device_now"))
    p.add_argument("-o", "--output", metavar="QR.png", help=g.h("device_qr"))

"""`journal-app circle`: a member's circles (create, invite, join, list, export the outbox) and
a facilitator's (import share files, the themes report, seeded themes)."""

from __future__ import annotations

from pathlib import Path

from journal_app.cli.command import EXIT_ERROR, Command, UsageError
from journal_app.errors import RessentiError
from journal_app.storage import Database, open_database


def cmd_circle(c: Command) -> int:
    from journal_app.circles import Circles, FileDelivery

    action, targets = c.args.action, c.args.target
    target = " ".join(targets) if action == "create" else (targets[0] if targets else None)
    if action in ("create", "invite", "join", "import", "themes", "seed") and not target:
        raise UsageError(c.t("argparse.required") % ("FILE" if action == "import" else "NAME/ID/CODE"))
    if action == "seed" and not c.args.theme:
        raise UsageError(c.t("argparse.required") % "--theme")
    target = target or ""
    db = open_database(c.vault, c.passphrase())
    try:
        circles = Circles(db)
        if action == "create":
            keys = circles.create(target)
            c.say(c.t("cli.circle_created", name=keys.invitation.name, id=keys.invitation.circle_id))
            c.say(keys.invitation.code())
        elif action == "invite":
            invitation = circles.owned_circle(target).invitation
            c.say(invitation.code())
            if c.args.output:
                from journal_app.vault import write_atomically

                write_atomically(Path(c.args.output), invitation.qr_png(), keep_backup=False)
                c.say(c.t("cli.circle_qr", file=c.args.output))
        elif action == "join":
            invitation = circles.join(target)
            c.say(c.t("cli.circle_joined", name=invitation.name, id=invitation.circle_id))
        elif action == "list":
            for keys in circles.owned():
                c.say(f"{keys.invitation.circle_id}  {keys.invitation.name}  ({c.t('cli.circle_owned')})")
            for invitation in circles.joined():
                c.say(f"{invitation.circle_id}  {invitation.name}  ({c.t('cli.circle_member')})")
        elif action == "export-outbox":
            if not c.args.output:
                raise UsageError(c.t("argparse.required") % "-o/--output")
            joined = [i.circle_id for i in circles.joined()]
            circle_id = target or (joined[0] if len(joined) == 1 else None)
            if circle_id is None:
                raise UsageError(c.t("cli.circle_which", ids=", ".join(joined) or "—"))
            count = circles.deliver_outbox(circle_id, FileDelivery(Path(c.args.output),
                                                                   overwrite=c.args.force))
            c.say(c.t("cli.circle_exported", count=count, file=c.args.output))
        elif action == "import":
            return harvest_bundles(c, db, [Path(t) for t in targets])
        elif action == "themes":
            theme_report(c, db, target)
        elif action == "seed":
            from journal_app.themes import ThemeBoard

            circles.owned_circle(target)
            named = [(n.strip(), d.strip()) for n, _, d in (t.partition(":") for t in c.args.theme)]
            for theme in ThemeBoard(db, target, c.lang).seed_many(named):
                c.say(c.t("cli.theme_seeded", name=theme.label, count=len(theme.members)))
    finally:
        db.close()
    return 0


def harvest_bundles(c: Command, db: Database, files: list[Path]) -> int:
    """`circle import FILE...`: each file is imported whole or not at all; a refused file does
    not stop the others."""
    from journal_app.interchange import read_bytes
    from journal_app.usecases.bundles import describe_bundle, describe_waiting, import_bundles

    read: list[tuple[str, bytes]] = []
    unreadable = 0
    for path in files:
        try:
            read.append((path.name, read_bytes(path)))
        except RessentiError as exc:
            c.warn(c.t("cli.bundle_refused", file=path.name, reason=exc.message(c.lang)))
            unreadable += 1
    batch = import_bundles(db, read)
    for item in batch.files:
        for line in describe_bundle(item, c.lang):
            (c.warn if item.error else c.say)(line)
    for line in describe_waiting(batch, c.lang):
        c.say(line)
    return EXIT_ERROR if batch.failed or unreadable else 0


def theme_report(c: Command, db: Database, circle_id: str) -> None:
    """`circle themes ID`: the report meant for the wider collective, on standard output or -o."""
    from journal_app.usecases.reports import themes_report

    report = themes_report(db, circle_id, c.lang, fmt=c.args.format, k=c.args.k)
    if c.args.output:
        from journal_app.interchange import write_export

        write_export(Path(c.args.output), report.text, overwrite=c.args.force)
        c.say(c.t("cli.report_written", file=c.args.output))
    else:
        c.env.stdout.write(report.text)

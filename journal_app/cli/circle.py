"""`journal-app circle`: a member's circles (create, invite, join, list, send through the relay
or export the outbox) and a facilitator's (receive, import share files, the themes report, seeded
themes, the circle's questions, publishing a harvest or a practice)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from journal_app.cli.command import EXIT_ERROR, Command, Grammar, UsageError
from journal_app.errors import RessentiError
from journal_app.vault import write_atomically
from journal_app.vault.storage import Database

if TYPE_CHECKING:
    from journal_app.circles import Circles


def _circles(db: Database) -> Circles:
    """Imported when a circle command runs: every other command starts faster."""
    from journal_app.circles import Circles

    return Circles(db)


def cmd_circle(c: Command) -> int:
    action, targets = c.args.action, c.args.target
    target = " ".join(targets) if action == "create" else (targets[0] if targets else "")
    if action in ("create", "invite", "join", "import", "themes", "seed", "receive", "questions",
                  "publish-harvest", "publish-practice") and not target:
        raise UsageError(c.t("argparse.required") % ("FILE" if action == "import" else "NAME/ID/CODE"))
    if action == "seed" and not c.args.theme:
        raise UsageError(c.t("argparse.required") % "--theme")
    if action == "export-outbox" and not c.args.output:
        raise UsageError(c.t("argparse.required") % "-o/--output")
    with c.database() as db:
        return ACTIONS[action](c, db, target)


def create(c: Command, db: Database, name: str) -> int:
    from journal_app.usecases.relay import create_circle

    token = c.secret_file(c.args.registration_token_file) if c.args.registration_token_file else None
    keys = create_circle(db, name, c.args.relay, token=token)
    c.say(c.t("cli.circle_created", name=keys.invitation.name, id=keys.invitation.circle_id))
    if keys.invitation.relay is not None:
        c.say(c.t("cli.circle_on_relay", url=keys.invitation.relay.url))
    c.say(keys.invitation.code())
    return 0


def send(c: Command, db: Database, circle_id: str) -> int:
    """`circle send [ID]`: a member's insights and withdrawals that wait for the relay."""
    from journal_app.usecases.relay import describe_send, fetch_messages, send_outbox

    round_ = send_outbox(db, date.today(), circle_id=circle_id or None)
    fetch_messages(db)
    for line in describe_send(round_, c.lang):
        (c.warn if round_.error else c.say)(line)
    return EXIT_ERROR if round_.error else 0


def receive_envelopes(c: Command, db: Database, circle_id: str) -> int:
    """`circle receive ID`: what members sent to the relay, imported as share files are."""
    from journal_app.usecases.relay import describe_receive, receive

    for line in describe_receive(receive(db, circle_id), c.lang):
        c.say(line)
    return 0


def questions(c: Command, db: Database, circle_id: str) -> int:
    """`circle questions ID [--add "fr | en"]… [--remove QID]… [--publish]`, then the list."""
    from journal_app.circles import QuestionInvalid
    from journal_app.usecases.relay import publish_questions

    circles = _circles(db)
    for text in c.args.add or []:
        fr, sep, en = text.partition("|")
        if not sep:
            raise QuestionInvalid()
        circles.add_question(circle_id, fr, en)
    if c.args.remove:
        circles.set_questions(circle_id, [q for q in circles.questions(circle_id) if q.id not in c.args.remove])
    for q in circles.questions(circle_id):
        c.say(f"{q.id}  {q.fr}  |  {q.en}")
    if c.args.publish:
        count = publish_questions(db, circle_id, date.today())
        c.say(c.t("cli.questions_published", count=count))
    return 0


def publish_practice(c: Command, db: Database, circle_id: str) -> int:
    """`circle publish-practice ID PACK`: share a practice with the circle, signed."""
    from journal_app.usecases.relay import publish_practice as publish

    if len(c.args.target) < 2:
        raise UsageError(c.t("argparse.required") % "PACK")
    title = publish(db, circle_id, c.args.target[1], date.today())
    c.say(c.t("cli.practice_published", title=title))
    return 0


def publish_harvest(c: Command, db: Database, circle_id: str) -> int:
    from journal_app.usecases.relay import publish_harvest as publish

    harvest = publish(db, circle_id, c.lang, date.today())
    c.say(c.t("cli.harvest_published", count=len(harvest.themes), k=harvest.k))
    return 0


def invite(c: Command, db: Database, circle_id: str) -> int:
    invitation = _circles(db).owned_circle(circle_id).invitation
    c.say(invitation.code())
    if c.args.output:
        write_atomically(Path(c.args.output), invitation.qr_png(), keep_backup=False)
        c.say(c.t("cli.circle_qr", file=c.args.output))
    return 0


def join(c: Command, db: Database, code: str) -> int:
    from journal_app.circles import RelayNeedsConsent

    circles = _circles(db)
    try:
        invitation = circles.join(code)
    except RelayNeedsConsent as exc:
        # A circle this person joined without a relay, now with one: they see its host and say yes.
        c.say(exc.message(c.lang))
        if not c.args.yes and not c.confirm(c.t("cli.relay_consent")):
            c.say(c.t("cli.cancelled"))
            return EXIT_ERROR
        invitation = circles.join(code, accept_relay=exc.host)
    c.say(c.t("cli.circle_joined", name=invitation.name, id=invitation.circle_id))
    return 0


def list_circles(c: Command, db: Database, _: str) -> int:
    circles = _circles(db)
    for keys in circles.owned():
        c.say(f"{keys.invitation.circle_id}  {keys.invitation.name}  ({c.t('cli.circle_owned')})")
    for invitation in circles.joined():
        c.say(f"{invitation.circle_id}  {invitation.name}  ({c.t('cli.circle_member')})")
    return 0


def export_outbox(c: Command, db: Database, circle_id: str) -> int:
    circles = _circles(db)
    joined = [i.circle_id for i in circles.joined()]
    circle_id = circle_id or (joined[0] if len(joined) == 1 else "")
    if not circle_id:
        raise UsageError(c.t("cli.circle_which", ids=", ".join(joined) or "—"))
    from journal_app.circles import FileDelivery

    count = circles.deliver_outbox(circle_id, FileDelivery(Path(c.args.output), overwrite=c.args.force))
    c.say(c.t("cli.circle_exported", count=count, file=c.args.output))
    return 0


def seed(c: Command, db: Database, circle_id: str) -> int:
    from journal_app.themes import ThemeBoard

    _circles(db).owned_circle(circle_id)
    named = [(n.strip(), d.strip()) for n, _, d in (t.partition(":") for t in c.args.theme)]
    for theme in ThemeBoard(db, circle_id, c.lang).seed_many(named):
        c.say(c.t("cli.theme_seeded", name=theme.label, count=len(theme.members)))
    return 0


def harvest_bundles(c: Command, db: Database, _: str) -> int:
    """`circle import FILE...`: each file is imported whole or not at all; a refused file does
    not stop the others."""
    files = [Path(t) for t in c.args.target]
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


def theme_report(c: Command, db: Database, circle_id: str) -> int:
    """`circle themes ID`: the report meant for the wider collective, on standard output or -o,
    in the circle's language unless `--lang` names one."""
    from journal_app.usecases.reports import circle_language, themes_report

    lang = c.lang if getattr(c.args, "lang_asked", False) else circle_language(db, circle_id, c.lang)
    report = themes_report(db, circle_id, lang, fmt=c.args.format, k=c.args.k)
    if c.args.output:
        from journal_app.interchange import write_export

        write_export(Path(c.args.output), report.text, overwrite=c.args.force)
        c.say(c.t("cli.report_written", file=c.args.output))
    else:
        c.write(report.text)
    return 0


ACTIONS: dict[str, Callable[[Command, Database, str], int]] = {
    "create": create, "invite": invite, "join": join, "list": list_circles, "export-outbox": export_outbox,
    "import": harvest_bundles, "themes": theme_report, "seed": seed, "send": send, "receive": receive_envelopes,
    "questions": questions, "publish-harvest": publish_harvest, "publish-practice": publish_practice}


def add_commands(g: Grammar) -> None:
    p = g.action_command("circle", cmd_circle, tuple(ACTIONS), description=g.h("circle_description"))
    p.add_argument("target", nargs="*", help=g.h("circle_target"))
    p.add_argument("--k", type=int, metavar="K", help=g.h("k"))
    p.add_argument("--format", choices=("markdown", "json", "csv"), default="markdown", help=g.h("report_format"))
    p.add_argument("--theme", action="append", metavar="NAME: DESCRIPTION", help=g.h("theme"))
    p.add_argument("--relay", metavar="URL", help=g.h("relay_url"))
    p.add_argument("--registration-token-file", metavar="FILE", help=g.h("relay_token"))
    p.add_argument("--add", action="append", metavar="FR | EN", help=g.h("question_add"))
    p.add_argument("--remove", action="append", metavar="QID", help=g.h("question_remove"))
    p.add_argument("--publish", action="store_true", help=g.h("question_publish"))
    p.add_argument("--yes", action="store_true", help=g.h("yes"))

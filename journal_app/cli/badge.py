"""`journal-app badge`: the member's skills and credentials (Open Badges 3.0), peers'
endorsements, the circle's badge, and checking any credential (docs/badges.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from journal_app.cli.command import EXIT_ERROR, Command, Grammar, UsageError
from journal_app.vault.storage import Database

if TYPE_CHECKING:  # imported when a badge command runs: every other command starts faster
    from journal_app.recognition.exchange import Message
    from journal_app.recognition.wallet import Recognition


def cmd_badge(c: Command) -> int:
    action = c.args.action
    if action in ("claim", "request", "endorse", "receive", "verify", "export", "award") and not c.args.target:
        raise UsageError(c.t("argparse.required") % ("SKILL" if action == "claim" else "ID/FILE/CODE"))
    if action == "export" and not c.args.output:
        raise UsageError(c.t("argparse.required") % "-o/--output")
    if action == "verify":
        return verify(c)
    with c.database() as db:
        return ACTIONS[action](c, db)


def _message(c: Command) -> Message:
    """A request or reply: a pasted code, or a file."""
    from journal_app.recognition.exchange import CODE_PREFIX, QR_PREFIX, read_message

    target = " ".join(c.args.target)
    if target.strip().startswith((CODE_PREFIX, QR_PREFIX)):  # a code, or what a camera read of its QR
        return read_message(target)
    from journal_app.interchange import read_bytes

    return read_message(read_bytes(Path(target)))


def _give(c: Command, message: Message) -> None:
    """A request or reply to hand over: to -o FILE as JSON, and always as a code to paste."""
    from journal_app.recognition.exchange import to_code, to_json

    if c.args.output:
        from journal_app.interchange import write_export

        write_export(Path(c.args.output), to_json(message).decode("utf-8"), overwrite=c.args.force)
        c.say(c.t("cli.badge.written", file=c.args.output))
    c.say(to_code(message))


def _recognition(db: Database) -> Recognition:
    from journal_app.recognition.wallet import Recognition

    return Recognition(db)


def _circle(c: Command, db: Database) -> str:
    joined = [cid for cid, _ in _recognition(db).circles()]
    circle = c.args.circle or (joined[0] if len(joined) == 1 else "")
    if not circle:
        from journal_app.recognition.wallet import NoCircle

        if not joined:
            raise NoCircle()
        raise UsageError(c.t("cli.circle_which", ids=", ".join(joined)))
    return str(circle)


def list_all(c: Command, db: Database) -> int:
    from journal_app.journal import Journal
    from journal_app.usecases.recognition import portfolio_facts, portfolio_unfinished, short_did

    recognition = _recognition(db)
    c.say(c.t("cli.badge.skills"))
    for skill in recognition.skills(c.lang):
        mark = "*" if skill.written else " "
        c.say(f"  {mark} {skill.id:24} {skill.name}")
    facts = portfolio_facts(db, Journal(db).entries(), c.lang)
    c.say(c.t("cli.badge.facts"))
    for fact in facts or []:
        c.say(f"  {fact.id:24} {fact.name} — {fact.text}")
    if not facts:
        c.say("  " + c.t("cli.badge.no_facts"))
    for stopped in portfolio_unfinished(db, Journal(db).entries(), c.lang):  # never claimable
        c.say(f"  {'':24} {stopped.name} — {stopped.text}")
    c.say(c.t("cli.badge.credentials"))
    held = recognition.held()
    for item in held:
        checked = item.checked()
        c.say(f"  {item.id}  {c.t('badge.role.' + item.role)}  {checked.title}  "
              f"({checked.issuer_name or c.t('badge.no_name')}, {short_did(checked.issuer_id)})")
    if not held:
        c.say("  " + c.t("cli.badge.no_credentials"))
    return 0


def claim(c: Command, db: Database) -> int:
    from journal_app.journal import Journal
    from journal_app.usecases.recognition import chosen_facts, describe_credential, sign_skill

    facts = chosen_facts(db, Journal(db).entries(), c.lang, c.args.fact or [])
    held = sign_skill(_recognition(db), c.args.target[0], _circle(c, db), facts, c.lang,
                      statement=c.args.statement, name=c.args.name or None)
    for line in describe_credential(held.checked(), c.lang, counted_here=True):
        c.say(line)
    c.say(c.t("cli.badge.claimed", id=held.id))
    return 0


def request(c: Command, db: Database) -> int:
    _give(c, _recognition(db).request(c.args.target[0]))
    return 0


def endorse(c: Command, db: Database) -> int:
    """Shows the claim, then exactly what the endorsement will say, and asks before signing."""
    from journal_app.usecases.recognition import describe_credential, endorse_request

    recognition = _recognition(db)
    message = _message(c)
    for line in describe_credential(recognition.read_request(message), c.lang):
        c.say(line)
    if not c.args.comment:
        raise UsageError(c.t("argparse.required") % "--comment")
    circle = recognition.signing_circle(message, c.args.circle)  # --circle, else the request's (shown)
    identity = recognition.identity(circle)
    name = c.args.name or (identity.name if identity else "—")
    c.say(c.t("cli.badge.will_sign", name=name, comment=c.args.comment))
    c.say(c.t("badge.signing_in", circle=recognition.circle_name(circle)))
    if not c.args.yes and not c.confirm(c.t("cli.badge.confirm_endorse")):
        return EXIT_ERROR  # nothing kept, not even the name
    _give(c, endorse_request(recognition, message, c.args.comment, c.lang, circle, name=c.args.name))
    return 0


def receive(c: Command, db: Database) -> int:
    from journal_app.usecases.recognition import describe_credential

    recognition = _recognition(db)
    held = recognition.receive(_message(c))
    checked = held.checked()
    for line in describe_credential(checked, c.lang, recognition.circle_of_did(checked.issuer_id),
                                    counted_here=held.role == "claim"):
        c.say(line)
    c.say(c.t("cli.badge.received", title=checked.title))
    return 0


def verify(c: Command) -> int:
    """Anything, from anyone, without opening the journal: exit 0 only if every signature holds."""
    from journal_app.usecases.recognition import verify_message

    results = verify_message(_message(c), c.lang)
    for n, (_, lines) in enumerate(results):
        if n:
            c.say("")
        for line in lines:
            c.say(line)
    return 0 if all(ok for ok, _ in results) else EXIT_ERROR


def export(c: Command, db: Database) -> int:
    from journal_app.interchange import write_export
    from journal_app.usecases.recognition import credential_text

    recognition = _recognition(db)
    text = credential_text(recognition.get(c.args.target[0]), recognition, c.lang,
                           printable=c.args.output.lower().endswith((".html", ".htm")))
    write_export(Path(c.args.output), text, overwrite=c.args.force)
    c.say(c.t("cli.badge.written", file=c.args.output))
    return 0


def _owned_circle(c: Command, db: Database) -> str:
    """The circle the facilitator signs for: --circle, else the only one this journal animates
    (never the request's own `circle` field, which nobody signed)."""
    from journal_app.circles import Circles

    owned = [k.invitation.circle_id for k in Circles(db).owned()]
    circle = c.args.circle or (owned[0] if len(owned) == 1 else "")
    if not circle:
        from journal_app.recognition.wallet import NoCircle

        if not owned:
            raise NoCircle()
        raise UsageError(c.t("cli.circle_which", ids=", ".join(owned)))
    return str(circle)


def award(c: Command, db: Database) -> int:
    """The facilitator: the claim, who endorsed it (names, keys, comments), then the circle's
    badge once they say yes (or `--yes`), when enough peers endorsed it."""
    from journal_app.circles import Circles
    from journal_app.usecases.recognition import describe_credential, review_lines

    recognition = _recognition(db)
    message = _message(c)
    circle = _owned_circle(c, db)
    recognition.read_request(message)  # a request at all, and it holds, before which circle it is of
    recognition.check_award_circle(circle, message)
    review = recognition.review(message)
    for line in describe_credential(review.claim, c.lang):
        c.say(line)
    for line in review_lines(review, c.lang):
        c.say(line)
    name = Circles(db).owned_circle(circle).invitation.name
    c.say(c.t("cli.badge.will_award", circle=name))
    if not c.args.yes and not c.confirm(c.t("cli.badge.confirm_award")):
        return EXIT_ERROR
    _give(c, recognition.award(circle, message, c.lang))
    return 0


ACTIONS: dict[str, Callable[[Command, Database], int]] = {
    "list": list_all, "claim": claim, "request": request, "endorse": endorse, "receive": receive,
    "export": export, "award": award}


def add_commands(g: Grammar) -> None:
    p = g.action_command("badge", cmd_badge, (*ACTIONS, "verify"))
    p.add_argument("target", nargs="*", help=g.h("badge_target"))
    p.add_argument("--circle", metavar="ID", help=g.h("badge_circle"))
    p.add_argument("--name", metavar="NAME", help=g.h("badge_name"))
    p.add_argument("--statement", metavar="TEXT", help=g.h("badge_statement"))
    p.add_argument("--fact", action="append", metavar="ID", help=g.h("badge_fact"))
    p.add_argument("--comment", metavar="TEXT", help=g.h("badge_comment"))
    p.add_argument("--yes", action="store_true", help=g.h("yes"))

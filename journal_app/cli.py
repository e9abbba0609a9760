"""`journal-app`: the app, and the same services from the command line.

Every error is one translated line on stderr and a non-zero exit, never a traceback. No command
writes decrypted text anywhere but to stdout or to an export file the person named.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from journal_app import __version__
from journal_app.errors import RessentiError, VaultMissing
from journal_app.i18n import format_datetime, normalize_language, system_language, translate
from journal_app.interchange import FORMATS
from journal_app.journal import KINDS, Entry, EntryFilter, Journal, entry_to_doc, parse_tags
from journal_app.paths import data_dir, vault_path
from journal_app.storage import Database, open_database
from journal_app.usecases.access import change_passphrase, create_journal, recover_journal

EXIT_ERROR = 1
EXIT_USAGE = 2


@dataclass
class Env:
    """What a command may touch, passed in so tests can give their own (as httpie does)."""

    stdin: IO[str] = field(default_factory=lambda: sys.stdin)
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    ask_secret: Callable[[str], str] = getpass.getpass


class UsageError(Exception):
    pass


class Command:
    """One run of the CLI: parsed arguments, the language, and helpers to talk to the person."""

    def __init__(self, args: argparse.Namespace, env: Env, lang: str) -> None:
        self.args, self.env, self.lang = args, env, lang

    def t(self, key: str, /, **params: Any) -> str:
        return translate(key, self.lang, **params)

    def say(self, text: str = "") -> None:
        print(text, file=self.env.stdout)

    def warn(self, text: str) -> None:
        print(text, file=self.env.stderr)

    @property
    def vault(self) -> Path:
        return vault_path(data_dir(self.args.data_dir, self.env.environ))

    # -- secrets ------------------------------------------------------------------------------
    def _secret(self, env_var: str, file_arg: str | None, prompt_key: str, confirm: bool = False) -> str:
        file_value = getattr(self.args, file_arg, None) if file_arg else None
        if file_value:
            try:
                return Path(file_value).read_text(encoding="utf-8").splitlines()[0]
            except (OSError, IndexError, UnicodeDecodeError):
                raise UsageError(self.t("cli.secret_file_unreadable", file=file_value)) from None
        if self.env.environ.get(env_var):
            return self.env.environ[env_var]
        if not self.env.stdin.isatty():
            raise UsageError(self.t("cli.secret_needed", var=env_var))
        first = self.env.ask_secret(self.t(prompt_key) + " ")
        if confirm and self.env.ask_secret(self.t("cli.prompt_confirm") + " ") != first:
            raise UsageError(self.t("cli.secrets_differ"))
        return first

    def passphrase(self, confirm: bool = False) -> str:
        return self._secret("JOURNAL_APP_PASSPHRASE", "passphrase_file", "cli.prompt_passphrase", confirm)

    def new_passphrase(self) -> str:
        return self._secret("JOURNAL_APP_NEW_PASSPHRASE", "new_passphrase_file",
                            "cli.prompt_new_passphrase", confirm=True)

    def open_journal(self) -> tuple[Database, Journal]:
        db = open_database(self.vault, self.passphrase())
        return db, Journal(db)

    # -- output -------------------------------------------------------------------------------
    def entry_line(self, entry: Entry) -> str:
        tags = " ".join(f"#{t}" for t in entry.tags)
        stamp = entry.created.strftime("%Y-%m-%d %H:%M")
        kind = self.t(f"kind.{entry.kind}")
        headline = entry.headline or self.t("journal.untitled")
        if len(headline) > 70:
            headline = headline[:69] + "…"
        return "  ".join(p for p in (stamp, entry.id[:8], f"[{kind}]", headline, tags) if p)

    def print_entries(self, entries: list[Entry]) -> None:
        if self.args.json:
            self.say(json.dumps([entry_to_doc(e) for e in entries], ensure_ascii=False, indent=1))
        elif not entries:
            self.warn(self.t("cli.no_entries"))
        else:
            for entry in entries:
                self.say(self.entry_line(entry))

    def filter(self) -> EntryFilter:
        return EntryFilter(kind=self.args.kind, tag=self.args.tag, since=self.args.since,
                           until=self.args.until)


# --- commands --------------------------------------------------------------------------------
def cmd_init(c: Command) -> int:
    if c.vault.exists():
        c.warn(c.t("error.vault_exists", path=str(c.vault)))
        return EXIT_ERROR
    db, recovery_key = create_journal(c.vault, c.passphrase(confirm=True))
    db.close()
    c.say(c.t("cli.init_done", path=str(c.vault)))
    c.say("")
    c.say(c.t("cli.recovery_key_intro"))
    c.say("")
    c.say(f"    {recovery_key}")
    c.say("")
    c.say(c.t("cli.recovery_key_keep"))
    return 0


def cmd_add(c: Command) -> int:
    text = c.args.text
    if text is None:
        if c.env.stdin.isatty():
            c.warn(c.t("cli.add_type_now"))
        text = c.env.stdin.read()
    if not text.strip() and not (c.args.title or "").strip():
        raise UsageError(c.t("cli.add_nothing"))
    tags = parse_tags(c.args.tags or "")
    db, journal = c.open_journal()
    try:
        entry = journal.add(text.rstrip("\n"), title=c.args.title or "", kind=c.args.kind,
                            tags=tags, language=c.lang)
    finally:
        db.close()
    c.say(c.t("cli.added", id=entry.id[:8]))
    return 0


def cmd_list(c: Command) -> int:
    db, journal = c.open_journal()
    try:
        entries = journal.entries(c.filter())
    finally:
        db.close()
    c.print_entries(entries[: c.args.limit] if c.args.limit else entries)
    return 0


def cmd_search(c: Command) -> int:
    db, journal = c.open_journal()
    try:
        entries = journal.search(" ".join(c.args.query), c.filter())
    finally:
        db.close()
    c.print_entries(entries[: c.args.limit] if c.args.limit else entries)
    return 0


def cmd_show(c: Command) -> int:
    db, journal = c.open_journal()
    try:
        entry = journal.get(c.args.id)
    finally:
        db.close()
    if c.args.json:
        c.say(json.dumps(entry_to_doc(entry), ensure_ascii=False, indent=1))
        return 0
    c.say(entry.title or entry.headline or c.t("journal.untitled"))
    c.say(f"{format_datetime(entry.created, c.lang)} · {c.t(f'kind.{entry.kind}')} · {entry.id}")
    if entry.tags:
        c.say(" ".join(f"#{t}" for t in entry.tags))
    if entry.meeting and entry.meeting.name:
        role = c.t(f"role.{entry.meeting.role}") if entry.meeting.role else ""
        when = entry.meeting.date.isoformat() if entry.meeting.date else ""
        c.say(c.t("cli.meeting_line", name=entry.meeting.name,
                  details=", ".join(p for p in (when, role) if p)))
    c.say("")
    if entry.body:
        c.say(entry.body)
    for prompt_id, answer in entry.answers.items():
        c.say("")
        c.say(f"— {prompt_id}")
        c.say(answer)
    return 0


def cmd_delete(c: Command) -> int:
    db, journal = c.open_journal()
    try:
        entry = journal.get(c.args.id)
        if not c.args.yes:
            if not c.env.stdin.isatty():
                raise UsageError(c.t("cli.delete_needs_yes"))
            c.warn(c.entry_line(entry))
            answer = input(c.t("cli.delete_confirm") + " ")
            if answer.strip().lower() not in ("o", "oui", "y", "yes"):
                c.warn(c.t("cli.cancelled"))
                return EXIT_ERROR
        journal.delete(entry.id)
    finally:
        db.close()
    c.say(c.t("cli.deleted", id=entry.id[:8]))
    return 0


def cmd_export(c: Command) -> int:
    from journal_app.interchange import write_export
    from journal_app.usecases.exporting import export_journal

    db, journal = c.open_journal()
    try:
        export = export_journal(journal, c.args.format, c.filter())
    finally:
        db.close()
    write_export(Path(c.args.output), export.text, overwrite=c.args.force)
    c.warn(c.t("export.unencrypted_warning"))
    c.say(c.t("cli.exported", count=export.count, file=c.args.output))
    return 0


def cmd_import(c: Command) -> int:
    from journal_app.usecases.importing import describe_file, import_paths

    db, journal = c.open_journal()
    try:
        batch = import_paths(journal, [Path(name) for name in c.args.files], c.args.format)
    finally:
        db.close()
    for item in batch.files:
        for line in describe_file(item, c.lang):
            (c.warn if item.error else c.say)(line)
    return EXIT_ERROR if batch.failed else 0


def cmd_passphrase(c: Command) -> int:
    db = open_database(c.vault, c.passphrase())
    try:
        change_passphrase(db, None, c.new_passphrase())
    finally:
        db.close()
    c.say(c.t("cli.passphrase_changed"))
    return 0


def cmd_recover(c: Command) -> int:
    key = c._secret("JOURNAL_APP_RECOVERY_KEY", "recovery_key_file", "cli.prompt_recovery_key")
    db = recover_journal(c.vault, key, c.new_passphrase())
    db.close()
    c.say(c.t("cli.recovered"))
    return 0


def cmd_prompts(c: Command) -> int:
    from journal_app.interchange import read_bytes, write_export
    from journal_app.prompts.library import PackLibrary
    from journal_app.prompts.packs import parse_pack

    action, target = c.args.action, c.args.target
    if action in ("show", "validate", "import", "export") and not target:
        raise UsageError(c.t("argparse.required") % "ID/FILE")
    if action == "validate":
        pack = parse_pack(read_bytes(Path(target)), Path(target).name)
        c.say(c.t("cli.pack_valid", file=Path(target).name, id=pack.id, version=pack.version,
                  steps=len(pack.steps)))
        return 0
    db = open_database(c.vault, c.passphrase()) if c.vault.exists() else None
    try:
        library = PackLibrary(db)
        if action == "list":
            for pack in library.packs():
                length = pack.length_text(c.lang)
                origin = c.t("cli.pack_builtin" if pack.builtin else "cli.pack_imported")
                c.say("  ".join((pack.id, f"[{c.t(f'pack.{pack.kind}')}]", length,
                                 pack.title.get(c.lang), f"({origin}, {pack.version})")))
        elif action == "show":
            pack = library.get(target)
            c.say(pack.title.get(c.lang))
            c.say(f"{pack.id} {pack.version} · {c.t(f'pack.{pack.kind}')} · {pack.author} · {pack.licence}")
            c.say(pack.description.get(c.lang))
            for n, step in enumerate(pack.steps, 1):
                length = f" ({c.t('pack.minutes', n=round(step.duration / 60))})" if step.duration else ""
                c.say("")
                c.say(f"{n}. {step.title.get(c.lang)}{length}")
                c.say(f"   {step.text.get(c.lang)}")
        elif action == "import":
            if db is None:
                raise VaultMissing(path=str(c.vault))
            result = library.import_pack(read_bytes(Path(target)), Path(target).name)
            c.say(c.t(f"cli.pack_{result.outcome}", id=result.pack.id, version=result.pack.version))
        elif action == "export":
            if not c.args.output:
                raise UsageError(c.t("argparse.required") % "-o/--output")
            write_export(Path(c.args.output), library.export_text(target), overwrite=c.args.force)
            c.say(c.t("cli.pack_exported", id=target, file=c.args.output))
    finally:
        if db is not None:
            db.close()
    return 0


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


def cmd_anonymize(c: Command) -> int:
    from journal_app.anonymize import anonymize

    text = c.env.stdin.read()
    c.env.stdout.write(anonymize(text, c.args.text_lang).text)
    return 0


def cmd_app(c: Command) -> int:
    from journal_app.app import run

    return run(data_dir(c.args.data_dir, c.env.environ), host=getattr(c.args, "host", None),
               port=getattr(c.args, "port", None), web=c.args.command == "web", lang=c.lang)


# --- parsing ---------------------------------------------------------------------------------
def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(text) from None


def build_parser(lang: str) -> argparse.ArgumentParser:
    def h(key: str) -> str:
        return translate(f"cli.help.{key}", lang)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=h("data_dir"))
    common.add_argument("--passphrase-file", metavar="FILE", default=argparse.SUPPRESS,
                        help=h("passphrase_file"))
    common.add_argument("--lang", choices=("fr", "en"), default=argparse.SUPPRESS, help=h("lang"))

    parser = argparse.ArgumentParser(prog="journal-app", description=h("description"),
                                     epilog=h("epilog"), parents=[common],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"Ressenti {__version__}",
                        help=h("version"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title=h("commands"))

    def command(name: str, func: Callable[[Command], int]) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=h(name), description=h(name))
        p.set_defaults(func=func)
        return p

    def filters(p: argparse.ArgumentParser) -> None:
        p.add_argument("--kind", choices=KINDS, help=h("kind_filter"))
        p.add_argument("--tag", help=h("tag_filter"))
        p.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help=h("since"))
        p.add_argument("--until", type=_date, metavar="YYYY-MM-DD", help=h("until"))

    web = command("web", cmd_app)
    web.add_argument("--host", default="127.0.0.1", help=h("host"))
    web.add_argument("--port", type=int, default=8550, help=h("port"))

    command("init", cmd_init)

    add = command("add", cmd_add)
    add.add_argument("--text", help=h("text"))
    add.add_argument("--title", help=h("title"))
    add.add_argument("--kind", choices=KINDS, default="free", help=h("kind"))
    add.add_argument("--tags", metavar="A,B", help=h("tags"))

    for name, func in (("list", cmd_list), ("search", cmd_search)):
        p = command(name, func)
        if name == "search":
            p.add_argument("query", nargs="+", help=h("query"))
        filters(p)
        p.add_argument("--limit", type=int, metavar="N", help=h("limit"))
        p.add_argument("--json", action="store_true", help=h("json"))

    show = command("show", cmd_show)
    show.add_argument("id", help=h("id"))
    show.add_argument("--json", action="store_true", help=h("json"))

    delete = command("delete", cmd_delete)
    delete.add_argument("id", help=h("id"))
    delete.add_argument("--yes", action="store_true", help=h("yes"))

    export = command("export", cmd_export)
    export.add_argument("-o", "--output", required=True, metavar="FILE", help=h("output"))
    export.add_argument("--format", choices=("json", "markdown"), default="json", help=h("format"))
    export.add_argument("--force", action="store_true", help=h("force"))
    filters(export)

    imp = command("import", cmd_import)
    imp.add_argument("files", nargs="+", metavar="FILE", help=h("files"))
    imp.add_argument("--format", choices=FORMATS, default="auto", help=h("import_format"))

    phrase = command("passphrase", cmd_passphrase)
    phrase.add_argument("action", choices=("change",), help=h("passphrase_action"))
    phrase.add_argument("--new-passphrase-file", metavar="FILE", help=h("new_passphrase_file"))

    # Commands of the form `NAME ACTION [TARGET] [-o FILE] [--force]`.
    for name, func, actions in (
            ("prompts", cmd_prompts, ("list", "show", "validate", "import", "export")),
            ("circle", cmd_circle, ("create", "invite", "join", "list", "export-outbox",
                                    "import", "themes", "seed"))):
        p = command(name, func)
        p.add_argument("action", choices=actions, help=h(f"{name}_action"))
        if name == "circle":
            p.add_argument("target", nargs="*", help=h(f"{name}_target"))
            p.add_argument("--k", type=int, metavar="K", help=h("k"))
            p.add_argument("--format", choices=("markdown", "json", "csv"), default="markdown",
                           help=h("report_format"))
            p.add_argument("--theme", action="append", metavar="NAME: DESCRIPTION", help=h("theme"))
        else:
            p.add_argument("target", nargs="?", help=h(f"{name}_target"))
        p.add_argument("-o", "--output", metavar="FILE", help=h("output"))
        p.add_argument("--force", action="store_true", help=h("force"))

    # No common options here: --lang is the language of the text (and of the messages).
    anon = sub.add_parser("anonymize", help=h("anonymize"), description=h("anonymize"))
    anon.set_defaults(func=cmd_anonymize)
    anon.add_argument("--lang", dest="text_lang", choices=("fr", "en", "auto"), default="auto",
                      help=h("text_lang"))

    recover = command("recover", cmd_recover)
    recover.add_argument("--recovery-key-file", metavar="FILE", help=h("recovery_key_file"))
    recover.add_argument("--new-passphrase-file", metavar="FILE", help=h("new_passphrase_file"))
    return parser


def _localize_argparse(lang: str) -> None:
    """argparse speaks English through gettext; give it our catalog's words instead."""
    table = {
        "usage: ": "usage", "options": "options", "positional arguments": "positional",
        "show this help message and exit": "help", "show program's version number and exit": "version",
        "the following arguments are required: %s": "required",
        "unrecognized arguments: %s": "unrecognized", "expected one argument": "one_argument",
        "invalid choice: %(value)r (choose from %(choices)s)": "invalid_choice",
        "argument %(argument_name)s: %(message)s": "argument",
        "invalid %(type)s value: %(value)r": "invalid_value",
        "%(prog)s: error: %(message)s\n": "error",
    }

    def gettext(text: str) -> str:
        key = table.get(text)
        return translate(f"argparse.{key}", lang) if key else text

    argparse._ = gettext  # type: ignore[attr-defined]


def main(argv: Sequence[str] | None = None, env: Env | None = None) -> int:
    env = env or Env()
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = system_language(env.environ)
    if "--lang" in argv[:-1]:
        lang = normalize_language(argv[argv.index("--lang") + 1])
    _localize_argparse(lang)
    parser = build_parser(lang)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    for name, default in (("data_dir", None), ("passphrase_file", None), ("lang", lang)):
        if not hasattr(args, name):
            setattr(args, name, default)
    command = Command(args, env, normalize_language(args.lang))
    func = getattr(args, "func", cmd_app)
    try:
        return func(command)
    except RessentiError as exc:
        try:
            command.warn(exc.message(command.lang))
        except Exception:  # a message that cannot be built still must not become a traceback
            command.warn(command.t("error.generic"))
    except UsageError as exc:
        command.warn(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        command.warn(command.t("cli.cancelled"))
        return 130
    except (EOFError, BrokenPipeError):
        return EXIT_ERROR
    except Exception as exc:  # the promise is one clear line, never a traceback
        command.warn(command.t("error.unexpected", detail=f"{type(exc).__name__}: {exc}"))
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())

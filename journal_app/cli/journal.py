"""The journal's commands: init, add, list, search, show, delete, export, import, passphrase,
recover. Each calls the services or the use cases and says what happened."""

from __future__ import annotations

from pathlib import Path

from journal_app.cli.command import EXIT_ERROR, Command, Grammar, UsageError
from journal_app.errors import NotAVault, RestoreNotNeeded, VaultDamaged
from journal_app.i18n import format_datetime
from journal_app.interchange import FORMATS
from journal_app.journal import KINDS, Journal, entry_to_doc, parse_tags
from journal_app.prompts.library import PackLibrary
from journal_app.usecases.access import change_passphrase, create_journal, describe_rekeyed, recover_journal
from journal_app.usecases.entries import Draft, delete_entry, save_entry
from journal_app.vault import Rekeyed
from journal_app.vault.storage import open_database


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
    draft = Draft(body=text.rstrip("\n"), title=c.args.title or "", kind=c.args.kind,
                  tags=parse_tags(c.args.tags or ""))
    if draft.empty:
        raise UsageError(c.t("cli.add_nothing"))
    with c.journal() as journal:
        entry = save_entry(journal, None, draft, c.lang)
    assert entry is not None
    c.say(c.t("cli.added", id=entry.id[:8]))
    return 0


def cmd_list(c: Command) -> int:
    with c.journal() as journal:
        entries = journal.entries(c.filter())
    c.print_entries(entries[: c.args.limit] if c.args.limit else entries)
    return 0


def cmd_search(c: Command) -> int:
    with c.journal() as journal:
        entries = journal.search(" ".join(c.args.query), c.filter())
    c.print_entries(entries[: c.args.limit] if c.args.limit else entries)
    return 0


def cmd_show(c: Command) -> int:
    with c.database() as db:
        entry = Journal(db).get(c.args.id)
        labels = PackLibrary(db).answer_labels(entry.pack_id, c.lang)
    if c.args.json:
        c.say_json(entry_to_doc(entry))
        return 0
    c.say(entry.title or entry.headline or c.t("journal.untitled"))
    c.say(f"{format_datetime(entry.created, c.lang)} · {c.t(f'kind.{entry.kind}')} · {entry.id}")
    if entry.tags:
        c.say(" ".join(f"#{t}" for t in entry.tags))
    if entry.meeting and entry.meeting.name:
        role = c.t(f"role.{entry.meeting.role}") if entry.meeting.role else ""
        role = role[:1].lower() + role[1:]  # an option's label, here inside a line
        when = entry.meeting.date.isoformat() if entry.meeting.date else ""
        c.say(c.t("cli.meeting_line", name=entry.meeting.name,
                  details=", ".join(p for p in (when, role) if p)))
    c.say("")
    if entry.body:
        c.say(entry.body)
    for prompt_id, answer in entry.answers.items():
        c.say("")
        c.say(f"— {labels.get(prompt_id, c.t('editor.other_answer'))}")
        c.say(answer)
    return 0


def cmd_delete(c: Command) -> int:
    with c.journal() as journal:
        entry = journal.get(c.args.id)
        if not c.args.yes:
            if not c.env.interactive():
                raise UsageError(c.t("cli.delete_needs_yes"))
            c.warn(c.entry_line(entry))
            if not c.confirm(c.t("cli.delete_confirm")):
                c.warn(c.t("cli.cancelled"))
                return EXIT_ERROR
        delete_entry(journal, entry.id)
    c.say(c.t("cli.deleted", id=entry.id[:8]))
    return 0


def cmd_export(c: Command) -> int:
    from journal_app.interchange import write_export
    from journal_app.usecases.exporting import export_journal

    with c.journal() as journal:
        export = export_journal(journal, c.args.format, c.filter(), lang=c.lang)
    write_export(Path(c.args.output), export.text, overwrite=c.args.force)
    c.warn(c.t("export.unencrypted_warning"))
    c.say(c.t("cli.exported", count=export.count, file=c.args.output))
    return 0


def cmd_import(c: Command) -> int:
    from journal_app.usecases.importing import describe_file, import_paths

    with c.journal() as journal:
        batch = import_paths(journal, [Path(name) for name in c.args.files], c.args.format)
    for item in batch.files:
        for line in describe_file(item, c.lang):
            (c.warn if item.error else c.say)(line)
    return EXIT_ERROR if batch.failed else 0


def cmd_passphrase(c: Command) -> int:
    db = open_database(c.vault, c.passphrase())
    try:
        rekeyed = change_passphrase(db, None, c.new_passphrase())
    finally:
        db.close()
    return _told(c, "cli.passphrase_changed", rekeyed)


def cmd_restore(c: Command) -> int:
    """Put the previous generation back when the journal file is damaged (the damaged file is
    kept aside, never deleted)."""
    passphrase = c.passphrase()
    try:
        open_database(c.vault, passphrase).close()
    except (VaultDamaged, NotAVault):
        pass
    else:
        raise RestoreNotNeeded()
    before = set(c.vault.parent.glob(f"{c.vault.name}.damaged-*"))
    open_database(c.vault, passphrase, use_backup=True).close()
    aside = sorted(set(c.vault.parent.glob(f"{c.vault.name}.damaged-*")) - before)
    c.say(c.t("cli.restored", file=aside[0].name if aside else "—"))
    return 0


def cmd_recover(c: Command) -> int:
    key = c.recovery_key()
    db, rekeyed = recover_journal(c.vault, key, c.new_passphrase())
    db.close()
    return _told(c, "cli.recovered", rekeyed)


def _told(c: Command, done_key: str, rekeyed: Rekeyed) -> int:
    """After new keys: what was done, the new recovery key if any, the old copies' warning."""
    c.say(c.t(done_key))
    for line in describe_rekeyed(rekeyed, c.lang):
        c.say(line)
    return 0


def add_commands(g: Grammar) -> None:
    g.command("init", cmd_init)
    add = g.command("add", cmd_add)
    add.add_argument("--text", help=g.h("text"))
    add.add_argument("--title", help=g.h("title"))
    add.add_argument("--kind", choices=KINDS, default="free", help=g.h("kind"))
    add.add_argument("--tags", metavar="A,B", help=g.h("tags"))
    for name, func in (("list", cmd_list), ("search", cmd_search)):
        p = g.command(name, func)
        if name == "search":
            p.add_argument("query", nargs="+", help=g.h("query"))
        g.filters(p)
        p.add_argument("--limit", type=int, metavar="N", help=g.h("limit"))
        p.add_argument("--json", action="store_true", help=g.h("json"))
    show = g.command("show", cmd_show)
    show.add_argument("id", help=g.h("id"))
    show.add_argument("--json", action="store_true", help=g.h("json"))
    delete = g.command("delete", cmd_delete)
    delete.add_argument("id", help=g.h("id"))
    delete.add_argument("--yes", action="store_true", help=g.h("yes"))
    export = g.command("export", cmd_export)
    export.add_argument("-o", "--output", required=True, metavar="FILE", help=g.h("output"))
    export.add_argument("--format", choices=("json", "markdown"), default="json", help=g.h("format"))
    export.add_argument("--force", action="store_true", help=g.h("force"))
    g.filters(export)
    imp = g.command("import", cmd_import)
    imp.add_argument("files", nargs="+", metavar="FILE", help=g.h("files"))
    imp.add_argument("--format", choices=FORMATS, default="auto", help=g.h("import_format"))
    phrase = g.command("passphrase", cmd_passphrase)
    phrase.add_argument("action", choices=("change",), help=g.h("passphrase_action"))
    phrase.add_argument("--new-passphrase-file", metavar="FILE", help=g.h("new_passphrase_file"))
    g.command("restore", cmd_restore)
    recover = g.command("recover", cmd_recover)
    recover.add_argument("--recovery-key-file", metavar="FILE", help=g.h("recovery_key_file"))
    recover.add_argument("--new-passphrase-file", metavar="FILE", help=g.h("new_passphrase_file"))

"""`journal-app prompts`: list, show, check, import and export practice packs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from journal_app.cli.command import Command, Grammar, UsageError
from journal_app.errors import VaultMissing
from journal_app.interchange import read_bytes, write_export
from journal_app.prompts.library import PackLibrary
from journal_app.prompts.packs import parse_pack
from journal_app.vault.storage import open_database


def cmd_prompts(c: Command) -> int:
    action, target = c.args.action, c.args.target or ""
    if action in ("show", "validate", "import", "export") and not target:
        raise UsageError(c.t("argparse.required") % "ID/FILE")
    if action == "export" and not c.args.output:
        raise UsageError(c.t("argparse.required") % "-o/--output")
    if action == "validate":  # a file alone: no journal needed
        pack = parse_pack(read_bytes(Path(target)), Path(target).name)
        c.say(c.t("cli.pack_valid", file=Path(target).name, id=pack.id, version=pack.version,
                  steps=len(pack.steps)))
        return 0
    if action == "import" and not c.vault.exists():
        raise VaultMissing(path=str(c.vault))
    # Without a journal yet, the built-in packs can still be listed, shown and exported.
    db = open_database(c.vault, c.passphrase()) if c.vault.exists() else None
    try:
        ACTIONS[action](c, PackLibrary(db), target)
    finally:
        if db is not None:
            db.close()
    return 0


def list_packs(c: Command, library: PackLibrary, _: str) -> None:
    for pack in library.packs():
        origin = c.t("cli.pack_builtin" if pack.builtin else "cli.pack_imported")
        c.say("  ".join((pack.id, f"[{c.t(f'pack.{pack.kind}')}]", pack.length_text(c.lang),
                         pack.title.get(c.lang), f"({origin}, {pack.version})")))


def show(c: Command, library: PackLibrary, pack_id: str) -> None:
    pack = library.get(pack_id)
    c.say(pack.title.get(c.lang))
    c.say(f"{pack.id} {pack.version} · {c.t(f'pack.{pack.kind}')} · {pack.author} · {pack.licence}")
    c.say(pack.description.get(c.lang))
    for n, step in enumerate(pack.steps, 1):
        length = f" ({c.t('pack.minutes', n=round(step.duration / 60))})" if step.duration else ""
        c.say("")
        c.say(f"{n}. {step.title.get(c.lang)}{length}")
        c.say(f"   {step.text.get(c.lang)}")


def import_pack(c: Command, library: PackLibrary, file: str) -> None:
    result = library.import_pack(read_bytes(Path(file)), Path(file).name)
    c.say(c.t(f"cli.pack_{result.outcome}", id=result.pack.id, version=result.pack.version))


def export_pack(c: Command, library: PackLibrary, pack_id: str) -> None:
    write_export(Path(c.args.output), library.export_text(pack_id), overwrite=c.args.force)
    c.say(c.t("cli.pack_exported", id=pack_id, file=c.args.output))


ACTIONS: dict[str, Callable[[Command, PackLibrary, str], None]] = {
    "list": list_packs, "show": show, "import": import_pack, "export": export_pack}


def add_commands(g: Grammar) -> None:
    p = g.action_command("prompts", cmd_prompts, ("list", "show", "validate", "import", "export"))
    p.add_argument("target", nargs="?", help=g.h("prompts_target"))

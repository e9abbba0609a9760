"""`journal-app prompts`: list, show, check, import and export practice packs."""

from __future__ import annotations

from pathlib import Path

from journal_app.cli.command import Command, UsageError
from journal_app.errors import VaultMissing
from journal_app.storage import open_database


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

"""One run of a command: its arguments, its language, and the ways it talks to the person."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from journal_app.cli.env import Env
from journal_app.i18n import translate
from journal_app.journal import Entry, EntryFilter, Journal, entry_to_doc
from journal_app.paths import data_dir, vault_path
from journal_app.storage import Database, open_database

EXIT_ERROR = 1
EXIT_USAGE = 2
YES = ("o", "oui", "y", "yes")


class UsageError(Exception):
    pass


class Command:
    """One run of the CLI: parsed arguments, the language, and helpers to talk to the person."""

    def __init__(self, args: argparse.Namespace, env: Env, lang: str) -> None:
        self.args, self.env, self.lang = args, env, lang

    def t(self, key: str, /, **params: Any) -> str:
        return translate(key, self.lang, **params)

    def say(self, text: str = "") -> None:
        self.env.stdout.write(text + "\n")

    def warn(self, text: str) -> None:
        self.env.stderr.write(text + "\n")

    def confirm(self, question: str) -> bool:
        """Yes or no, typed by the person; without a terminal to ask on, a UsageError."""
        if not self.env.interactive():
            raise UsageError(self.t("cli.delete_needs_yes"))
        return self.env.ask(question + " ").strip().lower() in YES

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
        if not self.env.interactive():
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

    def recovery_key(self) -> str:
        return self._secret("JOURNAL_APP_RECOVERY_KEY", "recovery_key_file", "cli.prompt_recovery_key")

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



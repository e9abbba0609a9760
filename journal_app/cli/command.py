"""One run of a command: its arguments, its language, and the ways it talks to the person."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, cast

from journal_app.cli.env import Env
from journal_app.cli.terminal import safe_json, safe_text
from journal_app.i18n import translate
from journal_app.journal import KINDS, Entry, EntryFilter, Journal, entry_to_doc
from journal_app.paths import data_dir, vault_path
from journal_app.sync import is_linked
from journal_app.usecases.access import opening_notes
from journal_app.vault.storage import Database, open_database

EXIT_ERROR = 1
EXIT_USAGE = 2
YES = ("o", "oui", "y", "yes")


class UsageError(Exception):
    pass


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(text) from None


class Grammar:
    """What a command group needs to declare its commands: a sub-parser per command, with the
    options every command shares, and the help texts in the person's language."""

    def __init__(self, sub: Any, common: argparse.ArgumentParser, lang: str, env: Env) -> None:
        self._sub, self._common, self.lang, self.env = sub, common, lang, env

    def h(self, key: str) -> str:
        return translate(f"cli.help.{key}", self.lang)

    def command(self, name: str, func: Callable[[Command], int], *, description: str | None = None
                ) -> argparse.ArgumentParser:
        """`description` (the top of `COMMAND --help`) defaults to the one line the command has
        in the list of commands."""
        p = self._sub.add_parser(name, parents=[self._common], help=self.h(name),
                                 description=description or self.h(name), lang=self.lang, env=self.env)
        p.set_defaults(func=func)
        return cast(argparse.ArgumentParser, p)

    def filters(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("--kind", choices=KINDS, help=self.h("kind_filter"))
        p.add_argument("--tag", help=self.h("tag_filter"))
        p.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help=self.h("since"))
        p.add_argument("--until", type=_date, metavar="YYYY-MM-DD", help=self.h("until"))

    def action_command(self, name: str, func: Callable[[Command], int], actions: tuple[str, ...], *,
                       description: str | None = None) -> argparse.ArgumentParser:
        """A command of the form `NAME ACTION [TARGET] [-o FILE] [--force]`."""
        p = self.command(name, func, description=description)
        p.add_argument("action", choices=actions, help=self.h(f"{name}_action"))
        p.add_argument("-o", "--output", metavar="FILE", help=self.h("output"))
        p.add_argument("--force", action="store_true", help=self.h("force"))
        return p


class Command:
    """One run of the CLI: parsed arguments, the language, and helpers to talk to the person."""

    def __init__(self, args: argparse.Namespace, env: Env, lang: str) -> None:
        self.args, self.env, self.lang = args, env, lang

    def t(self, key: str, /, **params: Any) -> str:
        return translate(key, self.lang, **params)

    def say(self, text: str = "") -> None:
        self.write(text + "\n")

    def write(self, text: str) -> None:
        """Standard output, where what others wrote may appear: never a control character."""
        self.env.stdout.write(safe_text(text))

    def say_json(self, doc: object) -> None:
        self.env.stdout.write(safe_json(json.dumps(doc, ensure_ascii=False, indent=1)) + "\n")

    def warn(self, text: str) -> None:
        self.env.stderr.write(safe_text(text) + "\n")

    def confirm(self, question: str) -> bool:
        """Yes or no, typed by the person; without a terminal to ask on, a UsageError."""
        if not self.env.interactive():
            raise UsageError(self.t("cli.delete_needs_yes"))
        return self.env.ask(question + " ").strip().lower() in YES

    @property
    def vault(self) -> Path:
        return vault_path(data_dir(self.args.data_dir, self.env.environ))

    # -- secrets ------------------------------------------------------------------------------
    def _read_secret_file(self, name: str) -> str:
        """The first line of a file holding a secret. A file others on this computer may read
        is still used (a script may depend on it), with a warning that names the fix."""
        path = Path(name)
        try:
            text = path.read_text(encoding="utf-8").splitlines()[0]
            mode = path.stat().st_mode
        except (OSError, IndexError, UnicodeDecodeError):
            raise UsageError(self.t("cli.secret_file_unreadable", file=name)) from None
        if os.name == "posix" and mode & 0o077:
            self.warn(self.t("cli.secret_file_readable", file=name))
        return text

    def _secret(self, env_var: str, file_arg: str | None, prompt_key: str, confirm: bool = False) -> str:
        file_value = getattr(self.args, file_arg, None) if file_arg else None
        if file_value:
            return self._read_secret_file(file_value)
        if self.env.environ.get(env_var):
            return self.env.environ[env_var]
        if not self.env.interactive():
            raise UsageError(self.t("cli.secret_needed", var=env_var))
        first = self.env.ask_secret(self.t(prompt_key) + " ")
        if confirm and self.env.ask_secret(self.t("cli.prompt_confirm") + " ") != first:
            raise UsageError(self.t("cli.secrets_differ"))
        return first

    def secret_file(self, name: str) -> str:
        """The first line of a file holding a secret (a token), never echoed."""
        return self._read_secret_file(name).strip()

    def passphrase(self, confirm: bool = False) -> str:
        return self._secret("JOURNAL_APP_PASSPHRASE", "passphrase_file", "cli.prompt_passphrase", confirm)

    def new_passphrase(self) -> str:
        return self._secret("JOURNAL_APP_NEW_PASSPHRASE", "new_passphrase_file",
                            "cli.prompt_new_passphrase", confirm=True)

    def recovery_key(self) -> str:
        return self._secret("JOURNAL_APP_RECOVERY_KEY", "recovery_key_file", "cli.prompt_recovery_key")

    @contextmanager
    def database(self) -> Iterator[Database]:
        """The vault's database, open for the time of the command, closed (and its lock let
        go) after."""
        db = open_database(self.vault, self.passphrase())
        try:
            if is_linked(db):  # paired with other devices: what this command changes is queued for them
                from journal_app.usecases.devices import attach

                attach(db)
            for note in opening_notes(db, self.lang):
                self.warn(note)
            yield db
        finally:
            db.close()

    @contextmanager
    def journal(self) -> Iterator[Journal]:
        with self.database() as db:
            yield Journal(db)

    # -- output -------------------------------------------------------------------------------
    def entry_line(self, entry: Entry) -> str:
        tags = " ".join(f"#{t}" for t in entry.tags)
        stamp = entry.created.strftime("%Y-%m-%d %H:%M")
        kind = self.t(f"kind.{entry.kind}")
        headline = entry.headline or self.t("journal.untitled")
        if len(headline) > 70:
            headline = headline[:69] + "…"
        return "  ".join(p for p in (stamp, entry.id[:8], f"[{kind}]", headline, tags) if p)

    def print_entries(self, entries: Sequence[Entry]) -> None:
        if self.args.json:
            self.say_json([entry_to_doc(e) for e in entries])
        elif not entries:
            self.warn(self.t("cli.no_entries"))
        else:
            for entry in entries:
                self.say(self.entry_line(entry))

    def filter(self) -> EntryFilter:
        return EntryFilter(kind=self.args.kind, tag=self.args.tag, since=self.args.since,
                           until=self.args.until)



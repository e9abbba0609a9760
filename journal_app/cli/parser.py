"""The command line's grammar, in French or English: argparse's own words come from our
catalogs through a parser subclass (argparse itself is left as it is)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from datetime import date
from typing import Any, NoReturn

from journal_app import __version__
from journal_app.cli.circle import cmd_circle
from journal_app.cli.command import Command
from journal_app.cli.env import Env
from journal_app.cli.journal import (
    cmd_add,
    cmd_delete,
    cmd_export,
    cmd_import,
    cmd_init,
    cmd_list,
    cmd_passphrase,
    cmd_recover,
    cmd_search,
    cmd_show,
)
from journal_app.cli.prompts import cmd_prompts
from journal_app.cli.tools import cmd_anonymize, cmd_app
from journal_app.i18n import translate
from journal_app.interchange import FORMATS
from journal_app.journal import KINDS

# argparse's English error messages, and the catalog key of each (argparse.*).
_ARGPARSE_MESSAGES = [
    ("argument %(argument_name)s: %(message)s", "argument"),
    ("the following arguments are required: %s", "required"),
    ("unrecognized arguments: %s", "unrecognized"),
    ("expected one argument", "one_argument"),
    ("invalid choice: %(value)r (choose from %(choices)s)", "invalid_choice"),
    ("invalid %(type)s value: %(value)r", "invalid_value"),
]


def _pattern(template: str) -> re.Pattern[str]:
    text = re.escape(template)
    text = re.sub(r"%\\\((\w+)\\\)[rs]", r"(?P<\1>.*?)", text)
    return re.compile("^" + text.replace("%s", "(?P<s>.*?)") + "$", re.DOTALL)


_PATTERNS = [(_pattern(template), key) for template, key in _ARGPARSE_MESSAGES]


def translate_argparse(message: str, lang: str) -> str:
    """argparse's English message in `lang` (unknown messages are left as they are)."""
    for pattern, key in _PATTERNS:
        found = pattern.match(message)
        if found is None:
            continue
        template = translate(f"argparse.{key}", lang).replace(")r", ")s")
        values = found.groupdict()
        if key == "argument":
            values["message"] = translate_argparse(values["message"], lang)
        return template % values["s"] if "s" in values else template % values
    return message


class TranslatedParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks our language and writes to the command's own streams."""

    def __init__(self, *args: Any, lang: str = "fr", env: Env | None = None, help_option: bool = True,
                 **kwargs: Any) -> None:
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self.lang, self.env = lang, env or Env()
        self._positionals.title = translate("argparse.positional", lang)
        self._optionals.title = translate("argparse.options", lang)
        if help_option:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=translate("argparse.help", lang))

    def _get_formatter(self) -> argparse.HelpFormatter:
        return _Formatter(prog=self.prog, usage_prefix=translate("argparse.usage", self.lang))

    def _print_message(self, message: str, file: Any = None) -> None:
        import sys

        if message:
            (self.env.stdout if file is sys.stdout else self.env.stderr).write(message)

    def error(self, message: str) -> NoReturn:
        self.print_usage(self.env.stderr)
        self.exit(2, translate("argparse.error", self.lang) % {
            "prog": self.prog, "message": translate_argparse(message, self.lang)})


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str, usage_prefix: str) -> None:
        super().__init__(prog)
        self._usage_prefix = usage_prefix

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix if prefix is not None else self._usage_prefix)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(text) from None


def build_parser(lang: str, env: Env) -> TranslatedParser:
    def h(key: str) -> str:
        return translate(f"cli.help.{key}", lang)

    common = TranslatedParser(lang=lang, env=env, help_option=False)
    common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=h("data_dir"))
    common.add_argument("--passphrase-file", metavar="FILE", default=argparse.SUPPRESS,
                        help=h("passphrase_file"))
    common.add_argument("--lang", choices=("fr", "en"), default=argparse.SUPPRESS, help=h("lang"))
    common.add_argument("--traceback", action="store_true", default=argparse.SUPPRESS, help=h("traceback"))

    parser = TranslatedParser(prog="journal-app", description=h("description"), epilog=h("epilog"),
                              parents=[common], lang=lang, env=env)
    parser.add_argument("--version", action="version", version=f"Ressenti {__version__}",
                        help=translate("argparse.version", lang))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title=h("commands"))

    def command(name: str, func: Callable[[Command], int]) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=h(name), description=h(name), lang=lang, env=env)
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

    # --lang is the language of the messages, as everywhere; the text's own is --text-lang.
    anon = command("anonymize", cmd_anonymize)
    anon.add_argument("--text-lang", dest="text_lang", choices=("fr", "en", "auto"), default="auto",
                      help=h("text_lang"))

    recover = command("recover", cmd_recover)
    recover.add_argument("--recovery-key-file", metavar="FILE", help=h("recovery_key_file"))
    recover.add_argument("--new-passphrase-file", metavar="FILE", help=h("new_passphrase_file"))
    return parser

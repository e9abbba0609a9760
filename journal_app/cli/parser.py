"""The command line's grammar, in French or English: argparse's own words come from our
catalogs through a parser subclass (argparse itself is left as it is)."""

from __future__ import annotations

import argparse
import re
from typing import Any, NoReturn

from journal_app import __version__
from journal_app.cli import badge, circle, device, journal, prompts, relay, tools
from journal_app.cli.command import Grammar
from journal_app.cli.env import Env
from journal_app.i18n import translate

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

    grammar = Grammar(sub, common, lang, env)
    for group in (tools, journal, prompts, circle, device, relay, badge):
        group.add_commands(grammar)
    return parser

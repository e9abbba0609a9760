"""`journal-app`: the app, and the same services from the command line.

Every error is one translated line on stderr and a non-zero exit, never a traceback (unless
`--traceback` asks for one, for a bug report). No command writes decrypted text anywhere but to
stdout or to an export file the person named. `main(argv, env)` runs in-process: everything a
command touches comes through `Env`.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence

from journal_app.cli.command import EXIT_ERROR, EXIT_USAGE, Command, UsageError
from journal_app.cli.env import Env
from journal_app.cli.parser import build_parser
from journal_app.cli.tools import cmd_app
from journal_app.diagnostics import record
from journal_app.errors import RessentiError
from journal_app.i18n import LANGUAGES, normalize_language, system_language
from journal_app.paths import data_dir

__all__ = ["Env", "main"]


def asked_language(argv: Sequence[str]) -> str | None:
    """The language named by `--lang xx` or `--lang=xx`, wherever it stands on the line."""
    for n, arg in enumerate(argv):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else \
            argv[n + 1] if arg == "--lang" and n + 1 < len(argv) else None
        if value in LANGUAGES:
            return value
    return None


def main(argv: Sequence[str] | None = None, env: Env | None = None) -> int:
    env = env or Env()
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = asked_language(argv) or system_language(env.environ)
    parser = build_parser(lang, env)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    args.lang_asked = hasattr(args, "lang")  # --lang given (a report then follows it, not the circle)
    for name, default in (("data_dir", None), ("passphrase_file", None), ("lang", lang),
                          ("traceback", False)):
        if not hasattr(args, name):
            setattr(args, name, default)
    command = Command(args, env, normalize_language(args.lang))
    func = getattr(args, "func", cmd_app)
    try:
        return int(func(command))
    except RessentiError as exc:
        try:
            command.warn(exc.message(command.lang))
        except Exception:  # a message that cannot be built still must not become a traceback
            command.warn(command.t("error.generic"))
        _explain(command, exc)
    except UsageError as exc:
        command.warn(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        command.warn(command.t("cli.cancelled"))
        return 130
    except (EOFError, BrokenPipeError):
        return EXIT_ERROR
    except Exception as exc:  # the promise is one clear line, never a traceback
        command.warn(command.t("error.unexpected", detail=type(exc).__name__))
        folder = data_dir(args.data_dir, env.environ)
        if folder.is_dir():
            record(folder, exc, where=f"journal-app {getattr(args, 'command', None) or ''}".strip())
        _explain(command, exc)
    return EXIT_ERROR


def _explain(command: Command, exc: BaseException) -> None:
    """With --traceback, the whole story of the error, for a bug report."""
    if command.args.traceback:
        command.env.stderr.write("".join(traceback.format_exception(exc)))

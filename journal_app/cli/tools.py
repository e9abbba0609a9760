"""`journal-app anonymize` and `journal-app [web]`, the app itself."""

from __future__ import annotations

import re

from journal_app.cli.command import Command, Grammar
from journal_app.paths import data_dir

_HOST_NAME = re.compile(r"(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*")


def cmd_anonymize(c: Command) -> int:
    from journal_app.anonymize import anonymize

    text = c.env.stdin.read()
    c.write(anonymize(text, c.args.text_lang).text)
    return 0


def _host_name(text: str) -> str:
    """A name another device types to reach this computer (`monordi.local`), not an address."""
    name = text.strip().lower().rstrip(".")
    if not _HOST_NAME.fullmatch(name) or name.replace(".", "").isdigit():
        raise ValueError(text)  # argparse says « valeur invalide », translated
    return name


def cmd_app(c: Command) -> int:
    from journal_app.app import run

    return run(data_dir(c.args.data_dir, c.env.environ), host=getattr(c.args, "host", None),
               port=getattr(c.args, "port", None), web=c.args.command == "web", lang=c.lang,
               allow_network=getattr(c.args, "allow_network", False),
               allowed_hosts=tuple(getattr(c.args, "allowed_host", None) or ()))


def add_commands(g: Grammar) -> None:
    web = g.command("web", cmd_app)
    web.add_argument("--host", default="127.0.0.1", help=g.h("host"))
    web.add_argument("--port", type=int, default=8550, help=g.h("port"))
    web.add_argument("--allow-network", action="store_true", help=g.h("allow_network"))
    web.add_argument("--allowed-host", action="append", metavar="NAME", type=_host_name, help=g.h("allowed_host"))
    # --lang is the language of the messages, as everywhere; the text's own is --text-lang.
    anon = g.command("anonymize", cmd_anonymize)
    anon.add_argument("--text-lang", dest="text_lang", choices=("fr", "en", "auto"), default="auto",
                      help=g.h("text_lang"))

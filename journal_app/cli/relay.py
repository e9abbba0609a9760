"""`journal-app relay serve`: run the circle relay (the `relay` extra), SQLite by default,
PostgreSQL with --database-url. Creating a mailbox takes a token unless the operator opens
registration: the one in --registration-token-file, else one the relay makes in its data folder."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from journal_app.cli.command import Command, Grammar, UsageError
from journal_app.paths import data_dir

TOKEN_FILE = "registration-token"


def own_token(folder: Path) -> Path:
    """The relay's registration token file in its data folder, made (0600) on first start."""
    path = folder / TOKEN_FILE
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_urlsafe(24) + "\n")
    return path


def cmd_relay(c: Command) -> int:
    try:
        from journal_app.relay.app import Limits, serve
    except ImportError:
        raise UsageError(c.t("cli.relay_extra")) from None
    folder = data_dir(c.args.data_dir, c.env.environ)
    token = None
    if not c.args.open_registration:
        token_file = c.args.registration_token_file or str(own_token(folder))
        token = c.secret_file(token_file)
    limits = Limits(rate_per_capability=c.args.rate * 4, burst_per_capability=max(1, int(c.args.rate * 40)),
                    rate_per_client=c.args.rate, burst_per_client=max(1, int(c.args.rate * 10)),
                    mailbox_quota=c.args.quota, ttl_days=c.args.ttl_days, registration_token=token or None,
                    personal_mailboxes=c.args.personal_mailboxes,
                    open_registration=c.args.open_registration,
                    trusted_proxies=",".join(c.args.trusted_proxy or ["127.0.0.1", "::1"]))
    url = c.args.database_url or c.env.environ.get("RESSENTI_RELAY_DATABASE_URL") or None
    where = url.split("@")[-1] if url else str(folder / "relay.sqlite3")  # never a password
    c.warn(c.t("cli.relay_serving", url=f"http://{c.args.host}:{c.args.port}", storage=where))
    c.warn(c.t("cli.relay_open_registration") if c.args.open_registration
           else c.t("cli.relay_token_file", file=c.args.registration_token_file or folder / TOKEN_FILE))
    serve(c.args.host, c.args.port, url, folder, limits=limits)
    return 0


def add_commands(g: Grammar) -> None:
    p = g.command("relay", cmd_relay)
    p.add_argument("action", choices=("serve",), help=g.h("relay_action"))
    p.add_argument("--host", default="127.0.0.1", help=g.h("host"))
    p.add_argument("--port", type=int, default=8560, help=g.h("relay_port"))
    p.add_argument("--database-url", metavar="URL", help=g.h("database_url"))
    p.add_argument("--rate", type=float, default=50.0, metavar="N", help=g.h("relay_rate"))
    p.add_argument("--quota", type=int, default=20_000, metavar="N", help=g.h("relay_quota"))
    p.add_argument("--ttl-days", type=int, default=60, metavar="DAYS", help=g.h("relay_ttl"))
    p.add_argument("--personal-mailboxes", type=int, default=64, metavar="N", help=g.h("relay_personal"))
    p.add_argument("--registration-token-file", metavar="FILE", help=g.h("relay_token"))
    p.add_argument("--open-registration", action="store_true", help=g.h("relay_open"))
    p.add_argument("--trusted-proxy", action="append", metavar="ADDRESS", help=g.h("relay_trusted_proxy"))

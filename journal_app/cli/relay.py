"""`journal-app relay serve`: run the circle relay (the `relay` extra), SQLite by default,
PostgreSQL with --database-url."""

from __future__ import annotations

from pathlib import Path

from journal_app.cli.command import Command, Grammar, UsageError
from journal_app.paths import data_dir


def cmd_relay(c: Command) -> int:
    try:
        from journal_app.relay.app import Limits, serve
    except ImportError:
        raise UsageError(c.t("cli.relay_extra")) from None
    token = None
    if c.args.registration_token_file:
        try:
            token = Path(c.args.registration_token_file).read_text("utf-8").strip()
        except OSError:
            raise UsageError(c.t("cli.secret_file_unreadable", file=c.args.registration_token_file)) from None
    limits = Limits(rate_per_capability=c.args.rate, burst_per_capability=max(1, int(c.args.rate * 10)),
                    rate_per_client=c.args.rate, burst_per_client=max(1, int(c.args.rate * 10)),
                    mailbox_quota=c.args.quota, ttl_days=c.args.ttl_days, registration_token=token or None)
    url = c.args.database_url or c.env.environ.get("RESSENTI_RELAY_DATABASE_URL") or None
    folder = data_dir(c.args.data_dir, c.env.environ)
    where = url.split("@")[-1] if url else str(folder / "relay.sqlite3")  # never a password
    c.warn(c.t("cli.relay_serving", url=f"http://{c.args.host}:{c.args.port}", storage=where))
    serve(c.args.host, c.args.port, url, folder, limits=limits)
    return 0


def add_commands(g: Grammar) -> None:
    p = g.command("relay", cmd_relay)
    p.add_argument("action", choices=("serve",), help=g.h("relay_action"))
    p.add_argument("--host", default="127.0.0.1", help=g.h("host"))
    p.add_argument("--port", type=int, default=8560, help=g.h("port"))
    p.add_argument("--database-url", metavar="URL", help=g.h("database_url"))
    p.add_argument("--rate", type=float, default=50.0, metavar="N", help=g.h("relay_rate"))
    p.add_argument("--quota", type=int, default=20_000, metavar="N", help=g.h("relay_quota"))
    p.add_argument("--ttl-days", type=int, default=60, metavar="DAYS", help=g.h("relay_ttl"))
    p.add_argument("--registration-token-file", metavar="FILE", help=g.h("relay_token"))

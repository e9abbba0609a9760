"""The circle relay: a mailbox per circle for sealed envelopes, and the circle's signed messages.

The server (`journal-app relay serve`, the optional `relay` extra: Starlette, uvicorn, and
psycopg for PostgreSQL) lives in `app.py` and `storage.py`; `capabilities.py` is shared with
the app, which makes a circle's capabilities. The relay cannot read what it carries: envelopes
are sealed to the circle's key, and it keeps no address, no user agent and no exact time.
See docs/relay.md.
"""

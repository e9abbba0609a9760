"""A circle's secrets on its relay. The relay keeps only their SHA-256 digests, so a copy of its
database does not let anyone post to a mailbox or read one.

- the mailbox id: 16 random bytes, base64url (22 characters), in the invitation;
- the send capability: 32 random bytes (43 characters), in the invitation, the same for every
  member, so the relay cannot tell members apart;
- the read capability: 32 random bytes, only in the facilitator's vault.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable

from journal_app.sharing import b64

MAILBOX = re.compile(r"\A[A-Za-z0-9_-]{22}\Z")  # \Z: "$" would also match before a final newline
CAPABILITY = re.compile(r"\A[A-Za-z0-9_-]{43}\Z")


def new_mailbox(rng: Callable[[int], bytes] = secrets.token_bytes) -> str:
    return b64(rng(16))


def new_capability(rng: Callable[[int], bytes] = secrets.token_bytes) -> str:
    return b64(rng(32))


def digest(capability: str) -> str:
    """What the relay keeps of a capability."""
    return hashlib.sha256(b"ressenti relay capability v1\n" + capability.encode("ascii")).hexdigest()


def matches(capability: str, kept_digest: str) -> bool:
    return bool(CAPABILITY.match(capability)) and hmac.compare_digest(digest(capability), kept_digest)

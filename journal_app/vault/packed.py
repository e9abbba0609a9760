"""Entries' bodies kept as UTF-8 in memory (journal_app/vault/storage.py `StoredDoc`).

An entry's body is most of a journal's memory once open, and Python keeps a text holding one
character past U+00FF (« ’ ») at two bytes a character or more: a stored document holds its
"body" as UTF-8 bytes (about half as large for French), and gives it as text to whoever reads
it. Only the storage, and the readers that keep or search a body as it is held (an entry made
from its document, search, the word list: `held_get`), ever see the bytes. The file is not
changed: a document is saved as JSON, its body as text (docs/vault-format.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

PACKED = "body"  # the field held as UTF-8


def packed(value: Any) -> Any:
    """A body as a stored document holds it: text as UTF-8, anything else as it is."""
    # surrogatepass: a lone surrogate typed or pasted somewhere comes back as it went in.
    return value.encode("utf-8", "surrogatepass") if value.__class__ is str else value


def shown(value: Any) -> Any:
    """A field's value as a stored document gives it: a body held as UTF-8 becomes text again."""
    return value.decode("utf-8", "surrogatepass") if value.__class__ is bytes else value


def utf8(text: str) -> bytes:
    """A text as UTF-8, as a body is held (so that a word's UTF-8 is looked for in a body's)."""
    return text.encode("utf-8", "surrogatepass")


def held_get(doc: Mapping[str, Any]) -> Callable[..., Any]:
    """`doc.get`, without making a stored document's body into text: the body comes as the UTF-8
    bytes the document holds (or as text, from a document that is not stored yet)."""
    if isinstance(doc, dict):
        return dict.get.__get__(doc, type(doc))  # type: ignore[no-any-return]
    return doc.get


def held_body(doc: Mapping[str, Any]) -> bytes:
    """An entry's body as UTF-8, without making it into text: a text holds a word exactly when
    its UTF-8 holds the word's UTF-8, so search looks in it as it is held."""
    body = held_get(doc)("body", b"")
    return body if body.__class__ is bytes else utf8(body)

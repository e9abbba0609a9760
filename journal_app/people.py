"""The member's memory of people: the names they write about across their entries, kept in the
vault only (table `people`), so a shared insight catches them however they are spelled there.

Learnt from the journal itself, never sent anywhere: the names the anonymizer finds in the
entries, and the words the member always writes with a capital inside a sentence, in two entries
at least, and never in lower case (« Biscuit »: a nickname that is also an ordinary word).
Each entry's names are kept with its last change, so only new or changed entries are read again,
and an entry deleted takes its names with it; the 300 most recently changed entries are read.
The names the member marked (tapped on the consent screen) are added by the caller.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from journal_app.journal import Entry, fold
from journal_app.lexicon import FUNCTION_WORDS, ORDINARY_CAPITALS, People, find_names, lexicon
from journal_app.vault.storage import Database

TABLE, DOC = "people", "memory"
# The entries read: the most recently changed ones (the people of a member's present life), so
# the first share of a large journal reads about a second of text, and the later ones only what
# changed since.
RECENT = 300
_CAPITAL_INSIDE = re.compile(r"(?<=[\w,;’'] )[A-ZÀ-Ý][^\W\d_]+(?:-[^\W\d_]+)*")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def _entry_text(entry: Entry) -> str:
    return "\n".join([entry.title, entry.body, *entry.answers.values()])


def names_in(text: str) -> dict[str, list[str]]:
    """What one entry says about people: names found, capitalized words inside sentences, and
    the words it writes in lower case (which rule a capitalized word out)."""
    found = find_names(text)
    names = sorted({text[a:b] for a, b in found.names})
    capitals = sorted({m.group() for m in _CAPITAL_INSIDE.finditer(text)
                       if fold(m.group()) not in FUNCTION_WORDS and fold(m.group()) not in ORDINARY_CAPITALS
                       and lexicon().get(fold(m.group())) != "L"})
    lower = {fold(w) for w in _WORD.findall(text) if w.islower()}
    return {"names": names, "capitals": capitals, "lower": sorted(lower & {fold(c) for c in capitals})}


class PeopleMemory:
    def __init__(self, db: Database) -> None:
        self._table = db.table(TABLE)

    def learn(self, entries: Iterable[Entry]) -> list[str]:
        """Read the entries new or changed since last time; the names this member writes about."""
        doc = self._table.get_doc(DOC) or {"entries": {}}
        known: dict[str, dict[str, Any]] = dict(doc["entries"])
        recent = sorted(entries, key=lambda e: e.updated, reverse=True)[:RECENT]
        current = {e.id: e for e in recent}
        changed = False
        for entry_id in list(known):
            if entry_id not in current:
                del known[entry_id]
                changed = True
        for entry in current.values():
            stamp = entry.updated.isoformat()
            if known.get(entry.id, {}).get("updated") != stamp:
                known[entry.id] = {"updated": stamp, **names_in(_entry_text(entry))}
                changed = True
        if changed:
            if self._table.get_doc(DOC) is None:
                self._table.insert_doc(DOC, {"entries": known})
            else:
                self._table.update_doc(DOC, {"entries": known})
        return self._names(known.values())

    @staticmethod
    def _names(seen: Iterable[dict[str, Any]]) -> list[str]:
        seen = list(seen)
        names = {n for s in seen for n in s["names"]}
        lower = {w for s in seen for w in s.get("lower", [])}
        capitals = Counter(c for s in seen for c in set(s["capitals"]))
        names |= {c for c, n in capitals.items() if n >= 2 and fold(c) not in lower}
        return sorted(names)


def people_of(db: Database, entries: Iterable[Entry], marked: Iterable[str] = ()) -> People:
    """The memory of people of this vault, with the names the member marked."""
    return People([*PeopleMemory(db).learn(entries), *marked])

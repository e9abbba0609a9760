"""The journal's word list: every word of the entries that folding changes, kept in the vault.

Search ignores case and accents: an entry holds a query's word when the word (folded) is inside
the entry's folded text. Folding a large journal's every entry is what made the first search
slow (about 1 s at 50,000 entries). Folding works character by character, so a word `t` (folded:
no capital, no accent, no space) is inside an entry's folded text exactly when the entry's own
text holds `t` as typed, or holds a word that folding changes and whose folded form holds `t`
(« Poitrine », « réunion », « j’ai »). Those words are few: the vault keeps them in a table of
their own (`search_words`, never synced), so a search looks for `t` and for the spellings of it
that the journal really has (« Réunion », « réunion »), in the entries' text as typed.

The list may hold more words than the entries (an edit's earlier words, until the next rewrite
of the file): a word no entry holds finds nothing. It must never hold fewer: every save adds the
new words of the entries it writes. A deleted entry's words leave the file with its text: a save
that deletes takes out of the list every word of the deleted entry, and every word an edit took
out since the list was last exact (`residue`), that no entry's text still holds; every other
rewrite of the file builds the list again. Its `state` document carries the save counter of the
save that last kept it (a file saved since by a version that did not keep it, the counter
differs, is searched the slow way until the next save builds the list again), and `exact` when
no edit's earlier word is in it (after reopening, a deletion then needs no building).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from itertools import compress, count, repeat
from operator import contains
from typing import Any

from journal_app.folding import fold
from journal_app.vault.packed import held_body, held_get, shown, utf8

TABLE = "search_words"
ENTRIES = "entries"
STATE = "state"
VERSION = 1
CHUNK_CHARS = 1000  # words are stored in documents of about this many characters
# A deletion looks for each of its words in the entries' texts; past this many passes over all
# of them, building the list again costs less (about 20 passes, measured at 50,000 entries).
FORGET_PASSES = 10


def entry_texts(doc: Mapping[str, Any]) -> list[str]:
    """The texts of an entry's document that search reads (as `journal.search_text` joins them)."""
    return [doc.get("title", ""), doc.get("body", ""), *other_texts(doc)]


def other_texts(doc: Mapping[str, Any]) -> list[str]:
    """The texts search reads in an entry's document besides its title and body."""
    meeting = doc.get("meeting")
    return [*(doc.get("answers") or {}).values(), *(doc.get("tags") or ()), meeting.get("name", "") if meeting else ""]


def changed_words(words: Iterable[str]) -> list[str]:
    """The words that folding changes, among `words`."""
    changed = []
    others = []
    for word in words:
        if word.isascii():
            if word.lower() != word:
                changed.append(word)
        else:
            others.append(word)
    if others:
        folded = fold("\n".join(others)).split("\n")
        if len(folded) != len(others):  # never seen: a word whose fold holds a line break
            folded = [fold(word) for word in others]
        changed.extend(word for word, f in zip(others, folded, strict=True) if f != word)
    return changed


def _words_of(docs: Iterable[Mapping[str, Any]]) -> set[str]:
    words: set[str] = set()
    for doc in docs:
        for text in entry_texts(doc):
            if text:
                words.update(text.split())
    return words


class WordList:
    """The word list of one open vault: kept in `tables` (TinyDB's, as the storage holds them),
    with what it knows in memory (built when first needed, dropped when the tables are read
    again)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._known: set[str] | None = None
        # The counter of the save whose `before_save` built the list, or took a deleted entry's
        # words out of it (the rewrite that follows needs no other building).
        self._rebuilt_for = -1
        self._folded: list[tuple[str, str]] | None = None
        self._variants: dict[str, tuple[str, ...]] = {}
        # Words of the list that may be in no entry's text any more: an edit took them out, or
        # a deletion kept them for a text that holds them inside a longer word. None: not known
        # (the list was not exact when read); a deletion then builds the list again.
        self._residue: set[str] | None = None

    # -- keeping it -------------------------------------------------------------------------
    @staticmethod
    def current(tables: Mapping[str, Any], counter: int) -> bool:
        """Whether the list in `tables` covers every entry of a file whose last save is `counter`."""
        state = tables.get(TABLE, {}).get(STATE)
        return state is not None and state.get("version") == VERSION and state.get("counter") == counter

    def before_save(self, tables: Any, counter: int) -> None:
        """Called with the tables before a save that will have the save counter `counter + 1`:
        adds the words of the entries it writes, takes out the words of the entries it deletes
        (or builds the list again, when that costs less or it does not cover the file), then
        stamps it with the save's counter."""
        entries = tables.get(ENTRIES, {})
        written = [doc_id for name, doc_id in tables.changed if name == ENTRIES]
        deleted = [doc_id for doc_id in written if doc_id not in entries]
        before: Mapping[tuple[str, str], Any] = getattr(tables.changed, "before", {})
        if not self.current(tables, counter):
            self.rebuild(tables)
            self._rebuilt_for = counter
        else:
            if self._residue is None and tables[TABLE][STATE].get("exact") is True:
                self._residue = set()
            if self._residue is not None:  # what edits take out
                for doc_id in written:
                    old, new = before.get((ENTRIES, doc_id)), entries.get(doc_id)
                    if old is not None and new is not None:
                        self._residue.update(changed_words(_words_of([old]) - _words_of([new])))
            if deleted and not self._forget_deleted(tables, deleted, before):
                self.rebuild(tables)
            if deleted:
                self._rebuilt_for = counter
            present = [doc_id for doc_id in written if doc_id in entries]
            if present:
                known = self._known_words(tables)
                new_words = _words_of(entries[doc_id] for doc_id in present) - known
                if new_words:
                    self._add(tables, changed_words(sorted(new_words)), new_words)
        tables.setdefault(TABLE, {})[STATE] = self._state(counter + 1)

    def _state(self, counter: int) -> dict[str, Any]:
        state: dict[str, Any] = {"version": VERSION, "counter": counter}
        if self._residue is not None and not self._residue:
            state["exact"] = True
        return state

    def before_rewrite(self, tables: Any, counter: int) -> None:
        """Before a rewrite of the file (a save of its own, counter `counter + 1`): the list built
        again from every entry (an edit's earlier words leave with the earlier versions), unless
        this save's `before_save` just built it or took a deletion's words out; not noted as
        changes (the rewrite writes every document)."""
        if self._rebuilt_for != counter:
            self.rebuild(tables)
        tables.setdefault(TABLE, {})
        dict.__setitem__(tables[TABLE], STATE, self._state(counter + 1))
        tables.changed.difference_update([key for key in tables.changed if key[0] == TABLE])

    def _forget_deleted(self, tables: Any, deleted: list[str], before: Mapping[tuple[str, str], Any]) -> bool:
        """Take out of the list the words of the deleted entries, and the residue, that no
        entry's text holds any more. False when that cannot be known, or would cost more than
        building the list again: the caller builds it."""
        if self._residue is None:
            return False
        words = set(self._residue)
        for doc_id in deleted:
            if (ENTRIES, doc_id) not in before:
                return False  # the deleted version is not known
            old = before[(ENTRIES, doc_id)]
            if old is not None:  # (None: added and deleted before any save)
                words.update(changed_words(_words_of([old])))
        candidates = words & set(self._stored(tables))
        # Every text search reads, entry after entry (references, not copies), each looked in by
        # C: the bodies as held, in UTF-8 (journal_app/vault/packed.py), the other texts as text.
        texts: list[str] = []
        bodies: list[bytes] = []
        for doc in tables.get(ENTRIES, {}).values():
            get = held_get(doc)
            body, title = held_body(doc), get("title", "")
            if body:
                bodies.append(body)
            if title:
                texts.append(title)
            if get("answers") or get("tags") or get("meeting"):
                texts.extend(text for text in other_texts(doc) if text)
        searched = len(texts) + len(bodies)
        budget = FORGET_PASSES * max(1, searched)
        gone: set[str] = set()
        residue: set[str] = set()
        for word in candidates:  # a word many entries hold is found at once
            found = next(compress(count(), map(contains, texts, repeat(word))), None)
            if found is not None:
                text = texts[found]
            else:
                in_body = next(compress(count(), map(contains, bodies, repeat(utf8(word)))), None)
                if in_body is not None:
                    found, text = len(texts) + in_body, shown(bodies[in_body])
            if found is None:
                gone.add(word)
            elif word not in text.split():
                residue.add(word)  # inside a longer word only: checked again at the next deletion
            budget -= searched if found is None else found + 1
            if budget < 0:
                return False
        self._residue = residue
        if gone:
            self._take_out(tables, gone)
        return True

    def _take_out(self, tables: Any, gone: set[str]) -> None:
        table = tables.setdefault(TABLE, {})
        for doc_id in [d for d in table if d != STATE]:
            words = table[doc_id].get("words", "").split("\n")
            kept = [word for word in words if word not in gone]
            if len(kept) == len(words):
                continue
            if kept:
                table[doc_id] = {"words": "\n".join(kept)}
            else:
                del table[doc_id]
        if self._known is not None:
            self._known -= gone
        if self._folded is not None:
            self._folded = [(word, folded) for word, folded in self._folded if word not in gone]
        self._variants = {}

    def rebuild(self, tables: Any) -> None:
        """The list made again from every entry (its earlier documents replaced)."""
        words = _words_of(tables.get(ENTRIES, {}).values())
        changed = sorted(changed_words(words))
        table = tables.setdefault(TABLE, {})
        for doc_id in [d for d in table if d != STATE]:
            del table[doc_id]
        self.reset()
        self._known = set()
        self._residue = set()
        self._add(tables, changed, words)

    def _known_words(self, tables: Mapping[str, Any]) -> set[str]:
        if self._known is None:
            self._known = set(self._stored(tables))
        return self._known

    @staticmethod
    def _stored(tables: Mapping[str, Any]) -> Iterator[str]:
        for doc_id, doc in tables.get(TABLE, {}).items():
            if doc_id != STATE and doc.get("words"):
                yield from doc["words"].split("\n")

    def _add(self, tables: Any, changed: list[str], seen: set[str]) -> None:
        """Store the `changed` words (in the last document while it has room) and remember
        every word of `seen` as known (a word folding leaves alone needs no place in the list)."""
        assert self._known is not None
        self._known |= seen
        if not changed:
            return
        table = tables.setdefault(TABLE, {})
        chunks = sorted((int(d[1:]), d) for d in table if d.startswith("w") and d[1:].isdigit())
        number = chunks[-1][0] if chunks else 0
        words = table[f"w{number}"]["words"].split("\n") if chunks else []
        for word in changed:
            if words and sum(map(len, words)) + len(words) + len(word) > CHUNK_CHARS:
                table[f"w{number}"] = {"words": "\n".join(words)}
                number, words = number + 1, []
            words.append(word)
        table[f"w{number}"] = {"words": "\n".join(words)}
        if self._folded is not None:
            self._folded.extend(zip(changed, [fold(w) for w in changed], strict=True))
        self._variants = {}

    # -- searching --------------------------------------------------------------------------
    def variants(self, tables: Mapping[str, Any], counter: int, term: str) -> tuple[str, ...] | None:
        """The strings whose presence in an entry's text (as typed) says that the entry holds
        the folded word `term`: `term` itself and the shortest spellings of it the journal has
        (« Réunion » for "reunion"). None when the list cannot say (it does not cover the file,
        or `term` holds a combining mark, which folding may reorder)."""
        if not self.current(tables, counter) or fold(term) != term or any(map(unicodedata.combining, term)):
            return None
        found = self._variants.get(term)
        if found is not None:
            return found
        if self._folded is None:
            words = list(self._stored(tables))
            folded = fold("\n".join(words)).split("\n")
            if len(folded) != len(words):
                folded = [fold(w) for w in words]
            self._folded = list(zip(words, folded, strict=True))
        spellings: set[str] = set()
        for word, folded_word in self._folded:
            if term in folded_word and term not in word:
                spellings.add(self._shortest(word, folded_word, term))
        shortest: list[str] = []
        for spelling in sorted(spellings, key=len):
            if not any(kept in spelling for kept in shortest):
                shortest.append(spelling)
        found = (term, *shortest)
        if len(self._variants) > 64:
            self._variants = {}
        self._variants[term] = found
        return found

    @staticmethod
    def _shortest(word: str, folded_word: str, term: str) -> str:
        """The part of `word` that folds to `term` (where folding kept one character for one),
        else the whole word."""
        if len(folded_word) == len(word):
            start = folded_word.find(term)
            part = word[start : start + len(term)]
            if term in fold(part):
                return part
        return word


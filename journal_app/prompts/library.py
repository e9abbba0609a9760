"""The packs a member can use: the built-in ones, and those imported into their vault."""

from __future__ import annotations

from dataclasses import dataclass

from journal_app.errors import PackNotFound
from journal_app.i18n import translate
from journal_app.practice import HANDLE_KEY
from journal_app.prompts.packs import Pack, PackInvalid, Problem, builtin_packs, parse_pack
from journal_app.vault.storage import Database

TABLE = "packs"


@dataclass(frozen=True)
class PackImport:
    pack: Pack
    outcome: str  # "added", "updated", "unchanged" or "kept" (a circle's, not over the member's own)


class PackLibrary:
    def __init__(self, db: Database | None = None) -> None:
        self._db = db
        self._builtin = {p.id: p for p in builtin_packs()}

    def _imported(self) -> dict[str, Pack]:
        if self._db is None:
            return {}
        packs: dict[str, Pack] = {}
        for doc in self._db.table(TABLE):
            try:
                packs[str(doc.doc_id)] = parse_pack(doc["source"].encode("utf-8"), f"{doc.doc_id}.toml")
            except PackInvalid:
                continue  # checked on import; a later, stricter checker must not lose the rest
        return packs

    def packs(self, kind: str | None = None) -> list[Pack]:
        found = list(self._builtin.values()) + list(self._imported().values())
        return [p for p in found if kind is None or p.kind == kind]

    def get(self, pack_id: str) -> Pack:
        pack = self._builtin.get(pack_id) or self._imported().get(pack_id)
        if pack is None:
            raise PackNotFound(id=pack_id)
        return pack

    def import_pack(self, data: bytes, file: str, *, origin: str = "") -> PackImport:
        """Check a pack file and keep it in the vault. Nothing is stored if it has a problem.
        `origin`: "circle:<id>" for a practice a circle shares; such a practice replaces only
        one that came from the same circle, never the member's own of the same id ("kept")."""
        pack = parse_pack(data, file)
        if pack.id in self._builtin:
            raise PackInvalid(file, [Problem("id", "builtin_id", {"id": pack.id})])
        if self._db is None:
            raise PackNotFound(id=pack.id)
        table = self._db.table(TABLE)
        previous = table.get_doc(pack.id)
        if previous is not None and previous["source"] == pack.source:
            return PackImport(pack, "unchanged")
        if origin and previous is not None and previous.get("origin", "") != origin:
            return PackImport(self.get(pack.id), "kept")
        doc = {"id": pack.id, "version": pack.version, "source": pack.source, "origin": origin}
        if previous is None:
            table.insert_doc(pack.id, doc)
            return PackImport(pack, "added")
        table.update_doc(pack.id, doc)
        return PackImport(pack, "updated")

    def export_text(self, pack_id: str) -> str:
        return self.get(pack_id).source

    # -- the words shown for ids ------------------------------------------------------------
    def answer_labels(self, pack_id: str, lang: str) -> dict[str, str]:
        """How to show a guided entry's answer keys: each step's title in `lang`, and the
        handle word's label. A pack since removed gives only the latter (callers fall back to
        a generic label, never the raw id)."""
        labels = {HANDLE_KEY: translate("player.handle", lang)}
        try:
            pack = self.get(pack_id)
        except PackNotFound:
            return labels
        return {s.id: s.title.get(lang) for s in pack.steps} | labels

    def question_label(self, prompt_id: str, lang: str) -> str | None:
        """The title of the question a shared insight answered: `prompt_id` is `pack.step`
        (or, from before, a step id alone, looked up in every pack); None if unknown here."""
        pack_id, _, step_id = prompt_id.rpartition(".")
        packs = [p for p in self.packs() if p.id == pack_id] if pack_id else self.packs()
        for pack in packs:
            for step in pack.steps:
                if step.id == step_id:
                    return step.title.get(lang)
        return None

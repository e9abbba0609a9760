"""The packs a member can use: the built-in ones, and those imported into their vault."""

from __future__ import annotations

from dataclasses import dataclass

from journal_app.errors import PackNotFound
from journal_app.prompts.packs import Pack, PackInvalid, Problem, builtin_packs, parse_pack
from journal_app.storage import Database

TABLE = "packs"


@dataclass(frozen=True)
class PackImport:
    pack: Pack
    outcome: str  # "added", "updated" or "unchanged"


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

    def import_pack(self, data: bytes, file: str) -> PackImport:
        """Check a pack file and keep it in the vault. Nothing is stored if it has a problem."""
        pack = parse_pack(data, file)
        if pack.id in self._builtin:
            raise PackInvalid(file, [Problem("id", "builtin_id", {"id": pack.id})])
        if self._db is None:
            raise PackNotFound(id=pack.id)
        table = self._db.table(TABLE)
        previous = table.get_doc(pack.id)
        if previous is not None and previous["source"] == pack.source:
            return PackImport(pack, "unchanged")
        doc = {"id": pack.id, "version": pack.version, "source": pack.source}
        if previous is None:
            table.insert_doc(pack.id, doc)
            return PackImport(pack, "added")
        table.update_doc(pack.id, doc)
        return PackImport(pack, "updated")

    def export_text(self, pack_id: str) -> str:
        return self.get(pack_id).source

"""The labelled insight set (tests/data/insights_labelled.txt) and a way to send it to a circle."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from journal_app.sharing import CircleKeys, make_bundle, new_insight, seal
from journal_app.vault.storage import Database

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Labelled:
    topic: str
    also: str
    lang: str
    text: str


def labelled_set() -> list[Labelled]:
    rows = []
    for line in (DATA / "insights_labelled.txt").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            topic, also, lang, text = line.split("|", 3)
            rows.append(Labelled(topic, also, lang, text))
    return rows


def seeds() -> dict[str, tuple[str, str]]:
    """topic -> (name, description), as `circle seed --theme "name: description"` takes them."""
    out = {}
    for line in (DATA / "theme_seeds.txt").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            topic, theme = line.split("\t")
            name, _, description = theme.partition(":")
            out[topic] = (name.strip(), description.strip())
    return out


def bundle_for(keys: CircleKeys, rows: list[Labelled], start: date = date(2026, 9, 7),
               rng: secrets.SystemRandom | None = None) -> tuple[bytes, dict[str, Labelled]]:
    """A bundle of these insights, spread over eight weeks; returns it and id -> row."""
    envelopes, by_id = [], {}
    for n, row in enumerate(rows):
        kind = "focusing" if row.topic == "corps" else "reflection"
        insight, _ = new_insight(row.text, day=start + timedelta(days=(n * 7) % 56), kind=kind,
                                 prompt_id="", lang=row.lang)
        envelopes.append(seal(insight, keys.invitation))
        by_id[insight.id] = row
    return make_bundle(keys.invitation.circle_id, envelopes), by_id


def bundles_for(keys: CircleKeys, rows: list[Labelled], members: int = 4,
                start: date = date(2026, 9, 7)) -> tuple[list[bytes], dict[str, Labelled]]:
    """The insights as several members' share files (a batch needs at least two files)."""
    files, by_id = [], {}
    for n in range(min(members, len(rows))):
        data, ids = bundle_for(keys, rows[n::members], start)
        files.append(data)
        by_id.update(ids)
    return files, by_id


def import_circle(db: Database, keys: CircleKeys, rows: list[Labelled], members: int = 4) -> dict[str, Labelled]:
    """Import these insights into the facilitator's vault, as several members' files."""
    from journal_app.harvest import Harvest

    files, by_id = bundles_for(keys, rows, members)
    harvest = Harvest(db)
    for data in files:
        harvest.import_bundle(data)
    return by_id


"""The labelled insight set (tests/data/insights_labelled.txt) and a way to send it to a circle."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
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


# Questions for six of the labelled set's eight topics (accueil and corps get none), for the fit
# rule's measure (bench/bench_questions_fit.py).
LABELLED_QUESTIONS = {
    "charge": ("Qu’est-ce qui pèse trop lourd sur tes épaules de bénévole?",
               "What weighs too heavily on you as a volunteer?"),
    "roles": ("Qui prend les décisions dans notre groupe, et comment?",
              "Who makes the decisions in our group, and how?"),
    "temps": ("Comment vis-tu la durée et le rythme de nos rencontres?",
              "How do you find the length and pace of our meetings?"),
    "ecoute": ("T’es-tu senti écouté dans le cercle?", "Did you feel listened to in the circle?"),
    "conflit": ("Quelle tension as-tu sentie entre nous?", "What tension did you feel between us?"),
    "argent": ("Qu’est-ce que l’argent change pour notre groupe?", "What does money change for our group?"),
}


def heldout_circle() -> tuple[list[Labelled], dict[str, tuple[str, str]]]:
    """The held-out circle (tests/data/insights_heldout_circle.txt, written after the fit rule)
    and its questions, topic -> (French, English)."""
    rows, questions = [], {}
    for line in (DATA / "insights_heldout_circle.txt").read_text("utf-8").splitlines():
        if line.startswith("?"):
            topic, fr, en = line[1:].split("|")
            questions[topic] = (fr, en)
        elif line and not line.startswith("#"):
            topic, lang, text = line.split("|", 2)
            rows.append(Labelled(topic, "", lang, text))
    return rows, questions


def attach_half(rows: list[Labelled], topics: Iterable[str]) -> list[bool]:
    """Which insights a member attached to their topic's question: every other one of each topic
    a question asks about; none of the others."""
    asked, seen = set(topics), Counter[str]()
    out = []
    for row in rows:
        out.append(row.topic in asked and seen[row.topic] % 2 == 0)
        seen[row.topic] += 1
    return out


def import_question_circle(db: Database, keys: CircleKeys, rows: list[Labelled],
                           questions: dict[str, tuple[str, str]],
                           members: int = 4) -> tuple[dict[str, Labelled], set[str], dict[str, str]]:
    """The circle's questions, then its members' insights, half of those on a question's topic
    attached to it. Returns id -> row, the attached ids, and question theme id -> topic."""
    from journal_app.circles import Circles
    from journal_app.harvest import Harvest

    circles = Circles(db)
    ids = {topic: circles.add_question(keys.invitation.circle_id, fr, en).id for topic, (fr, en) in questions.items()}
    attached = attach_half(rows, questions)
    asked = [ids[r.topic] if a else "" for r, a in zip(rows, attached, strict=True)]
    harvest, by_id, attached_ids = Harvest(db), {}, set()
    for n in range(min(members, len(rows))):
        data, got = bundle_for(keys, rows[n::members], questions=asked[n::members])
        harvest.import_bundle(data)
        by_id.update(got)
    for insight_id, row in by_id.items():
        attached_ids |= {insight_id} if row.also == "attached" else set()
    return ({i: Labelled(r.topic, "", r.lang, r.text) for i, r in by_id.items()}, attached_ids,
            {f"q-{qid}": topic for topic, qid in ids.items()})


def bundle_for(keys: CircleKeys, rows: list[Labelled], start: date = date(2026, 9, 7),
               rng: secrets.SystemRandom | None = None,
               questions: Sequence[str] = ()) -> tuple[bytes, dict[str, Labelled]]:
    """A bundle of these insights, spread over eight weeks (`questions`: the id each one answers,
    "" for none); returns it and id -> row ("attached" in `also` for an insight with a question)."""
    envelopes, by_id = [], {}
    for n, row in enumerate(rows):
        kind = "focusing" if row.topic == "corps" else "reflection"
        question = questions[n] if questions else ""
        insight, _ = new_insight(row.text, day=start + timedelta(days=(n * 7) % 56), kind=kind,
                                 prompt_id="", lang=row.lang, question=question)
        if question:
            row = Labelled(row.topic, "attached", row.lang, row.text)
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


"""Sharing an insight with a circle: the consent text (anonymized, then redacted further or
restored by the member), sealed into the outbox only once confirmed; and withdrawing it."""

from __future__ import annotations

from datetime import date

from journal_app.anonymize import Anonymized, anonymize
from journal_app.circles import Circles
from journal_app.journal import Entry, Journal
from journal_app.lexicon import People
from journal_app.people import people_of
from journal_app.sharing import SharedInsight


def shareable_text(entry: Entry, source: str = "") -> str:
    """The entry's text, or one of its answers (`source`: the question's id)."""
    return entry.answers.get(source, "") if source else entry.body


def consent_text(circles: Circles, entry: Entry, source: str, lang: str,
                 journal: Journal | None = None) -> Anonymized:
    """What would leave, with every redaction the member can see, undo or add to, and the words
    the anonymizer doubts marked. `journal`: from its entries the vault's memory of people is
    learnt (names this member writes about, caught however they are spelled in the insight)."""
    marked = circles.marked_names()
    people = people_of(journal.database, journal.entries(), marked) if journal else People(marked)
    return anonymize(shareable_text(entry, source), entry.language or lang, people=people)


def share_insight(circles: Circles, circle_id: str, approved: str, entry: Entry, source: str,
                  lang: str, day: date, question: str = "") -> SharedInsight:
    """Seal exactly the approved text to the circle and keep it in the outbox. The practice's
    question answered goes as `pack.step`, so the facilitator's screens can name it in their
    language; `question`, the circle's own question the member attached it to, if any."""
    prompt_id = f"{entry.pack_id}.{source}" if source and entry.pack_id else source
    return circles.share(circle_id, approved, day=day, kind=entry.kind, prompt_id=prompt_id,
                         lang=entry.language or lang, entry_id=entry.id, question=question)


def withdraw_insight(circles: Circles, insight_id: str) -> None:
    circles.withdraw(insight_id)

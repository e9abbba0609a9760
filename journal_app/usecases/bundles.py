"""A facilitator receives share files: each file is imported whole or not at all, and a file
that fails does not undo or hide the report of the others."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from journal_app.errors import RessentiError
from journal_app.harvest import Harvest, HarvestReport
from journal_app.i18n import translate
from journal_app.storage import Database


@dataclass(frozen=True)
class BundleImport:
    name: str
    report: HarvestReport | None = None
    error: RessentiError | None = None


@dataclass(frozen=True)
class Waiting:
    circle: str
    count: int
    k: int


@dataclass(frozen=True)
class BundleBatch:
    files: tuple[BundleImport, ...]
    waiting: tuple[Waiting, ...]  # per circle touched, insights held until a batch of k

    @property
    def failed(self) -> int:
        return sum(1 for f in self.files if f.error is not None)


def import_bundles(db: Database, files: Sequence[tuple[str, bytes]]) -> BundleBatch:
    harvest = Harvest(db)
    outcomes = []
    circles: set[str] = set()
    for name, data in files:
        try:
            report = harvest.import_bundle(data)
        except RessentiError as exc:
            outcomes.append(BundleImport(name, error=exc))
            continue
        circles.add(report.circle)
        outcomes.append(BundleImport(name, report=report))
    waiting = tuple(Waiting(c, n, harvest.k(c)) for c in sorted(circles) if (n := harvest.waiting(c)))
    return BundleBatch(tuple(outcomes), waiting)


def describe_bundle(item: BundleImport, lang: str) -> list[str]:
    """What one file brought (added, already received, withdrawn, damaged), or why it was refused."""
    if item.error is not None:
        return [translate("cli.bundle_refused", lang, file=item.name, reason=item.error.message(lang))]
    report = item.report
    assert report is not None
    lines = [translate("cli.bundle_imported", lang, file=item.name, added=report.added,
                       duplicates=report.duplicates, withdrawn=report.withdrawn)]
    if report.damaged:
        lines.append(translate("cli.bundle_damaged", lang, count=report.damaged))
    return lines


def describe_waiting(batch: BundleBatch, lang: str) -> list[str]:
    return [translate("cli.bundle_waiting", lang, count=held.count, k=held.k) for held in batch.waiting]


def describe_bundles(batch: BundleBatch, lang: str) -> list[str]:
    return [line for item in batch.files for line in describe_bundle(item, lang)] + \
        describe_waiting(batch, lang)

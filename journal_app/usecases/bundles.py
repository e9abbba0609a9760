"""A facilitator receives share files: each file is imported whole or not at all, and a file
that fails does not undo or hide the report of the others."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from journal_app.errors import RessentiError
from journal_app.harvest import Harvest, HarvestReport
from journal_app.i18n import translate
from journal_app.relay_client import RelayClient
from journal_app.vault.storage import Database

ClientFactory = Callable[[str], RelayClient]


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
    republished: int = 0  # withdrawn quotes taken out of a published harvest (docs/relay.md)
    harvest_stale: bool = False  # a published harvest still quotes a withdrawn insight

    @property
    def failed(self) -> int:
        return sum(1 for f in self.files if f.error is not None)


def import_bundles(db: Database, files: Sequence[tuple[str, bytes]], *,
                   client: ClientFactory = RelayClient) -> BundleBatch:
    from journal_app.usecases.relay import withdraw_from_harvest

    harvest = Harvest(db)
    outcomes = []
    circles: dict[str, set[str]] = {}
    for name, data in files:
        try:
            report = harvest.import_bundle(data)
        except RessentiError as exc:
            outcomes.append(BundleImport(name, error=exc))
            continue
        circles.setdefault(report.circle, set()).update(report.withdrawn_ids)
        outcomes.append(BundleImport(name, report=report))
    waiting = tuple(Waiting(c, n, harvest.k(c)) for c in sorted(circles) if (n := harvest.waiting(c)))
    republished, stale = 0, False
    for circle_id, withdrawn in circles.items():  # a withdrawal reaches the published harvest too
        went, still = withdraw_from_harvest(db, circle_id, withdrawn, client=client)
        republished, stale = republished + went, stale or still
    return BundleBatch(tuple(outcomes), waiting, republished, stale)


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
    from journal_app.usecases.relay import describe_harvest_update

    return [translate("cli.bundle_waiting", lang, count=held.count, k=held.k) for held in batch.waiting] + \
        describe_harvest_update(batch.republished, batch.harvest_stale, lang)


def describe_bundles(batch: BundleBatch, lang: str) -> list[str]:
    return [line for item in batch.files for line in describe_bundle(item, lang)] + \
        describe_waiting(batch, lang)

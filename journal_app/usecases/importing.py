"""Importing files into the journal (jrnl, Day One, Markdown, Ressenti's own export), file by
file: a file that cannot be read is reported and the others still come in."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from journal_app.errors import RessentiError
from journal_app.i18n import translate
from journal_app.interchange import ImportReport, import_data, import_path
from journal_app.journal import Journal


@dataclass(frozen=True)
class FileImport:
    """One file: what it brought, or the error that kept it out."""

    name: str
    report: ImportReport | None = None
    error: RessentiError | None = None


@dataclass(frozen=True)
class ImportBatch:
    files: tuple[FileImport, ...]

    @property
    def failed(self) -> int:
        return sum(1 for f in self.files if f.error is not None)

    @property
    def added(self) -> int:
        return sum(f.report.added for f in self.files if f.report is not None)


def _each(runs: Sequence[tuple[str, Callable[[], ImportReport]]]) -> ImportBatch:
    outcomes = []
    for name, run in runs:
        try:
            outcomes.append(FileImport(name, report=run()))
        except RessentiError as exc:
            outcomes.append(FileImport(name, error=exc))
    return ImportBatch(tuple(outcomes))


def import_files(journal: Journal, files: Sequence[tuple[str, bytes]], fmt: str = "auto") -> ImportBatch:
    """Files picked in the app (names and bytes; two files may share a name)."""
    return _each([(name, partial(import_data, journal, name, data, fmt)) for name, data in files])


def import_paths(journal: Journal, paths: Sequence[Path], fmt: str = "auto") -> ImportBatch:
    """Files and Markdown folders named on the command line."""
    return _each([(str(path), partial(import_path, journal, Path(path), fmt)) for path in paths])


def describe_file(item: FileImport, lang: str) -> list[str]:
    """What one file brought and what it skipped, with the reasons; or why it was refused."""
    if item.error is not None:
        return [item.error.message(lang)]
    report = item.report
    assert report is not None
    lines = [translate("cli.import_report", lang, file=report.source, format=report.format,
                       added=report.added, skipped=len(report.skipped))]
    reasons = Counter(skip.reason for skip in report.skipped)
    for reason, count in sorted(reasons.items()):
        lines.append("  " + translate("cli.skip_reason", lang,
                                      reason=translate(f"import.reason.{reason}", lang), count=count))
    return lines


def describe_import(batch: ImportBatch, lang: str) -> list[str]:
    return [line for item in batch.files for line in describe_file(item, lang)]

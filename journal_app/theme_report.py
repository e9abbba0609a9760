"""A circle's themes as a report for the wider collective: Markdown, CSV or JSON.

Only themes with at least k insights appear; smaller ones and the unsorted insights are counted
together as "other (n)", and quotes come only from the themes shown.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from journal_app.harvest import check_k
from journal_app.i18n import translate
from journal_app.themes import ThemeBoard, ThemeView


@dataclass(frozen=True)
class Report:
    circle: str
    k: int
    shown: list[ThemeView]
    other: int
    total: int

    @property
    def weeks(self) -> list[str]:
        return sorted({w for view in self.shown for w, _ in view.weeks})


def build_report(board: ThemeBoard, circle_name: str, k: int, kind: str | None = None,
                 prompt_id: str | None = None) -> Report:
    check_k(k)
    views, unsorted = board.views(kind, prompt_id)
    shown = [v for v in views if v.count >= k]
    other = sum(v.count for v in views if v.count < k) + len(unsorted)
    total = sum(v.count for v in views) + len(unsorted)
    return Report(circle_name, k, shown, other, total)


def to_markdown(report: Report, lang: str) -> str:
    def t(key: str, /, **params: object) -> str:
        return translate(f"report.{key}", lang, **params)

    lines = [f"# {t('title', name=report.circle)}", "",
             t("summary", total=report.total, themes=len(report.shown), k=report.k), ""]
    for view in report.shown:
        lines += [f"## {view.theme.label} ({view.count})", ""]
        if view.theme.description:
            lines += [f"_{view.theme.description}_", ""]
        lines += [t("weeks", weeks=", ".join(f"{w} ({n})" for w, n in view.weeks)), ""]
        for quote in view.quotes:
            lines += [f"> {line}" for line in quote.text.splitlines() or [""]]
            lines.append("")
    if report.other:
        lines += [f"## {t('other', n=report.other)}", "", t("other_note", k=report.k), ""]
    return "\n".join(lines).rstrip() + "\n"


def to_csv(report: Report, lang: str) -> str:
    def t(key: str, /, **params: object) -> str:
        return translate(f"report.{key}", lang, **params)

    out = io.StringIO()
    writer = csv.writer(out)
    quotes = max((len(v.quotes) for v in report.shown), default=0)
    writer.writerow([t("col_theme"), t("col_count"), *report.weeks,
                     *(t("col_quote", n=n) for n in range(1, quotes + 1))])
    for view in report.shown:
        per_week = dict(view.weeks)
        writer.writerow([view.theme.label, view.count, *(per_week.get(w, 0) for w in report.weeks),
                         *(q.text for q in view.quotes), *([""] * (quotes - len(view.quotes)))])
    if report.other:
        writer.writerow([t("other", n=report.other), report.other, *([""] * (len(report.weeks) + quotes))])
    return out.getvalue()


def to_json(report: Report) -> str:
    return json.dumps({
        "circle": report.circle, "k": report.k, "total": report.total, "other": report.other,
        "themes": [{"label": v.theme.label, "description": v.theme.description, "count": v.count,
                    "weeks": dict(v.weeks), "quotes": [q.text for q in v.quotes]} for v in report.shown],
    }, ensure_ascii=False, indent=2) + "\n"


def render(report: Report, fmt: str, lang: str) -> str:
    if fmt == "csv":
        return to_csv(report, lang)
    if fmt == "json":
        return to_json(report)
    return to_markdown(report, lang)

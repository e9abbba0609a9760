"""A circle's themes as a report for the wider collective: Markdown, CSV or JSON.

Only themes with at least k insights appear; smaller ones and the unsorted insights are counted
together as "other (n)", and quotes come only from the themes shown. A week's count is shown
only where that week holds at least k insights of the theme: the others are added up as « other
weeks », unnamed (a week with one insight points at whoever shared that week).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

from journal_app.harvest import check_k
from journal_app.i18n import format_week, translate
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
        """The weeks some theme shows a count for."""
        return sorted({w for view in self.shown for w, _ in self.weeks_of(view)[0]})

    def weeks_of(self, view: ThemeView) -> tuple[list[tuple[str, int]], int]:
        """The weeks of a theme holding at least k of its insights, and how many are in the others."""
        shown = [(w, n) for w, n in view.weeks if n >= self.k]
        return shown, view.count - sum(n for _, n in shown)


def build_report(board: ThemeBoard, circle_name: str, k: int, kind: str | None = None,
                 prompt_id: str | None = None) -> Report:
    check_k(k)
    views, unsorted = board.views(kind, prompt_id)
    shown = [v for v in views if v.count >= k]
    other = sum(v.count for v in views if v.count < k) + len(unsorted)
    total = sum(v.count for v in views) + len(unsorted)
    return Report(circle_name, k, shown, other, total)


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, CSV injection):
# a quote like =HYPERLINK("https://…"&A2…) could send other members' words away when opened.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Markdown and HTML that a viewer would act on: links and images (no link without its brackets),
# code and emphasis; and a heading at the start of a line. Tags are written as character
# references instead (« &lt; »): a backslash before « < » is not honoured by every renderer, and an
# <img> left live is a tracking pixel each time the report is viewed.
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]>])|^(#)")
_HTML_SPECIAL = {"&": "&amp;", "<": "&lt;"}


def csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as text: members' words never become a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def md_text(text: str) -> str:
    """Members' words (and labels made of them) shown as written, never as markup, a link, an
    image or HTML; a line cannot open a heading or a quote of its own."""
    text = re.sub(r"[&<]", lambda m: _HTML_SPECIAL[m.group()], text)
    return _MARKDOWN_ACTIVE.sub(lambda m: "\\" + (m.group(1) or m.group(2)), text)


def to_markdown(report: Report, lang: str) -> str:
    def t(key: str, /, **params: object) -> str:
        return translate(f"report.{key}", lang, **params)

    lines = [f"# {t('title', name=md_text(report.circle))}", "",
             t("summary", total=report.total, themes=len(report.shown), k=report.k), ""]
    for view in report.shown:
        lines += [f"## {md_text(view.theme.name(lang))} ({view.count})", ""]
        if view.theme.description:
            lines += [f"_{md_text(view.theme.description)}_", ""]
        weeks, elsewhere = report.weeks_of(view)
        if weeks:
            said = [f"{format_week(w, lang)} ({n})" for w, n in weeks]
            said += [t("other_weeks", n=elsewhere)] if elsewhere else []
            lines += [t("weeks", weeks=", ".join(said)), ""]
        for quote in view.quotes:
            lines += [f"> {md_text(line)}" for line in quote.text.splitlines() or [""]]
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
    writer.writerow([t("col_theme"), t("col_count"), *report.weeks, t("col_other_weeks"),
                     *(t("col_quote", n=n) for n in range(1, quotes + 1))])
    for view in report.shown:
        weeks, elsewhere = report.weeks_of(view)
        per_week = dict(weeks)
        # A week under k for this theme stays empty, its insights counted with the other weeks.
        writer.writerow([csv_cell(view.theme.name(lang)), view.count, *(per_week.get(w, "") for w in report.weeks),
                         elsewhere, *(csv_cell(q.text) for q in view.quotes),
                         *([""] * (quotes - len(view.quotes)))])
    if report.other:
        writer.writerow([t("other", n=report.other), report.other, *([""] * (len(report.weeks) + 1 + quotes))])
    return out.getvalue()


def to_json(report: Report) -> str:
    return json.dumps({
        "circle": report.circle, "k": report.k, "total": report.total, "other": report.other,
        "themes": [{"label": v.theme.label, "names": dict(v.theme.names), "description": v.theme.description,
                    "count": v.count,
                    "weeks": dict(report.weeks_of(v)[0]), "other_weeks": report.weeks_of(v)[1],
                    "quotes": [q.text for q in v.quotes]} for v in report.shown],
    }, ensure_ascii=False, indent=2) + "\n"


def render(report: Report, fmt: str, lang: str) -> str:
    if fmt == "csv":
        return to_csv(report, lang)
    if fmt == "json":
        return to_json(report)
    return to_markdown(report, lang)

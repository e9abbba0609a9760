"""Recognition, as a person does it (the screens and `journal-app badge` both call these):
the portfolio's counts, a claim with the counts ticked, a credential said in plain words, and
a credential as a one-page certificate."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from journal_app.i18n import format_date, translate
from journal_app.journal import Entry
from journal_app.prompts.library import PackLibrary
from journal_app.prompts.packs import Pack
from journal_app.recognition.credentials import Checked, check
from journal_app.recognition.exchange import Message
from journal_app.recognition.portfolio import Fact, Practice, count_practice, facts, unfinished
from journal_app.recognition.wallet import Held, Recognition, Review
from journal_app.vault.storage import Database


def practice(db: Database, entries: Sequence[Entry]) -> tuple[Practice, dict[str, Pack]]:
    packs = {p.id: p for p in PackLibrary(db).packs()}
    return count_practice(entries, packs), packs


def portfolio_facts(db: Database, entries: Sequence[Entry], lang: str) -> list[Fact]:
    """The counts a claim may carry: completed practices and the time noted (never the nominal
    duration, never a session stopped early)."""
    counted, packs = practice(db, entries)
    return facts(counted, packs, lang)


def portfolio_unfinished(db: Database, entries: Sequence[Entry], lang: str) -> list[Fact]:
    """Sessions started and not finished, per pack: shown to the member, never claimable."""
    counted, packs = practice(db, entries)
    return unfinished(counted, packs, lang)


def chosen_facts(db: Database, entries: Sequence[Entry], lang: str, ids: Sequence[str]) -> list[Fact]:
    """The facts the member ticked, by id, in the claim's language (an unknown id is an error)."""
    from journal_app.recognition.wallet import CredentialNotFound

    known = {f.id: f for f in portfolio_facts(db, entries, lang)}
    missing = [i for i in ids if i not in known]
    if missing:
        raise CredentialNotFound(id=missing[0])
    return [known[i] for i in dict.fromkeys(ids)]


def sign_skill(recognition: Recognition, skill_id: str, circle_id: str, facts: Sequence[Fact], lang: str, *,
               statement: str | None = None, name: str | None = None) -> Held:
    """Keep the member's words for the skill and their name in the circle (where given), then
    sign the claim with the counts they ticked."""
    if statement is not None:
        recognition.set_statement(skill_id, statement, circle_id=circle_id)
    if name is not None:
        recognition.set_name(circle_id, name)
    return recognition.claim(skill_id, circle_id, facts, lang)


def endorse_request(recognition: Recognition, message: Message, comment: str, lang: str, circle_id: str, *,
                    name: str | None = None) -> Message:
    """Sign a peer's request as this member in `circle_id` (the circle the screen or the command
    line showed), under `name` when one is given (kept for next time)."""
    circle_id = recognition.signing_circle(message, circle_id)
    if name is not None and name.strip():
        recognition.set_name(circle_id, name)
    return recognition.endorse(message, comment, lang, circle_id)


def review_lines(review: Review, lang: str) -> list[str]:
    """What the facilitator reads before the circle signs: who endorsed (name, key, comment),
    and what was left out."""
    lines = [translate("cli.badge.peers", lang, count=len(review.peers))]
    lines += [translate("badge.peer_line", lang, name=p.issuer_name or translate("badge.no_name", lang),
                        key=short_did(p.issuer_id), text=p.text) for p in review.peers]
    if review.unbound:
        lines.append(translate("badge.unbound_left_out", lang, count=len(review.unbound)))
    lines.append(translate("badge.peers_caution", lang))
    return lines


def verify_message(message: Message, lang: str, circle_of: Callable[[str], str] = lambda did: ""
                   ) -> list[tuple[bool, list[str]]]:
    """Each credential a file or code holds (a request's endorsements too): does it hold, and
    what it says. `circle_of` names a joined circle whose key signed it."""
    found = []
    for document in (message.credential, *message.endorsements):
        checked = check(document)
        found.append((checked.ok, describe_credential(checked, lang, circle_of(checked.issuer_id))))
    return found


def credential_text(held: Held, recognition: Recognition, lang: str, *, printable: bool) -> str:
    """A credential to keep: its JSON (what anyone verifies), or a page that prints well."""
    if printable:
        return certificate_html(held, recognition, lang)
    return json.dumps(held.document, ensure_ascii=False, indent=2) + "\n"


def _when(stamp: str, lang: str) -> str:
    try:
        return format_date(datetime.fromisoformat(stamp.replace("Z", "+00:00")).date(), lang)
    except ValueError:
        return stamp or "—"


def short_did(did: str) -> str:
    """`did:key:z6Mk…` cut to something a person can compare by eye: its first and last characters."""
    return did if len(did) <= 28 else f"{did[:16]}…{did[-6:]}"


def describe_credential(checked: Checked, lang: str, circle_name: str = "", *, counted_here: bool = False
                        ) -> list[str]:
    """Who issued it, about whom, what, when, and whether every signature holds. Its evidence is
    « counted by the journal » only when this journal counted it (`counted_here`); otherwise it
    is what the issuer states."""
    def t(name: str, /, **params: Any) -> str:
        return translate(name, lang, **params)

    issuer = checked.issuer_name or t("badge.no_name")
    lines = [t(f"badge.verdict.{checked.status}")]
    if circle_name and checked.ok:
        lines.append(t("badge.issued_by_your_circle", circle=circle_name))
    elif checked.kind == "achievement" and not checked.self_issued:
        lines.append(t("badge.line.key_unknown"))
    lines.append(t("badge.line.issuer", name=issuer, key=t("badge.the_key", key=short_did(checked.issuer_id))))
    if checked.kind == "endorsement":
        lines.append(t("badge.line.endorses", title=checked.title))
        lines.append(t("badge.line.comment", text=checked.text))
        if not checked.endorsed_digest:
            lines.append(t("badge.line.unbound"))
    else:
        lines.append(t("badge.line.about_self") if checked.self_issued
                     else t("badge.line.about", key=short_did(checked.subject_id)))
        lines.append(t("badge.line.what", title=checked.title))
        if checked.text:
            lines.append(t("badge.line.statement", text=checked.text))
        for item in checked.evidence:
            lines.append(t("badge.line.evidence" if counted_here else "badge.line.evidence_stated",
                           name=item.name, text=item.description))
    lines.append(t("badge.line.when", day=_when(checked.valid_from, lang)))
    return lines


def certificate_html(held: Held, recognition: Recognition, lang: str) -> str:
    """A one-page certificate that prints well: what the credential says, its endorsements, and
    how anyone can check it (the JSON file, verified offline)."""
    checked = held.checked()
    e = html.escape
    def t(name: str, /, **params: Any) -> str:
        return translate(name, lang, **params)

    rows = "".join(f"<p>{e(line)}</p>" for line in describe_credential(checked, lang)[1:])
    endorsements = ""
    if held.role == "claim":
        items = [h.checked() for h in recognition.endorsements_of(held.id)]
        if items:
            endorsements = f"<h2>{e(t('badge.certificate.endorsements', count=len(items)))}</h2>" + "".join(
                f"<blockquote>{e(i.text)}<footer>— {e(i.issuer_name)} "
                f"<code>{e(short_did(i.issuer_id))}</code>, {e(_when(i.valid_from, lang))}</footer></blockquote>"
                for i in items)
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{e(checked.title)}</title>
<style>
body {{ font-family: Georgia, 'Times New Roman', serif; max-width: 42em; margin: 3em auto; padding: 0 1.5em;
       color: #1d1b20; line-height: 1.5; }}
h1 {{ font-size: 1.9em; margin-bottom: 0.2em; }} h2 {{ font-size: 1.2em; margin-top: 2em; }}
.kind {{ text-transform: uppercase; letter-spacing: 0.08em; color: #5b5766; font-size: 0.85em; }}
.verdict {{ border-left: 4px solid {'#2e7d32' if checked.ok else '#b3261e'}; padding-left: 0.8em; }}
blockquote {{ margin: 1em 0; padding-left: 1em; border-left: 2px solid #ccc; }}
footer {{ font-size: 0.9em; color: #5b5766; }} code {{ font-size: 0.85em; word-break: break-all; }}
.how {{ font-size: 0.85em; color: #5b5766; margin-top: 3em; }}
@media print {{ body {{ margin: 1.5cm auto; }} .how {{ page-break-inside: avoid; }} }}
</style></head><body>
<p class="kind">{e(t('badge.certificate.kind_' + checked.kind))}</p>
<h1>{e(checked.title)}</h1>
<p class="verdict">{e(describe_credential(checked, lang)[0])}</p>
{rows}
{endorsements}
<p class="how">{e(t('badge.certificate.how', id=checked.id))}</p>
</body></html>
"""

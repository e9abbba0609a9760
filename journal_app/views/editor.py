"""The entry editor: title, body, tags, an optional meeting; saves itself into the vault."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import flet as ft

from journal_app.i18n import format_number, format_time
from journal_app.journal import KINDS, ROLES, Entry, Meeting, fold, parse_tags, tag_name
from journal_app.practice import HANDLE_KEY
from journal_app.prompts.library import PackLibrary
from journal_app.usecases.entries import Draft, delete_entry, save_entry
from journal_app.views.autosave import Autosave
from journal_app.views.context import AppContext
from journal_app.views.share import SharedNote
from journal_app.views.theme import icon_button, muted, radio_row, with_focus_ring

MAX_SUGGESTIONS = 8  # tags offered under the field, the most used first


def fold_tag(text: str) -> str:
    return fold(tag_name(text))


class EditorScreen:
    """Edits one entry, or a new one (`entry_id` None) that is created at the first save."""

    def __init__(self, ctx: AppContext, entry_id: str | None, on_close: Callable[[], None],
                 on_deleted: Callable[[Entry], None],
                 on_saved: Callable[[Entry], None] | None = None,
                 on_share: Callable[[Entry], None] | None = None,
                 on_see_outbox: Callable[[], None] = lambda: None) -> None:
        self.ctx = ctx
        self.on_close = on_close
        self.on_deleted = on_deleted
        self.on_saved = on_saved
        self.on_share = on_share
        self.on_see_outbox = on_see_outbox
        self.entry: Entry | None = ctx.session.journal.get(entry_id) if entry_id else None
        self.autosave = Autosave(ctx, self._write)
        t = ctx.t
        e = self.entry
        meeting = e.meeting if e and e.meeting else Meeting()
        self.title = ft.TextField(label=t("editor.title"), value=e.title if e else "",
                                  on_change=self._title_changed, on_blur=self._blurred,
                                  on_focus=lambda _: setattr(self, "_cursor_elsewhere", True))
        self.body = ft.TextField(label=t("editor.body"), value=e.body if e else "", multiline=True,
                                 min_lines=8, autofocus=e is None, on_change=self._changed,
                                 on_blur=self._text_left, on_focus=lambda _: self._cursor_in_text(True))
        self._has_cursor = False  # the text has the cursor (its field said so)
        self._cursor_elsewhere = False  # the person put it in another field of this entry
        self.tag_list: list[str] = list(e.tags) if e else []
        self.tags = ft.TextField(label=t("editor.add_tag"), helper=t("editor.tags_help"),
                                 helper_max_lines=3, on_change=self._tag_typed, on_focus=self._tag_field_entered,
                                 on_submit=self._tag_submitted, on_blur=self._blurred)
        self.suggesting = False  # the journal's tags are counted once the tag field is reached
        self.tag_chips = ft.Row(wrap=True, spacing=6, run_spacing=6)
        self.tag_suggestions = ft.Row(wrap=True, spacing=6, run_spacing=6, visible=False)
        self._render_tags()
        self.kind_value = e.kind if e else "free"
        self.kind = radio_row([(k, t(f"kind.{k}")) for k in KINDS], self.kind_value,
                              lambda v: self._chose("kind_value", v))
        self.meeting_name = ft.TextField(label=t("editor.meeting_name"), value=meeting.name,
                                         on_change=self._changed, on_blur=self._blurred)
        self.meeting_date = ctx.date_field(t("editor.meeting_date"),
                                           meeting.date.isoformat() if meeting.date else "",
                                           self._changed, self._blurred)
        self.role_value = meeting.role or ""
        self.meeting_role = radio_row(
            [("", t("editor.no_role"))] + [(r, t(f"role.{r}")) for r in ROLES], self.role_value,
            lambda v: self._chose("role_value", v))
        self.answer_fields = self._answer_fields(e)
        self.status = muted(self._saved_text() if e else t("editor.new"))
        self.delete_button = icon_button(ft.Icons.DELETE_OUTLINE, t("editor.delete"),
                                         self.delete, disabled=e is None)
        self.delete_icon = self.delete_button
        self.shared = SharedNote(ctx, e, on_see_outbox) if e else None  # kept: it hears the relay

    async def focus_text(self) -> None:
        """Put the cursor in the text (« Écrire »: what is typed next is written, M3). The
        client may not have drawn the field yet when first asked, and a new view settling may
        take it back once: ask again until the field has held the cursor for a second (five
        seconds at most), unless the person has put it in another field meanwhile."""
        held = 0
        had_it_at: float | None = None
        for _ in range(34):
            if self._cursor_elsewhere:
                return
            if self._has_cursor:
                held += 1
                had_it_at = had_it_at or time.monotonic()
                if held == 7:
                    return
            else:
                if had_it_at is not None and time.monotonic() - had_it_at > 0.6:
                    return  # held, then left later than a settling screen takes it: the person moved
                held = 0
                try:
                    await self.body.focus()  # type: ignore[no-untyped-call]  # Flet's own, untyped
                except (RuntimeError, TimeoutError):  # the entry left the screen (another opened)
                    return
            await asyncio.sleep(0.15)

    def _title_changed(self, e: object = None) -> None:
        self._cursor_elsewhere = True  # typing in the title: the cursor is never taken back from it
        self._changed(e)

    def _cursor_in_text(self, has: bool) -> None:
        self._has_cursor = has

    def _text_left(self, e: object = None) -> None:
        self._has_cursor = False
        self._blurred(e)

    def control(self) -> ft.Control:
        t = self.ctx.t
        return ft.Column(expand=True, scroll=ft.ScrollMode.AUTO, spacing=12,
                         horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=[
            ft.Row(controls=[
                # On a phone the app bar's arrow goes back (one back control, p1); side by side,
                # the app bar has none, and this one closes the entry.
                *([icon_button(ft.Icons.ARROW_BACK, t("editor.back"), self.close)] if self.ctx.wide else []),
                ft.Container(content=self.status, expand=True),
                icon_button(ft.Icons.IOS_SHARE, t("share.open"), self.share),
                self.delete_button,
            ]),
            *([self.shared.box] if self.shared else []),
            self.title,
            *self._guided_part(),
            self.body,
            ft.Column(spacing=6, controls=[muted(t("editor.tags")), self.tag_chips, self.tags,
                                           self.tag_suggestions]),
            muted(t("editor.kind")),
            self.kind,
            ft.ExpansionTile(
                title=ft.Text(t("editor.meeting")), leading=ft.Icon(ft.Icons.GROUPS_OUTLINED),
                expanded=bool(self.meeting_name.value),
                controls=[ft.Column(spacing=12, controls=[
                    self.meeting_name, self.meeting_date,
                    muted(t("editor.meeting_role")), self.meeting_role])]),
        ])

    # -- guided entries -----------------------------------------------------------------------
    def _answer_fields(self, entry: Entry | None) -> dict[str, ft.TextField]:
        """A field per answer of a guided entry, labelled with the pack's question."""
        if entry is None or not entry.answers:
            return {}
        labels = PackLibrary(self.ctx.session.database).answer_labels(entry.pack_id, self.ctx.lang)
        other = self.ctx.t("editor.other_answer")  # a practice since removed
        # The handle word first, with the felt shift: what the person will look for again.
        ordered = sorted(entry.answers.items(), key=lambda item: item[0] != HANDLE_KEY)
        return {key: ft.TextField(label=labels.get(key, other), value=text, multiline=True,
                                  on_change=self._changed, on_blur=self._blurred)
                for key, text in ordered}

    def _guided_part(self) -> list[ft.Control]:
        parts: list[ft.Control] = list(self.answer_fields.values())
        shift = self.entry.felt_shift if self.entry else None
        if shift and shift.before is not None and shift.after is not None:
            parts.insert(0, ft.Text(self.ctx.t("editor.felt_shift", before=shift.before, after=shift.after),
                                    weight=ft.FontWeight.W_500))
        practiced = self.entry.practiced if self.entry else None
        if practiced is not None and self.entry is not None and self.entry.kind == "reflection":
            if not practiced.completed:  # a reflection has no timer: only whether it counts
                parts.insert(0, muted(self.ctx.t("editor.reflection_stopped")))
        elif practiced is not None:  # what the player noted (an entry saved before it did says nothing)
            minutes = round(practiced.seconds / 60)
            spent = (self.ctx.t("editor.session_minutes", n=format_number(minutes, self.ctx.lang)) if minutes
                     else self.ctx.t("editor.session_under_a_minute"))
            parts.insert(0, muted(self.ctx.t("editor.session_done" if practiced.completed
                                             else "editor.session_stopped", time=spent)))
        return parts

    # -- tags: chips, with completion from the journal's own tags --------------------------------
    def _render_tags(self) -> None:
        t = self.ctx.t
        # A tag is a text and its ✕ button, read « Étiquette « comité » » then « Retirer
        # l’étiquette « comité » »: as a chip it was read as a disabled, unchecked checkbox (m20).
        self.tag_chips.controls = [
            ft.Container(
                border=ft.Border.all(1, ft.Colors.OUTLINE), border_radius=8, padding=ft.Padding.only(left=12),
                content=ft.Row(tight=True, spacing=0, vertical_alignment=ft.CrossAxisAlignment.CENTER, controls=[
                    ft.Text(tag, semantics_label=t("editor.tag_named", tag=tag)),
                    icon_button(ft.Icons.CLOSE, t("editor.remove_tag", tag=tag), self._remover(tag))]))
            for tag in self.tag_list]
        if self.suggesting:
            self._render_suggestions()

    def _remover(self, tag: str) -> Callable[[object], None]:
        return lambda _: self._remove_tag(tag)

    def _tag_field_entered(self, _: object = None) -> None:
        self._cursor_elsewhere = True
        self.suggesting = True
        self._render_suggestions()

    def _render_suggestions(self) -> None:
        """The journal's tags that begin with what is typed, not already on the entry."""
        t = self.ctx.t
        typed = fold_tag(self.tags.value or "")
        have = {fold_tag(tag) for tag in self.tag_list}
        known = [tag for tag, _ in self.ctx.session.journal.tags()
                 if fold_tag(tag) not in have and fold_tag(tag).startswith(typed)]
        self.tag_suggestions.controls = [muted(t("editor.tag_suggestions"))] + [
            with_focus_ring(ft.Chip(label=ft.Text(tag), leading=ft.Icon(ft.Icons.ADD, size=18),
                                    on_click=lambda _, tag=tag: self._add_tags([tag], keep_typing=False)))
            for tag in known[:MAX_SUGGESTIONS]]
        self.tag_suggestions.visible = bool(known)

    def _add_tags(self, tags: list[str], *, keep_typing: bool) -> None:
        before = list(self.tag_list)
        self.tag_list = list(parse_tags(", ".join([*self.tag_list, *tags])))
        if not keep_typing:
            self.tags.value = ""
        self._render_tags()
        if self.tag_list != before:
            self._changed()

    def _remove_tag(self, tag: str) -> None:
        self.tag_list = [t for t in self.tag_list if t != tag]
        self._render_tags()
        self._changed()

    def _tag_typed(self, _: object = None) -> None:
        """A comma closes a tag: what comes before it becomes a chip, the rest stays typed."""
        self.suggesting = True
        text = self.tags.value or ""
        if "," in text:
            done, _, rest = text.rpartition(",")
            self.tags.value = rest.lstrip()
            self._add_tags(done.split(","), keep_typing=True)
        else:
            self._render_tags()
        self._changed()

    def _tag_submitted(self, _: object = None) -> None:
        self._add_tags([self.tags.value or ""], keep_typing=False)

    def _current_tags(self) -> tuple[str, ...]:
        """The chips, and what is still typed: a tag not yet closed by a comma is kept too."""
        return parse_tags(", ".join([*self.tag_list, self.tags.value or ""]))

    # -- saving -------------------------------------------------------------------------------
    def _saved_text(self) -> str:
        assert self.entry is not None
        return self.ctx.t("editor.saved_at", time=format_time(self.entry.updated, self.ctx.lang))

    def _chose(self, name: str, value: str) -> None:
        setattr(self, name, value)
        self._changed()

    def _changed(self, _: object = None) -> None:
        self.status.value = self.ctx.t("editor.unsaved")
        self.autosave.changed()

    def _blurred(self, _: object = None) -> None:
        self.save()

    def _meeting(self) -> Meeting | None:
        return self.ctx.read_meeting(self.meeting_name, self.meeting_date, self.role_value)

    def save(self) -> bool:
        """Save now if anything changed; returns False (and says why) when it could not."""
        return self.autosave.flush()

    def _write(self) -> bool:
        answers = {key: field.value or "" for key, field in self.answer_fields.items()}
        draft = Draft(body=self.body.value or "", title=self.title.value or "", kind=self.kind_value,
                      tags=self._current_tags(), meeting=self._meeting(), answers=answers)
        if self.entry is None and not (draft.title.strip() or draft.body.strip()):
            return True  # nothing written yet: nothing to keep
        try:
            saved = save_entry(self.ctx.session.journal, self.entry.id if self.entry else None, draft,
                               self.ctx.lang)
            if saved is None:
                return True
            if self.entry is None:
                self.delete_icon.disabled = False
            self.entry = saved
        except Exception as exc:
            self.status.value = self.ctx.message(exc)
            self.status.color = ft.Colors.ERROR
            return False
        self.status.value = self._saved_text()
        self.status.color = ft.Colors.ON_SURFACE_VARIANT
        if self.on_saved is not None:
            self.on_saved(self.entry)
        return True

    def leave(self) -> bool:
        """Called before another screen replaces this one."""
        return self.save()

    def close(self, _: object = None) -> None:
        if self.leave():
            self.on_close()

    def share(self, _: object = None) -> None:
        """Offer to share an insight from this entry (after saving what was typed)."""
        if self.save() and self.entry is not None and self.on_share is not None:
            if self.entry.body.strip() or any(v.strip() for v in self.entry.answers.values()):
                self.on_share(self.entry)
            else:
                self.ctx.snack(self.ctx.t("share.nothing"))

    def delete(self, _: object = None) -> None:
        if self.entry is None:
            return
        try:
            removed = delete_entry(self.ctx.session.journal, self.entry.id)
        except Exception as exc:
            self.status.value = self.ctx.message(exc)
            return
        self.autosave.cancel()
        self.on_deleted(removed)

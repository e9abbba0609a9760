"""The practice library: guided sessions and reflections, by kind and length."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from journal_app.prompts.library import PackLibrary
from journal_app.prompts.packs import Pack
from journal_app.views.context import AppContext
from journal_app.views.theme import choice_chips, heading, muted, radio_row, with_phone_links

LENGTHS = {"all": (0, 10**9), "short": (0, 10 * 60), "long": (10 * 60 + 1, 10**9)}


class PracticeLibraryScreen:
    def __init__(self, ctx: AppContext, on_pick: Callable[[Pack], None],
                 on_progress: Callable[[], None]) -> None:
        self.ctx = ctx
        self.on_pick = on_pick
        t = ctx.t
        self.library = PackLibrary(ctx.session.database)
        self.kind_value, self.length_value = "all", "all"
        self.kind = choice_chips([("all", t("practice.all")), ("session", t("practice.sessions")),
                                  ("reflection", t("practice.reflections"))], "all",
                                 lambda v: self._set("kind_value", v))
        self.length = choice_chips([(k, t(f"practice.length_{k}")) for k in LENGTHS], "all",
                                   lambda v: self._set("length_value", v))
        self.list = ft.Column(spacing=8)
        self.progress_button = ft.OutlinedButton(content=t("practice.progress"),
                                                 icon=ft.Icons.INSIGHTS,
                                                 on_click=lambda _: on_progress())
        self.import_button = ft.OutlinedButton(content=t("practice.import"),
                                               icon=ft.Icons.UPLOAD_FILE, on_click=self.pick_pack)
        # Exporting is for the few who share a practice: one button asks which one (an icon beside
        # every card was noise for members, p17).
        self.export_button = ft.OutlinedButton(content=t("practice.export"), icon=ft.Icons.DOWNLOAD,
                                               on_click=self.export_dialog)
        self.import_status = ft.Text("")
        self.refresh()

    def control(self) -> ft.Control:
        t = self.ctx.t
        return ft.Column(expand=True, scroll=ft.ScrollMode.AUTO, spacing=12,
                         horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=[
            heading(t("practice.title")),
            muted(t("practice.intro")),
            with_phone_links(t("practice.care"), size=13),
            ft.Row(wrap=True, spacing=8, controls=[self.progress_button, self.import_button, self.export_button]),
            self.import_status,
            self.kind, self.length, self.list])

    def _set(self, name: str, value: str) -> None:
        setattr(self, name, value)
        self.ctx.activity()
        self.refresh()

    def packs(self) -> list[Pack]:
        low, high = LENGTHS[self.length_value]
        return [p for p in self.library.packs()
                if self.kind_value in ("all", p.kind)
                and (p.kind == "reflection" or low <= p.total_seconds <= high)]

    def refresh(self) -> None:
        t, lang = self.ctx.t, self.ctx.lang
        cards: list[ft.Control] = []
        for pack in self.packs():
            length = pack.length_text(lang)
            icon = ft.Icons.SELF_IMPROVEMENT if pack.kind == "session" else ft.Icons.FORUM_OUTLINED
            cards.append(ft.Card(content=ft.ListTile(
                leading=ft.Icon(icon, semantics_label=t(f"pack.{pack.kind}")),
                title=ft.Text(pack.title.get(lang)),
                subtitle=ft.Text(f"{t(f'pack.{pack.kind}')} · {length}\n{pack.description.get(lang)}"),
                is_three_line=True,
                on_click=lambda _, p=pack: self.on_pick(p))))
        self.list.controls = cards or [muted(t("practice.none"))]

    def export_dialog(self, _: object = None) -> None:
        """Which practice to export, among all of them (the filters do not hide one here)."""
        t, lang = self.ctx.t, self.ctx.lang
        packs = {p.id: p for p in self.library.packs()}
        chosen: dict[str, str] = {}
        choices = radio_row([(p.id, p.title.get(lang)) for p in packs.values()], "",
                            lambda value: chosen.update(id=value))
        rows = choices.content
        assert isinstance(rows, ft.Row)
        choices.content = ft.Column(controls=rows.controls, scroll=ft.ScrollMode.AUTO, tight=True, spacing=0)

        def export(_: object) -> None:
            if "id" not in chosen:
                return
            self.ctx.page.pop_dialog()
            self.ctx.page.run_task(self.export_pack, packs[chosen["id"]])

        self.ctx.show_dialog(ft.AlertDialog(
            title=ft.Text(t("practice.export_which")),
            content=ft.Column(tight=True, width=420, controls=[muted(t("practice.export_help")), choices]),
            actions=[ft.TextButton(content=t("common.cancel"), on_click=lambda _: self.ctx.page.pop_dialog()),
                     ft.FilledButton(content=t("practice.export_confirm"), on_click=export)]))

    # -- sharing packs ------------------------------------------------------------------------
    async def pick_pack(self, _: object = None) -> None:
        try:
            # Any file: Android's picker knows no type for .toml and would let none be chosen;
            # the pack checker says what is wrong with a file that is not a pack.
            files = await self.ctx.pick_files(self.ctx.t("practice.import"))
        except Exception as exc:
            self.import_status.value = self.ctx.message(exc)
            return
        self.import_files(files)

    def import_files(self, files: list[tuple[str, bytes]]) -> None:
        """Check and keep picked pack files; say for each what happened, or every problem."""
        lines = []
        failed = False
        for name, data in files:
            try:
                result = self.library.import_pack(data, name)
            except Exception as exc:
                lines.append(self.ctx.message(exc))
                failed = True
                continue
            lines.append(self.ctx.t(f"cli.pack_{result.outcome}", id=result.pack.id,
                                    version=result.pack.version))
        self.import_status.value = "\n".join(lines)
        self.import_status.color = ft.Colors.ERROR if failed else None
        self.refresh()

    async def export_pack(self, pack: Pack) -> None:
        if await self.ctx.save_bytes(f"{pack.id}.toml", pack.source.encode("utf-8")):
            self.ctx.snack(self.ctx.t("practice.exported", id=pack.id))

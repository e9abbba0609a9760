"""A whole Flet page without a client: a real Session over an in-memory connection.

This uses Flet's internal messaging API (checked on Flet 1.0.5); it lives in this one file so a
Flet upgrade touches only here. Every message is encoded the way the real client would receive
it, so a control that cannot be serialized fails the test, and a handler that raises is
recorded as a crash (the real client would show a red error page).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import flet as ft
import msgpack
from flet.controls.context import _context_page
from flet.messaging.connection import Connection
from flet.messaging.protocol import MessageAction, configure_encode_object_for_msgpack
from flet.messaging.session import Session
from flet.pubsub.pubsub_hub import PubSubHub

_encode = configure_encode_object_for_msgpack(ft.BaseControl)



def plain(text: str) -> str:
    """Text as a person reads it: French typography's no-break spaces are spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")

class MemoryConnection(Connection):
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.loop = loop
        self.executor = ThreadPoolExecutor(max_workers=2)
        self.pubsubhub = PubSubHub(loop=loop, executor=self.executor)
        self.crashes: list[str] = []
        self.patches = 0  # patch messages with at least one operation
        self.invoked: list[str] = []  # service methods called (the bell, the wake lock...)
        self.invoked_args: list[tuple[str, dict[str, Any]]] = []  # the same, with their arguments
        self.invoked_on: list[tuple[str, int]] = []  # the same, with the control called (focus...)
        # What the client returns, by method name (else None); a cancelled picker gives no files.
        self.answers: dict[str, Any] = {"pick_files": []}
        self.held: set[str] = set()  # methods left open (a picker the person is still in)
        self._open_calls: dict[str, tuple[int, str]] = {}
        self.session: Session | None = None
        self.page_url = "http://127.0.0.1:8550/"

    def send_message(self, message: Any) -> None:
        msgpack.packb([message.action, message.body], default=_encode)
        if message.action == MessageAction.SESSION_CRASHED:
            self.crashes.append(message.body.message)
        if message.action == MessageAction.PATCH_CONTROL and message.body.patch:
            self.patches += 1
        if message.action == MessageAction.INVOKE_METHOD and self.session is not None:
            # A client would run the service method; this one answers at once, with no result.
            body = message.body
            self.invoked.append(body.name)
            self.invoked_args.append((body.name, dict(body.args or {})))
            self.invoked_on.append((body.name, body.control_id))
            if body.name in self.held:
                self._open_calls[body.name] = (body.control_id, body.call_id)
                return
            self.loop.call_soon(self.session.handle_invoke_method_results, body.control_id,
                                body.call_id, self.answers.get(body.name), None)
            if body.name == "push_route":  # the client moves to the address and says so
                self.loop.call_soon(self._route_changed, body.args["route"])
            if body.name == "focus":  # the client gives the control the focus, and it says so
                self.loop.create_task(self.session.dispatch_event(body.control_id, "focus", None))

    def _route_changed(self, route: str) -> None:
        assert self.session is not None
        page = self.session.page
        # As the client does: the new address comes as a patch the page already holds (so no
        # update is owed for it), then the event. Setting page.route here instead left a change
        # unsent until the event's handler ended, which a check in between saw (CI, loaded).
        self.session.apply_page_patch({"route": route})
        self.loop.create_task(self.session.dispatch_event(page._i, "route_change", {"route": route}))

    def focused(self, control: ft.BaseControl) -> bool:
        """Whether the app has asked the client to give this control the keyboard focus."""
        return ("focus", control._i) in self.invoked_on

    def is_open(self, name: str) -> bool:
        return name in self._open_calls

    def answer(self, name: str, result: Any) -> None:
        """Close a held method with the client's result (the person picked, or cancelled)."""
        control_id, call_id = self._open_calls.pop(name)
        assert self.session is not None
        self.session.handle_invoke_method_results(control_id, call_id, result, None)


@functools.cache
def _child_fields(cls: type) -> tuple[str, ...]:
    """The fields of a control class that may hold other controls (read once per class: the
    crawler walks the tree thousands of times)."""
    return tuple(f.name for f in dataclasses.fields(cls) if not f.name.startswith("_")
                 and f.name not in ("parent", "page"))


class Harness:
    """One page of the app, driven by events as a client would send them."""

    def __init__(self, session: Session, conn: MemoryConnection) -> None:
        self.session = session
        self.conn = conn
        self.page = session.page

    # -- finding ------------------------------------------------------------------------------
    def walk(self, root: Any = None) -> Iterator[ft.BaseControl]:
        seen: set[int] = set()

        def visit(node: Any) -> Iterator[ft.BaseControl]:
            if isinstance(node, list):
                for item in node:
                    yield from visit(item)
                return
            if not isinstance(node, ft.BaseControl) or id(node) in seen:
                return
            seen.add(id(node))
            if getattr(node, "visible", True) is False:
                return
            yield node
            for name in _child_fields(type(node)):
                value = getattr(node, name, None)
                if isinstance(value, (ft.BaseControl, list)):
                    yield from visit(value)

        # What the person sees: the top view of the stack (the ones under it are hidden until
        # "back"), and the dialogs and snack bars, which live in the page's dialog layer.
        # A dialog closed by pop_dialog stays in that layer until the client says it is dismissed;
        # closed, it is no longer seen.
        shown = [d for d in self.page._dialogs.controls if getattr(d, "open", True) is not False]
        yield from visit(root if root is not None else [self.page.views[-1:], shown])

    def texts(self) -> list[str]:
        """The texts a person can see or hear. A radio button's or a segment's value, or a
        dropdown option's key, is the program's, not shown."""
        out = []
        hidden_value = (ft.Radio, ft.RadioGroup, ft.Segment, ft.DropdownOption)
        for c in self.walk():
            if isinstance(c, ft.Text) and c.spans:  # a text in pieces (searched words in bold)
                out.append("".join(span.text or "" for span in c.spans))
            for attr in ("value", "label", "content", "tooltip", "text", "hint_text", "error"):
                if attr == "value" and isinstance(c, hidden_value):
                    continue
                v = getattr(c, attr, None)
                if isinstance(v, str) and v:
                    out.append(v)
        return out

    def has_text(self, fragment: str) -> bool:
        fragment = plain(fragment)
        return any(fragment in plain(t) for t in self.texts())

    def find(self, cls: type, label: str | None = None) -> Any:
        found = self.find_all(cls, label)
        if not found:
            raise AssertionError(f"no {cls.__name__} labelled {label!r}; texts: {self.texts()}")
        return found[0]

    def find_all(self, cls: type, label: str | None = None) -> list[Any]:
        def matches(c: Any) -> bool:
            if label is None:
                return True
            wanted = plain(label)
            parent = getattr(c, "parent", None)
            if isinstance(parent, ft.Semantics) and parent.label and wanted in plain(parent.label):
                return True  # named by its wrapper, as a screen reader hears it
            for attr in ("label", "content", "tooltip", "text", "value", "icon"):
                v = getattr(c, attr, None)
                if isinstance(v, ft.Tooltip):
                    v = v.message
                if isinstance(v, ft.Icon):  # an icon button's name: its icon's semantic label
                    v = v.semantics_label
                if isinstance(v, str) and wanted in plain(v):
                    return True
                if isinstance(v, ft.Text) and isinstance(v.value, str) and wanted in plain(v.value):
                    return True
            title = getattr(c, "title", None)
            return isinstance(title, ft.Text) and wanted in plain(str(title.value))
        return [c for c in self.walk() if isinstance(c, cls) and matches(c)]

    # -- acting -------------------------------------------------------------------------------
    settle_rounds = 5  # event-loop turns given to what an event started (the crawler uses fewer)

    async def settle(self, rounds: int | None = None) -> None:
        for _ in range(self.settle_rounds if rounds is None else rounds):
            await asyncio.sleep(0.01)

    check_each_event = True  # the crawler checks once things are quiet, after a few events

    async def fire(self, control: ft.BaseControl, event: str, data: Any = None) -> None:
        await self.session.dispatch_event(control._i, event, data)
        await self.settle()
        assert not self.conn.crashes, self.conn.crashes[-1]
        if self.check_each_event:
            self.assert_client_up_to_date()

    def assert_client_up_to_date(self) -> None:
        """What the person sees is what the code holds: an extra update finds nothing to send."""
        before = self.conn.patches
        self.page.update()
        assert self.conn.patches == before, "a change was made but never sent to the client"

    def client_sets(self, control: ft.BaseControl, **props: Any) -> None:
        """What the person changed in a control, as the client sends it: a patch the page then
        holds, owing no update (set as an attribute, it would wait for the event's handler to
        end, and a check made sooner, on a loaded machine, saw a change never sent)."""
        self.session.apply_patch(control._i, props)
        for name, value in props.items():  # a misspelled field, or a control not on the page, takes nothing
            assert getattr(control, name) == value, f"{type(control).__name__}.{name} was not set"

    async def click(self, cls: type, label: str | None = None) -> None:
        await self.fire(self.find(cls, label), "click")

    async def click_and_wait_on_client(self, cls: type, label: str | None = None) -> asyncio.Task[None]:
        """Tap a control whose handler then waits on the client (a file picker the person is
        still in): returns the handler's task, which ends once a held method is answered."""
        task = asyncio.ensure_future(self.session.dispatch_event(self.find(cls, label)._i, "click", None))
        await self.settle()
        assert not self.conn.crashes, self.conn.crashes[-1]
        return task

    async def type(self, field: ft.TextField, text: str, *, submit: bool = False) -> None:
        self.client_sets(field, value=text)
        await self.fire(field, "change")
        if submit:
            await self.fire(field, "submit")

    async def unfold(self, title: str) -> None:
        """Tap a folded section's title (an ExpansionTile): the client unfolds it and says so."""
        tile = self.find(ft.ExpansionTile, title)
        self.client_sets(tile, expanded=True)
        await self.fire(tile, "change", True)

    async def slide(self, slider: ft.Slider, value: float) -> None:
        """Drag a slider to `value`, as a finger does: the client sets the value, then says so."""
        self.client_sets(slider, value=value)
        await self.fire(slider, "change")

    @staticmethod
    def chip_text(chip: ft.Chip) -> str:
        """A chip's visible text: its label, or the text its label stacks over a target's box."""
        label = chip.label
        if isinstance(label, ft.Stack):
            label = next((c for c in label.controls if isinstance(c, ft.Text)), None)
        return str(label.value) if isinstance(label, ft.Text) else ""

    async def choose(self, text: str) -> None:
        """Pick an option shown as a chip, a radio button or a segment, by its visible text."""
        for c in self.walk():
            if isinstance(c, ft.Chip) and self.chip_text(c) == text:
                self.client_sets(c, selected=True)
                await self.fire(c, "select")
                return
            if isinstance(c, ft.Radio) and c.label == text:
                group = c.parent
                while not isinstance(group, ft.RadioGroup):
                    group = group.parent
                self.client_sets(group, value=c.value)
                await self.fire(group, "change")
                return
            if isinstance(c, ft.SegmentedButton):
                for seg in c.segments:
                    if isinstance(seg.label, ft.Text) and seg.label.value == text:
                        self.client_sets(c, selected=[seg.value])
                        await self.fire(c, "change")
                        return
        raise AssertionError(f"no option {text!r}; texts: {self.texts()}")

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out; texts: {self.texts()}")
            await asyncio.sleep(0.02)
        await self.settle()
        assert not self.conn.crashes, self.conn.crashes[-1]
        self.assert_client_up_to_date()


async def new_harness(width: float = 390, height: float = 844) -> Harness:
    conn = MemoryConnection(asyncio.get_running_loop())
    session = Session(conn)
    conn.session = session
    page = session.page
    page.width, page.height = width, height
    page.web, page.platform = True, ft.PagePlatform.LINUX  # as `journal-app web` is seen
    msgpack.packb(session.get_page_patch(), default=_encode)
    _context_page.set(page)
    return Harness(session, conn)


def run_ui(body: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(body())

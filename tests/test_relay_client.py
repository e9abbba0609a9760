"""The relay from outside, as the security review of 2026-12-03 drove it: the app's client against
hostile answers (redirects, deep nesting) and addresses (private networks), `journal-app relay
serve` as an operator starts it (a registration token by default, the right port in --help),
connections that never finish their headers, and the facilitator told when the circle's
mailbox fills."""

from __future__ import annotations

import http.server
import ipaddress
import os
import secrets
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from journal_app.circle_messages import new_signing_key, signing_public_key
from journal_app.circles import Circles
from journal_app.errors import RessentiError
from journal_app.relay import capabilities
from journal_app.relay.app import Limits
from journal_app.relay_client import RelayAddressRefused, RelayClient, RelayRefused
from journal_app.sharing import (
    PRIVATE_RELAY_ENV,
    CircleKeys,
    Invitation,
    InvitationInvalid,
    RelayAccess,
    b64,
    new_insight,
    parse_invitation,
    relay_url_allowed,
    seal,
)
from journal_app.usecases.relay import create_circle, describe_receive, receive
from journal_app.vault.storage import Database, create_database
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.relay_live import free_port, relay_in_thread, relay_process, wait_healthy

DAY = date(2026, 12, 3)


# --- F10: an invitation must not point members' apps at their own network ------------------------
PRIVATE = ("https://169.254.169.254/latest", "https://10.0.0.1", "https://192.168.1.1:8443",
           "https://[::1]:6379", "https://127.0.0.1", "https://localhost", "https://relais.localhost",
           "https://[fe80::1]", "https://100.64.0.1", "https://[::ffff:10.0.0.1]", "https://0.0.0.0",
           "http://127.0.0.1:6379", "http://localhost:8560", "http://[::1]:8560")


def test_a_relay_on_a_private_network_or_this_computer_needs_the_users_word(monkeypatch):
    monkeypatch.delenv(PRIVATE_RELAY_ENV, raising=False)
    for url in PRIVATE:
        assert not relay_url_allowed(url), url
        with pytest.raises(RelayAddressRefused):
            RelayClient(url)
    for url in ("https://relais.exemple.org", "https://9.9.9.9:8443/relais", "https://[2001:4860::1]"):
        assert relay_url_allowed(url), url
    keys = CircleKeys.create("Cercle")
    access = RelayAccess("https://169.254.169.254/latest", "A" * 22, "B" * 43, bytes(range(32)))
    with pytest.raises(InvitationInvalid):
        parse_invitation(Invitation(keys.invitation.circle_id, "Cercle", keys.invitation.public_key, access).code())
    monkeypatch.setenv(PRIVATE_RELAY_ENV, "1")  # the user said so: a trial, a relay at the office
    for url in PRIVATE:
        if url != "https://0.0.0.0":
            assert relay_url_allowed(url), url
    assert not relay_url_allowed("http://192.168.1.1")  # plain http stays on this computer
    assert not relay_url_allowed("https://0.0.0.0")


def test_a_name_that_resolves_to_this_computer_is_refused_too(monkeypatch):
    monkeypatch.delenv(PRIVATE_RELAY_ENV, raising=False)
    name = socket.gethostname()
    found = {info[4][0] for info in socket.getaddrinfo(name, 443, proto=socket.IPPROTO_TCP)}
    if any(ipaddress.ip_address(a.split("%")[0]).is_global for a in found):
        pytest.skip(f"{name} resolves to an address on the Internet here")
    client = RelayClient(f"https://{name}")  # a name passes the URL check...
    with pytest.raises(RelayAddressRefused):  # ...but not what it resolves to, before anything is sent
        client.health()


# --- F11, F12: hostile answers ------------------------------------------------------------------
@contextmanager
def http_server(answer: Callable[[http.server.BaseHTTPRequestHandler], None]) -> Iterator[tuple[str, list[str]]]:
    """A plain HTTP server on loopback answering every request with `answer`; the requests it got."""
    got: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_any(self) -> None:
            got.append(f"{self.command} {self.path} {self.headers.get('Authorization', '')}")
            answer(self)

        do_GET = do_POST = do_PUT = do_any

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", got
    finally:
        server.shutdown()
        server.server_close()


def test_a_redirect_is_never_followed_with_a_capability():
    """F11: a 302 sent the capability to whatever host the Location named."""
    with http_server(lambda h: (h.send_response(200), h.end_headers())) as (elsewhere, stolen):
        def redirect(h: http.server.BaseHTTPRequestHandler) -> None:
            h.send_response(302)
            h.send_header("Location", elsewhere + "/got-it")
            h.send_header("Content-Length", "0")
            h.end_headers()

        with http_server(redirect) as (relay, _):
            client = RelayClient(relay, timeout=5)
            read, send = capabilities.new_capability(), capabilities.new_capability()
            with pytest.raises(RelayRefused) as refused:
                client.list_envelopes("A" * 22, read)
            assert refused.value.status == 302
            with pytest.raises(RelayRefused):
                client.post_envelope("A" * 22, send, {"v": 1})
    assert stolen == []


def test_a_deeply_nested_answer_is_one_clear_error():
    """F12: 100,000 levels of nesting raised RecursionError out of the client."""
    deep = b"[" * 100_000 + b"]" * 100_000

    def nested(h: http.server.BaseHTTPRequestHandler) -> None:
        status = 403 if h.command == "POST" else 200
        body = deep if status == 200 else b"{\"error\":" + b"[" * 4000
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    with http_server(nested) as (relay, _):
        client = RelayClient(relay, timeout=5)
        for call in (lambda: client.list_envelopes("A" * 22, capabilities.new_capability()),
                     lambda: client.messages("A" * 22, capabilities.new_capability()),
                     lambda: client.post_envelope("A" * 22, capabilities.new_capability(), {"v": 1})):
            with pytest.raises(RessentiError) as error:
                call()
            assert error.value.message("fr") and error.value.message("en")


# --- F22: a connection that never finishes its headers --------------------------------------------
def closed_within(sock: socket.socket, seconds: float) -> bool:
    """The relay closed it (whatever it still had to read of an earlier answer)."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            if sock.recv(4096) == b"":
                return True
        except ConnectionResetError:
            return True
        except TimeoutError:
            return False
    return False


def test_half_a_request_line_does_not_hold_a_connection_open(tmp_path):
    with relay_in_thread(tmp_path / "relay", limits=Limits(open_registration=True, header_timeout=1.0)) as url:
        port = int(url.rsplit(":", 1)[1])
        silent = [socket.create_connection(("127.0.0.1", port)) for _ in range(5)]
        halves = [socket.create_connection(("127.0.0.1", port)) for _ in range(5)]
        for sock in halves:
            sock.sendall(b"GET /v1/heal")
        kept_alive = socket.create_connection(("127.0.0.1", port))  # one whole request, then half of one
        kept_alive.sendall(b"GET /v1/health HTTP/1.1\r\nHost: relais\r\n\r\n")
        assert b"200" in kept_alive.recv(4096).split(b"\r\n")[0]
        kept_alive.sendall(b"GET /v1/health HTTP/1.1\r\nHo")
        dripping = socket.create_connection(("127.0.0.1", port))
        for byte in b"GET /v1/health":  # a byte every 0.25 s does not reset the clock
            try:
                dripping.sendall(bytes([byte]))
            except OSError:  # closed under it: the point
                break
            time.sleep(0.25)
        try:
            for sock in (*silent, *halves, kept_alive, dripping):
                assert closed_within(sock, 3.0)
            wait_healthy(url, timeout=5)  # and the relay still serves
        finally:
            for sock in (*silent, *halves, kept_alive, dripping):
                sock.close()


# --- F21, item 9: `journal-app relay serve` as an operator starts it ------------------------------
def test_relay_serve_makes_a_registration_token_and_refuses_mailboxes_without_it(tmp_path):
    port, folder = free_port(), tmp_path / "relay"
    proc = relay_process(folder, port, open_registration=False)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        token_file = folder / "registration-token"
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        token = token_file.read_text("utf-8").strip()
        assert len(token) >= 32
        client = RelayClient(url, timeout=5)
        sign = b64(signing_public_key(new_signing_key(secrets.token_bytes)))
        mailbox, send, read = capabilities.new_mailbox(), capabilities.new_capability(), capabilities.new_capability()
        with pytest.raises(RelayRefused) as refused:
            client.register(mailbox, capabilities.digest(send), capabilities.digest(read), sign)
        assert refused.value.reason == "registration_token_missing"
        assert client.register(mailbox, capabilities.digest(send), capabilities.digest(read), sign, token) == "created"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    log = (folder / "relay.log").read_text("utf-8")
    assert token not in log and str(token_file) in log  # says where the token is, never the token


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_relay_serve_help_names_the_port_it_listens_on(lang):
    env = {**os.environ, "LANG": "C.UTF-8"}
    out = subprocess.run([sys.executable, "-m", "journal_app", "relay", "serve", "--help", "--lang", lang],
                         capture_output=True, text=True, env=env, timeout=120).stdout
    assert "8560" in out and "8550" not in out


# --- F4 (c): the facilitator hears that the mailbox fills, before members' posts get 507 -----------
def vault(tmp_path: Path, name: str) -> Database:
    return create_database(tmp_path / f"{name}.vault", PASSPHRASE, kdf=FAST_KDF)[0]


def test_the_facilitator_is_told_when_the_circles_mailbox_is_past_80_percent(tmp_path):
    facilitator = vault(tmp_path, "facilitator")
    try:
        with relay_in_thread(tmp_path / "relay", limits=Limits(mailbox_quota=10, open_registration=True)) as url:
            keys = create_circle(facilitator, "Cercle du jeudi", url)
            cid, access = keys.invitation.circle_id, keys.invitation.relay
            assert access is not None

            def flood(n: int) -> None:
                for i in range(n):
                    insight, _ = new_insight(f"Idée {i}", day=DAY, kind="free", prompt_id="", lang="fr")
                    RelayClient(url).post_envelope(access.mailbox, access.send_capability,
                                                   seal(insight, keys.invitation))

            flood(7)
            calm = describe_receive(receive(facilitator, cid), "fr")
            assert not any("%" in line for line in calm)
            flood(9)
            report = receive(facilitator, cid)
            assert report.fill == 0.9 and report.received == 9
            fr, en = describe_receive(report, "fr"), describe_receive(report, "en")
            assert any("remplie à 90\u00a0%" in line for line in fr)
            assert any("90% full" in line for line in en)
            assert Circles(facilitator).owned_relay(cid) is not None
    finally:
        facilitator.close()

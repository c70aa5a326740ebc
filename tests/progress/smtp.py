"""A real SMTP server for tests (aiosmtpd) that records mail and can misbehave on cue."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import Counter
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """Accepts mail and keeps it; can answer 421, refuse addresses, block or slow down."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.fail_first = 0  # answer 421 to this many MAIL commands, then recover
        self.refused: set[str] = set()  # answer 550 to RCPT for these
        self.block_recipient: str | None = (
            None  # hold this message's DATA until released
        )
        self.blocked = threading.Event()
        self.release = threading.Event()
        self.delay = 0.0  # seconds to wait before accepting each message
        self.mail_commands = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self.lock:
            self.mail_commands += 1
            if self.fail_first > 0:
                self.fail_first -= 1
                return "421 4.3.2 Service not available, try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.block_recipient in envelope.rcpt_tos and not self.blocked.is_set():
            self.blocked.set()
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, self.release.wait, 120)
            # The sender is gone by now; this message was never accepted.
            return "421 4.4.2 Connection dropped before the message was accepted"
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 2.0.0 Message accepted for delivery"

    def per_recipient(self) -> Counter:
        with self.lock:
            return Counter(r for rcpts, _ in self.messages for r in rcpts)

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for rcpts, m in self.messages if address in rcpts]


class SMTPServer:
    """An aiosmtpd Controller on 127.0.0.1 and a free port."""

    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.handler.release.set()
        self.controller.stop()

"""An SMTP sink for the bench: accept every message, count them, keep none.

Run as `python -m bench.smtp_sink PORT COUNT_FILE`; the count is written to COUNT_FILE
every 50 ms, so the runner can wait for a number without talking SMTP itself.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from aiosmtpd.controller import Controller


class CountingHandler:
    def __init__(self) -> None:
        self.count = 0
        self.recipients = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.count += 1
        self.recipients += len(envelope.rcpt_tos)
        return "250 OK"


def _write(path: str, handler: CountingHandler) -> None:
    temp = f"{path}.tmp"
    with open(temp, "w") as handle:
        handle.write(f"{handler.count} {handler.recipients}\n")
    os.replace(temp, path)


async def _serve(port: int, path: str) -> None:
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        while not stop.is_set():
            _write(path, handler)
            try:
                await asyncio.wait_for(stop.wait(), timeout=0.05)
            except TimeoutError:
                pass
    finally:
        _write(path, handler)
        controller.stop()


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    asyncio.run(_serve(port, path))


if __name__ == "__main__":
    main()

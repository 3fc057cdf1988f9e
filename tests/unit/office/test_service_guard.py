"""Running out of file descriptors is a count in one log line, not a traceback each time."""

from __future__ import annotations

import errno
import io
import json

from msp_desktop.office.inbox.guard import Notes, guarded_loop_factory
from msp_desktop.office.inbox.logs import configure_service_logging


def test_accept_out_of_file_descriptors_is_one_line_a_period() -> None:
    stream = io.StringIO()
    logger = configure_service_logging(stream)
    now = [0.0]
    notes = Notes(logger, every=10.0, clock=lambda: now[0])
    loop = guarded_loop_factory(notes)()
    try:
        handler = loop.get_exception_handler()
        assert handler is not None
        for i in range(1000):  # asyncio retries the accept every second; say it once
            now[0] = i * 0.01
            handler(loop, {"message": "socket.accept() out of system resource",
                           "exception": OSError(errno.EMFILE, "Too many open files")})  # fmt: skip
        now[0] = 20.0
        handler(loop, {"message": "x", "exception": OSError(errno.EMFILE, "Too many")})
    finally:
        loop.close()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["accept_failed_out_of_file_descriptors"] for line in lines] == [1, 1000]
    assert all("traceback" not in line for line in lines)
    assert all(line["event"] == "connections-closed" for line in lines)

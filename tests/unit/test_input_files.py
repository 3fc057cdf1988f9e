"""Input files named on the command line: bounded, ordinary files only, one sentence
for everything else (issue 15, item 9)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from msp_desktop.errors import InvalidInput
from msp_desktop.input_files import InputRefused, read_input, read_input_text


def test_an_ordinary_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_bytes(b'{"a": 1}\n')
    assert read_input(path, "a keys file", 100) == b'{"a": 1}\n'


def test_a_file_exactly_at_the_limit_is_read_and_one_byte_more_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "at-limit"
    path.write_bytes(b"x" * 10)
    assert read_input(path, "a receipt", 10) == b"x" * 10
    path.write_bytes(b"x" * 11)
    with pytest.raises(InputRefused, match=r"is far too large to be a receipt; nothing was read"):
        read_input(path, "a receipt", 10)


def test_too_large_can_be_its_own_error(tmp_path: Path) -> None:
    path = tmp_path / "big"
    path.write_bytes(b"x" * 11)

    class Refused(InvalidInput):
        pass

    with pytest.raises(Refused, match="over the cap"):
        read_input(path, "a bundle", 10, too_large=lambda: Refused("over the cap"))


def test_a_missing_file_and_a_folder_are_each_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(InputRefused) as missing:
        read_input(tmp_path / "nope", "a receipt", 10)
    assert missing.value.message == f"There is no file {tmp_path / 'nope'}."
    assert missing.value.reason == "there is no such file"
    with pytest.raises(InputRefused) as folder:
        read_input(tmp_path, "a receipt", 10)
    assert folder.value.message == f"{tmp_path} is a folder, not a receipt."


@pytest.mark.posix_only(reason="named pipes and /dev/zero are POSIX")
def test_a_pipe_with_no_writer_is_refused_at_once_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "passphrase"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_input(fifo, "a passphrase file", 1024)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "reading a FIFO with no writer blocked"
    assert isinstance(outcome[0], InputRefused)
    assert outcome[0].message == f"{fifo} is a device or a pipe, not a passphrase file."


@pytest.mark.posix_only(reason="named pipes and /dev/zero are POSIX")
def test_dev_zero_is_refused_without_reading_it() -> None:
    with pytest.raises(InputRefused, match="is a device or a pipe, not a bundle"):
        read_input(Path("/dev/zero"), "a bundle", 1024)


def test_text_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "pass.txt"
    path.write_bytes(b"first line\nsecond \xff line\n")
    with pytest.raises(InputRefused) as refused:
        read_input_text(path, "a passphrase file", 1024)
    assert refused.value.message == (
        f"{path} is not plain text in UTF-8 (line 2 holds other bytes), so it cannot be "
        "a passphrase file. Save it as UTF-8 and try again."
    )
    assert refused.value.reason == "line 2 is not UTF-8 text"


def test_a_byte_order_mark_is_dropped_from_text(tmp_path: Path) -> None:
    path = tmp_path / "pass.txt"
    path.write_bytes("\ufeffcorrect horse\n".encode())
    assert read_input_text(path, "a passphrase file", 1024) == "correct horse\n"

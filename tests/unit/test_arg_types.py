"""What the command lines refuse before a command runs (issue 15, item 9)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from msp_desktop.arg_types import LONGEST_ARGUMENT, arguments_problem, whole_number


def test_an_argument_that_is_not_utf8_is_refused_by_its_name() -> None:
    assert arguments_problem([], {"name": "Ann", "limit": 3, "file": None}) is None
    assert arguments_problem([], {"preferred_name": "A\udcffB"}) == (
        "The preferred-name given is not text this program can read (it holds bytes that "
        "are not UTF-8); type it again. Nothing was changed."
    )
    assert arguments_problem([], {"ids": ["ok", "b\udc80d"]}) is not None


def test_a_file_name_may_be_any_bytes_but_never_nul() -> None:
    assert arguments_problem([], {"file": Path("/media/stick/\udcff.json")}) is None
    assert arguments_problem([], {"dir": Path("a\x00b")}) == (
        "The dir given holds a NUL character; nothing was changed."
    )


def test_an_argument_longer_than_windows_allows_is_refused_by_its_name() -> None:
    # Windows' Python raises ValueError ("stat: path too long for Windows") for such a
    # path, which the command guard would report as a bug (CI's windows-check found it).
    longest = "a" * LONGEST_ARGUMENT
    assert arguments_problem([], {"dir": longest, "reason": Path(longest)}) is None
    assert arguments_problem([], {"dir": longest + "a"}) == (
        "The dir given is longer than 32,767 characters, more than any file name or text "
        "this program takes; nothing was changed."
    )
    assert arguments_problem([], {"files": [Path("ok"), Path(longest + "a")]}) is not None


def test_two_dashes_as_a_value_is_refused_not_turned_into_an_empty_list() -> None:
    assert arguments_problem(["visits", "list", "--person=--"], {"person": []}) == (
        '--person needs a value, not "--"; nothing was changed.'
    )
    assert arguments_problem(["people", "add", "--name=-- Ann"], {"name": "-- Ann"}) is None


def test_whole_numbers_have_a_range() -> None:
    parse = whole_number(1, 1_000_000)
    assert parse(" 200 ") == 200
    for text, why in [("1e20", "is not a whole number"), ("99999999999999999999", "is not from 1"),
                      ("0", "is not from 1 to 1000000")]:  # fmt: skip
        with pytest.raises(argparse.ArgumentTypeError, match=why):
            parse(text)

"""The one text table both command lines print (``msp`` and ``msp-office``)."""

from __future__ import annotations

import pytest

from msp_desktop.cli import output
from msp_desktop.office.cli import commands
from msp_desktop.text_table import table


def test_columns_are_as_wide_as_their_widest_cell_two_spaces_apart() -> None:
    text = table(["ID", "NAME", "STAGE"], [["1", "Ada Example", ""], ["22", "Bo", "planning"]])
    assert text.splitlines() == [
        "ID  NAME         STAGE",
        "1   Ada Example",  # an empty last cell leaves no trailing spaces
        "22  Bo           planning",
    ]


def test_no_rows_gives_the_header_line_only() -> None:
    assert table(["DEVICE", "KEY ID"], []) == "DEVICE  KEY ID"


def test_a_row_with_a_cell_too_many_is_refused() -> None:
    with pytest.raises(ValueError, match="zip"):
        table(["A", "B"], [["1", "2", "3"]])


def test_both_command_lines_print_this_one_table() -> None:
    assert output.table is table
    assert commands.table is table

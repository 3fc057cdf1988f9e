"""Render the contact sheet of the easy-read pictures (each at 2 cm) as pictures.png here.

Run from the repository root: ``.venv/bin/python docs/samples/make_pictures.py``.
Needs ``pdftoppm`` (poppler-utils). Look at the PNG after changing a picture: each must
read as its idea at 2 cm, the smallest it is ever printed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from msp_desktop.documents.picture_sheet import picture_sheet

HERE = Path(__file__).resolve().parent


def main() -> None:
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "100",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            "-",
            str(HERE / "pictures"),
        ],
        input=picture_sheet(),
        check=True,
    )
    print(f"wrote {HERE / 'pictures.png'}")


if __name__ == "__main__":
    main()

"""Every requirement or rule the code cites is written down in the repository's docs.

Docstrings and comments cite security requirements (S1-S25, ``docs/security.md``) and
easy-read and large-print rules (E1-E22, L1-L19, ``docs/easy-read.md``) by number; the
practice, Welsh and easy-read sources once lived outside the repository, so a citation
of those files by their old names is refused too.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    p
    for folder in ("msp_desktop", "ui", "tests", "packaging", "docs")
    for p in (ROOT / folder).rglob("*.py")
]
CITATION = re.compile(r"(?<![\w.-])([SEL])(\d{1,2})(?![\w-])")
OUTSIDE = re.compile(r"\b(PRACTICE|SECURITY|EASY_READ|WELSH|ARCHITECTURE|CONVENTIONS)\.md\b")


def _defined() -> set[str]:
    security = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    easy_read = (ROOT / "docs" / "easy-read.md").read_text(encoding="utf-8")
    found = {f"S{n}" for n in re.findall(r"^### S(\d+)\. ", security, flags=re.MULTILINE)}
    found |= set(re.findall(r"^\| ([EL]\d+) \|", easy_read, flags=re.MULTILINE))
    return found


def _cited() -> dict[str, list[str]]:
    cited: dict[str, list[str]] = {}
    for path in SOURCES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "noqa" in line or "ruff" in line:
                continue  # lint codes such as E501 are not our rules
            for letter, digits in CITATION.findall(line):
                where = f"{path.relative_to(ROOT)}:{number}"
                cited.setdefault(f"{letter}{int(digits)}", []).append(where)
    return cited


def test_the_docs_define_every_requirement_and_rule() -> None:
    defined = _defined()
    assert {f"S{n}" for n in range(1, 26)} <= defined
    assert {f"E{n}" for n in range(1, 23)} | {f"L{n}" for n in range(1, 20)} <= defined


def test_every_citation_in_the_code_resolves() -> None:
    defined = _defined()
    missing = {key: places for key, places in _cited().items() if key not in defined}
    assert missing == {}


def test_no_citation_points_outside_the_repository() -> None:
    outside = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in SOURCES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line) and path.name != "test_doc_citations.py"
    ]
    assert outside == []


_TOP = "msp_desktop|ui|tests|docs|packaging|resources"
_CORE = "store|services|network|office|documents|pdf|bundles|cli|model|practice|guide|i18n"
PATH_IN_DOCS = re.compile(rf"`((?:{_TOP}|{_CORE})/[\w./-]+\.\w+|(?:{_TOP})/[\w./-]+/)`")


def test_every_file_the_docs_name_exists() -> None:
    """Docs name code by path; a moved or renamed file must take its mentions with it."""
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    missing = []
    for document in documents:
        for number, line in enumerate(document.read_text(encoding="utf-8").splitlines(), 1):
            for path in PATH_IN_DOCS.findall(line):
                if not (ROOT / path.rstrip("/")).exists() and not any(
                    (ROOT / folder / path).exists() for folder in ("msp_desktop",)
                ):
                    missing.append(f"{document.name}:{number}: {path}")
    assert missing == []

"""The shipped guides, and which one a stored visit is walked with."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from msp_desktop.guide import (
    DEFAULT_GUIDE,
    GuideError,
    available_guides,
    catalogue,
    guide_for,
    guide_named,
    load_guide,
    loader,
    shipped_guide_ids,
)
from msp_desktop.resources import resource
from tests import builders


def test_every_shipped_guide_is_offered_the_msp_visit_first() -> None:
    assert shipped_guide_ids() == ["msp-visit", "self-neglect"]
    guides = available_guides()
    assert [guide.id for guide in guides] == ["msp-visit", "self-neglect"]
    assert guides[0].id == DEFAULT_GUIDE
    assert guides[1] == load_guide("self-neglect")
    # Each says in one sentence what it is for, for the worker choosing between them.
    assert all(guide.summary is not None for guide in guides)


def test_a_visit_is_walked_with_the_guide_it_was_started_with() -> None:
    visit = builders.draft_visit(
        builders.concern(builders.person()), guide_id="self-neglect", guide_version="1.0.0"
    )
    assert guide_for(visit).ref == ("self-neglect", "1.0.0")
    msp = builders.draft_visit(
        builders.concern(builders.person()), guide_id="msp-visit", guide_version="2.0.0"
    )
    assert guide_for(msp).id == "msp-visit"


def test_another_version_of_a_guide_uses_the_one_shipped_and_keeps_the_record() -> None:
    visit = builders.draft_visit(
        builders.concern(builders.person()), guide_id="self-neglect", guide_version="0.9.0"
    )
    assert guide_for(visit).ref == ("self-neglect", "1.0.0")
    assert visit.guide_version == "0.9.0"  # the visit still says what it was started with


@pytest.mark.parametrize("guide_id", [None, "domestic-abuse", "../msp-visit"])
def test_a_guide_not_shipped_falls_back_to_the_msp_visit(guide_id: str | None) -> None:
    visit = builders.draft_visit(builders.concern(builders.person()), guide_id=guide_id)
    assert guide_named(guide_id) is None
    assert guide_for(visit).id == DEFAULT_GUIDE


@pytest.fixture
def guides_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder standing in for resources/guides, with the MSP visit guide in it."""
    folder = tmp_path / "guides"
    folder.mkdir()
    (folder / "msp-visit.toml").write_text(
        resource("guides", "msp-visit.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.setattr(catalogue, "resource_root", lambda: tmp_path)
    monkeypatch.setattr(loader, "resource", lambda *parts: tmp_path.joinpath(*parts))
    catalogue._loaded.cache_clear()
    yield folder
    catalogue._loaded.cache_clear()


def test_a_broken_guide_is_found_when_the_guides_are_listed(guides_folder: Path) -> None:
    text = resource("guides", "self-neglect.toml").read_text(encoding="utf-8")
    broken = text.replace('show_if = "count(risks) > 0"', 'show_if = "count(riskz) > 0"', 1)
    assert broken != text
    (guides_folder / "self-neglect.toml").write_text(broken, encoding="utf-8")
    line = 1 + broken[: broken.index("count(riskz)")].count("\n")
    with pytest.raises(GuideError) as raised:
        available_guides()
    (problem,) = raised.value.problems
    assert (problem.source, problem.line) == ("self-neglect.toml", line)
    assert "riskz" in problem.message


def test_only_toml_files_are_guides(guides_folder: Path) -> None:
    (guides_folder / "README.md").write_text("notes", encoding="utf-8")
    assert shipped_guide_ids() == ["msp-visit"]
    assert [guide.id for guide in available_guides()] == ["msp-visit"]

"""Every message in the code can be extracted, and no widget is given untranslated words."""

from __future__ import annotations

import pytest

from tests.i18n import checks, extraction

EXEMPT = "msp_desktop/i18n/"  # the mechanism itself passes its callers' messages on


def _files() -> list[tuple[str, str]]:
    return [
        (path, file.read_text(encoding="utf-8"))
        for file, path in checks.source_files(extraction.ROOT, extraction.SOURCES)
        if not path.startswith(EXEMPT)
    ]


def test_every_translation_call_gives_its_message_as_a_literal() -> None:
    problems = [p for path, source in _files() for p in checks.call_problems(source, path)]
    assert problems == [], "\n".join(problems)


def test_the_extraction_finds_every_message_the_code_has() -> None:
    # Babel reads the same calls as the check above: nothing is translated unseen.
    in_code = {m for path, source in _files() for m in checks.literal_messages(source, path)}
    extracted = {found.msgid for found in extraction.extract().values()}
    assert len(in_code) > 300
    assert in_code == extracted


def test_no_widget_is_given_words_without_tr() -> None:
    problems = [
        problem
        for path, source in _files()
        if path.startswith("ui/")
        for problem in checks.qt_text_problems(source, path)
    ]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ('tr(f"Hello {name}")', "an f-string"),
        ('tr("Hello " + name)', "a concatenation"),
        ('tr("Hello %s" % name)', "a concatenation or formatting"),
        ("tr(NOUNS.get(kind))", "a call's result"),
        ("tr(text)", "a variable"),
        ("tr(self.HEADINGS[section])", "a variable"),
        ('t.tr_n("one", many, n)', "a variable"),
        ('translator("cy").tr(words)', "a variable"),
        ('N_("Hello".upper())', "a call's result"),
        ('tr("")', "a str constant"),
        ("tr()", "needs its message"),
        ("tr(*parts)", "needs its message"),
    ],
)
def test_a_message_that_cannot_be_extracted_is_named_with_its_line(line: str, kind: str) -> None:
    source = f"x = 1\n{line}\n"
    problems = list(checks.call_problems(source, "ui/example.py"))
    assert len(problems) == 1
    assert problems[0].startswith("ui/example.py:2: ")
    assert kind in problems[0]


@pytest.mark.parametrize(
    "line",
    [
        'tr("Hello {name}", name=name)',
        'tr("Hello "\n   "world")',
        't.tr_n("{count} day", "{count} days", count)',
        'N_("May")',
        "tr_marked(MONTHS[month])",
        "translator(lang).tr_marked(question.text)",
    ],
)
def test_literals_and_marked_messages_pass(line: str) -> None:
    assert list(checks.call_problems(line + "\n", "ui/example.py")) == []


@pytest.mark.parametrize(
    "line", ['Message("x")', "Message(text)", "cast(Message, text)", 'cast("Message", text)']
)
def test_only_n_makes_a_message(line: str) -> None:
    problems = list(checks.call_problems(line + "\n", "ui/example.py"))
    assert problems == ["ui/example.py:1: only N_() makes a Message (it marks the text)"]
    assert list(checks.call_problems(line + "\n", "msp_desktop/i18n/translator.py")) == []
    assert list(checks.call_problems("cast(QWidget, parent)\n", "ui/example.py")) == []


@pytest.mark.parametrize(
    "line",
    [
        'label = QLabel("Hello", self)',
        'button.setText(f"Save {name}")',
        'button.setToolTip("Opens " + name)',
        'named(widget, "The list of people")',
        'box.setWindowTitle("Saved {n}".format(n=n))',
        'messages.inform(self, text="Done.")',
        'menu.addAction("&Quit")',
    ],
)
def test_words_given_to_a_widget_without_tr_are_found(line: str) -> None:
    problems = list(checks.qt_text_problems(line + "\n", "ui/example.py"))
    assert len(problems) == 1
    assert problems[0].startswith("ui/example.py:1: ")


@pytest.mark.parametrize(
    "line",
    [
        'label = QLabel(tr("Hello"), self)',
        'label.setText("")',
        'label.setText("—")',
        "label.setText(str(question.prompt))",
        "label.setText(words)",
        'label.setObjectName("caseload.table")',
    ],
)
def test_translated_text_symbols_and_names_pass(line: str) -> None:
    assert list(checks.qt_text_problems(line + "\n", "ui/example.py")) == []

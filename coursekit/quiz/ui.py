"""Interface text of quizzes (buttons, feedback, score, redirect pages), one set per language."""
from __future__ import annotations

from pathlib import Path

from coursekit.strings import DEFAULT, StringTable

UI_FILE = Path(__file__).with_name("ui.yml")
QUIZ_STRINGS = StringTable(UI_FILE)
ui = QUIZ_STRINGS.ui
strings = QUIZ_STRINGS.strings
languages = QUIZ_STRINGS.languages

__all__ = ["DEFAULT", "UI_FILE", "ui", "strings", "languages"]

"""Pre- and post-lecture quizzes: the English bank's schema (schema.py), translations checked
against it (translation.py), one quiz in one language (localize.py), the whole bank of a
repository (bank.py), pages (render.py, assets/quiz.js and quiz.css), interface strings (ui.yml,
English; other languages in translations/<lang>/language.yml), legacy addresses (legacy.py),
the quiz-app export (export.py) and the `coursekit quiz` commands (cli.py)."""

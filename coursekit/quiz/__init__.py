"""Pre- and post-lecture quizzes: the bank (bank.py), pages (render.py, assets/quiz.js and
quiz.css), interface strings (ui.yml), legacy addresses (legacy.py), the quiz-app export
(export.py) and the `coursekit quiz` commands (cli.py)."""

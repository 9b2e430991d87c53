"""Lint: a decimal point in the prose of a language that writes a decimal comma."""
from __future__ import annotations

from coursekit.translations.numbers import point_decimals
from i18n_site import commit, lint, make_site, translate, write

PAGE = """\
# Domov

Diskriminator da vsaki sliki 0.5, njegova izguba je 1,39.

Koda `lr = 0.0002` in blok ostaneta:

```python
beta1 = 0.5
```

Matematika $\\log 0.5$ in $$D(x) = 0.5$$ ostaneta, [članek](https://arxiv.org/abs/1406.2661) in arXiv:1406.2661 tudi.
Python 3.14, torch 2.14.1, 1.797 slik, {{ result demo/default loss_d }} in <img src="a.png" width="0.5"> so v redu.
Natančnost 98.9 % na koncu.
"""


def test_prose_decimals_are_found_with_their_lines():
    assert point_decimals(PAGE) == [(3, "0.5"), (13, "98.9")]


def test_lint_flags_them_in_comma_languages_only(tmp_path):
    root = make_site(tmp_path)
    write(root, "translations/sl/language.yml", 'locale:\n  decimal_mark: ","\n')
    translate(root, "sl", "index.md", PAGE)
    translate(root, "sv", "index.md", PAGE)  # Swedish has no language.yml here: its mark is "."
    commit(root, "Translations")
    found = [f for f in lint(root) if "decimals with a comma" in f.message]
    assert [(f.path, f.line, f.severity) for f in found] == [("translations/sl/index.md", 8, "warning"),
                                                              ("translations/sl/index.md", 18, "warning")]
    assert "(0,5)" in found[0].message

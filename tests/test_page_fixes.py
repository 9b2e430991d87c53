"""The HTML corrections applied to every page, and the notebook page addresses."""
from coursekit.notebooks import page_dest
from coursekit.page_fixes import fix_page
from coursekit.translations.layout import suffixed


def test_head_alternates_removed_selector_links_kept():
    html = (
        '<head><link rel="alternate" href="../da/x/" hreflang="da"><link rel="icon" href="i.png"></head>'
        '<a href="../da/x/" hreflang="da" class="md-select__link">Dansk</a>'
    )
    fixed = fix_page(html)
    assert '<link rel="alternate"' not in fixed
    assert 'class="md-select__link"' in fixed and '<link rel="icon"' in fixed


def test_only_the_head_is_searched_for_alternates():
    body = '<link rel="alternate" href="x" hreflang="da">'  # in the body (a notebook's output, say): left alone
    assert fix_page(f"<head></head><body>{body}</body>") == f"<head></head><body>{body}</body>"


def test_search_dialog_takes_its_fields_label():
    html = '<div class="md-search" data-md-component="search" role="dialog"><input aria-label="Suche" name="query">'
    assert '<div class="md-search" data-md-component="search" role="dialog" aria-label="Suche">' in fix_page(html)


def test_notebook_code_is_focusable():
    assert fix_page('<div class="highlight-ipynb hl-python"><pre>x</pre></div>') == (
        '<div class="highlight-ipynb hl-python" tabindex="0"><pre>x</pre></div>'
    )


def test_notebook_page_addresses():
    assert page_dest("notebooks/first-look.ipynb", True) == ("notebooks/first-look/index.html", "notebooks/first-look/")
    assert page_dest("notebooks/index.ipynb", True) == ("notebooks/index.html", "notebooks/")
    assert page_dest("notebooks/first-look.ipynb", False) == ("notebooks/first-look.html", "notebooks/first-look.html")


def test_suffixed_names_follow_static_i18n():
    assert suffixed("lessons/gan/index.md", "da") == "lessons/gan/index.da.md"
    assert suffixed("notebooks/first-look.ipynb", "sl") == "notebooks/first-look.sl.ipynb"

"""The translator workflow: which translations are fresh or stale, what changed in English, importing
Co-op Translator output, and the checks a pull request must pass.

    coursekit i18n status [--json] [--strict]   a table of language x page
    coursekit i18n diff LANG PAGE                the English changes a stale translation lacks
    coursekit i18n import FILE... [--lang LANG]  Co-op Translator Markdown -> translations/<lang>/
    coursekit i18n lint [PATH...]                what CI checks on every pull request
    coursekit i18n new LANG PAGE                 start a translation from the English file
    coursekit i18n stamp LANG PAGE               mark an updated translation as following today's English

Modules: site (languages, pages and their files), status, diff, mojibake, mdscan (Markdown
scanning), links (the original course's link table), importer, lint, scaffold (new/stamp), cli.
None of them needs MkDocs or torch: CI runs them with pyyaml alone.
"""

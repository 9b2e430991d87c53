"""The translator's commands, on the translation model of coursekit.translations:

    coursekit i18n status [--json] [--strict]   a table of language x page, with a legend and next steps
    coursekit i18n diff LANG PAGE                the English changes a stale translation lacks
    coursekit i18n import FILE... [--lang LANG]  Co-op Translator Markdown -> translations/<lang>/
    coursekit i18n lint [PATH...]                what CI checks on every pull request (coursekit.lint)
    coursekit i18n new LANG PAGE                 start a translation from the English file
    coursekit i18n stamp LANG PAGE               mark an updated translation as following today's English
    coursekit i18n review LANG PAGE --by NAME    record a native speaker's review of a fresh translation
    coursekit i18n add-language CODE --name N    a new language's mkdocs.yml block and language.yml

Modules: cli, diff (the English changes, by section), importer and links (the original course's
link table), scaffold (new/stamp), review, languages (add-language). CI runs them with pyyaml alone.
"""

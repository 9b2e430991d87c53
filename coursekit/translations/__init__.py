"""The translation model: what the build and the translator's commands both know about translations.

- layout: the languages (mkdocs.yml), where English files and their translations live;
- syntax: one YAML loader with line numbers, and YAML/JSON errors explained at the line to fix;
- findings: one record for every problem found (file, line, severity, message);
- frontmatter: the three keys a translation names its English text by;
- git: blob ids, and earlier English texts from git history (read once per blob);
- notebook: cells as a translator sees them, and the one rule for "the same code";
- freshness: fresh, stale, untranslated;
- repository: one checkout, each file read and parsed once, with every translation's state;
- status: the language x page table; checks: what every translated file must pass;
- mdscan (Markdown scanning), placeholders (`{{ result RUN KEY }}`), mojibake (Mac Roman repair),
  numbers (decimals written with a point where the language writes a comma).

Nothing here needs MkDocs or torch: CI runs the checks with pyyaml alone. The plugin, the quiz
bank and the `coursekit i18n` commands build on this package; it imports none of them.
"""

"""`coursekit render`: run the course notebooks and publish what the site shows from them.

A notebook holds learners' code only. What the site needs from a run is declared beside it, in
cell metadata and in settings.yml (see coursekit.render.declare), and the renderer acts on it:

- declare.py   settings.yml (run sizes per notebook and mode) and the cells' declarations;
               `plumbing()` finds renderer calls in learners' code
- execute.py   runs a copy with hidden cells (the mode's values, the records) through nbclient
- kernel.py    imported by those hidden cells inside the kernel, nowhere else
- publish.py   stages the declared images and files, stores the notebook, swaps the folder in
- manifest.py  docs/assets/generated/manifest.json, read by the site build too
- cli.py       the command

The README's "regenerating outputs" section describes the declarations for notebook authors.
"""

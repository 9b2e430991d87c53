"""`python -m coursekit.demo bench | picture`: measure the widgets in headless Chromium, or draw
the mode-collapse picture (coursekit.demo.picture)."""
import sys

COMMANDS = {"bench": "coursekit.demo.bench", "picture": "coursekit.demo.picture"}

if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
    print("usage: python -m coursekit.demo bench [--site DIR] [--repeats N] [--lang LANG] [--json FILE]\n"
          "       python -m coursekit.demo picture [--root DIR]", file=sys.stderr)
    raise SystemExit(2)
module = __import__(COMMANDS[sys.argv[1]], fromlist=["main"])
raise SystemExit(module.main(sys.argv[2:]))

"""`python -m coursekit.demo bench`: measure the in-browser demo in headless Chromium."""
import sys

from coursekit.demo.bench import main

if len(sys.argv) < 2 or sys.argv[1] != "bench":
    print("usage: python -m coursekit.demo bench [--site DIR] [--repeats N] [--lang LANG] [--json FILE]",
          file=sys.stderr)
    raise SystemExit(2)
raise SystemExit(main(sys.argv[2:]))

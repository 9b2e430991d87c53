from ganlib.cli import main

raise SystemExit(main())

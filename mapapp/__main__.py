"""``python -m mapapp``."""

from mapapp.cli.main import main

raise SystemExit(main())

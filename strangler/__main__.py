"""`python -m strangler` -> cli.main()."""

from strangler.cli import main

raise SystemExit(main())

from goabilint.cli import main

raise SystemExit(main())

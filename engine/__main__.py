"""`python -m engine`: the `ratecard` command, for where its script is not on PATH."""

import sys

from engine.cli import main

sys.exit(main())

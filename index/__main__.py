"""``python -m index``: the engine's command line."""

import sys

from index.cli import main

sys.exit(main())

"""`python -m localproof` runs the command line."""

import sys

from localproof.cli import main

sys.exit(main())

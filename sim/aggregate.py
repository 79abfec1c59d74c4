"""`python -m sim.aggregate <sweep dir>`: a sweep's summary tables, by hand (the command; its code is
`sim.cli.aggregate`)."""

import sys

from sim.cli.aggregate import main

if __name__ == "__main__":
    sys.exit(main())

"""`python -m sim.report <sweep dir>`: the report of a sweep (the command; its code is `sim.analysis.report`)."""

import sys

from sim.analysis.report import main

if __name__ == "__main__":
    sys.exit(main())

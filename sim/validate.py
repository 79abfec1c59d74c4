"""`python -m sim.validate`: the historical scenarios against every comparable figure in data/ (the command; its
code is `sim.analysis.validate`)."""

import sys

from sim.analysis.validate import main

if __name__ == "__main__":
    sys.exit(main())

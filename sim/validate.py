"""`python -m sim.validate`: calibrations' posterior predictive (or the assumption values) against every
comparable figure in data/ (the command; its code is `sim.inference.validate`)."""

import sys

from sim.inference.validate import main

if __name__ == "__main__":
    sys.exit(main())

"""`python -m sim.calibrate`: fit assumption parameters to one historical scenario's record by ABC-SMC (the
command; its code is `sim.inference.calibrate`)."""

import sys

from sim.inference.calibrate import main

if __name__ == "__main__":
    sys.exit(main())

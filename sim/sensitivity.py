"""`python -m sim.sensitivity`: Morris screening of every assumption parameter, then Sobol indices of the top few
(the command; its code is `sim.inference.sensitivity`)."""

import sys

from sim.inference.sensitivity import main

if __name__ == "__main__":
    sys.exit(main())

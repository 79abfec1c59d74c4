"""`python -m sim.run`: one run, or a sweep with `-m` (the command; its code is `sim.cli.run`)."""

import sys

from sim.cli.run import cli

if __name__ == "__main__":
    cli(sys.argv[1:])

"""Entry point of `python -m bench.growth` (`make bench-growth`)."""

import sys

from bench.growth.runner import main

if __name__ == "__main__":
    sys.exit(main())

"""``python -m benchmarks``: see :mod:`benchmarks.runner`."""

import sys

from benchmarks.runner import main

__all__: list[str] = []

if __name__ == "__main__":
    sys.exit(main())

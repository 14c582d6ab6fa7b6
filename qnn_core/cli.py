"""The ``qnn-core`` command: ``qnn-core demo`` and ``qnn-core bench``.

``demo`` trains two small classifiers (see :mod:`qnn_core.demo`); ``demo --hybrid`` trains a
PyTorch model with a QNN layer (see :mod:`qnn_core.hybrid_demo`). ``bench`` hands its arguments
to the benchmark runner, ``benchmarks.runner.main(argv)``, which lives in the source checkout
(not in the installed package); it is imported only when asked for.
"""

from __future__ import annotations

import argparse
import importlib
import sys

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    from qnn_core import __version__

    parser = argparse.ArgumentParser(prog="qnn-core", description="qnn_core command-line tools")
    parser.add_argument("--version", action="version", version=f"qnn_core {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="train two small quantum classifiers and show progress")
    demo.add_argument("--maxiter", type=int, default=20,
                      help="optimizer iterations per classifier (default 20)")
    demo.add_argument("--seed", type=int, default=7, help="seed of data and initial weights (default 7)")
    demo.add_argument("--no-plot", action="store_true", help="do not save qnn_demo_loss.png")
    demo.add_argument("--output", metavar="DIR", default=".",
                      help="directory for qnn_demo_loss.png (default: current directory)")
    demo.add_argument("--hybrid", action="store_true",
                      help="train Linear -> QNN -> Linear with PyTorch instead (needs the torch "
                           "extra; --maxiter is then the number of epochs; saves qnn_hybrid_loss.png)")
    bench = commands.add_parser("bench", help="run the benchmarks (needs the source checkout)")
    bench.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the benchmark runner")
    return parser


def _demo(args) -> int:
    if args.maxiter < 1:
        print(f"qnn-core demo: --maxiter is {args.maxiter}; expected a positive integer",
              file=sys.stderr)
        return 2
    if args.hybrid:
        from qnn_core.hybrid_demo import run_hybrid_demo

        run_hybrid_demo(epochs=args.maxiter, seed=args.seed, plot=not args.no_plot,
                        output_dir=args.output)
        return 0
    from qnn_core.demo import run_demo

    run_demo(maxiter=args.maxiter, seed=args.seed, plot=not args.no_plot, output_dir=args.output)
    return 0


def _bench(args) -> int:
    try:
        runner = importlib.import_module("benchmarks.runner")
    except ImportError as exc:
        print("qnn-core bench: the benchmark runner is not available "
              f"({exc}). It lives in benchmarks/runner.py of the qnn_core source checkout; run "
              "this command from the repository root (or put it on PYTHONPATH).", file=sys.stderr)
        return 2
    status = runner.main(list(args.args))
    return 0 if status is None else int(status)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``qnn-core`` console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        return _demo(args)
    return _bench(args)


if __name__ == "__main__":
    sys.exit(main())

"""The command line: `python -m chainrule demo` (also installed as the `chainrule` script)."""

import argparse
import sys


def _parser():
    parser = argparse.ArgumentParser(
        prog="chainrule", description="chainrule: automatic differentiation on NumPy, with "
        "PyTorch's names.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="train a small CNN on scikit-learn's digits and write "
                          "its curves, graph and weights to an output folder")
    from .demo import DEFAULTS

    demo.add_argument("--epochs", type=int, default=DEFAULTS["epochs"])
    demo.add_argument("--batch-size", type=int, default=DEFAULTS["batch_size"])
    demo.add_argument("--lr", type=float, default=DEFAULTS["lr"])
    demo.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    demo.add_argument("--out", default=DEFAULTS["out_dir"],
                      help="output folder (default: %(default)s)")
    demo.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    sub.add_parser("version", help="print the version")
    return parser


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "version":
        from . import __version__

        print(__version__)
        return 0
    if args.command != "demo":
        parser.print_help()
        return 2
    from .demo import run

    try:
        run(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, seed=args.seed,
            out_dir=args.out, progress=not args.no_progress)
    except ImportError as e:
        print(f"chainrule demo: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

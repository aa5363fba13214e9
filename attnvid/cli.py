"""attnvid: check scripts and print their numbers.

Exit codes: 0 fine, 2 a script has problems (listed as FILE:LINE: message), 3 a bug of ours.
Never a traceback: a user should see what to fix, not where our code was.
"""
from __future__ import annotations

import argparse
import sys

from .problems import ScriptError
from .report import FORMATS, describe_focus, render
from .script import ModelFile, load, load_script


def _check(args) -> int:
    status = 0
    for path in args.scripts:
        try:
            script = load(path)
        except ScriptError as e:
            print(e, file=sys.stderr)
            status = 2
            continue
        if isinstance(script, ModelFile):
            m = script.model
            print(f"{path}: ok: a model file: {len(m.embeddings)} words, {len(m.positions)} positions, "
                  f"{m.dimensions}D vectors")
            continue
        traces = script.traces()
        words = sum(t.n for t in traces)
        summary = f"{path}: ok: {len(traces)} phrase{'s' if len(traces) != 1 else ''}, {words} words"
        facts = [f'"{t.text}" ({t.mask}): {describe_focus(t)}' for t in traces if t.focus is not None]
        print(summary + ("; " + "; ".join(facts) if facts else ""))
    return status


def _numbers(args) -> int:
    try:
        script = load_script(args.script)
    except ScriptError as e:
        print(e, file=sys.stderr)
        return 2
    sys.stdout.write(render(script, args.format))  # built whole first, so never half-written
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="attnvid", description="Animated self-attention explainers from YAML scripts.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    c = sub.add_parser("check", help="validate scripts; one summary line each, or FILE:LINE errors")
    c.add_argument("scripts", nargs="+", metavar="SCRIPT")
    c.set_defaults(run=_check)
    n = sub.add_parser("numbers", help="print every number of a script's self-attention trace")
    n.add_argument("script", metavar="SCRIPT")
    n.add_argument("--format", choices=FORMATS, default="table",
                   help="table (terminal), markdown (for a post), csv or json (full precision)")
    n.set_defaults(run=_numbers)
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `attnvid numbers ... | head`
        sys.stderr.close()
        return 0
    except Exception as e:  # a bug of ours: say so plainly, without a traceback
        print(f"attnvid: internal error ({type(e).__name__}: {e}); please report it with the script",
              file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())

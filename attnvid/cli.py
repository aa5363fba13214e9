"""attnvid: check scripts and print their numbers.

Exit codes: 0 fine, 2 a script has problems (listed as FILE:LINE: message), 3 a bug of ours.
Never a traceback: a user should see what to fix, not where our code was.
"""
from __future__ import annotations

import argparse
import json
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


def _fit(args) -> int:
    from .fitting import as_json, as_text, run_fit, write_model
    try:
        script = load_script(args.script)
        report = run_fit(script, steps=args.steps)
    except ScriptError as e:
        print(e, file=sys.stderr)
        return 2
    text = json.dumps(as_json(report), indent=2, ensure_ascii=False) + "\n" if args.format == "json" \
        else as_text(report)
    if args.write:
        try:
            write_model(report, args.write)
        except OSError as e:
            print(f"attnvid: cannot write {args.write}: {e.strerror or e}", file=sys.stderr)
            return 2
        if args.format != "json":
            text += f"Wrote {args.write}: a model file for `model:` in any script.\n"
    sys.stdout.write(text)
    return 0


def _positive(value: str) -> int:
    n = int(value)
    if not 1 <= n <= 100_000:
        raise argparse.ArgumentTypeError("steps must be between 1 and 100000")
    return n


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
    f = sub.add_parser("fit", help="learn W_search and W_offer for the script's focus/target pairs, "
                                   "and say which patterns 2D can hold")
    f.add_argument("script", metavar="SCRIPT")
    f.add_argument("--format", choices=("table", "json"), default="table")
    f.add_argument("--steps", type=_positive, default=3000, help="gradient steps (default 3000)")
    f.add_argument("--write", metavar="OUT.yaml", help="save the fitted matrices as a model file")
    f.set_defaults(run=_fit)
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

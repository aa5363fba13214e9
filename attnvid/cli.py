"""attnvid: check scripts, print their numbers, fit their matrices, render them.

Exit codes: 0 fine, 1 a render failed, 2 a script has problems (listed as FILE:LINE: message),
3 a bug of ours, 128 + the signal when stopped (130 Ctrl-C, 143 TERM, 129 HUP).
Never a traceback: a user should see what to fix, not where our code was.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from .problems import ScriptError, escaped, print_problems
from .report import FORMATS, VALUES, describe_focus, render
from .script import ModelFile, load, load_script


def _check(args) -> int:
    status = 0
    for path in args.scripts:
        try:
            script = load(path)
        except ScriptError as e:
            status = print_problems(e)
            continue
        if isinstance(script, ModelFile):
            m = script.model
            print(escaped(f"{path}: ok: a model file: {len(m.embeddings)} words, {len(m.positions)} positions, "
                          f"{m.dimensions}D vectors"))
            continue
        traces = script.shown_traces()     # its sentences state what the videos show
        words = sum(t.n for t in traces)
        summary = f"{path}: ok: {len(traces)} phrase{'s' if len(traces) != 1 else ''}, {words} words"
        facts = [f'"{t.text}" ({t.mask}): {describe_focus(t)}' for t in traces if t.focus is not None]
        print(escaped(summary + ("; " + "; ".join(facts) if facts else "")))
    return status


def _numbers(args) -> int:
    try:
        script = load_script(args.script)
    except ScriptError as e:
        return print_problems(e)
    sys.stdout.write(render(script, args.format, args.values))  # built whole first, so never half-written
    return 0


def _fit(args) -> int:
    from .fitting import as_json, as_text, run_fit, write_model
    try:
        script = load_script(args.script)
        report = run_fit(script, steps=args.steps, prefer=args.prefer, heads=args.heads)
    except ScriptError as e:
        return print_problems(e)
    text = json.dumps(as_json(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n" if args.format == "json" \
        else as_text(report)
    if args.write:
        try:
            write_model(report, args.write)
        except OSError as e:
            print(escaped(f"attnvid: cannot write {args.write}: {e.strerror or e}"), file=sys.stderr)
            return 2
        if args.format != "json":
            text += f"Wrote {args.write}: a model file for `model:` in any script.\n"
    sys.stdout.write(text)
    return 0


def _render(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .publish import FORMATS, Options, Renderer, SectionCache, process

    formats = tuple(dict.fromkeys(f.strip() for f in args.formats.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        print(f"attnvid render: --formats takes a comma-separated list of {', '.join(FORMATS)} "
              f"(got {args.formats!r})", file=sys.stderr)
        return 2
    problem = _unusable_out(Path(args.out))
    if problem:
        print(escaped(f"attnvid render: --out {args.out}: {problem}"), file=sys.stderr)
        return 2
    from .narration.synthesis import BUNDLED, NO_VOICE
    if args.voice is not None and args.voice not in (*BUNDLED, NO_VOICE) and not args.voice.endswith(".onnx"):
        print(escaped(f"attnvid render: --voice {args.voice}: give {', '.join((*BUNDLED, NO_VOICE))} or the path "
                      "of a Piper voice file (.onnx)"), file=sys.stderr)
        return 2
    options = Options(out=Path(args.out), quality=args.quality, formats=formats,
                      transparent=args.transparent, jobs=args.jobs,
                      cache=None if args.no_cache else SectionCache(),
                      voice=str(Path(args.voice).resolve()) if args.voice and args.voice.endswith(".onnx")
                      else args.voice)
    err = Console(stderr=True)
    columns = (TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[status]}"))
    received: list[int] = []

    def stop(signum, frame):        # TERM (kill, systemd) and HUP (the terminal closed) as Ctrl-C
        received.append(signum)
        raise KeyboardInterrupt
    before = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        with Progress(*columns, console=err) as progress:
            def say(text: str) -> None:    # above the bars, as written: no markup, one line
                progress.console.print(escaped(text), markup=False, highlight=False, soft_wrap=True)
            outcomes = Renderer(options, progress, note=say).run(args.scripts)
    except KeyboardInterrupt:
        why = signal.Signals(received[0]).name if received else "Ctrl-C"
        print(f"attnvid render: stopped ({why}); unfinished bundles were not written", file=sys.stderr)
        return 128 + (received[0] if received else signal.SIGINT)
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
        process.reset()
    for note in options.cache.dropped if options.cache is not None else ():
        print(escaped(f"attnvid render: {note}"), file=sys.stderr)
    status = 0
    for o in outcomes:
        if o.bundle is not None:
            m = o.manifest
            sizes = ", ".join(f"{k} {m.sizes[m.files[k]] / 1e6:.1f} MB" for k in ("mp4", "webm", "mov", "gif")
                              if k in m.files)
            print(escaped(f"{o.script}: {o.bundle}/index.html ({m.duration:.1f} s, {len(m.sections)} sections; {sizes})"))
        else:
            for line in (o.error or "").splitlines() or [""]:
                print(escaped(f"{o.script}: FAILED: {line}"), file=sys.stderr)
            status = max(status, 2 if o.script_problem else 1)
    return status


def _say(args) -> int:
    from .narration.say import say
    from .narration.synthesis import NO_VOICE, VoiceMissing, find_voice
    from .publish.worker import RenderError
    from .script import load_script

    try:
        script = load_script(args.script)
    except ScriptError as e:
        return print_problems(e)
    choice = args.voice or script.voice
    try:
        voice = find_voice(choice)
    except VoiceMissing as e:
        print(escaped(f"attnvid say: {e}"), file=sys.stderr)
        return 2
    if voice is None:
        print(f"attnvid say: the voice is {NO_VOICE!r}, so there is nothing to say; pass --voice joe", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else Path(f"{Path(args.script).stem}-narration.wav")
    try:
        said = say(args.script, voice, out)
    except (RenderError, OSError, RuntimeError) as e:
        print(escaped(f"attnvid say: {e}"), file=sys.stderr)
        return 1
    print(escaped(f"{said.wav}: {said.lines} lines, {said.seconds:.1f} s, {said.loudness.integrated:.1f} LUFS, "
                  f"true peak {said.loudness.true_peak:.1f} dBTP; subtitles in {said.srt}"))
    return 0


def _unusable_out(out: Path) -> str:
    """Why `out` cannot hold bundles ('' if it can): created here, so the run fails before any
    rendering, with a sentence instead of an internal error."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        return "is a file, not a folder; name a folder (it is created if missing)"
    except NotADirectoryError:
        return "a part of the path is a file, not a folder"
    except PermissionError:
        return "cannot be created here (permission denied)"
    except OSError as e:
        return f"cannot be created ({e.strerror or e})"
    if not out.is_dir():
        return "is not a folder"
    if not os.access(out, os.W_OK | os.X_OK):
        return "is not writable (permission denied)"
    return ""


def _jobs(value: str) -> int:
    n = int(value)
    if not 1 <= n <= 64:
        raise argparse.ArgumentTypeError("jobs must be between 1 and 64")
    return n


def _heads(value: str) -> int:
    from .script import MAX_HEADS
    n = int(value)
    if not 1 <= n <= MAX_HEADS:
        raise argparse.ArgumentTypeError(f"heads must be between 1 and {MAX_HEADS}")
    return n


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
    n.add_argument("--values", choices=VALUES, default=None,
                   help="shown: as the videos show them, each step from the previous step's shown numbers "
                        "(default for table and markdown); exact: the exact floats (default for csv and json)")
    n.set_defaults(run=_numbers)
    f = sub.add_parser("fit", help="learn W_search and W_offer for the script's focus/target pairs, "
                                   "and say which patterns 2D can hold")
    f.add_argument("script", metavar="SCRIPT")
    f.add_argument("--format", choices=("table", "json"), default="table")
    f.add_argument("--steps", type=_positive, default=3000, help="gradient steps (default 3000)")
    f.add_argument("--prefer", choices=("direction", "weight"), default="direction",
                   help="direction (default): prefer matrices under which each target wins because its offer "
                        "points closest to the search, not because it is longest; weight: the targets' weights only")
    f.add_argument("--heads", type=_heads, default=None, metavar="N",
                   help="fit N heads (1 to 4), each target on top of a head of its own; --write then saves "
                        "them as `heads:` (default: the model's heads)")
    f.add_argument("--write", metavar="OUT.yaml", help="save the fitted matrices as a model file")
    f.set_defaults(run=_fit)
    r = sub.add_parser("render", help="render scripts into publishable bundles: mp4/webm/gif, captions, "
                                      "a page, a presenter page and one clip per section")
    r.add_argument("scripts", nargs="+", metavar="SCRIPT")
    r.add_argument("--quality", choices=("l", "m", "h", "k", "p"), default="l",
                   help="l 480p15 (default), m 720p30, h 1080p60, k 2160p60, p 1080p30 (publishing; make video)")
    r.add_argument("--formats", default="mp4,webm", help="comma-separated: mp4,webm,gif (default mp4,webm)")
    r.add_argument("--out", default="site", metavar="DIR", help="one folder per script is written here (default site/)")
    r.add_argument("--transparent", action="store_true",
                   help="no background: a .mov and a .webm with alpha, for overlaying in a video editor")
    r.add_argument("--jobs", type=_jobs, default=os.cpu_count() or 1, metavar="N",
                   help="processes at once (default: the number of cores); one video is split by section "
                        "when there are more processes than videos")
    r.add_argument("--voice", metavar="VOICE", default=None,
                   help="who narrates: joe (the default), none (silent), or a Piper .onnx voice file; "
                        "overrides the scripts' `voice:`")
    r.add_argument("--no-cache", action="store_true",
                   help="render every section again (by default, sections whose inputs and our code are "
                        "unchanged come from the cache in $XDG_CACHE_HOME/attnvid, else ~/.cache/attnvid)")
    r.set_defaults(run=_render)

    s = sub.add_parser("say", help="the narration alone, as the video will say it: a WAV and its .srt")
    s.add_argument("script", metavar="SCRIPT")
    s.add_argument("--voice", metavar="VOICE", default=None, help="joe (the default) or a Piper .onnx voice file; "
                   "overrides the script's `voice:`")
    s.add_argument("--out", metavar="FILE.wav", default=None, help="default: SCRIPT's name + -narration.wav")
    s.set_defaults(run=_say)
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
        print(escaped(f"attnvid: internal error ({type(e).__name__}: {e}); please report it with the script"),
              file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())

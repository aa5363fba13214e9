"""`attnvid render`: scripts in, publishable bundles out (README, "Publishing").

- plan.py: which scene a script becomes, its sections, and how they are shared out between processes;
- render.py: the orchestration: plan, cache lookup, runs, threads, Ctrl-C, one Outcome a script;
- worker.py: one manim process renders a run of sections; its Timeline becomes one Clip a section;
- process.py: child processes that Ctrl-C stops, with their children;
- cache.py: the section cache, keyed by the drawing code and what each section reads (the registry);
- bundle.py: the clips become the bundle: joined video, section clips, captions, poster, web formats, pages, manifest;
- media.py: ffmpeg and ffprobe, one output file a function;
- captions.py: cues as .srt and .vtt;
- pages.py: the HTML pages: the player with embed snippets, the presenter page, the folder index;
- records.py: the files passed between processes and runs (Timeline, CacheEntry, Manifest), and the ATTN_* names.
"""
from .bundle import FORMATS
from .cache import SectionCache
from .records import ATTN_SCRIPT, ATTN_SECTIONS, ATTN_TIMELINE, CacheEntry, Manifest, Section, Timeline
from .render import Options, Outcome, Renderer

__all__ = ["FORMATS", "Options", "Outcome", "Renderer", "SectionCache", "Manifest", "Section", "Timeline", "CacheEntry",
           "ATTN_SCRIPT", "ATTN_SECTIONS", "ATTN_TIMELINE"]

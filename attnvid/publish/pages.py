"""The HTML a bundle ships: a page that plays the video, the snippets to embed it, a presenter
page for lectures, and an index of every bundle in the folder.

All pages are self-contained (inline CSS and JS, no CDN), so they work published as is, from a
USB stick or from file://. Every string that came from a script (title, section names,
captions) is escaped here: text, never markup. Captions also travel inline as JSON, because
Chromium refuses to load a <track> file from a file:// page; the page then adds the cues itself.
When the script burns its captions into the frames (`captions: screen`, the default), the
player's captions start switched off, or the viewer would read every sentence twice.
"""
from __future__ import annotations

import html
import json
from urllib.parse import quote

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;background:#fafafa}
video{width:100%;height:auto;background:#000;border-radius:6px}
textarea{width:100%;font-family:ui-monospace,monospace;font-size:.85rem;padding:.5rem;box-sizing:border-box}
table{border-collapse:collapse}td,th{padding:.2rem .8rem;text-align:left}
.muted{color:#666;font-size:.9rem}
"""


def _json_for_script(data) -> str:
    """JSON that cannot close the <script> element it sits in."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


# The fallback when <track> did not load (file:// in Chromium): add the same cues by script.
_CUES_FALLBACK = """
function addCues(video, cues, show) {
  const track = video.addTextTrack("captions", "English", "en");
  for (const [start, end, text] of cues) track.addCue(new VTTCue(start, end, text));
  track.mode = show ? "showing" : "hidden";
  return track;
}
"""


def href(path: str) -> str:
    """A relative path as an attribute value: percent-encoded first (a script named `cat#sat`
    or `my cat` gives files whose '#' would start a fragment and whose space ends a Markdown
    link), then HTML-escaped."""
    return html.escape(quote(path, safe="/"), quote=True)


def video_tag(m: dict, prefix: str = "", indent: str = "") -> str:
    """The <video> element for a bundle's manifest; `prefix` is the path to the bundle folder."""
    a = lambda name: href(prefix + name)  # noqa: E731
    lines = [f'<video controls preload="metadata" playsinline width="{m["width"]}" height="{m["height"]}"'
             f' poster="{a(m["files"]["poster"])}">']
    for kind, mime in (("mp4", "video/mp4"), ("webm", "video/webm")):
        if kind in m["files"]:
            lines.append(f'  <source src="{a(m["files"][kind])}" type="{mime}">')
    default = "" if m.get("captions_on_screen", True) else " default"
    lines.append(f'  <track kind="captions" src="{a(m["files"]["vtt"])}" srclang="en" label="English"{default}>')
    lines.append("</video>")
    return "\n".join(indent + line for line in lines)


def snippets(m: dict) -> dict[str, str]:
    """What a blogger pastes: paths are relative to the folder that holds the bundle folder."""
    prefix = m["name"] + "/"
    title = m["title"]
    shown = m["files"].get("gif", m["files"]["poster"])
    target = m["files"].get("mp4", m["files"].get("webm"))
    markdown = f"[![{_md(title)}]({quote(prefix + shown, safe='/')})]({quote(prefix + target, safe='/')})"
    return {"html": video_tag(m, prefix), "markdown": markdown}


def _md(text: str) -> str:
    return "".join("\\" + ch if ch in "\\[]()*_`<>" else ch for ch in text)


def index_page(m: dict) -> str:
    title = html.escape(m["title"])
    snip = snippets(m)
    files = "".join(f'<tr><td><a href="{href(f)}">{html.escape(f)}</a></td>'
                    f'<td>{_size(m["sizes"][f])}</td></tr>' for f in sorted(m["sizes"]))
    sections = ""
    if m["sections"]:
        rows = "".join(f'<li><a href="{href(s["file"])}">{html.escape(s["name"])}</a> '
                       f'<span class="muted">{s["duration"]:.1f} s</span></li>' for s in m["sections"])
        lecture = ('<p><a href="presenter.html">Presenter mode</a>: one clip at a time; → / space / click '
                   'for the next, ← for the previous.</p>' if m["files"].get("presenter") else "")
        sections = f"<h2>Sections</h2>{lecture}<ol>{rows}</ol>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{_STYLE}</style></head>
<body>
<h1>{title}</h1>
{video_tag(m)}
<p class="muted">{m["duration"]:.1f} s · {m["width"]}×{m["height"]} · {m["fps"]:g} fps · captions in
<a href="{href(m["files"]["vtt"])}">WebVTT</a> and <a href="{href(m["files"]["srt"])}">SRT</a></p>
<h2>Embed it</h2>
<p>HTML (copy the <code>{html.escape(m["name"])}</code> folder next to your page):</p>
<textarea readonly rows="8" id="snippet-html">{html.escape(snip["html"])}</textarea>
<p>Markdown (a still that links to the video):</p>
<textarea readonly rows="2" id="snippet-markdown">{html.escape(snip["markdown"])}</textarea>
{sections}
<h2>Files</h2><table>{files}</table>
<script>
{_CUES_FALLBACK}
const cues = {_json_for_script(m["cues"])};
const video = document.querySelector("video");
const track = video.querySelector("track");
const showCaptions = {"false" if m.get("captions_on_screen", True) else "true"};
if (!showCaptions) track.track.mode = "hidden";   // loaded, off until the viewer turns them on
track.addEventListener("error", () => {{ track.track.mode = "disabled"; addCues(video, cues, showCaptions); }});
</script>
</body></html>
"""


def presenter_page(m: dict) -> str:
    """Plays the section clips one at a time and waits at the end of each for the presenter.
    A narrated bundle's clips play with their sound; a browser that refuses sound before the
    first key or click gets it muted until then."""
    clips = [{"src": quote(s["file"], safe="/"), "name": s["name"], "cues": s["cues"]} for s in m["sections"]]
    title = html.escape(m["title"])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — presenter</title>
<style>
html,body{{margin:0;height:100%;background:#000;overflow:hidden;font-family:system-ui,sans-serif}}
video{{width:100vw;height:100vh;object-fit:contain;display:block}}
#status{{position:fixed;right:1rem;bottom:.7rem;color:#aaa;font-size:14px;transition:opacity .6s}}
#status.hidden,#help.hidden{{opacity:0}}
#help{{position:fixed;left:1rem;top:.7rem;color:#777;font-size:13px;transition:opacity .6s}}
</style></head>
<body>
<video id="clip"{"" if m.get("voice") else " muted"} playsinline preload="auto"></video>
<div id="status"></div>
<div id="help">→ space click: next · ←: back · f: full screen{" · m: sound" if m.get("voice") else ""}</div>
<script>
{_CUES_FALLBACK}
const clips = {_json_for_script(clips)};
const video = document.getElementById("clip");
const status = document.getElementById("status");
const help = document.getElementById("help");
const showCaptions = {"false" if m.get("captions_on_screen", True) else "true"};
const narrated = {"true" if m.get("voice") else "false"};
const presenter = {{index: -1, clips: clips}};
window.presenter = presenter;
let hideTimer = null;

function show(i) {{
  i = Math.max(0, Math.min(clips.length - 1, i));
  presenter.index = i;
  for (const t of video.textTracks) t.mode = "disabled";
  video.src = clips[i].src;
  addCues(video, clips[i].cues, showCaptions);
  video.play().catch(() => {{
    if (!video.muted) {{ video.muted = true; video.play().catch(() => {{}}); }}   // sound after a gesture
  }});
  status.textContent = (i + 1) + " / " + clips.length + " · " + clips[i].name;
  status.classList.remove("hidden");
  clearTimeout(hideTimer);
  hideTimer = setTimeout(() => {{ status.classList.add("hidden"); help.classList.add("hidden"); }}, 2500);
  history.replaceState(null, "", "#" + (i + 1));
}}
function next() {{ if (presenter.index < clips.length - 1) show(presenter.index + 1); }}
function back() {{ show(presenter.index - 1); }}

function heard() {{ if (narrated && video.dataset.silenced !== "1") video.muted = false; }}
document.addEventListener("keydown", (e) => {{
  if (e.key === "m") {{ video.muted = !video.muted; video.dataset.silenced = video.muted ? "1" : "0"; return; }}
  heard();
  if (["ArrowRight", "ArrowDown", "PageDown", " ", "Enter"].includes(e.key)) {{ next(); e.preventDefault(); }}
  else if (["ArrowLeft", "ArrowUp", "PageUp", "Backspace"].includes(e.key)) {{ back(); e.preventDefault(); }}
  else if (e.key === "Home") show(0);
  else if (e.key === "End") show(clips.length - 1);
  else if (e.key === "f") (document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen()).catch(() => {{}});
}});
document.addEventListener("click", () => {{ heard(); next(); }});
const start = parseInt(location.hash.slice(1), 10);
show(Number.isFinite(start) ? start - 1 : 0);
</script>
</body></html>
"""


def folder_index(manifests: list[dict]) -> str:
    """The top page of the output folder: every bundle in it."""
    items = "".join(
        f'<li><a href="{href(m["name"] + "/index.html")}">{html.escape(m["title"])}</a> '
        f'<span class="muted">{m["duration"]:.0f} s · {html.escape(m["name"])}</span></li>' for m in manifests)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Self-attention videos</title><style>{_STYLE}</style></head>
<body><h1>Self-attention videos</h1><ul>{items}</ul></body></html>
"""

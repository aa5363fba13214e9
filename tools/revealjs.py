"""Put reveal.js where `manim-slides convert --offline` looks first, so it never goes to a CDN.

With --offline, manim-slides 5.7.0 takes each stylesheet and script its HTML template links
to (the six in FILES, for the default black theme) from
platformdirs.user_cache_path("manim-slides") / f"revealjs{reveal_version}" / <file name>,
that is $XDG_CACHE_HOME/manim-slides/revealjs6.0.1/ on Linux, and downloads from jsDelivr only
what is missing there. This fills that folder from the npm registry's tarball of reveal.js,
checked against the sha512 the registry publishes for it. Files already there are kept.
(Of the other themes, several @import Google Fonts, so they would not be offline anyway.)

    XDG_CACHE_HOME=.cache python tools/revealjs.py      # `make slides` runs it so
"""
from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "6.0.1"   # manim-slides 5.7.0's default reveal_version; fill() checks they agree
TARBALL = f"https://registry.npmjs.org/reveal.js/-/reveal.js-{VERSION}.tgz"
# `dist.integrity` of https://registry.npmjs.org/reveal.js/6.0.1
INTEGRITY = "sha512-9eacArNIgqO2HGWOK+93gJNn+gvdGDVbSq+i2u3Ja9kjiHps0XNLpgYTZTYjKRH91uXy3clGimeGiw4umHG/tg=="

# cached name (manim-slides keys the cache by the link's last path part) -> path in the tarball
FILES = {
    "reveal.css": "package/dist/reveal.css",
    "black.css": "package/dist/theme/black.css",
    "zenburn.css": "package/dist/plugin/highlight/zenburn.css",
    "reveal.js": "package/dist/reveal.js",
    "notes.js": "package/dist/plugin/notes.js",
    "markdown.js": "package/dist/plugin/markdown.js",   # linked only when a slide has notes
}


def cache_dir() -> Path:
    """The folder manim-slides reads, worked out the way it does."""
    from manim_slides.convert import RevealJS
    from platformdirs import user_cache_path
    default = RevealJS.model_fields["reveal_version"].default
    if default != VERSION:
        raise SystemExit(f"manim-slides now defaults to reveal.js {default}, not {VERSION}: "
                         f"update VERSION and INTEGRITY in {__file__}")
    return user_cache_path("manim-slides") / f"revealjs{VERSION}"


def verify(data: bytes) -> None:
    """Raise unless `data` is the tarball npm published (its Subresource Integrity string)."""
    algorithm, expected = INTEGRITY.split("-", 1)
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise ValueError(f"{TARBALL}: {algorithm} is {actual}, expected {expected}")


def fill() -> Path:
    """Make sure every file in FILES is in the cache folder; returns the folder."""
    folder = cache_dir()
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        with urllib.request.urlopen(TARBALL, timeout=60) as response:
            data = response.read()
        verify(data)
        folder.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for name in missing:
                partial = folder / f"{name}.part"
                partial.write_bytes(tar.extractfile(FILES[name]).read())
                partial.replace(folder / name)   # never a half-written file under the real name
    return folder


if __name__ == "__main__":
    try:
        print(fill())
    except (OSError, ValueError) as e:
        sys.exit(f"tools/revealjs.py: {e}")

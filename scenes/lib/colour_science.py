"""Just enough colour science to choose word colours: sRGB hex -> CIELAB (D65), CIEDE2000
colour difference, and a stable hash for a word outside the vocabulary. No manim here.

CIEDE2000 follows G. Sharma, W. Wu and E. N. Dalal, "The CIEDE2000 color-difference formula:
implementation notes, supplementary test data, and mathematical observations", Color Research &
Application 30(1), 21-30 (2005); tests/test_word_colours.py checks it against their test pairs.
"""
from __future__ import annotations

import hashlib
import math

__all__ = ["hex_to_rgb", "srgb_to_lab", "lab", "ciede2000", "delta_e", "stable_index"]

# D65 reference white (CIE 1931 2°), Y normalised to 1, as in IEC 61966-2-1 (sRGB)
_WHITE = (0.95047, 1.0, 1.08883)
_SRGB_TO_XYZ = ((0.4124564, 0.3575761, 0.1804375),
                (0.2126729, 0.7151522, 0.0721750),
                (0.0193339, 0.1191920, 0.9503041))


def hex_to_rgb(colour: str) -> tuple[float, float, float]:
    """'#RRGGBB' -> (r, g, b) in 0..1."""
    h = colour.lstrip("#")
    if len(h) != 6:
        raise ValueError(f"expected #RRGGBB, got {colour!r}")
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))


def srgb_to_lab(rgb) -> tuple[float, float, float]:
    """sRGB (0..1 per channel, gamma-encoded) -> CIELAB (L*, a*, b*) under D65."""
    def linear(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgb)
    xyz = [m[0] * r + m[1] * g + m[2] * b for m in _SRGB_TO_XYZ]

    def f(t):
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29
    fx, fy, fz = (f(v / w) for v, w in zip(xyz, _WHITE))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def lab(colour: str) -> tuple[float, float, float]:
    """'#RRGGBB' -> CIELAB."""
    return srgb_to_lab(hex_to_rgb(colour))


def ciede2000(lab1, lab2, kL: float = 1.0, kC: float = 1.0, kH: float = 1.0) -> float:
    """CIEDE2000 colour difference of two CIELAB colours (Sharma, Wu, Dalal 2005, eqs. 1-22)."""
    L1, a1, b1 = lab1
    L2, a2, b2 = lab2
    C_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    G = 0.5 * (1 - math.sqrt(C_bar ** 7 / (C_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p, C2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if C1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if C2p else 0.0

    dLp = L2 - L1
    dCp = C2p - C1p
    if C1p * C2p == 0:
        dhp = 0.0
    elif abs(h2p - h1p) <= 180:
        dhp = h2p - h1p
    elif h2p - h1p > 180:
        dhp = h2p - h1p - 360
    else:
        dhp = h2p - h1p + 360
    dHp = 2 * math.sqrt(C1p * C2p) * math.sin(math.radians(dhp / 2))

    Lp_bar = (L1 + L2) / 2
    Cp_bar = (C1p + C2p) / 2
    if C1p * C2p == 0:
        hp_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hp_bar = (h1p + h2p + 360) / 2
    else:
        hp_bar = (h1p + h2p - 360) / 2
    T = (1 - 0.17 * math.cos(math.radians(hp_bar - 30)) + 0.24 * math.cos(math.radians(2 * hp_bar))
         + 0.32 * math.cos(math.radians(3 * hp_bar + 6)) - 0.20 * math.cos(math.radians(4 * hp_bar - 63)))
    d_theta = 30 * math.exp(-(((hp_bar - 275) / 25) ** 2))
    R_C = 2 * math.sqrt(Cp_bar ** 7 / (Cp_bar ** 7 + 25 ** 7))
    S_L = 1 + 0.015 * (Lp_bar - 50) ** 2 / math.sqrt(20 + (Lp_bar - 50) ** 2)
    S_C = 1 + 0.045 * Cp_bar
    S_H = 1 + 0.015 * Cp_bar * T
    R_T = -math.sin(math.radians(2 * d_theta)) * R_C
    l, c, h = dLp / (kL * S_L), dCp / (kC * S_C), dHp / (kH * S_H)
    return math.sqrt(l * l + c * c + h * h + R_T * c * h)


def delta_e(colour1: str, colour2: str) -> float:
    """CIEDE2000 between two '#RRGGBB' colours."""
    return ciede2000(lab(colour1), lab(colour2))


def stable_index(text: str, n: int) -> int:
    """A deterministic index in 0..n-1 for a string, the same in every process (unlike hash())."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") % n

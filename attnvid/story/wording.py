"""How the captions join words: one place, so every list reads alike."""
from __future__ import annotations

from typing import Iterable

__all__ = ["listed"]


def listed(items: Iterable[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' ('' for none); `last` joins the final item ('or', ...)."""
    items = list(items)
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1]

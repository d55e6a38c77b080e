"""Chart geometry for server-side SVG: plain numbers and strings that a template draws.

Nothing here writes markup. Templates render these shapes with Jinja2's autoescape, so labels taken from articles
(outlet and side names) stay text. Every chart also carries a table of its numbers (``rows``) so it reads without
colour and without the picture.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

# Okabe–Ito hues darkened so white letters on them keep a contrast of at least 4.5:1.
PALETTE = ["#0b6aa2", "#a84f00", "#007a5a", "#b0307a", "#6a4c93", "#7a6000", "#444444", "#00738a"]
# Fill patterns paired with the colours, so sides differ by more than colour.
PATTERNS = ["solid", "hatch", "dots", "cross", "solid", "hatch", "dots", "cross"]


def side_styles(sides: list[str]) -> dict[str, dict[str, str]]:
    """A stable colour and pattern per side name, in the order given."""
    return {s: {"color": PALETTE[i % len(PALETTE)], "pattern": PATTERNS[i % len(PATTERNS)], "key": f"p{i % 8}"}
            for i, s in enumerate(sides)}


def coverage_over_time(dates: list[str | None], width: int = 640, height: int = 120) -> dict[str, Any]:
    """Articles per day as bars. ``dates`` are ISO dates or datetimes; undated articles are counted apart."""
    days = Counter((d or "")[:10] for d in dates if d)
    undated = sum(1 for d in dates if not d)
    if not days:
        return {"bars": [], "rows": [], "undated": undated, "width": width, "height": height, "max": 0}
    keys = sorted(days)
    top = max(days.values())
    pad_left, pad_bottom, pad_top = 28, 22, 8
    inner_w, inner_h = width - pad_left - 4, height - pad_bottom - pad_top
    step = inner_w / len(keys)
    bw = max(2.0, min(40.0, step * 0.8))
    bars = []
    label_every = max(1, len(keys) // 8)
    for i, k in enumerate(keys):
        h = inner_h * days[k] / top
        bars.append({"x": round(pad_left + i * step + (step - bw) / 2, 1), "y": round(pad_top + inner_h - h, 1),
                     "w": round(bw, 1), "h": round(h, 1), "date": k, "count": days[k],
                     "label": k[5:] if i % label_every == 0 else "", "lx": round(pad_left + i * step + step / 2, 1)})
    return {"bars": bars, "rows": [{"date": k, "count": days[k]} for k in keys], "undated": undated,
            "width": width, "height": height, "max": top, "base_y": pad_top + inner_h, "left": pad_left}


def stacked_shares(items: list[tuple[str, dict[str, float]]], sides: list[str], width: int = 640,
                   row_h: int = 18) -> dict[str, Any]:
    """One horizontal 100% bar per (label, {side: share}); segments keep the order of ``sides``."""
    styles = side_styles(sides)
    label_w = 170
    bar_w = width - label_w - 50
    rows = []
    for i, (label, shares) in enumerate(items):
        y = 4 + i * (row_h + 6)
        x = float(label_w)
        segs = []
        total = sum(v for v in shares.values() if isinstance(v, (int, float))) or 1.0
        for s in sides:
            v = shares.get(s)
            if not isinstance(v, (int, float)) or v <= 0:
                continue
            w = bar_w * v / total
            segs.append({"side": s, "x": round(x, 1), "w": round(w, 1), "pct": round(100 * v / total),
                         **styles[s]})
            x += w
        rows.append({"label": label, "y": y, "ty": y + row_h - 5, "segments": segs,
                     "text": ", ".join(f"{g['side']} {g['pct']}%" for g in segs)})
    return {"rows": rows, "width": width, "height": 8 + len(items) * (row_h + 6), "row_h": row_h,
            "label_w": label_w, "legend": [{"side": s, **styles[s]} for s in sides]}


def value_matrix(rows: list[tuple[str, dict[str, int]]], outlets: list[str], cell: int = 18) -> dict[str, Any]:
    """Contested facts × outlets: each cell holds the index of the value the outlet reports (letters A, B, …, so
    the value reads without colour), empty where the outlet is silent."""
    label_w, head_h = 230, 110
    cells = []
    for r, (label, picks) in enumerate(rows):
        for c, o in enumerate(outlets):
            k = picks.get(o)
            if k is None:
                continue
            cells.append({"x": label_w + c * cell, "y": head_h + r * cell, "letter": chr(ord("A") + k % 26),
                          "color": PALETTE[k % len(PALETTE)], "outlet": o, "fact": label,
                          "tx": label_w + c * cell + cell / 2, "ty": head_h + r * cell + cell - 5})
    return {"cells": cells, "cell": cell, "label_w": label_w, "head_h": head_h,
            "width": label_w + max(1, len(outlets)) * cell + 70,  # room for the slanted outlet names "height": head_h + max(1, len(rows)) * cell + 4,
            "rows": [{"label": label if len(label) <= 34 else label[:33] + "…", "y": head_h + r * cell + cell - 5}
                     for r, (label, _) in enumerate(rows)],
            "columns": [{"outlet": o, "x": label_w + c * cell + cell / 2 + 4, "y": head_h - 4}
                        for c, o in enumerate(outlets)]}

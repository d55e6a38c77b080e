"""The outlet registry: a CSV file the user edits, giving each outlet's country, type, side and free labels.

    outlet,country,type,side,labels
    China Daily,CN,state media,China,english;daily
    MENAFN,JO,wire,,aggregator

``type`` is free text (wire, state media, public, commercial, …); ``side`` is whatever grouping the user compares
(a country, a camp, a political leaning); ``labels`` are separated by ``;``. Names match case-insensitively.
Sides in story pages, outlet pages and blindspots come from here; outlets not listed have no side.
"""
from __future__ import annotations

import csv
from pathlib import Path

FIELDS = ("outlet", "country", "type", "side", "labels")


class Registry(dict):
    """outlet name -> {"country", "type", "side", "labels"}; ``get`` ignores case and surrounding spaces."""

    def __init__(self, rows: dict[str, dict] | None = None):
        super().__init__(rows or {})
        self._folded = {k.strip().casefold(): v for k, v in self.items()}

    def get(self, outlet, default=None):  # type: ignore[override]
        return self._folded.get((outlet or "").strip().casefold(), default)

    def side(self, outlet: str) -> str | None:
        return (self.get(outlet) or {}).get("side") or None

    def sides(self) -> list[str]:
        return sorted({v["side"] for v in self.values() if v.get("side")})


def load_registry(path: str | Path | None) -> Registry:
    if not path:
        return Registry()
    rows: dict[str, dict] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"outlet"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: the header must name an 'outlet' column (columns: {', '.join(FIELDS)})")
        for r in reader:
            name = (r.get("outlet") or "").strip()
            if not name:
                continue
            rows[name] = {"country": (r.get("country") or "").strip() or None,
                          "type": (r.get("type") or "").strip() or None,
                          "side": (r.get("side") or "").strip() or None,
                          "labels": [x.strip() for x in (r.get("labels") or "").split(";") if x.strip()]}
    return Registry(rows)


def blindspot(outlets: list[str], registry: Registry) -> dict | None:
    """Which registered sides cover a story and which do not, when the registry names two or more sides."""
    all_sides = registry.sides()
    if len(all_sides) < 2:
        return None
    covered = sorted({s for o in outlets if (s := registry.side(o))})
    return {"covered": covered, "missing": [s for s in all_sides if s not in covered]}

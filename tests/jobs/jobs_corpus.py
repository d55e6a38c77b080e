"""A small corpus of three events, written for these tests, four outlets each."""
from __future__ import annotations

from pathlib import Path

import pytest

EVENTS = {
    "bridge": [
        "The Harlow river bridge closed on Monday after inspectors found cracks in two support beams.",
        "City engineer Maria Olsen said the repairs would take at least six weeks.",
        "Commuters were told to use the ferry, which will run every 20 minutes.",
    ],
    "vote": [
        "The Westmark council voted 7 to 4 on Tuesday to ban diesel buses from the old town by 2027.",
        "Mayor Tomas Brandt said the vote was a victory for clean air.",
        "The bus operators' union warned that 120 drivers could lose their jobs.",
    ],
    "storm": [
        "Storm Elsa cut power to 40,000 homes along the northern coast on Wednesday night.",
        "The national grid operator said crews would restore most lines by Friday.",
        "Two fishing boats were reported missing near the port of Kessel.",
    ],
}
OUTLETS = ["Daily Ledger", "Morning Post", "Coast Herald", "City Wire"]
_OPENERS = ["", "Officials confirmed the news late in the day. ", "Reports spread quickly. ",
            "Residents gathered to hear the details. "]


def write_corpus(folder: Path) -> list[str]:
    """Twelve front-matter text files (one per outlet and event); returns their ids in input order."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for k, outlet in enumerate(OUTLETS):
        for event, sents in EVENTS.items():
            aid = f"{event}-{k}"
            body = _OPENERS[k] + " ".join(sents[k % 3:] + sents[:k % 3])
            (folder / f"{aid}.txt").write_text(
                f"---\ntitle: {sents[0].split(' on ')[0]}\noutlet: {outlet}\npublished: 2025-03-0{k + 1}\n---\n"
                f"{body}\n", encoding="utf-8")
            ids.append(aid)
    return sorted(ids)


def memberships(stories) -> dict[str, tuple[str, ...]]:
    return {s.id: tuple(sorted(s.articles)) for s in stories}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """(folder, files) of the corpus written once per test module."""
    folder = tmp_path_factory.mktemp("corpus")
    return folder, write_corpus(folder)

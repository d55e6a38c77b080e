"""The default stage list, declared once. The faces (CLI, API, web) build pipelines only through here."""
from __future__ import annotations

from dataclasses import dataclass

from newsprism.pipeline import Stage


@dataclass
class Options:
    verbatim: bool = False  # keep each input's text exactly as given (no cleaning), so offsets refer to the input
    max_chars: int = 200_000  # longest article text processed; a longer one gets a clear error and is not processed


def default_stages(options: Options | None = None) -> list[Stage]:
    from newsprism.clean.stage import CleanStage
    from newsprism.cluster.stage import ClusterStage, TimelineStage
    from newsprism.compare.stage import CompareStage
    from newsprism.dedup.stage import DedupStage, StorySyndicationStage
    from newsprism.nlp.stage import NlpStage

    options = options or Options()
    return [CleanStage(verbatim=options.verbatim, max_chars=options.max_chars), DedupStage(), NlpStage(), ClusterStage(), StorySyndicationStage(),
            CompareStage(), TimelineStage()]


@dataclass
class WarmUp:
    """Calls ``warm()`` on each default stage that has one: what a pool's workers run as they start
    (``ProcessExecutor.warm``), so that they load their models while the job starts. Picklable, and light to
    import: the stages' modules are imported in the worker."""
    options: Options | None = None

    def __call__(self) -> None:
        for st in default_stages(self.options):
            warm = getattr(st, "warm", None)
            if callable(warm):
                warm()

"""One run of the generator: plan the traffic, write the raw events, the send
log and the ground truth."""

from __future__ import annotations

import gc
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .arrivals import DUPLICATE, ORIGINAL, Placement, schedule
from .config import GeneratorConfig
from .defects import DefectRenderer
from .envelopes import EnvelopeRenderer, assign_envelopes
from .ground_truth import summarize, write_ground_truth
from .pools import build_pools
from .records import RecordBuilder
from .scenarios import plan_traffic
from .send_log import write_send_log
from .writer import EVENTS_DIR, assemble_objects, write_objects

OUTPUTS = (
    EVENTS_DIR,
    "ses_requests.csv",
    "ses_requests.parquet",
    "ground_truth.json",
    "ground_truth_events.csv",
    "ground_truth_messages.csv",
)


@dataclass(frozen=True)
class RunSummary:
    messages: int
    events: int
    records: int
    files: int
    seconds: float

    def speed_line(self) -> str:
        rate = self.events / self.seconds if self.seconds > 0 else float("inf")
        return (
            f"generated {self.events:,} events ({self.records:,} records, {self.files:,} files) "
            f"for {self.messages:,} messages in {self.seconds:.1f} s: {rate:,.0f} events/s"
        )


def generate(config: GeneratorConfig) -> RunSummary:
    """Write a complete data set to `config.out_dir`."""
    started = time.perf_counter()
    config.validate()
    with _without_cycle_collection():
        counts = _generate(config)
    return RunSummary(*counts, seconds=time.perf_counter() - started)


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Millions of long-lived, acyclic objects make the cyclic garbage collector
    re-scan the heap over and over for nothing; reference counting frees everything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _generate(config: GeneratorConfig) -> tuple[int, int, int, int]:
    """(messages, events, records, files) written."""
    _prepare_out_dir(config.out_dir, overwrite=config.overwrite)

    pools = build_pools(config.seed, config.messages)
    messages, events = plan_traffic(config, pools)
    assign_envelopes(config, events)
    placements = schedule(config, events)
    objects = assemble_objects(config, placements)

    envelopes = EnvelopeRenderer(RecordBuilder(pools))
    defects = DefectRenderer(envelopes)

    def render(placement: Placement) -> str:
        if placement.kind in (ORIGINAL, DUPLICATE):
            return envelopes.render(placement.event)
        return defects.render(placement.kind, placement.event, placement.seed)

    write_objects(objects, config.out_dir / EVENTS_DIR, render, progress=config.show_progress)
    write_send_log(messages, config.out_dir, config.requests_format)
    summary = summarize(config.seed, messages, events, placements, objects)
    write_ground_truth(config.out_dir, summary, messages, events)
    return len(messages), len(events), len(placements), len(objects)


def _prepare_out_dir(out_dir: Path, *, overwrite: bool) -> None:
    """Refuse to mix with an earlier run's files unless told to remove them."""
    existing = [out_dir / name for name in OUTPUTS if (out_dir / name).exists()]
    if existing and not overwrite:
        raise FileExistsError(
            f"{out_dir} already holds generator output ({existing[0].name}); use --overwrite to replace it"
        )
    for path in existing:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)

"""The Kinesis Firehose S3 layout: records buffered into objects, objects
written under `YYYY/MM/DD/HH/<stream>-1-YYYY-MM-DD-HH-MM-SS-<uuid>[.gz]`.

The hour folder and key time are the object's arrival time (its earliest
record), not event time. Records inside an object are in arrival-buffer
order, i.e. not sorted by time.
"""

from __future__ import annotations

import gzip
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from .arrivals import Placement
from .config import GeneratorConfig
from .defects import MALFORMED_KINDS
from .sampling import random_uuid, rate_count, shuffled_labels
from .timestamps import SECOND_MS, firehose_key_parts

EVENTS_DIR = "ses_events"
GZIP_LEVEL = 1  # the fastest; which level Firehose uses is not observable in the data


@dataclass(frozen=True)
class FirehoseObject:
    key: str  # relative to the events directory
    placements: list[Placement]
    concatenated: bool  # records follow each other with no delimiter
    gzipped: bool


def assemble_objects(config: GeneratorConfig, placements: list[Placement]) -> list[FirehoseObject]:
    """Buffer records into objects: one buffer per `buffer_seconds` of arrival time,
    flushed every `buffer_records` records."""
    rng = random.Random(f"{config.seed}:layout")
    window_ms = config.buffer_seconds * SECOND_MS
    windows: dict[int, list[Placement]] = {}
    for placement in placements:
        windows.setdefault(placement.arrival_ms // window_ms, []).append(placement)
    batches: list[list[Placement]] = []
    for window in sorted(windows):
        buffered = windows[window]
        rng.shuffle(buffered)
        batches += [
            buffered[i : i + config.buffer_records] for i in range(0, len(buffered), config.buffer_records)
        ]

    concatenated = _concatenated_batches(rng, config.concatenated_rate, batches)
    gzipped = _gzipped_batches(rng, config.compression, len(batches))
    objects = []
    for index, batch in enumerate(batches):
        folder, stamp = firehose_key_parts(min(placement.arrival_ms for placement in batch))
        name = f"{config.stream}-1-{stamp}-{random_uuid(rng)}"
        objects.append(
            FirehoseObject(
                key=f"{folder}/{name}{'.gz' if gzipped[index] else ''}",
                placements=batch,
                concatenated=index in concatenated,
                gzipped=gzipped[index],
            )
        )
    return objects


def _concatenated_batches(rng: random.Random, rate: float, batches: list[list[Placement]]) -> set[int]:
    """Which objects lose their newlines. Never one holding malformed lines;
    objects of two or more records first, so concatenation shows."""
    clean = [i for i, batch in enumerate(batches) if not any(p.kind in MALFORMED_KINDS for p in batch)]
    several = [i for i in clean if len(batches[i]) > 1]
    count = rate_count(rate, len(batches))
    chosen = rng.sample(several, min(count, len(several)))
    rest = [i for i in clean if len(batches[i]) == 1]
    chosen += rng.sample(rest, min(count - len(chosen), len(rest)))
    return set(chosen)


def _gzipped_batches(rng: random.Random, compression: str, count: int) -> list[bool]:
    if compression == "mixed":
        return [label == "gzip" for label in shuffled_labels(rng, count, {"gzip": 0.5, "none": 0.5})]
    return [compression == "gzip"] * count


def write_objects(
    objects: list[FirehoseObject], events_dir: Path, render: Callable[[Placement], str], *, progress: bool
) -> None:
    """Write every object, one at a time."""
    events_dir.mkdir(parents=True, exist_ok=True)  # present even when there is nothing to write
    total = sum(len(obj.placements) for obj in objects)
    with tqdm(total=total, desc="writing", unit="rec", disable=not progress, leave=False) as bar:
        for obj in objects:
            texts = [render(placement) for placement in obj.placements]
            body = "".join(texts) if obj.concatenated else "".join(f"{text}\n" for text in texts)
            data = body.encode("utf-8")
            if obj.gzipped:
                data = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
            path = events_dir / obj.key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            bar.update(len(obj.placements))

"""Exact, seeded allocation of rates to items.

Rates are applied as quotas rather than coin flips, so counts are exact and
every kind with a positive rate appears at least once even in small runs.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Mapping, Sequence
from typing import Generic, TypeVar

from .draws import RandomSource

T = TypeVar("T")


def rate_count(rate: float, population: int) -> int:
    """How many of `population` items a rate selects: `round(rate * population)`,
    but at least one when the rate is positive."""
    if rate <= 0 or population <= 0:
        return 0
    return min(population, max(1, round(rate * population)))


def quota_counts(total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Split `total` items over labels in proportion to their weights, giving each
    positively weighted label at least one item while `total` allows."""
    positive = {label: weight for label, weight in weights.items() if weight > 0}
    counts = dict.fromkeys(weights, 0)
    if total <= 0 or not positive:
        return counts
    if total < len(positive):
        heaviest = sorted(positive, key=lambda label: -positive[label])[:total]
        counts.update(dict.fromkeys(heaviest, 1))
        return counts
    weight_sum = sum(positive.values())
    ideal = {label: total * weight / weight_sum for label, weight in positive.items()}
    for label in positive:
        counts[label] = max(1, math.floor(ideal[label]))
    shortfall = total - sum(counts.values())
    while shortfall > 0:
        label = max(positive, key=lambda lab: ideal[lab] - counts[lab])
        counts[label] += 1
        shortfall -= 1
    while shortfall < 0:
        label = min((lab for lab in positive if counts[lab] > 1), key=lambda lab: ideal[lab] - counts[lab])
        counts[label] -= 1
        shortfall += 1
    return counts


def shuffled_labels(rng: random.Random, total: int, weights: Mapping[str, float]) -> list[str]:
    """`total` labels in random order, with the exact counts of `quota_counts`."""
    labels = [label for label, count in quota_counts(total, weights).items() for _ in range(count)]
    rng.shuffle(labels)
    return labels


def pick(rng: random.Random, items: Sequence[T], rate: float) -> list[T]:
    """A random subset of `items` of size `rate_count(rate, len(items))`."""
    return rng.sample(list(items), rate_count(rate, len(items))) if items else []


class Weighted(Generic[T]):
    """A fixed weighted choice; cumulative weights are computed once, so drawing is cheap."""

    def __init__(self, values: Sequence[T], weights: Sequence[float]):
        if len(values) != len(weights) or not values:
            raise ValueError("values and weights must be non-empty and of equal length")
        self.values = tuple(values)
        self._cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: RandomSource) -> T:
        index = bisect.bisect_right(self._cumulative, rng.random() * self._cumulative[-1])
        return self.values[min(index, len(self.values) - 1)]


def random_uuid(rng: RandomSource) -> str:
    """A version-4 UUID string drawn from `rng` (what `uuid.uuid4()` would look like)."""
    digits = f"{rng.getrandbits(128):032x}"
    variant = "89ab"[int(digits[16], 16) & 3]
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{variant}{digits[17:20]}-{digits[20:]}"

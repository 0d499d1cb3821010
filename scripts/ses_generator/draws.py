"""Random draws for rebuilding one record from its seed.

Every stored record is rebuilt from its event's seed whenever it is written
(a redelivery must be byte-identical to the first copy). `random.Random`
spends ~4 us initialising its state per seed; `Draws` derives its bits from
the seed with BLAKE2b in counter mode instead, so starting one is nearly free.
It offers the few `random.Random` methods the record builders use.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")
_BLOCK_BITS = 512
_DOUBLE = 1.0 / (1 << 53)


class RandomSource(Protocol):
    """What record builders draw from: a `random.Random` or a `Draws`."""

    def random(self) -> float: ...

    def getrandbits(self, k: int) -> int: ...

    def choice(self, seq: Sequence[T]) -> T: ...

    def randint(self, a: int, b: int) -> int: ...

    def uniform(self, a: float, b: float) -> float: ...

    def randbytes(self, n: int) -> bytes: ...


class Draws:
    __slots__ = ("_key", "_block", "_pool", "_pool_bits")

    def __init__(self, seed: int):
        self._key = seed.to_bytes(16, "little", signed=True)
        self._block = 0
        self._pool = 0  # unused random bits, consumed from the low end
        self._pool_bits = 0

    def getrandbits(self, k: int) -> int:
        while self._pool_bits < k:
            digest = hashlib.blake2b(self._block.to_bytes(8, "little"), key=self._key).digest()
            self._pool |= int.from_bytes(digest, "little") << self._pool_bits
            self._pool_bits += _BLOCK_BITS
            self._block += 1
        value = self._pool & ((1 << k) - 1)
        self._pool >>= k
        self._pool_bits -= k
        return value

    def random(self) -> float:
        return self.getrandbits(53) * _DOUBLE

    def choice(self, seq: Sequence[T]) -> T:
        # 64 random bits modulo a small length: the bias is below 2**-40, irrelevant here
        return seq[self.getrandbits(64) % len(seq)]

    def randint(self, a: int, b: int) -> int:
        return a + self.getrandbits(64) % (b - a + 1)

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self.random()

    def randbytes(self, n: int) -> bytes:
        return self.getrandbits(8 * n).to_bytes(n, "little")

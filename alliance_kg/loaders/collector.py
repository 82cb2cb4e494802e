"""Python's cyclic garbage collector paused over work that makes many objects and few cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block, and let it run again after (if it ran before).

    Work that allocates objects by the hundred thousand and frees them by reference counting
    (an extraction's tokens and candidates; the corpus-level stage's commitments, vectors and
    triples) sets the collector off again and again, and each of its full passes walks every
    object alive. Cycles made meanwhile are collected once it runs again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

"""Training the model of my tags in a process of its own, so the reader's keys never wait for it.

Reading my tags happens in the reader's training thread (it needs the store), but the fit itself
(scikit-learn) holds the interpreter lock for long stretches: up to ~250 ms at a time on 20,000
tags here (a 1 ms ticker's lateness beside ``learn.train_on_tags`` in a thread), and a key
press on the event loop waits for each. Above ``APART_EXAMPLES`` tags the fit runs in a spawned
process (never forked: the reader has threads), ended as soon as the training is no longer
wanted; below, it is quick enough to run in the thread.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tuireader.learn import train_on_tags

if TYPE_CHECKING:
    from tuireader.learn import TagModel

APART_EXAMPLES = 2_000
POLL_S = 0.2
"""How often the waiting thread looks whether the training is still wanted."""


def train_apart(
    pairs: Sequence[tuple[str, str]],
    cancelled: Callable[[], bool] = lambda: False,
    apart_from: int = APART_EXAMPLES,
) -> TagModel | None:
    """``learn.train_on_tags(pairs)``, in a process of its own from ``apart_from`` pairs; None
    (and the process ended) once ``cancelled`` says the training is no longer wanted."""
    if len(pairs) < apart_from:
        return train_on_tags(pairs)
    try:
        # Starting the first process also starts multiprocessing's resource tracker, which is
        # handed ``sys.stderr``'s descriptor: under Textual that is its capture (no usable
        # descriptor, "bad value(s) in fds_to_keep"), so the real one for that moment.
        with contextlib.redirect_stderr(sys.__stderr__ or sys.stderr):
            pool = multiprocessing.get_context("spawn").Pool(1)
    except (OSError, ValueError):
        return train_on_tags(pairs)  # no process to be had: in this thread, as before
    with pool:  # leaving it ends the process
        result = pool.apply_async(train_on_tags, (list(pairs),))
        while True:
            try:
                model: TagModel | None = result.get(POLL_S)
            except multiprocessing.TimeoutError:
                if cancelled():
                    return None
                continue
            return model

"""The model of my tags trained in a process of its own guesses as the one trained in the
thread does, and a training no longer wanted ends with its process."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from tuireader import learn
from tuireader.suggest import suggest_sentence
from tuireader.ui.model_training import train_apart

pytestmark = pytest.mark.skipif(not learn.available(), reason="the learn extra is not installed")

SENTENCES = {
    "fact": "The council approved the budget of {} million on Tuesday.",
    "speculation": "The plan could perhaps be delayed by {} weeks, some fear.",
    "expert_opinion": "Professor Lane said the {} figures look worrying to her.",
}


def pairs(n: int) -> list[tuple[str, str]]:
    return [(text.format(i), tag) for i in range(n) for tag, text in SENTENCES.items()]


def test_trained_apart_guesses_as_trained_here() -> None:
    examples = pairs(80)
    here = learn.train_on_tags(examples)
    apart = train_apart(examples, apart_from=1)
    assert here is not None and apart is not None
    probe = ["The council approved a budget.", "It could perhaps be delayed, some fear."]
    rules = [suggest_sentence(text) for text in probe]
    assert [g.tag for g in apart.guess(probe, rules)] == [g.tag for g in here.guess(probe, rules)]
    assert apart.examples == here.examples


def test_a_cancelled_training_returns_none_and_leaves_no_process() -> None:
    """Enough examples for a model (None only because it was cancelled: a spawned process takes
    far longer than 0.1 s to import scikit-learn and fit)."""
    examples = pairs(80)
    assert learn.train_on_tags(examples) is not None
    started = time.monotonic()
    assert train_apart(examples, lambda: time.monotonic() - started > 0.1, apart_from=1) is None
    assert time.monotonic() - started < 10
    time.sleep(0.5)
    assert multiprocessing.active_children() == []


async def test_trained_apart_while_a_textual_app_runs() -> None:
    """Textual captures ``sys.stderr`` while it runs; the first process started then must still
    get a usable descriptor for multiprocessing's resource tracker (it crashed the training
    worker with "bad value(s) in fds_to_keep" before)."""
    import asyncio

    from textual.app import App

    examples = pairs(80)
    app: App[None] = App()
    async with app.run_test():
        model = await asyncio.to_thread(train_apart, examples, lambda: False, 1)
    assert model is not None and model.examples == learn.train_on_tags(examples).examples  # type: ignore[union-attr]

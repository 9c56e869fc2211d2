"""The writer thread's queue (``ui/store_writer.py``): jobs run in the order asked, and a
dropped job never lets what was queued after it overtake what was queued before it."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future

from tuireader.ui.store_writer import StoreWriter

WAIT = 5.0


def held(writer: StoreWriter, gate: threading.Event, done: list[str]) -> None:
    """Queue a tag that waits for ``gate`` (a slow write of mine)."""

    def slow_tag() -> None:
        assert gate.wait(WAIT)
        done.append("tag")

    assert writer.write(slow_tag, lambda _: None) is not None


def test_a_cancelled_open_lets_nothing_queued_after_it_start_before_the_writes_before_it() -> None:
    writer = StoreWriter()
    gate = threading.Event()
    done: list[str] = []
    held(writer, gate, done)
    opening = writer.write(lambda: done.append("open"), lambda _: None, change=False)
    assert opening is not None
    after = writer.last
    assert after is not None
    seen: Future[list[str]] = Future()
    after.add_done_callback(lambda _: seen.set_result(list(done)))  # a read chained on it
    assert writer.cancel(opening)
    assert opening.cancelled() and not seen.done()  # the tag before it still runs
    gate.set()
    assert seen.result(WAIT) == ["tag"]  # the tag, never the open
    assert writer.drain(WAIT) and done == ["tag"]
    assert writer.landed() and writer.writing is None  # the tag handed out, the open never
    writer.close()


def test_drain_waits_for_earlier_jobs_when_the_last_was_cancelled_after_closing() -> None:
    writer = StoreWriter()
    gate = threading.Event()
    done: list[str] = []
    held(writer, gate, done)
    opening = writer.submit(lambda: done.append("open"))
    assert opening is not None
    closing = threading.Thread(target=writer.close)
    closing.start()
    deadline = time.monotonic() + WAIT
    while not writer._closed:  # until it takes no more jobs (queueing none meanwhile)
        assert time.monotonic() < deadline
        time.sleep(0.001)
    assert writer.cancel(opening)
    assert not writer.drain(0.05)  # the held tag has not run
    gate.set()
    assert writer.drain(WAIT) and done == ["tag"]
    closing.join(WAIT)


def test_cancel_refuses_a_job_that_is_running_or_done() -> None:
    writer = StoreWriter()
    gate = threading.Event()
    started = threading.Event()

    def running() -> None:
        started.set()
        assert gate.wait(WAIT)

    job = writer.submit(running)
    assert job is not None
    assert started.wait(WAIT)
    assert not writer.cancel(job)
    gate.set()
    assert writer.drain(WAIT) and job.done() and not job.cancelled()
    assert not writer.cancel(job)
    assert writer.finished == 0 and writer.errors == []
    writer.close()


def test_jobs_run_in_order_and_a_failed_state_save_is_kept() -> None:
    writer = StoreWriter()
    done: list[int] = []
    shown: list[object] = []
    writer.submit(lambda: done.append(1))
    writer.submit(lambda: 1 / 0)
    tag = writer.write(lambda: done.append(2) or "tagged", shown.append)
    assert tag is not None and tag.result(WAIT) == "tagged"
    assert writer.drain(WAIT) and done == [1, 2]
    assert len(writer.errors) == 1 and isinstance(writer.errors[0], ZeroDivisionError)
    for write in writer.landed():
        write.shown(write.future.result())
    assert shown == ["tagged"] and writer.asked == writer.finished == 1
    writer.close()
    assert writer.submit(lambda: None) is None and writer.write(lambda: None, shown.append) is None

"""The dispatcher: requests in flight, answers finished in order in the calling thread."""

import threading
import time

import pytest

from billy_api.dispatch import Dispatcher


class Wire:
    """Requests that wait `delay` seconds and record how many were on the wire at once."""

    def __init__(self, delay=0.02):
        self.delay = delay
        self.lock = threading.Lock()
        self.current = self.peak = 0

    def request(self, value):
        def call():
            with self.lock:
                self.current += 1
                self.peak = max(self.peak, self.current)
            time.sleep(self.delay)
            with self.lock:
                self.current -= 1
            if isinstance(value, Exception):
                raise value
            return value

        return call


def test_answers_are_finished_in_order_in_the_calling_thread():
    wire, finished, threads = Wire(), [], set()
    dispatcher = Dispatcher(4)
    for value in range(20):
        dispatcher.make_room()
        dispatcher.submit(
            wire.request(value),
            lambda outcome: (finished.append(outcome), threads.add(threading.get_ident())),
        )
    dispatcher.close()
    assert [result for result, _error in finished] == list(range(20))
    assert threads == {threading.get_ident()}


def test_never_more_than_size_requests_on_the_wire():
    wire = Wire()
    dispatcher = Dispatcher(3)
    for value in range(30):
        dispatcher.make_room()
        dispatcher.submit(wire.request(value), lambda outcome: None)
    dispatcher.close()
    assert wire.peak == 3


def test_the_main_thread_works_ahead_up_to_depth():
    wire = Wire(delay=0.2)
    dispatcher = Dispatcher(2, depth=5)
    started = time.perf_counter()
    for value in range(5):
        dispatcher.make_room()
        dispatcher.submit(wire.request(value), lambda outcome: None)
    # five requests prepared without waiting for the first answer
    assert time.perf_counter() - started < 0.1
    assert dispatcher.pending == 5
    started = time.perf_counter()
    dispatcher.make_room()  # a sixth must wait for the oldest answer
    assert time.perf_counter() - started > 0.1
    assert 3 <= dispatcher.pending <= 4  # the second answer may have come back with the first
    dispatcher.close()


def test_answered_requests_are_finished_without_waiting_for_a_full_queue():
    wire = Wire(delay=0.01)
    finished = []
    dispatcher = Dispatcher(4, depth=100)
    dispatcher.submit(wire.request("a"), finished.append)
    time.sleep(0.5)  # long answered
    dispatcher.make_room()
    assert finished == [("a", None)]
    dispatcher.close()


def test_an_error_is_handed_to_finish_not_raised_in_the_worker():
    wire, finished = Wire(), []
    dispatcher = Dispatcher(2)
    error = ValueError("Billy said no")
    dispatcher.submit(wire.request(error), finished.append)
    dispatcher.submit(wire.request("next"), finished.append)
    dispatcher.close()
    assert finished == [(None, error), ("next", None)]


def test_size_one_answers_at_once():
    finished = []
    dispatcher = Dispatcher(1)
    dispatcher.submit(lambda: "now", finished.append)
    assert finished == [("now", None)]
    assert dispatcher.pending == 0


@pytest.mark.parametrize("size", [0, None, -3])
def test_a_missing_or_bad_size_means_one(size):
    assert Dispatcher(size).size == 1

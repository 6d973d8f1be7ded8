"""Does LatestJob keep only the latest work alive and report errors instead of losing them?"""

import threading

from course.demos.background import LatestJob


def test_a_new_start_stops_the_running_work():
    job = LatestJob()
    started, finished = threading.Event(), []

    def slow(stop, name):
        started.set()
        for _ in range(1000):
            if stop.wait(0.005):
                return
        finished.append(name)

    first_stop = job.start(slow, "first")
    assert started.wait(5)
    job.start(lambda stop, name: finished.append(name), "second")
    assert job.wait(5)
    assert first_stop.is_set()
    assert finished == ["second"]
    assert not job.running


def test_an_exception_goes_to_on_error():
    seen = []
    job = LatestJob(on_error=seen.append)

    def broken(stop):
        raise ValueError("bad learning rate")

    job.start(broken)
    assert job.wait(5)
    assert isinstance(job.error, ValueError) and seen == [job.error]

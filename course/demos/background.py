"""Run a demo's slow work in a daemon thread so a slider never freezes the notebook.

    job = LatestJob(on_error=show)        # one per demo
    job.start(train, config)              # runs train(stop, config) in a thread
    job.wait()                            # tests and benchmarks: until the latest is done

`start` asks the job already running (if any) to stop: its `stop` event is set, and
the work function should check `stop.is_set()` between chunks (every few ms) and
return early. Only the latest request matters, as when a student drags a slider.
An exception inside the work goes to `on_error(exc)` (a demo shows it in its status
line) and is kept in `job.error`, because a thread's traceback would otherwise land
in the kernel's log, where no student sees it.

The work runs on the BLAS threads that `import course` set for the whole process
(`course.threads`: one unless COURSE_BLAS_THREADS says otherwise). A limit cannot be
set from inside the thread: OpenBLAS keeps one process-wide setting and ignores calls
from worker threads (measured). On a busy 2-core machine a second BLAS thread made a
10 ms digits trial take up to 2 s, while one thread kept it at 10-20 ms.
"""

from __future__ import annotations

import threading

__all__ = ["LatestJob"]


class LatestJob:
    """At most one live piece of work; a new start() stops the previous one."""

    def __init__(self, on_error=None):
        self.on_error = on_error
        self.error = None
        self._lock = threading.Lock()
        self._thread = None
        self._stop = None

    def start(self, work, *args, **kwargs):
        """Stop the running work (if any) and run work(stop_event, *args, **kwargs)."""
        with self._lock:
            if self._stop is not None:
                self._stop.set()
            stop = threading.Event()
            thread = threading.Thread(target=self._run, args=(work, stop, args, kwargs),
                                      daemon=True)
            self._stop, self._thread = stop, thread
            thread.start()
        return stop

    def stop(self):
        """Ask the running work to end."""
        with self._lock:
            if self._stop is not None:
                self._stop.set()

    @property
    def running(self):
        with self._lock:
            return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout=60.0):
        """Block until the latest work has finished (or timeout); True if it did."""
        with self._lock:
            thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def _run(self, work, stop, args, kwargs):
        try:
            work(stop, *args, **kwargs)
        except Exception as exc:  # shown to the student by on_error, not lost in a log
            if stop.is_set():
                return  # superseded: a newer request's result must not be overwritten
            self.error = exc
            if self.on_error is not None:
                self.on_error(exc)

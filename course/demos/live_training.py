"""Train one network in a background thread while the notebook stays responsive.

    session = LiveTraining(make_trainer, {"learning_rate": 0.1, "momentum": 0.9},
                           on_frame=draw, frame_interval=1 / 12)
    session.start()                                   # starts paused unless autostart=True
    session.resume(); session.pause(); session.reset()
    session.set_hyperparameter("learning_rate", 0.3)  # from any thread
    session.close()                                   # stops and joins the thread

`make_trainer(hyperparameters) -> course.nn.Trainer` builds a fresh run (at start and
on every reset) with the current hyperparameters. Only the training thread ever
touches the trainer. Other threads (the notebook's, where widget callbacks run) put
requests in a queue; the training thread applies them between two steps, so a
change made while step k is running takes effect at step k + 1 and the trainer
needs no lock. Each request returns a `concurrent.futures.Future` whose result is
the iteration at which it took effect.

`on_frame(session)` also runs in the training thread: while training, about once
every `frame_interval` seconds; while paused, once after each request. The thread
trains until the next frame is due, draws, and repeats, so drawing and training
share one core without queueing frames up. `update_rate()` is the measured number
of frames a second over the last two seconds.

The thread is a daemon, stops when `close()` is called, and every live session is
closed by an `atexit` hook, so neither a closed widget nor a kernel shutdown leaves
a training thread behind.
"""

from __future__ import annotations

import atexit
import collections
import threading
import time
import weakref
from concurrent.futures import Future

__all__ = ["LiveTraining"]

# Every session that has a thread, so the atexit hook can stop them all.
_SESSIONS = weakref.WeakSet()


@atexit.register
def _close_all_sessions():
    for session in list(_SESSIONS):
        session.close(timeout=1.0)


class LiveTraining:
    """A training run in a background thread, steered between steps (see module docstring).

    Parameters
    ----------
    make_trainer : callable(hyperparameters dict) -> Trainer.
    hyperparameters : the starting values of the hyperparameters the learner can change.
    on_frame : callable(session), called in the training thread to draw (or None).
    frame_interval : seconds between frames while training (1/12 gives 12 frames a second).
    steps_per_second : most training steps a second (None: as many as fit between frames).
    max_epochs : the run finishes after this many epochs (the thread then idles).
    autostart : start training as soon as the thread starts, instead of paused.
    """

    RUNNING, PAUSED, FINISHED, DIVERGED, FAILED = (
        "running", "paused", "finished", "diverged", "failed",
    )

    def __init__(self, make_trainer, hyperparameters, *, on_frame=None, frame_interval=1 / 12,
                 steps_per_second=None, max_epochs=None, autostart=False):
        if frame_interval <= 0:
            raise ValueError(f"frame_interval must be > 0 seconds, got {frame_interval!r}.")
        self.make_trainer = make_trainer
        self.hyperparameters = dict(hyperparameters)
        self.on_frame = on_frame
        self.frame_interval = float(frame_interval)
        self.steps_per_second = steps_per_second
        self.max_epochs = max_epochs
        self.autostart = bool(autostart)
        self.trainer = None
        self.state = self.PAUSED
        self.error = None  # the exception that ended the thread's work, if any
        self.runs = 0  # how many trainers have been built (1 + number of resets)
        self.frame_count = 0
        self.last_frame_seconds = 0.0  # how long the last on_frame call took
        self._frame_times = collections.deque(maxlen=600)  # when frames were drawn, running
        self._requests = collections.deque()  # (kind, args, future): appended anywhere, read here
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = None
        self._frame_started = 0.0  # perf_counter() when the last frame began

    # ------------------------------------------------------------------ any thread
    def start(self):
        """Start the training thread (once); returns self."""
        if self._thread is None:
            self._new_run()  # here, so that `trainer` exists as soon as start() returns
            self._thread = threading.Thread(target=self._loop, name="course-live-training",
                                            daemon=True)
            _SESSIONS.add(self)
            self._thread.start()
        return self

    def set_hyperparameter(self, name, value):
        """Ask for `name` to become `value` before the next step; returns a Future."""
        return self._request("set", name, value)

    def pause(self):
        return self._request("pause")

    def resume(self):
        return self._request("resume")

    def reset(self):
        """Throw the run away and start a fresh one with the current hyperparameters."""
        return self._request("reset")

    @property
    def alive(self):
        return self._thread is not None and self._thread.is_alive()

    def close(self, timeout=5.0):
        """Stop the thread and wait for it (at most `timeout` seconds); safe to call twice."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        _SESSIONS.discard(self)
        while self._requests:  # nobody will apply these any more
            _, _, future = self._requests.popleft()
            future.set_exception(RuntimeError("the live training session was closed"))

    def update_rate(self, window=2.0):
        """Frames drawn per second while training, over the last `window` seconds."""
        now = time.monotonic()
        times = [t for t in list(self._frame_times) if t >= now - window]
        if len(times) < 2 or times[-1] <= times[0]:
            return 0.0
        return (len(times) - 1) / (times[-1] - times[0])

    def _request(self, kind, *args):
        future = Future()
        if self._stop.is_set():
            future.set_exception(RuntimeError("the live training session was closed"))
            return future
        self._requests.append((kind, args, future))
        self._wake.set()
        return future

    # ------------------------------------------------------------------ training thread
    def _loop(self):
        try:
            self.state = self.RUNNING if self.autostart else self.PAUSED
            self._draw(running=False)
            while not self._stop.is_set():
                changed = self._apply_requests()
                if self.state != self.RUNNING:
                    if changed:
                        self._draw(running=False)
                    self._wake.wait(self.frame_interval)
                    self._wake.clear()
                    continue
                self._train_until_next_frame()
                if not self._stop.is_set():
                    self._draw(running=self.state == self.RUNNING)
        except Exception as error:  # shown in the demo instead of dying silently
            self.error = error
            self.state = self.FAILED
            self._draw(running=False, quiet=True)

    def _new_run(self):
        self.trainer = self.make_trainer(dict(self.hyperparameters))
        self.runs += 1
        self._frame_times.clear()

    def _apply_requests(self):
        """Apply every queued request; returns True if any was applied."""
        applied = False
        while self._requests:
            kind, args, future = self._requests.popleft()
            try:
                if kind == "set":
                    name, value = args
                    self.trainer.set_hyperparameter(name, value)
                    self.hyperparameters[name] = value
                elif kind == "pause":
                    if self.state == self.RUNNING:
                        self.state = self.PAUSED
                elif kind == "resume":
                    if self.state == self.PAUSED:
                        self.state = self.RUNNING
                        self._frame_times.clear()
                elif kind == "reset":
                    running = self.state == self.RUNNING
                    self._new_run()
                    self.state = self.RUNNING if running else self.PAUSED
            except Exception as error:  # e.g. a learning rate <= 0: tell the caller
                future.set_exception(error)
            else:
                future.set_result(self.trainer.iteration)
            applied = True
        return applied

    def _train_until_next_frame(self):
        # The next frame is due one interval after the last one started; train until then,
        # but always for at least a fifth of an interval so training moves if drawing is slow.
        now = time.perf_counter()
        deadline = max(self._frame_started + self.frame_interval, now + 0.2 * self.frame_interval)
        max_steps = None
        if self.steps_per_second is not None:
            max_steps = max(1, round(self.steps_per_second * self.frame_interval))
        steps = 0
        trainer = self.trainer
        while not self._stop.is_set():
            if self._requests and self._apply_requests():
                if self.state != self.RUNNING or trainer is not self.trainer:
                    return
            trainer.step()
            steps += 1
            history = trainer.history
            if history.stop_reason is not None:
                self.state = self.DIVERGED if history.diverged else self.FINISHED
                return
            if self.max_epochs is not None and trainer.epoch >= self.max_epochs:
                self.state = self.FINISHED
                return
            if (max_steps is not None and steps >= max_steps) or time.perf_counter() >= deadline:
                break
        # A speed limit: sleep out the rest of the frame, but apply requests as they come.
        while max_steps is not None and not self._stop.is_set():
            left = deadline - time.perf_counter()
            if left <= 0:
                return
            self._wake.wait(left)
            self._wake.clear()
            if self._requests and self._apply_requests():
                if self.state != self.RUNNING or trainer is not self.trainer:
                    return

    def _draw(self, *, running, quiet=False):
        start = self._frame_started = time.perf_counter()
        if self.on_frame is not None:
            try:
                self.on_frame(self)
            except Exception as error:
                if quiet:
                    return
                raise error
        self.frame_count += 1
        self.last_frame_seconds = time.perf_counter() - start
        if running:
            self._frame_times.append(time.monotonic())

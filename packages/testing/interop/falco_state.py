"""Falco's one shared, destructive alert queue and the streams that drain it.

Semantics (as in Falco's C++ server): each alert goes to exactly one consumer,
an alert is popped before it is written (lost if the write fails), and a
paused server reads requests but writes nothing.
"""

import collections
import threading
import time


class AlertQueue:
    def __init__(self):
        self._cv = threading.Condition()
        self._queue = collections.deque()
        self._delivered = 0
        self._dropped = 0
        self._subscribers = 0
        self._requests = 0
        self._paused = False
        self._frozen = False
        self._streams = set()
        self.stopping = False

    # ----- producer / control side -----

    def push_many(self, messages):
        with self._cv:
            self._queue.extend(messages)
            self._cv.notify_all()

    def stats(self):
        with self._cv:
            return {
                "queued": len(self._queue),
                "delivered": self._delivered,
                "dropped": self._dropped,
                "subscribers": self._subscribers,
                "requests": self._requests,
            }

    def set_paused(self, paused):
        with self._cv:
            self._paused = paused
            self._cv.notify_all()

    def begin_stop(self, settle_s=0.2):
        with self._cv:
            # A sub whose first request is on its way (sent before the stop)
            # gets it served first, within settle_s: without this, a busy
            # machine would turn "sent before stop" into "read after stop".
            deadline = time.monotonic() + settle_s
            while True:
                waiting = [s for s in self._streams if s.subscriber and s.active and not s.requests]
                left = deadline - time.monotonic()
                if not waiting or left <= 0:
                    break
                self._cv.wait(left)
            self.stopping = True
            self._paused = False
            self._cv.notify_all()

    def end_stop(self):
        with self._cv:
            self._cv.notify_all()

    def reset_for_start(self):
        with self._cv:
            self.stopping = False

    def freeze(self):
        """Stops every pop for good and returns what a restart needs."""
        with self._cv:
            self._frozen = True
            in_flight = sum(s.in_flight for s in self._streams)
            return {
                "queue": list(self._queue),
                "delivered": self._delivered,
                "dropped": self._dropped + in_flight,
            }

    def load(self, messages, delivered, dropped):
        with self._cv:
            self._queue.extendleft(reversed(messages))
            self._delivered += delivered
            self._dropped += dropped

    # ----- consumer side -----

    def open_stream(self, subscriber):
        with self._cv:
            stream = Stream(self, subscriber)
            self._streams.add(stream)
            if subscriber:
                self._subscribers += 1
            return stream

    def open_calls(self):
        with self._cv:
            return len(self._streams)

    def send_headers_to_open_calls(self):
        with self._cv:
            streams = list(self._streams)
        for stream in streams:
            try:
                stream.context.send_initial_metadata(())
            except Exception:  # already sent, or the call is over
                pass

    def wait_while_paused(self, stream):
        with self._cv:
            while (self._paused or self._frozen) and stream.active:
                self._cv.wait()


class Stream:
    """One RPC's view of the queue; tracks the alert it has popped but not yet written."""

    def __init__(self, queue, subscriber):
        self._q = queue
        self.subscriber = subscriber
        self.active = True
        self.in_flight = 0
        self._closed = False
        self.context = None
        self.requests = 0

    def request_read(self):
        """Counts a request; True when the server is stopping (end the sub with OK).

        Like Falco, a request read while stopping still pops one alert, which
        is discarded (counted as dropped): the call then ends with OK.
        """
        q = self._q
        with q._cv:
            self.requests += 1
            q._requests += 1
            q._cv.notify_all()
            if q.stopping and q._queue:
                q._queue.popleft()
                q._dropped += 1
            return q.stopping

    def pop(self):
        """(alert, last) or (None, True) when there is nothing to send.

        `last` is true when the queue was empty right after this pop: the
        drain ends once this alert is written. Falco pops once more after the
        write, so alerts arriving during that last write may go out in this
        drain or the next one; ending here picks the second (deterministic
        for tests, and one of the outcomes Falco can produce).
        """
        q = self._q
        with q._cv:
            while (q._paused or q._frozen) and self.active:
                q._cv.wait()
            if not self.active or not q._queue:
                return None, True
            self.in_flight = 1
            alert = q._queue.popleft()
            return alert, not q._queue

    def written(self, pop_at_stop=False):
        """Counts the alert written; True when the server is stopping (end the call with OK).

        One step under the lock: once `delivered` shows the write, its stop
        check is done too. With `pop_at_stop` (sub), Falco's order: after a
        write, `sub()` reads the stop flag and pops the next alert before
        `process()` acts on the flag, so a stop that began during the write
        pops one more alert, which is discarded (counted as dropped).
        """
        q = self._q
        with q._cv:
            if self.in_flight:
                self.in_flight = 0
                q._delivered += 1
            if q.stopping and pop_at_stop and q._queue and not q._frozen:
                q._queue.popleft()
                q._dropped += 1
            return q.stopping

    def rpc_done(self):
        """gRPC callback: the call ended (finished, cancelled, connection lost)."""
        with self._q._cv:
            self.active = False
            self._q._cv.notify_all()

    def wait_until_done(self):
        with self._q._cv:
            while self.active:
                self._q._cv.wait()

    def close(self):
        q = self._q
        with q._cv:
            if self._closed:
                return
            self._closed = True
            self.active = False
            if self.in_flight and not q._frozen:
                q._dropped += self.in_flight
            self.in_flight = 0
            q._streams.discard(self)
            if self.subscriber:
                q._subscribers -= 1
            q._cv.notify_all()


class CallSlots:
    """Falco pre-arms `threadiness x 10` call contexts per method; a call beyond
    that waits, unanswered (its requests unread), until an earlier call of the
    same method ends. FIFO, like gRPC's queue of unmatched calls."""

    def __init__(self, queue, limit):
        self._q = queue
        self._limit = limit  # None: unlimited
        self._used = 0
        self._waiting = collections.deque()

    def acquire(self, context):
        """True once the call holds a slot; False when it ended or the server stops first."""
        if self._limit is None:
            return True
        ended = threading.Event()
        cv = self._q._cv

        def on_done():
            ended.set()
            with cv:
                cv.notify_all()

        context.add_callback(on_done)
        if not context.is_active():
            ended.set()
        ticket = object()
        with cv:
            self._waiting.append(ticket)
            while not (self._waiting[0] is ticket and self._used < self._limit):
                if ended.is_set() or self._q.stopping:
                    self._waiting.remove(ticket)
                    cv.notify_all()
                    return False
                cv.wait()
            self._waiting.popleft()
            self._used += 1
            cv.notify_all()
            return True

    def release(self):
        if self._limit is None:
            return
        with self._q._cv:
            self._used -= 1
            self._q._cv.notify_all()


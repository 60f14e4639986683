#!/usr/bin/python3
"""A Falco gRPC outputs server on gRPC's C core (Debian's python3-grpcio).

Falco's own server is C++ gRPC; this program runs the same HTTP/2 / gRPC stack
(grpcio 1.51.1 wraps the C core that Falco 0.43 links) with Falco's queue
semantics, so clients can be tested against the real thing without Falco.

Control channel: one JSON command per line on stdin, one JSON reply per line on
stdout (same "id"), logs on stderr. End of stdin ends the process at once, so a
dying parent leaves no orphan. See README.md next to this file for the commands.

Run with Debian's interpreter: /usr/bin/python3 falco_server.py --proto-dir DIR
"""

import argparse
import base64
import json
import os
import select
import signal
import stat
import sys
import threading
import time

from falco_codec import alert_from_json, load_stubs, version_from_json
from falco_service import FalcoServicer, build_server
from falco_state import AlertQueue
import unix_socket

EXIT_MISSING_MODULE = 3


def log(message):
    print(f"[falco-interop {os.getpid()}] {message}", file=sys.stderr, flush=True)


def wait_until_sockets_read(limit_s=5.0):
    """Returns once no socket of this process has input gRPC's core has not read.

    The sockets are the listener and the accepted connections (stdio are
    pipes). A socket stays readable while bytes or an end of stream wait for
    the core (a closed connection until the core has ended its calls and
    closed it), so this is the point where what clients sent is in the core's
    hands. `limit_s` only guards against a socket the core never reads (logged).
    """
    poller = select.poll()
    for name in os.listdir("/proc/self/fd"):
        try:
            fd = int(name)
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                poller.register(fd, select.POLLIN | select.POLLRDHUP)
        except OSError:
            continue  # closed meanwhile
    deadline = time.monotonic() + limit_s
    while True:
        # POLLNVAL: the core closed that socket. A reused fd is a new socket,
        # whose unread input counts too.
        pending = [fd for fd, ev in poller.poll(0) if not ev & select.POLLNVAL]
        if not pending:
            return
        if time.monotonic() > deadline:
            log(f"resume: sockets {pending} still unread after {limit_s} s")
            return
        time.sleep(0.001)  # the core reads on its own threads


class Replies:
    """Serialises writes to stdout: one JSON document per line."""

    def __init__(self):
        self._lock = threading.Lock()

    def send(self, doc):
        line = json.dumps(doc, separators=(",", ":"))
        with self._lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()


class Interop:
    """One process: a queue that outlives restarts, and at most one gRPC server."""

    def __init__(self, grpc, pb, replies):
        self.grpc = grpc
        self.pb = pb
        self.replies = replies
        self.queue = AlertQueue()
        self.server = None
        self.address = None
        self.listen = None
        self.socket = None
        self.version_reply = pb.version.response()
        self.calls_per_method = None
        self.lock = threading.Lock()

    # ----- commands -----

    def cmd_start(self, cmd):
        with self.lock:
            if self.server is not None:
                raise ValueError("already listening; stop or crash first")
            if "listen" in cmd:
                self.listen = cmd["listen"]
            if self.listen is None:
                raise ValueError("start needs 'listen' the first time")
            if "version" in cmd:
                self.version_reply = version_from_json(self.pb, cmd["version"] or {})
            if "threadiness" in cmd:
                # Falco arms threadiness x 10 contexts per method; 0 means one per CPU.
                threadiness = cmd["threadiness"]
                if threadiness is None:
                    self.calls_per_method = None
                else:
                    self.calls_per_method = (threadiness or os.cpu_count() or 1) * 10
            self.queue.reset_for_start()
            self._start_server()
            return {"endpoint": self.endpoint, "port": self.port}

    def cmd_emit(self, cmd):
        alerts = cmd.get("alerts", [])
        if isinstance(alerts, dict):
            alerts = [alerts]
        messages = [alert_from_json(self.pb, a) for a in alerts]
        self.queue.push_many(messages)
        return {"queued": len(messages)}

    def cmd_stats(self, _cmd):
        return self.queue.stats()

    def cmd_pause(self, _cmd):
        self.queue.set_paused(True)
        return {}

    def cmd_resume(self, _cmd):
        # Like Falco's gRPC core, this one ends calls (cancel, closed connection)
        # while the application hangs: a paused call waits on its own done
        # callback (wait_while_paused), so one that ended is never served. First
        # let the core read what clients sent before this command (the Node
        # server does one PING round trip per connection; Python's gRPC has no
        # server-side ping). What a client has not sent yet cannot be seen: a
        # test that ends a call while paused waits until stats() shows it gone.
        wait_until_sockets_read()
        self.queue.set_paused(False)
        return {}

    def cmd_stop(self, cmd):
        # graceMs: how long to wait for open calls; null waits like Falco
        # (forever, for a subscriber that never sends again).
        grace_ms = cmd.get("graceMs", 10000)
        with self.lock:
            server = self.server
            self.server = None
        if server is None:
            return {"alreadyStopped": True}
        self.queue.begin_stop()
        # Like Falco: the listener closes and no new call starts; each open sub
        # ends OK at its client's next request; a get in progress ends OK.
        done = server.stop(grace=10**9)
        if self.socket is not None:
            # gRPC's core unlinked only the private name it bound: remove our socket, as Falco does.
            unix_socket.release(self.listen["socketPath"], self.socket)
            self.socket = None
        finished = done.wait(timeout=None if grace_ms is None else grace_ms / 1000.0)
        if not finished and cmd.get("onTimeout") == "cancel":
            open_calls = self.queue.open_calls()
            server.stop(grace=None).wait()  # ends what is left with UNAVAILABLE
            finished = False
        elif not finished:
            # Leave the calls open: the parent crashes this process, which
            # resets their connections, as the Node test server does. (Falco
            # itself would wait forever.) Response headers go out first: a
            # connect-node client that is not awaiting the stream at that
            # moment would otherwise get an unhandled rejection for a call
            # that never saw headers (gRPC sends them with the first message).
            open_calls = self.queue.open_calls()
            self.queue.send_headers_to_open_calls()
            time.sleep(0.05)
        else:
            open_calls = 0
            self.queue.end_stop()
        return {"graceful": bool(finished), "openCalls": open_calls}

    def cmd_crash(self, _cmd):
        # Freeze the queue (no more pops), hand the backlog and counters to
        # the parent, then die like a killed Falco: the kernel resets every
        # connection, no GOAWAY, no status.
        state = self.queue.freeze()
        state["queue"] = [
            base64.b64encode(m.SerializeToString()).decode("ascii") for m in state["queue"]
        ]
        return {"state": state, "_then": "kill"}

    def cmd_load(self, cmd):
        """Adds a crashed process's backlog and counters (see crash)."""
        self._load_state(cmd["state"])
        return self.queue.stats()

    def cmd_exit(self, _cmd):
        return {"_then": "exit"}

    # ----- helpers -----

    def _load_state(self, state):
        messages = []
        for b64 in state.get("queue", []):
            msg = self.pb.outputs.response()
            msg.ParseFromString(base64.b64decode(b64))
            messages.append(msg)
        self.queue.load(messages, state.get("delivered", 0), state.get("dropped", 0))

    def _start_server(self):
        servicer = FalcoServicer(
            self.grpc, self.queue, self.pb, self.version_reply, self.calls_per_method
        )
        port_wanted = getattr(self, "port", None) or self.listen.get("port") or 0
        self.server, self.endpoint, self.port, self.socket = build_server(
            self.grpc, self.pb, servicer, self.listen, port_wanted
        )
        log(f"listening on {self.endpoint}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--proto-dir", required=True, help="directory holding falco/*.proto")
    parser.add_argument("--stubs-dir", required=True, help="where protoc writes the Python stubs")
    args = parser.parse_args()

    replies = Replies()
    try:
        import grpc  # noqa: F401
        import grpc_tools.protoc  # noqa: F401
    except ImportError as err:
        replies.send({"event": "fatal", "kind": "missing-module", "module": err.name, "error": str(err)})
        sys.exit(EXIT_MISSING_MODULE)
    import grpc

    pb = load_stubs(args.proto_dir, args.stubs_dir)
    interop = Interop(grpc, pb, replies)
    replies.send({"event": "ready", "pid": os.getpid(), "grpc": grpc.__version__})

    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            cmd = json.loads(line)
        except ValueError as err:
            replies.send({"id": None, "ok": False, "error": f"bad JSON: {err}"})
            continue
        if cmd.get("cmd") == "stop":
            # A stop waits for subscribers: it must not block the other commands.
            threading.Thread(target=run_command, args=(interop, replies, cmd), daemon=True).start()
        else:
            run_command(interop, replies, cmd)
    # stdin closed: the parent is gone. Leave at once.
    log("stdin closed, exiting")
    os._exit(0)


def run_command(interop, replies, cmd):
    cid = cmd.get("id")
    name = cmd.get("cmd")
    handler = getattr(interop, f"cmd_{name}", None)
    if handler is None:
        replies.send({"id": cid, "ok": False, "error": f"unknown command {name!r}"})
        return
    try:
        result = handler(cmd) or {}
    except Exception as err:  # reported to the parent, never fatal
        replies.send({"id": cid, "ok": False, "error": f"{type(err).__name__}: {err}"})
        return
    then = result.pop("_then", None)
    replies.send({"id": cid, "ok": True, **result})
    if then == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif then == "exit":
        os._exit(0)


if __name__ == "__main__":
    main()

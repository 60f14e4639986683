"""Runs one conformance scenario (conformance/README.md) against one test server with the sync
FalcoClient; server steps go to packages/testing's falco-test-launcher."""

import json
import queue
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from conftest import Launcher

from falco_sdk import TLS, Backoff, FalcoClient, FalcoError

CONFORMANCE = Path(__file__).resolve().parents[3] / "conformance"
FIELDS = {"alertsMayHaveBeenLost": "alerts_may_have_been_lost", "count": "count", "total": "total",
          "attempt": "attempt"}


def load_scenarios() -> List[Dict[str, Any]]:
    return [dict(json.loads(p.read_text()), name=p.stem) for p in sorted((CONFORMANCE / "scenarios").glob("*.json"))]


def load_skips(language: str) -> Dict[str, str]:
    skips: Dict[str, str] = json.loads((CONFORMANCE / "skips.json").read_text()).get(language, {})
    return skips


def error_matches(error: object, match: Dict[str, Any]) -> bool:
    if not isinstance(error, FalcoError) or error.code != match["code"]:
        return False
    if "reason" in match and getattr(error, "reason", None) != match["reason"]:
        return False
    return "messageIncludes" not in match or match["messageIncludes"].lower() in str(error).lower()


def describe(error: object) -> str:
    return f"{type(error).__name__} code={getattr(error, 'code', None)} reason={getattr(error, 'reason', None)}: {error}"


def event_matches(event: Any, match: Dict[str, Any]) -> bool:
    if event.type != match["type"]:
        return False
    for key, attribute in FIELDS.items():
        if key in match and getattr(event, attribute, None) != match[key]:
            return False
    return "error" not in match or error_matches(getattr(event, "error", None), match["error"])


def within(value: int, bound: Any) -> bool:
    if isinstance(bound, int):
        return value == bound
    return bound.get("atLeast", value) <= value <= bound.get("atMost", value)


def until(what, timeout: float, check) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not met within {timeout} s: {what()}")
        time.sleep(0.02)


class Taker:
    """Takes alerts from a sync iterator in a thread, one at a time and only when asked: a
    subscription publishes its status events in the thread that iterates it, so a status
    expectation asks for the next alert too (and keeps it for the next take)."""

    def __init__(self, iterator) -> None:
        self.iterator = iterator
        self.results: "queue.Queue[Any]" = queue.Queue()
        self.asked = False
        self.held: List[Any] = []

    def ask(self) -> None:
        if self.asked or self.held:
            return
        self.asked = True

        def take() -> None:
            try:
                self.results.put(("alert", next(self.iterator)))
            except StopIteration:
                self.results.put(("end", None))
            except BaseException as error:  # handed to the step that takes it
                self.results.put(("error", error))

        threading.Thread(target=take, daemon=True).start()

    def poll(self) -> None:
        try:
            self.held.append(self.results.get_nowait())
            self.asked = False
        except queue.Empty:
            pass

    def take(self, timeout: float) -> Any:
        self.ask()
        if not self.held:
            try:
                self.held.append(self.results.get(timeout=timeout))
            except queue.Empty:
                raise AssertionError(f"no alert within {timeout} s") from None
            self.asked = False
        kind, value = self.held.pop(0)
        if kind == "error":
            raise value
        return None if kind == "end" else value


class Run:
    def __init__(self, scenario: Dict[str, Any], kind: str, transport: str) -> None:
        self.scenario = scenario
        self.launcher = Launcher()
        self.launcher.start(kind, transport, **scenario.get("server", {}))
        self.client: Optional[FalcoClient] = None
        self.subscription: Any = None
        self.source: Optional[Taker] = None
        self.emitted: List[Dict[str, Any]] = []
        self.matched = 0
        self.status: List[Any] = []
        self.cursor = 0

    def tls(self, name: str) -> Optional[TLS]:
        pki = self.launcher.pki
        if not pki:
            return None
        return {
            "valid": TLS(pki["ca"], pki["cert"], pki["key"]),
            "wrongCa": TLS(pki["rogueCa"], pki["cert"], pki["key"]),
            "rogueClientCert": TLS(pki["ca"], pki["rogueCert"], pki["rogueKey"]),
            "noClientCert": TLS(pki["ca"], None, None),
            "wrongServerName": TLS(pki["ca"], pki["cert"], pki["key"], server_name="falco.example.org"),
        }[name]

    def run(self) -> None:
        try:
            for index, step in enumerate(self.scenario["steps"], 1):
                try:
                    self.step(step)
                except BaseException as error:
                    events = ", ".join(str(e) for e in self.status)
                    raise AssertionError(f"step {index} {json.dumps(step)}: {describe(error)}\n  status: {events}") from error
        finally:
            if self.subscription is not None:
                self.subscription.close()
            if self.client is not None:
                self.client.close()
            self.launcher.close()

    def step(self, step: Dict[str, Any]) -> None:
        timeout = step.get("timeoutMs", 30000) / 1000
        if "server" in step:
            args = {k: v for k, v in step.items() if k != "server"}
            reply = self.launcher.send(step["server"], **args)
            if step["server"] == "emit":
                self.emitted += reply["alerts"]
        elif "repeat" in step:
            for _ in range(step["atMost"]):
                if self.find(step["until"]) >= 0:
                    break
                for inner in step["repeat"]:
                    self.step(inner)
            found = self.find(step["until"])
            assert found >= 0, f"no {step['until']} after {step['atMost']} rounds"
            self.cursor += found + 1
        elif "client" in step:
            self.client_step(step, timeout)
        else:
            self.expect(step, timeout)

    def find(self, match: Dict[str, Any]) -> int:
        return next((i for i, e in enumerate(self.status[self.cursor:]) if event_matches(e, match)), -1)

    def take_matching(self, count: int, timeout: float) -> None:
        assert self.source is not None, "no alert source: subscribe or get first"
        for _ in range(count):
            alert = self.source.take(timeout)
            assert alert is not None, f"the alerts ended after {self.matched} of {len(self.emitted)}"
            assert alert.to_json() == self.emitted[self.matched]
            self.matched += 1

    def pending(self) -> int:
        held = len(self.source.held) if self.source else 0
        return (self.subscription.pending if self.subscription else 0) + held

    def outcome(self, call, error: Optional[Dict[str, Any]]) -> None:
        if error is None:
            call()
            return
        try:
            call()
        except FalcoError as caught:
            assert error_matches(caught, error), describe(caught)
            return
        raise AssertionError(f"succeeded; expected {error}")

    def client_step(self, step: Dict[str, Any], timeout: float) -> None:
        action, options = step["client"], dict(step.get("options", {}))
        if action == "create":
            if self.client is not None:
                self.client.close()
            self.status, self.cursor = [], 0
            reconnect = options.get("reconnect", {})
            backoff = None if reconnect is False else Backoff(
                initial_delay=reconnect.get("initialDelayMs", 1000) / 1000,
                max_delay=reconnect.get("maxDelayMs", 30000) / 1000,
                multiplier=reconnect.get("multiplier", 1.6),
                jitter=reconnect.get("jitter", 0.2),
                max_attempts=reconnect.get("maxAttempts"),
            )
            kwargs: Dict[str, Any] = {"reconnect": backoff, "on_status": self.status.append,
                                      "wait_for_server": options.get("waitForServer", False)}
            if "livenessTimeoutMs" in options:
                kwargs["liveness_timeout"] = options["livenessTimeoutMs"] / 1000

            def create() -> None:
                self.client = FalcoClient(self.launcher.endpoint, tls=self.tls(options.get("tls", "valid")), **kwargs)

            self.outcome(create, step.get("error"))
        elif action == "version":
            assert self.client is not None
            self.outcome(self.client.version, step.get("error"))
        elif action == "subscribe":
            assert self.client is not None
            sub_options: Dict[str, Any] = {}
            if "maxBufferedAlerts" in options:
                sub_options["max_buffered_alerts"] = options["maxBufferedAlerts"]
            if "pollIntervalMs" in options:
                sub_options["poll_interval"] = options["pollIntervalMs"] / 1000
            self.subscription = self.client.subscribe(**sub_options)
            self.source = Taker(self.subscription)
            if "error" in step:
                self.outcome(lambda: self.source.take(timeout), step["error"])
        elif action == "get":
            assert self.client is not None
            stream = self.client.get()
            got = []
            for alert in stream:
                got.append(alert)
                if len(got) == step.get("take"):
                    break
            stream.close()
            self.source = Taker(iter(got))
        elif action == "slowConsume":
            for _ in range(step["count"]):
                assert self.pending() <= step["maxPending"], f"{self.pending()} alerts held"
                self.take_matching(1, 30)
                time.sleep(step.get("pauseMs", 0) / 1000)
        elif action == "unsubscribe":
            self.subscription.close()
        elif action == "close":
            assert self.client is not None
            self.client.close()
        else:
            raise AssertionError(f"unknown client step {action}")

    def expect(self, step: Dict[str, Any], timeout: float) -> None:
        what = step["expect"]
        if what == "alerts":
            self.take_matching(step["count"], timeout)
        elif what == "alertsThroughLast":
            expected = self.emitted[self.matched:]
            got = []
            while not got or got[-1] != expected[-1]:
                alert = self.source.take(timeout) if self.source else None
                if alert is None:
                    break
                got.append(alert.to_json())
            at = 0
            for alert in got:
                assert alert in expected[at:], f"received out of order, repeated or never emitted: {alert}"
                at = expected.index(alert, at) + 1
            missing = len(expected) - len(got)
            bound = step["missing"]["atMost"]
            allowed = self.launcher.send("stats")["dropped"] if bound == "serverDropped" else bound
            assert missing <= allowed, f"{missing} alerts missing, at most {allowed} allowed"
            if missing:
                assert any(e.type == "disconnected" and e.alerts_may_have_been_lost for e in self.status)
            self.matched = len(self.emitted)
        elif what == "end":
            assert self.source is not None and self.source.take(timeout) is None
        elif what == "pending":
            until(lambda: f"pending {self.pending()} >= {step['atLeast']}", timeout,
                  lambda: self.pending() >= step["atLeast"])
        elif what == "status":
            def check() -> bool:
                if self.source is not None:
                    self.source.poll()
                    self.source.ask()  # the subscription publishes while it is iterated
                at = self.cursor
                for match in step["events"]:
                    found = next((i for i, e in enumerate(self.status[at:]) if event_matches(e, match)), -1)
                    if found < 0 or (step.get("exact") and found != 0):
                        return False
                    at += found + 1
                self.cursor = at
                return True

            until(lambda: f"status {step['events']}; got {[str(e) for e in self.status[self.cursor:]]}", timeout, check)
        elif what == "noStatus":
            assert [str(e) for e in self.status if e.type == step["type"]] == []
        elif what == "serverStats":
            keys = [k for k in ("queued", "delivered", "dropped", "subscribers", "requests") if k in step]
            stats: Dict[str, Any] = {}

            def stats_hold() -> bool:
                if self.source is not None:
                    self.source.poll()
                    self.source.ask()  # the subscription's call runs while it is iterated
                stats.update(self.launcher.send("stats"))
                return all(within(stats[k], step[k]) for k in keys)

            until(lambda: f"server stats {stats}", timeout, stats_hold)
        else:
            raise AssertionError(f"unknown expectation {what}")

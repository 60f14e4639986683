"""Test servers from packages/testing's falco-test-launcher (Node and gRPC C core), over JSON lines."""

import json
import os
import signal
import subprocess
from pathlib import Path
from typing import Any, Dict, Optional

import pytest

from falco_sdk import Backoff, FalcoClient, TLS

ROOT = Path(__file__).resolve().parents[3]
LAUNCHER = ROOT / "packages" / "testing" / "dist" / "launcher.js"


class Launcher:
    """One falco-test-launcher process: one server, driven command by command."""

    def __init__(self) -> None:
        if not LAUNCHER.exists():
            raise RuntimeError(f"{LAUNCHER} is missing: build first (npm test, or pnpm build)")
        self.proc = subprocess.Popen(
            [os.environ.get("NODE", "node"), str(LAUNCHER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.endpoint = ""
        self.pki: Dict[str, str] = {}

    def send(self, cmd: str, **args: Any) -> Dict[str, Any]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"falco-test-launcher exited ({self.proc.wait()}) during {cmd}")
        reply = json.loads(line)
        if not reply.pop("ok"):
            raise RuntimeError(f"launcher {cmd}: {reply['error']}")
        return reply

    def start(self, kind: str, transport: str, **options: Any) -> "Launcher":
        reply = self.send("start", kind=kind, transport=transport, **options)
        self.endpoint = reply["endpoint"]
        self.pki = reply.get("pki", {})
        return self

    def emit(self, count: int) -> list:
        return self.send("emit", count=count)["alerts"]

    def tls(self, rogue: bool = False) -> Optional[TLS]:
        if not self.pki:
            return None
        if rogue:
            return TLS(ca=self.pki["ca"], cert=self.pki["rogueCert"], key=self.pki["rogueKey"])
        return TLS(ca=self.pki["ca"], cert=self.pki["cert"], key=self.pki["key"])

    def client(self, **options: Any) -> FalcoClient:
        options.setdefault("reconnect", Backoff(initial_delay=0.05, max_delay=0.5))
        return FalcoClient(self.endpoint, tls=self.tls(), **options)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()  # the launcher stops its server and exits
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


def run_python(args, timeout: float = 60, env: Optional[Dict[str, str]] = None):
    """Runs a Python program; if it hangs, its threads' tracebacks (faulthandler, on SIGABRT)
    are in the failure message, so the hang can be diagnosed."""
    proc = subprocess.Popen(
        [args[0], "-X", "faulthandler", *args[1:]],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)
        out, err = proc.communicate()
        pytest.fail(f"{args} hung for {timeout} s; stdout {out!r}; threads:\n{err}")
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


SERVERS = [(k, t) for k in ("node", "ccore") for t in ("unix", "mtls")]


@pytest.fixture(params=SERVERS, ids=[f"{k}-{t}" for k, t in SERVERS])
def falco(request: pytest.FixtureRequest):
    launcher = Launcher()
    try:
        yield launcher.start(*request.param)
    finally:
        launcher.close()



@pytest.fixture(params=["node", "ccore"])
def starved_falco(request: pytest.FixtureRequest):
    """A server with grpc.threadiness 1 (10 `sub` slots), every slot held by another client."""
    from test_liveness import occupy_sub_slots

    launcher = Launcher()
    try:
        launcher.start(request.param, "unix", threadiness=1)
        channel, calls = occupy_sub_slots(launcher.endpoint, None, 10)
        launcher.send("waitSubscribers", n=10)
        yield launcher, channel, calls
    finally:
        launcher.close()


def pytest_terminal_summary(terminalreporter) -> None:
    """One line for CI's output: the conformance scenarios' results (tests/test_conformance.py)."""
    import sys

    conformance = sys.modules.get("test_conformance")
    results = getattr(conformance, "RESULTS", None)
    if not results:
        return
    count = {r: sum(1 for v in results.values() if v == r) for r in ("passed", "skipped", "FAILED")}
    failed = f", {count['FAILED']} FAILED" if count["FAILED"] else ""
    each = ", ".join(f"{name}: {result}" for name, result in sorted(results.items()))
    summary = f"conformance python: {count['passed']} passed, {count['skipped']} skipped{failed} ({each})"
    terminalreporter.write_line(summary)
    # npm test and scripts/conformance-table.mjs collect every language's line there.
    path = os.environ.get("FALCO_CONFORMANCE_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as file:
            file.write(summary + "\n")

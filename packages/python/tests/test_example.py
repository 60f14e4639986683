"""examples/python-consumer/main.py as a user runs it, with the Python on PATH and with this one."""

import json
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, run_python

MAIN = ROOT / "examples" / "python-consumer" / "main.py"
PYTHONS = sorted({sys.executable, shutil.which("python3") or sys.executable})


def run(python, *args):
    return run_python([python, str(MAIN), *args])


@pytest.mark.parametrize("python", PYTHONS)
def test_prints_count_alerts_as_falco_json(falco, python):
    expected = falco.emit(3)
    args = ["--endpoint", falco.endpoint, "--count", "3"]
    if falco.pki:
        args += ["--ca", falco.pki["ca"], "--cert", falco.pki["cert"], "--key", falco.pki["key"]]
    done = run(python, *args)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line) for line in done.stdout.splitlines()] == expected
    status = [line for line in done.stderr.splitlines() if line.startswith("status: ")]
    assert status == [
        f"status: connecting endpoint={falco.endpoint}",
        f"status: connected endpoint={falco.endpoint}",
        "status: closed",
    ]


def test_a_hung_falco_exits_1_after_the_liveness_window(falco):
    falco.emit(1)
    args = [sys.executable, "-u", str(MAIN), "--endpoint", falco.endpoint, "--liveness-timeout", "2"]
    if falco.pki:
        args += ["--ca", falco.pki["ca"], "--cert", falco.pki["cert"], "--key", falco.pki["key"]]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert json.loads(proc.stdout.readline())  # the first alert: it runs
        falco.send("pause")  # like SIGSTOP
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        falco.send("resume")
    assert proc.returncode == 1, err
    assert "status: disconnected alertsMayHaveBeenLost=true error=" in err
    assert "did not answer a liveness check" in err
    assert "stayed hung past the liveness window (--liveness-timeout 2)" in err


@pytest.mark.parametrize("python", PYTHONS)
def test_unreachable_falco_exits_1_naming_the_endpoint(tmp_path, python):
    endpoint = f"unix://{tmp_path}/falco.sock"
    done = run(python, "--endpoint", endpoint, "--count", "1")
    assert done.returncode == 1
    assert f"cannot reach Falco at {endpoint}" in done.stderr
    assert done.stdout == ""


def test_tcp_without_certificates_is_a_usage_error():
    done = run(sys.executable, "--endpoint", "127.0.0.1:5060")
    assert done.returncode == 2
    assert "give --ca, --cert and --key" in done.stderr

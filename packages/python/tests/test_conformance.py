"""The language-neutral conformance suite (conformance/README.md) with the Python client: every
scenario against the Node and C-core test servers over each transport it lists. Skips come from
conformance/skips.json only; conftest prints one summary line (`conformance python: ...`)."""

import json

import pytest
from conformance_runner import CONFORMANCE, Run, load_scenarios, load_skips

from falco_sdk import defaults
from falco_sdk.backoff import Backoff
from falco_sdk.client import FalcoClient

SKIPS = load_skips("python")
RESULTS: dict = {}
RUNS = [(s, k, t) for s in load_scenarios() for k in s["servers"] for t in s["transports"]]


def test_defaults_are_the_table():
    table = json.loads((CONFORMANCE / "defaults.json").read_text())
    backoff = Backoff()
    init = FalcoClient.__init__.__kwdefaults__
    subscribe = FalcoClient.subscribe.__kwdefaults__
    assert subscribe["max_buffered_alerts"] == defaults.MAX_BUFFERED_ALERTS == table["maxBufferedAlerts"]
    assert subscribe["poll_interval"] * 1000 == table["pollIntervalMs"]
    assert init["liveness_timeout"] * 1000 == table["livenessTimeoutMs"]
    assert init["wait_for_server"] is table["waitForServer"]
    assert (init["reconnect"] is not None) is table["reconnect"]["enabled"]
    reconnect = table["reconnect"]
    assert (backoff.initial_delay * 1000, backoff.max_delay * 1000, backoff.multiplier, backoff.jitter,
            backoff.max_attempts) == (reconnect["initialDelayMs"], reconnect["maxDelayMs"],
                                      reconnect["multiplier"], reconnect["jitter"], reconnect["maxAttempts"])


@pytest.mark.parametrize("scenario,kind,transport", RUNS,
                         ids=[f"{s['name']}-{k}-{t}" for s, k, t in RUNS])
def test_scenario(scenario, kind, transport):
    name = scenario["name"]
    if name in SKIPS:
        RESULTS[name] = "skipped"
        pytest.skip(SKIPS[name])
    RESULTS.setdefault(name, "passed")
    try:
        Run(scenario, kind, transport).run()
    except BaseException:
        RESULTS[name] = "FAILED"
        raise

"""Falco's rules reloads while alerts flow: the measurement of issue 19 (each client lost 1 of
650 alerts through 3 reloads and reported nothing). Every alert arrives, or its loss is reported.
The client of commit 140327c, driven the same way, lost one alert silently in 4 of 6 runs."""

import threading
import time

from falco_sdk import Backoff


def test_three_reloads_under_load_lose_nothing_silently(falco):
    events = []
    received = []
    done = threading.Event()
    total = 650

    with falco.client(on_status=events.append, reconnect=Backoff(initial_delay=0.01, max_delay=0.05)) as client:
        alerts = client.subscribe()

        def consume():
            for alert in alerts:
                received.append(alert.rule)
                if len(received) == total:
                    break
            done.set()

        reader = threading.Thread(target=consume)
        reader.start()
        for _ in range(3):
            for _ in range(4):
                falco.emit(50)
            falco.send("waitSubscribers", n=1)  # a reload while subscribed, alerts in flight
            falco.send("reload")
        falco.emit(50)  # 650 in all
        # Each alert is received, or counted as dropped by the server. The deadline only turns
        # a failure into a message instead of a hang.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            stats = falco.send("stats")
            if stats["queued"] == 0 and len(received) + stats["dropped"] >= total:
                break
            done.wait(0.05)
        alerts.close()
        reader.join()
    dropped = falco.send("stats")["dropped"]
    reported = [e for e in events if e.type == "disconnected" and e.alerts_may_have_been_lost]
    assert [e.type for e in events].count("disconnected") >= 3  # and failed attempts during a restart
    # A poll on its way when Falco stops still makes Falco pop (and discard) one alert: 5 in
    # 144 reloads measured, never silent. Each such loss is a stream that ended at a request,
    # reported as alertsMayHaveBeenLost=true.
    assert dropped <= len(reported), f"{dropped} alerts lost, {len(reported)} disconnected events said so"
    assert len(received) + dropped == total

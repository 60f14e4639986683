"""A hung Falco (liveness) and a starved `sub` (slots full), against both test servers."""

import queue
import threading

import grpc

from falco_sdk import LivenessError, SubscriptionStarvedError
from falco_sdk.proto import outputs_pb2


def test_a_hung_falco_is_detected_by_the_liveness_check(falco):
    events = []
    paused = threading.Event()

    def on_status(event):
        events.append(event)
        if paused.is_set() and event.type == "disconnected":
            alerts.close()

    with falco.client(on_status=on_status, liveness_timeout=2.0) as client:
        alerts = client.subscribe()
        falco.emit(1)
        next(alerts)
        falco.send("pause")  # like SIGSTOP: nothing answers, not even version
        paused.set()
        assert list(alerts) == []  # ends once the liveness check failed (on_status closes it)
    falco.send("resume")
    after = events[[e.type for e in events].index("disconnected", 0) :]
    hung = [e for e in after if e.type == "disconnected"][-1]
    assert isinstance(hung.error, LivenessError), hung
    assert "did not answer a liveness check" in str(hung.error)
    assert hung.alerts_may_have_been_lost is True


def occupy_sub_slots(endpoint, credentials, n):
    """n `sub` calls that poll once and then hold their slot (like stale calls of crashed clients)."""
    channel = grpc.secure_channel(endpoint, *credentials) if credentials else grpc.insecure_channel(endpoint)
    sub = channel.stream_stream(
        "/falco.outputs.service/sub",
        request_serializer=outputs_pb2.request.SerializeToString,
        response_deserializer=outputs_pb2.response.FromString,
    )
    calls = []
    for _ in range(n):
        requests = queue.Queue()
        requests.put(outputs_pb2.request())
        calls.append((sub(iter(requests.get, None)), requests))
    return channel, calls


def test_a_starved_sub_is_reported_and_get_delivers_meanwhile(starved_falco):
    falco, channel, calls = starved_falco
    events = []
    with falco.client(on_status=events.append, liveness_timeout=2.0) as client, client.subscribe() as alerts:
        got = []
        while not any(e.type == "starved" for e in events):
            expected = falco.emit(1)
            got.append(next(alerts).to_json())
            assert got[-1] == expected[0]  # delivered through get, in order
        starved = next(e for e in events if e.type == "starved")
        assert isinstance(starved.error, SubscriptionStarvedError)
        assert "grpc.threadiness" in str(starved.error)
        expected = falco.emit(2)
        assert [next(alerts).to_json() for _ in range(2)] == expected
        calls[0][0].cancel()  # a slot frees: the sub call is served, alerts come on it again
        calls[0][1].put(None)
        while events[-1].type != "connected":
            expected = falco.emit(1)
            assert next(alerts).to_json() == expected[0]
    for call, requests in calls[1:]:
        call.cancel()
        requests.put(None)
    channel.close()

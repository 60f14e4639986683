"""Errors a user hits before any Falco answers."""

import pytest

from falco_sdk import Backoff, ConfigurationError, FalcoClient, FalcoUnavailableError, TLS


def test_missing_socket_names_the_endpoint(tmp_path):
    endpoint = f"unix://{tmp_path}/falco.sock"
    with pytest.raises(FalcoUnavailableError, match=f"cannot reach Falco at {endpoint}"):
        FalcoClient(endpoint).version()


def test_subscribe_fails_at_once_naming_the_endpoint(tmp_path):
    endpoint = f"unix://{tmp_path}/falco.sock"
    events = []
    client = FalcoClient(endpoint, on_status=events.append)
    with pytest.raises(FalcoUnavailableError, match=f"cannot reach Falco at {endpoint}"):
        next(client.subscribe())
    assert [e.type for e in events] == ["connecting", "disconnected"]
    assert events[1].alerts_may_have_been_lost is False


def test_subscribe_waiting_for_the_server_gives_up_after_max_attempts(tmp_path):
    events = []
    client = FalcoClient(
        f"unix://{tmp_path}/falco.sock",
        reconnect=Backoff(initial_delay=0.001, max_attempts=2),
        wait_for_server=True,
        on_status=events.append,
    )
    with pytest.raises(FalcoUnavailableError, match="gave up after 3 failed attempts"):
        next(client.subscribe())
    assert [e.type for e in events] == ["connecting", "disconnected", "reconnecting"] * 2 + [
        "connecting",
        "disconnected",
    ]
    assert [e.attempt for e in events if e.type == "reconnecting"] == [1, 2]


def test_tcp_without_tls_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="mutual TLS"):
        FalcoClient("127.0.0.1:5060")


def test_plaintext_http_is_refused():
    with pytest.raises(ConfigurationError, match="plaintext TCP"):
        FalcoClient("http://127.0.0.1:5060")


def test_unreadable_certificate_names_the_file(tmp_path):
    with pytest.raises(ConfigurationError, match="ca file"):
        FalcoClient("localhost:5060", tls=TLS(ca=str(tmp_path / "nope.crt"), cert=b"", key=b""))

"""Errors a user hits before any Falco answers."""

import pytest

from falco_sdk import Backoff, ConfigurationError, FalcoClient, FalcoUnavailableError, Tls


def test_missing_socket_names_the_endpoint(tmp_path):
    endpoint = f"unix://{tmp_path}/falco.sock"
    with pytest.raises(FalcoUnavailableError, match=f"cannot reach Falco at {endpoint}"):
        FalcoClient(endpoint).version()


def test_subscribe_gives_up_after_max_attempts(tmp_path):
    client = FalcoClient(
        f"unix://{tmp_path}/falco.sock",
        backoff=Backoff(initial_delay_ms=1, max_attempts=2),
    )
    with pytest.raises(FalcoUnavailableError, match="gave up after 3 failed attempts"):
        next(client.subscribe())


def test_tcp_without_tls_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="mutual TLS"):
        FalcoClient("127.0.0.1:5060")


def test_plaintext_http_is_refused():
    with pytest.raises(ConfigurationError, match="plaintext TCP"):
        FalcoClient("http://127.0.0.1:5060")


def test_unreadable_certificate_names_the_file(tmp_path):
    with pytest.raises(ConfigurationError, match="ca file"):
        FalcoClient("localhost:5060", tls=Tls(ca=str(tmp_path / "nope.crt"), cert=b"", key=b""))

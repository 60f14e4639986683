"""Falco's three methods on a grpc channel, typed (no generated service stubs needed)."""

from typing import TYPE_CHECKING, Iterator, Optional, Tuple

import grpc

from ._gen.falco import outputs_pb2, version_pb2
from .endpoint import Endpoint
from ._tls_probe import diagnose, tls_error
from .errors import FalcoConnectionError, FalcoError, FalcoUnavailableError

if TYPE_CHECKING:
    from grpc import _CallIterator  # the type of a streaming call, in grpc's type stubs only

REQUEST = outputs_pb2.request()


def version_call(channel: grpc.Channel, timeout: float) -> version_pb2.response:
    """`falco.version.service/version` with a deadline of `timeout` seconds."""
    method = channel.unary_unary(
        "/falco.version.service/version",
        request_serializer=version_pb2.request.SerializeToString,
        response_deserializer=version_pb2.response.FromString,
    )
    answer: version_pb2.response = method(version_pb2.request(), timeout=timeout)
    return answer


def get_call(channel: grpc.Channel) -> "_CallIterator[outputs_pb2.response]":
    """`falco.outputs.service/get`: Falco drains its queue into it, then ends it with OK."""
    method = channel.unary_stream(
        "/falco.outputs.service/get",
        request_serializer=outputs_pb2.request.SerializeToString,
        response_deserializer=outputs_pb2.response.FromString,
    )
    return method(REQUEST)


def sub_call(
    channel: grpc.Channel, requests: Iterator[outputs_pb2.request]
) -> "_CallIterator[outputs_pb2.response]":
    """`falco.outputs.service/sub`: one drain of Falco's queue per request sent."""
    method = channel.stream_stream(
        "/falco.outputs.service/sub",
        request_serializer=outputs_pb2.request.SerializeToString,
        response_deserializer=outputs_pb2.response.FromString,
    )
    return method(requests)


TlsSettings = Tuple[Tuple[bytes, bytes, bytes], str, float]
"""(ca, cert, key), server name, and the probe's timeout: what describe_rpc_error needs to name
a TLS failure."""


def describe_rpc_error(
    endpoint: Endpoint, error: grpc.RpcError, *, broken: bool = False, tls: Optional[TlsSettings] = None
) -> FalcoError:
    """A FalcoError naming the endpoint and what to check, for a failed call. broken: a stream
    that worked broke (FalcoConnectionError, code "connection"). tls: the client's TLS settings,
    to name a failed handshake (TLSError, code "tls", with its reason)."""
    code = error.code() if isinstance(error, grpc.Call) else None
    details = error.details() if isinstance(error, grpc.Call) else str(error)
    if broken and code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN):
        return FalcoConnectionError(f"the alert stream from Falco at {endpoint.text} broke: {details}")
    if code == grpc.StatusCode.UNAVAILABLE and tls is not None:
        if "Peer name" in details and "not in peer certificate" in details:
            return tls_error("name-mismatch", endpoint.text, details)
        if "certificate verify failed" in details:
            return tls_error("ca-untrusted", endpoint.text, details)
        reason = diagnose(endpoint.target, *tls)
        if reason is not None:
            return tls_error(reason, endpoint.text, details)
    if code == grpc.StatusCode.UNAVAILABLE:
        hint = "check that Falco runs with grpc.enabled and grpc_output.enabled and this bind_address" + (
            ", and that this process may open the socket (often root-only)"
            if endpoint.is_unix
            else ", and that the CA, client certificate and server name match Falco's"
        )
        return FalcoUnavailableError(f"cannot reach Falco at {endpoint.text}: {details}; {hint}")
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return FalcoUnavailableError(
            f"Falco at {endpoint.text} did not answer in time ({details}): it is hung or overloaded"
        )
    name = code.name if code is not None else "UNKNOWN"
    return FalcoError(f"call to Falco at {endpoint.text} failed: {name}: {details}")

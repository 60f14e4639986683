"""The gRPC side: Falco's three RPCs on the shared queue, and the server that listens like Falco."""

import contextlib
from concurrent import futures

import unix_socket
from falco_state import CallSlots


def watch(context, stream):
    """Marks the stream done when its call ends, even if it already has."""
    stream.context = context
    if not context.add_callback(stream.rpc_done):
        stream.rpc_done()


class FalcoServicer:
    """The three RPCs, with Falco's semantics, on top of the shared queue."""

    def __init__(self, grpc, queue, pb, version_reply, calls_per_method):
        self.grpc = grpc
        self.queue = queue
        self.pb = pb
        self.version_reply = version_reply
        self.slots = {
            name: CallSlots(queue, calls_per_method) for name in ("sub", "get", "version")
        }

    @contextlib.contextmanager
    def slot(self, name, context):
        """Holds one of the method's call contexts for the call's lifetime."""
        if not self.slots[name].acquire(context):
            if context.is_active():
                context.abort(self.grpc.StatusCode.UNAVAILABLE, "the server is stopping")
            yield False
            return
        try:
            yield True
        finally:
            self.slots[name].release()

    def sub(self, request_iterator, context):
        with self.slot("sub", context) as served:
            if served:
                yield from self._sub(request_iterator, context)

    def get(self, request, context):
        with self.slot("get", context) as served:
            if served:
                yield from self._get(request, context)

    def version(self, request, context):
        with self.slot("version", context) as served:
            # Not served: the call was cancelled (an empty answer goes nowhere).
            return self._version(request, context) if served else self.pb.version.response()

    def _sub(self, request_iterator, context):
        stream = self.queue.open_stream(subscriber=True)
        watch(context, stream)
        try:
            # Nothing is written until the client sends a request; each
            # request drains the whole queue once.
            for _request in request_iterator:
                if stream.request_read():
                    return  # Falco ends a sub with OK at the next request when stopping
                self.queue.wait_while_paused(stream)
                if not stream.active:
                    return
                last = False
                while not last:
                    alert, last = stream.pop()
                    if alert is None:
                        break
                    yield alert  # resumes only once the write completed
                    if stream.written(pop_at_stop=True):
                        # Falco pops the next alert, then checks for a stop:
                        # a stop that began during this write ends the call
                        # with OK and discards the alert popped after it.
                        return
            # The client half-closed: Falco never answers that (the call
            # hangs until the client's deadline or cancellation).
            stream.wait_until_done()
        finally:
            stream.close()

    def _get(self, _request, context):
        stream = self.queue.open_stream(subscriber=False)
        watch(context, stream)
        try:
            self.queue.wait_while_paused(stream)
            last = False
            while not last and stream.active and not self.queue.stopping:
                alert, last = stream.pop()
                if alert is None:
                    break
                yield alert
                stream.written()
        finally:
            stream.close()

    def _version(self, _request, context):
        stream = self.queue.open_stream(subscriber=False)
        watch(context, stream)
        try:
            self.queue.wait_while_paused(stream)
            return self.version_reply
        finally:
            stream.close()


def build_server(grpc, pb, servicer, listen, port_wanted):
    """A started gRPC server on `listen`; returns (server, endpoint, port, socket identity or None)."""
    outputs = pb.outputs
    version = pb.version
    outputs_handler = grpc.method_handlers_generic_handler(
        "falco.outputs.service",
        {
            "sub": grpc.stream_stream_rpc_method_handler(
                servicer.sub,
                request_deserializer=outputs.request.FromString,
                response_serializer=outputs.response.SerializeToString,
            ),
            "get": grpc.unary_stream_rpc_method_handler(
                servicer.get,
                request_deserializer=outputs.request.FromString,
                response_serializer=outputs.response.SerializeToString,
            ),
        },
    )
    version_handler = grpc.method_handlers_generic_handler(
        "falco.version.service",
        {
            "version": grpc.unary_unary_rpc_method_handler(
                servicer.version,
                request_deserializer=version.request.FromString,
                response_serializer=version.response.SerializeToString,
            ),
        },
    )
    # Default server options: gRPC's keepalive enforcement (a client may
    # ping at most once per 5 minutes without data) stays as in Falco.
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=128))
    server.add_generic_rpc_handlers((outputs_handler, version_handler))
    identity = None
    if "socketPath" in listen:
        path = listen["socketPath"]
        address = "unix:" + path
        identity = unix_socket.bind(server, path)
        port = 1
        endpoint = "unix://" + path if path.startswith("/") else "unix:" + path
    else:
        host = listen.get("host") or "127.0.0.1"
        host_part = f"[{host}]" if ":" in host else host
        address = f"{host_part}:{port_wanted}"
        if "tls" in listen:
            tls = listen["tls"]
            creds = grpc.ssl_server_credentials(
                [(_pem(tls, "key"), _pem(tls, "cert"))],
                root_certificates=_pem(tls, "ca"),
                require_client_auth=True,
            )
            port = server.add_secure_port(address, creds)
        elif listen.get("insecurePlaintext") is True:
            port = server.add_insecure_port(address)
        else:
            raise ValueError("TCP needs 'tls' (Falco's only TCP mode) or insecurePlaintext: true")
        if port == 0:
            raise OSError(f"cannot listen on {address}")
        endpoint = f"{host_part}:{port}"
    if port == 0:
        raise OSError(f"cannot listen on {address}")
    server.start()
    return server, endpoint, port, identity


def _pem(tls, name):
    if name in tls:
        return tls[name].encode("utf-8")
    with open(tls[name + "File"], "rb") as f:
        return f.read()

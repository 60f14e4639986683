"""A minimal Falco outputs client on any grpcio (1.51 from Debian, 1.56 and the newest
from PyPI): grpc's generic API with raw bytes, so no generated stubs. It calls
`version`, then `sub` (one empty request every --poll-interval seconds) until it
has --count alerts, printing one JSON line per step:
{"version_bytes": N}, {"alerts": N} or {"error": CODE, "details": ...}.
Test-only (packages/relay/test/interop.spec.ts).
"""

import argparse
import json
import sys
import threading


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", required=True)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--poll-interval", type=float, default=0.05)
    ap.add_argument("--ca")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    args = ap.parse_args()
    import grpc

    def emit(doc):
        sys.stdout.write(json.dumps(doc) + "\n")
        sys.stdout.flush()

    identity = lambda b: b
    if args.ca:
        read = lambda p: open(p, "rb").read()
        creds = grpc.ssl_channel_credentials(read(args.ca), read(args.key), read(args.cert))
        channel = grpc.secure_channel(
            args.target, creds, options=[("grpc.ssl_target_name_override", "localhost")]
        )
    else:
        channel = grpc.insecure_channel(args.target)
    emit({"grpcio": grpc.__version__})
    try:
        version = channel.unary_unary(
            "/falco.version.service/version",
            request_serializer=identity,
            response_deserializer=identity,
        )(b"", timeout=30)
        emit({"version_bytes": len(version)})
        stop = threading.Event()

        def requests():
            while not stop.is_set():
                yield b""
                stop.wait(args.poll_interval)

        call = channel.stream_stream(
            "/falco.outputs.service/sub",
            request_serializer=identity,
            response_deserializer=identity,
        )(requests())
        received = 0
        for _ in call:
            received += 1
            if received >= args.count:
                break
        stop.set()
        call.cancel()
        emit({"alerts": received})
    except grpc.RpcError as e:
        emit({"error": e.code().name, "details": e.details()})
        sys.exit(1)
    finally:
        channel.close()


if __name__ == "__main__":
    main()

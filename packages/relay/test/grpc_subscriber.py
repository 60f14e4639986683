"""A Falco gRPC outputs subscriber on gRPC's C core (Debian's python3-grpcio), the
stack client-go and client-py programs use: it sends a `sub` request every
--poll-interval seconds, like client-go (1 s) or client-py (0.1 s), and prints
one JSON line per alert, then {"done": N} after --count alerts, or
{"error": CODE} when the call fails. Test-only; run with /usr/bin/python3.

--stop-reading-after K keeps polling but stops reading responses after K alerts
(a consumer that hangs); --stop-polling-after K stops sending requests.
Commands on stdin: "quit" cancels the call and exits.
"""

import argparse
import json
import os
import sys
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", required=True)
    ap.add_argument("--mode", choices=["sub", "get", "version"], default="sub")
    ap.add_argument("--poll-interval", type=float, default=1.0)
    ap.add_argument("--count", type=int, default=0)
    ap.add_argument("--stop-reading-after", type=int, default=-1)
    ap.add_argument("--stop-polling-after", type=int, default=-1)
    ap.add_argument("--ca")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--interop-dir", required=True)
    ap.add_argument("--proto-dir", required=True)
    ap.add_argument("--stubs-dir", required=True)
    args = ap.parse_args()

    sys.path.insert(0, args.interop_dir)
    import grpc
    from falco_codec import load_stubs

    pb = load_stubs(args.proto_dir, args.stubs_dir)
    out = sys.stdout
    lock = threading.Lock()

    def emit(doc):
        with lock:
            out.write(json.dumps(doc) + "\n")
            out.flush()

    read = lambda p: open(p, "rb").read() if p else None
    if args.ca:
        creds = grpc.ssl_channel_credentials(read(args.ca), read(args.key), read(args.cert))
        channel = grpc.secure_channel(
            args.target, creds, options=[("grpc.ssl_target_name_override", "localhost")]
        )
    else:
        channel = grpc.insecure_channel(args.target)

    if args.mode == "version":
        call = channel.unary_unary(
            "/falco.version.service/version",
            request_serializer=pb.version.request.SerializeToString,
            response_deserializer=pb.version.response.FromString,
        )
        try:
            v = call(pb.version.request(), timeout=10)
            emit({"version": v.version, "major": v.major, "minor": v.minor, "patch": v.patch,
                  "prerelease": v.prerelease, "build": v.build})
        except grpc.RpcError as e:
            emit({"error": e.code().name, "details": e.details()})
        return

    state = {"received": 0, "stop": False}
    stop = threading.Event()

    def requests():
        while not stop.is_set():
            if args.stop_polling_after >= 0 and state["received"] >= args.stop_polling_after:
                stop.wait()
                return
            yield pb.outputs.request()
            stop.wait(args.poll_interval)

    def watch_stdin():
        for line in sys.stdin:
            if line.strip() == "quit":
                break
        stop.set()
        call.cancel()

    if args.mode == "get":
        call = channel.unary_stream(
            "/falco.outputs.service/get",
            request_serializer=pb.outputs.request.SerializeToString,
            response_deserializer=pb.outputs.response.FromString,
        )(pb.outputs.request())
    else:
        call = channel.stream_stream(
            "/falco.outputs.service/sub",
            request_serializer=pb.outputs.request.SerializeToString,
            response_deserializer=pb.outputs.response.FromString,
        )(requests())
    threading.Thread(target=watch_stdin, daemon=True).start()
    emit({"ready": True})
    try:
        for r in call:
            state["received"] += 1
            emit({
                "time": {"seconds": r.time.seconds, "nanos": r.time.nanos},
                "priority": r.priority,
                "source_deprecated": r.source_deprecated,
                "rule": r.rule,
                "output": r.output,
                "output_fields": dict(r.output_fields),
                "hostname": r.hostname,
                "tags": list(r.tags),
                "source": r.source,
            })
            if args.count and state["received"] >= args.count:
                emit({"done": state["received"]})
                if args.mode == "sub":
                    stop.wait()  # stay subscribed until "quit"
                break
            if args.stop_reading_after >= 0 and state["received"] >= args.stop_reading_after:
                emit({"stopped-reading": state["received"]})
                stop.wait()
                break
        else:
            emit({"end": "OK", "received": state["received"]})
    except grpc.RpcError as e:
        emit({"error": e.code().name, "details": e.details(), "received": state["received"]})
    finally:
        stop.set()
        channel.close()


if __name__ == "__main__":
    main()

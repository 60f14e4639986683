#!/usr/bin/env python3
"""Prints Falco alerts as Falco JSON lines (priority Capitalised, time RFC 3339 with nanoseconds).

    python3 examples/python-consumer/main.py --endpoint unix:///run/falco/falco.sock --count 10
    python3 examples/python-consumer/main.py --endpoint localhost:5060 \\
        --ca ca.crt --cert client.crt --key client.key --count 10

Prints each connection event to stderr as one line, `status: ` and the event
(`status: disconnected alertsMayHaveBeenLost=true error="..."`).

Exits 0 after --count alerts (default: runs until interrupted), 1 when Falco
cannot be reached (the message names the endpoint) or stays hung past the
liveness window (--liveness-timeout, default 30 s), 2 on a usage error.
Uses packages/python from this repository; needs grpcio and protobuf, e.g.
Debian's python3-grpcio (what `npm test` installs): when the running Python
lacks them, it re-runs itself with /usr/bin/python3.
"""

import argparse
import os
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "packages" / "python"
sys.path[:0] = [str(PACKAGE / "src")]

try:
    import grpc  # noqa: F401
except ImportError:
    system = "/usr/bin/python3"
    if os.path.realpath(sys.executable) != os.path.realpath(system) and os.path.exists(system):
        os.execv(system, [system, *sys.argv])
    sys.exit("python-consumer: needs grpcio and protobuf: apt-get install python3-grpcio (Debian) "
             "or pip install grpcio protobuf")

from falco_sdk import TLS, FalcoClient, FalcoError, LivenessError, StatusEvent  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Print Falco alerts as JSON lines.")
    parser.add_argument("--endpoint", help="unix:///path or host:port (default: Falco's socket)")
    parser.add_argument("--count", type=int, default=0, help="stop after N alerts (default: never)")
    parser.add_argument("--ca", help="CA of Falco's certificate (host:port only)")
    parser.add_argument("--cert", help="client certificate (host:port only)")
    parser.add_argument("--key", help="client key (host:port only)")
    parser.add_argument("--server-name", default="localhost",
                        help="name in Falco's certificate (default: localhost)")
    parser.add_argument("--liveness-timeout", type=float, default=30.0, metavar="SECONDS",
                        help="exit 1 when Falco does not answer within this window (default: 30)")
    args = parser.parse_args()
    if args.count < 0:
        parser.error("--count must be >= 0")
    if not args.liveness_timeout > 0:
        parser.error("--liveness-timeout must be > 0 seconds")
    given = [x is not None for x in (args.ca, args.cert, args.key)]
    if any(given) and not all(given):
        parser.error("mutual TLS needs all of --ca, --cert and --key")
    tcp = args.endpoint and not args.endpoint.startswith(("unix:", "/"))
    if tcp and not args.ca:
        parser.error(f"{args.endpoint} is TCP, where Falco always requires mutual TLS: "
                     "give --ca, --cert and --key")
    return args


def main() -> int:
    args = parse_args()
    tls = TLS(args.ca, args.cert, args.key, args.server_name) if args.ca else None
    hung: list = []

    def on_status(event: StatusEvent) -> None:
        print(f"status: {event}", file=sys.stderr, flush=True)
        if event.type == "disconnected" and isinstance(event.error, LivenessError):
            hung.append(event.error)
            alerts.close()  # the loop below ends; we exit 1

    try:
        with FalcoClient(args.endpoint, tls=tls, liveness_timeout=args.liveness_timeout,
                         on_status=on_status) as falco:
            falco.version()  # fails at once, naming the endpoint, when Falco is unreachable
            with falco.subscribe() as alerts:
                for printed, alert in enumerate(alerts, start=1):
                    print(alert.json_line(), flush=True)
                    if printed == args.count:
                        break
    except FalcoError as error:
        print(f"python-consumer: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away: nothing more to say
        return 0
    if hung:
        print(f"python-consumer: {hung[0]}. Exiting: Falco stayed hung past the liveness window "
              f"(--liveness-timeout {args.liveness_timeout:g}); check that Falco runs and is not "
              "stopped (SIGSTOP) or overloaded", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

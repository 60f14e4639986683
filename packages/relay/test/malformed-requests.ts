// A seeded fuzz of malformed gRPC requests (:authority, :path, :method, content-type, te,
// HTTP/2 frame sizes, truncated and oversized messages) against any server of Falco's
// gRPC API, over a unix socket or mutual TLS. Each case runs on a connection of its own
// and reports how the server answered.
import { type ClientHttp2Session, connect, type OutgoingHttpHeaders } from "node:http2";
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { createPrng } from "@falco-sdk/testing/fixtures";
import { FLAG, FRAME, frame, headerBlock, rawConnection } from "./http2-frames.js";
import { grpcFrame } from "./raw-grpc.js";

/** How the server answered one request. */
export type Outcome =
  /** grpc-status 0. */
  | "ok"
  /** A gRPC error status, or an HTTP status other than 200. */
  | "grpc-error"
  /** RST_STREAM on the request's stream. */
  | "reset"
  /** GOAWAY: the server closed the connection (an HTTP/2 connection error). */
  | "goaway";

export interface FuzzTarget {
  readonly name: string;
  session(): ClientHttp2Session;
  socket(): Socket;
}

export function unixTarget(socketPath: string): FuzzTarget {
  return {
    name: "unix",
    session: () => connect("http://localhost", { createConnection: () => netConnect(socketPath) }),
    socket: () => netConnect(socketPath),
  };
}

export function tlsTarget(
  port: number,
  tls: { ca: string; cert: string; key: string },
): FuzzTarget {
  const options = { ...tls, servername: "localhost", ALPNProtocols: ["h2"] };
  return {
    name: "tcp+mtls",
    session: () => connect(`https://127.0.0.1:${port}`, options),
    socket: () => tlsConnect({ host: "127.0.0.1", port, ...options }),
  };
}

export interface FuzzCase {
  readonly name: string;
  run(target: FuzzTarget): Promise<Outcome>;
}

const GET = "/falco.outputs.service/get";
const EMPTY = grpcFrame(Buffer.alloc(0));
const good = {
  ":method": "POST",
  ":path": GET,
  "content-type": "application/grpc",
  te: "trailers",
} satisfies OutgoingHttpHeaders;

/** One request through node:http2's client. */
function request(name: string, headers: OutgoingHttpHeaders, body: Buffer): FuzzCase {
  return {
    name,
    run: (target) =>
      new Promise<Outcome>((resolve) => {
        const session = target.session();
        session.on("error", () => {});
        let httpStatus: number | undefined;
        let grpcStatus: number | undefined;
        const note = (fields: Record<string, unknown>) => {
          if (fields[":status"] !== undefined) httpStatus = Number(fields[":status"]);
          if (fields["grpc-status"] !== undefined) grpcStatus = Number(fields["grpc-status"]);
        };
        const stream = session.request(headers);
        stream.on("error", () => {});
        stream.on("response", note);
        stream.on("trailers", note);
        stream.resume();
        stream.on("close", () => {
          let outcome: Outcome;
          if (grpcStatus !== undefined) outcome = grpcStatus === 0 ? "ok" : "grpc-error";
          else if (httpStatus !== undefined && httpStatus !== 200) outcome = "grpc-error";
          else outcome = stream.rstCode === 0 ? "ok" : "reset";
          // A good call next on the same connection: once it is answered, the server has
          // seen (and counted) the first one, whatever it did with it.
          const next = session.closed || session.destroyed ? undefined : session.request(good);
          if (next === undefined) {
            session.destroy();
            resolve(outcome);
            return;
          }
          next.on("error", () => {});
          next.resume();
          next.on("close", () => {
            session.destroy();
            resolve(outcome);
          });
          next.end(EMPTY);
        });
        stream.end(body);
      }),
  };
}

/**
 * A header block node:http2's client refuses to send, then a good `get` on the next
 * stream (so the server has seen the first one before it answers the second).
 */
function rawHeaders(name: string, fields: [string, string][]): FuzzCase {
  return {
    name,
    async run(target) {
      const connection = rawConnection(target.socket());
      const base: [string, string][] = [
        [":method", "POST"],
        [":scheme", "http"],
        [":path", GET],
        [":authority", "localhost"],
        ["content-type", "application/grpc"],
      ];
      connection.send(
        frame(
          FRAME.HEADERS,
          FLAG.END_STREAM | FLAG.END_HEADERS,
          1,
          headerBlock([...base, ...fields]),
        ),
      );
      connection.send(
        frame(FRAME.HEADERS, FLAG.END_HEADERS, 3, headerBlock([...base, ["te", "trailers"]])),
      );
      connection.send(frame(FRAME.DATA, FLAG.END_STREAM, 3, EMPTY));
      const answer = await connection.answer(1);
      await connection.answer(3);
      connection.close();
      return answer === "rst-stream" ? "reset" : answer === "goaway" ? "goaway" : "ok";
    },
  };
}

/** A DATA frame larger than the 16384 bytes HTTP/2 allows before the server says more. */
function oversizedFrame(size: number): FuzzCase {
  return {
    name: `DATA frame of ${size} bytes`,
    async run(target) {
      const connection = rawConnection(target.socket());
      const fields: [string, string][] = [
        [":method", "POST"],
        [":scheme", "http"],
        [":path", GET],
        [":authority", "localhost"],
        ["content-type", "application/grpc"],
        ["te", "trailers"],
      ];
      connection.send(frame(FRAME.HEADERS, FLAG.END_HEADERS, 1, headerBlock(fields)));
      connection.send(frame(FRAME.DATA, FLAG.END_STREAM, 1, grpcFrame(Buffer.alloc(size - 5))));
      const answer = await connection.answer(1);
      connection.close();
      return answer === "goaway" ? "goaway" : answer === "rst-stream" ? "reset" : "ok";
    },
  };
}

const AUTHORITY_CHARS = "abcxyz019%/:@[]._-~!$&'()*+,;=";

/** `count` cases drawn from `seed`: the same seed gives the same cases. */
export function fuzzCases(seed: number, count: number, socketPath: string): FuzzCase[] {
  const prng = createPrng(seed);
  const text = (alphabet: string, max: number) => {
    let out = "";
    for (let i = prng.int(1, max); i > 0; i--) out += alphabet[prng.int(0, alphabet.length - 1)];
    return out;
  };
  const makers: (() => FuzzCase)[] = [
    // What grpcio 1.57+ sends on every unix:// call.
    () =>
      request(
        "grpcio's percent-encoded socket path",
        {
          ...good,
          ":authority": encodeURIComponent(socketPath.slice(1)),
        },
        EMPTY,
      ),
    () => {
      const authority = text(AUTHORITY_CHARS, 24);
      return request(
        `:authority ${JSON.stringify(authority)}`,
        { ...good, ":authority": authority },
        EMPTY,
      );
    },
    () => {
      const path = prng.pick([
        `/${prng.alnum(8)}`,
        `/falco.outputs.service/${prng.alnum(3)}`,
        `//[${prng.alnum(2)}`,
        `${GET}?x=[${prng.alnum(2)}`,
        `/${text(AUTHORITY_CHARS, 12)}`,
      ]);
      return request(`:path ${JSON.stringify(path)}`, { ...good, ":path": path }, EMPTY);
    },
    () => {
      const type = prng.pick([
        "application/json",
        "text/plain",
        "application/grpc-web",
        "application/grpcx",
        "",
        "application/grpc+proto",
        "application/grpc+json",
        "application/grpc; charset=utf-8",
      ]);
      return request(
        `content-type ${JSON.stringify(type)}`,
        { ...good, "content-type": type },
        EMPTY,
      );
    },
    () => {
      const method = prng.pick(["GET", "PUT", "DELETE", "OPTIONS"]);
      return request(`:method ${method}`, { ...good, ":method": method }, EMPTY);
    },
    () => {
      const { te: _te, ...withoutTe } = good;
      return request("no te header", withoutTe, EMPTY);
    },
    () => {
      const te = prng.pick(["gzip", "trailers, deflate", "TRAILERS ", "chunked"]);
      return rawHeaders(`te ${JSON.stringify(te)}`, [["te", te]]);
    },
    () =>
      rawHeaders("connection header", [
        ["te", "trailers"],
        ["connection", "keep-alive"],
      ]),
    () => {
      const body = Buffer.alloc(prng.int(0, 20), 0x0a);
      const promised = body.length + prng.int(1, 1000);
      return request(
        `message promising ${promised} bytes, ${body.length} sent`,
        good,
        grpcFrame(body, promised),
      );
    },
    () => {
      const path = prng.pick([GET, "/falco.outputs.service/sub", "/falco.version.service/version"]);
      const cut = prng.int(1, 4);
      return request(
        `${cut} bytes of a length prefix on ${path}`,
        { ...good, ":path": path },
        EMPTY.subarray(0, cut),
      );
    },
    () => request("5 MiB message", good, grpcFrame(Buffer.alloc(5 * 1024 * 1024, 0x0a))),
    () => request("length prefix of 4 GiB", good, grpcFrame(Buffer.alloc(8), 0xffffffff)),
    () =>
      request("undecodable message", good, grpcFrame(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]))),
    () => oversizedFrame(prng.int(16_385, 40_000)),
  ];
  // Each kind once, then kinds drawn at random.
  return Array.from({ length: count }, (_, i) => {
    const make = makers[i < makers.length ? i : prng.int(0, makers.length - 1)];
    return (make as () => FuzzCase)();
  });
}

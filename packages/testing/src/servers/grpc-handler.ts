import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { type ConnectRouter, createConnectRouter } from "@connectrpc/connect";
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from "@connectrpc/connect-node";

/** Options of {@link createGrpcHandler}. */
export interface GrpcHandlerOptions {
  /** Registers the services. */
  readonly routes: (router: ConnectRouter) => void;
  /** Largest request message accepted, in bytes. */
  readonly readMaxBytes: number;
}

/** A node:http2 request listener. */
export type GrpcRequestHandler = (
  request: Http2ServerRequest,
  response: Http2ServerResponse,
) => void;

/**
 * A gRPC-only request handler for node:http2, like connect-node's
 * `connectNodeAdapter` with one difference that matters for a Falco-like
 * server: a call whose client went away (stream reset, connection closed or
 * torn down with a GOAWAY error) is a routine end, as in gRPC's C core, not a
 * failure. connect-node logs every such write failure with a stack trace
 * unless the error maps to ABORTED, and a connection closed by its client
 * with GOAWAY CANCEL maps to INTERNAL. A handler that fails while its client
 * is still there is still logged: that is a bug in the server.
 */
export function createGrpcHandler(options: GrpcHandlerOptions): GrpcRequestHandler {
  const router = createConnectRouter({
    grpc: true,
    grpcWeb: false,
    connect: false,
    readMaxBytes: options.readMaxBytes,
    acceptCompression: [compressionGzip, compressionBrotli],
  });
  options.routes(router);
  const paths = new Map(router.handlers.map((handler) => [handler.requestPath, handler]));
  return (request, response) => {
    const handler = paths.get(request.url?.split("?", 2)[0] ?? "");
    if (handler === undefined) {
      response.writeHead(404);
      response.end();
      return;
    }
    const universalRequest = universalRequestFromNodeRequest(
      request,
      response,
      undefined,
      undefined,
    );
    handler(universalRequest)
      .then((universalResponse) => universalResponseToNodeResponse(universalResponse, response))
      .catch((reason: unknown) => {
        const stream = request.stream;
        if (stream.destroyed || stream.closed || stream.session?.destroyed !== false) {
          return; // the client is gone: nothing to report, like gRPC's C core
        }
        console.error(
          `falco test server: handler for ${handler.service.typeName}/${handler.method.name} failed`,
          reason,
        );
      });
  };
}

import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { RequestHandler } from "@falco-sdk/grpc-server";
import { service as versionService } from "@falco-sdk/proto/version";
import { OutputsCall } from "./outputs-call.js";
import { createRelayVersionService, type RelayCallContext } from "./relay-version-service.js";

const SUB_PATH = "/falco.outputs.service/sub";
const GET_PATH = "/falco.outputs.service/get";

/**
 * The relay's gRPC request handler: `falco.outputs.service` `sub` and `get` (every alert, to
 * every subscriber: the hot path) on node:http2 itself ({@link OutputsCall}), everything else
 * (`falco.version.service`, unknown methods) through connect-node.
 */
export function createRelayRequestHandler(context: RelayCallContext): RequestHandler {
  const connect = connectNodeAdapter({
    grpc: true,
    grpcWeb: false,
    connect: false,
    // gRPC's default receive limit, as in Falco.
    readMaxBytes: 4 * 1024 * 1024,
    // Falco's server does not compress; gzip would cost more CPU than the alerts are worth.
    acceptCompression: [],
    routes(router) {
      router.service(versionService, createRelayVersionService(context));
    },
    // Like gRPC's C core: an unknown method is UNIMPLEMENTED (connect-node would answer 404).
    fallback(_request, response) {
      response.writeHead(200, {
        "content-type": "application/grpc",
        "grpc-status": "12",
        "grpc-message": "Method not found",
      });
      response.end();
    },
  });
  return (request, response) => {
    const url = request.url ?? "";
    const query = url.indexOf("?");
    // The path without its query string, as connect-node routes.
    const path = query === -1 ? url : url.slice(0, query);
    if (path === SUB_PATH || path === GET_PATH) {
      new OutputsCall(path === SUB_PATH ? "sub" : "get", request, response, context).start();
      return;
    }
    connect(request, response);
  };
}

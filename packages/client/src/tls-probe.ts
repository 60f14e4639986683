import { connect } from "node:tls";
import type { LoadedTls } from "./tls-material.js";

/** What a bare TLS handshake says of the client certificate. */
export type ClientCertVerdict =
  | { readonly refused: true; readonly detail: string }
  | { readonly refused: false };

/**
 * Opens a TLS connection with the client's certificate, writes nothing after
 * the handshake and waits for the server's first word.
 *
 * Why: under TLS 1.3 the server checks the client certificate after the
 * client has finished its side of the handshake and started HTTP/2. A server
 * that refuses the certificate hangs up; with the client's HTTP/2 bytes still
 * unread on its side, its kernel resets the connection, and the client may see
 * only "read ECONNRESET". A gRPC server that accepts the certificate speaks
 * first (its HTTP/2 settings); one that refuses it closes without a word
 * (both of Falco's stacks, gRPC C core and Node, were seen to do so).
 */
export function probeClientCertificate(
  host: string,
  port: number,
  tls: LoadedTls,
  timeoutMs: number,
): Promise<ClientCertVerdict> {
  return new Promise((resolve) => {
    let handshakeDone = false;
    const socket = connect({
      host,
      port,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      servername: tls.serverName,
      ALPNProtocols: ["h2"],
    });
    const finish = (verdict: ClientCertVerdict) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(verdict);
    };
    const hungUp = (how: string) =>
      finish(
        handshakeDone
          ? { refused: true, detail: `the server ${how} right after the TLS handshake, unasked` }
          : { refused: false },
      );
    const timer = setTimeout(() => finish({ refused: false }), timeoutMs);
    socket.once("secureConnect", () => {
      handshakeDone = true;
    });
    socket.once("data", () => finish({ refused: false }));
    socket.once("end", () => hungUp("closed the connection"));
    socket.once("close", () => hungUp("closed the connection"));
    socket.once("error", (error: NodeJS.ErrnoException) => {
      if (/alert/i.test(error.message)) finish({ refused: true, detail: error.message });
      else hungUp(`failed the connection (${error.code ?? error.message})`);
    });
  });
}

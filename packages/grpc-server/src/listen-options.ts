/** PEM material of a mutual-TLS listener (contents, not paths). */
export interface TlsMaterial {
  /** Server certificate chain (Falco's `cert_chain`). */
  readonly cert: string | Buffer;
  /** Server private key (Falco's `private_key`). */
  readonly key: string | Buffer;
  /** CA that client certificates must chain to (Falco's `root_certs`). */
  readonly ca: string | Buffer;
}

/** Plaintext HTTP/2 on a unix socket, like Falco's default `unix:///run/falco/falco.sock`. */
export interface UnixListenOptions {
  /**
   * Path of the socket file; its parent is created. A socket file nothing answers on (a
   * stopped server's) is replaced; a socket a server answers on, or a file of another kind,
   * makes listening fail with `SocketInUseError` and is left alone. At close the socket is
   * removed only while the path still names the socket this listener created.
   */
  readonly socketPath: string;
  /**
   * Permission bits of the socket file, applied before the socket appears at `socketPath`
   * (it is bound under a temporary name, chmod-ed, then renamed into place).
   * @default the process umask applied to 0o777 (Node's default)
   */
  readonly socketMode?: number;
}

/** TCP with mutual TLS, like any non-unix Falco `grpc.bind_address`. */
export interface TlsListenOptions {
  /**
   * Address to bind.
   * @default "127.0.0.1"
   */
  readonly host?: string;
  /**
   * Port to bind; 0 picks a free one.
   * @default 0
   */
  readonly port?: number;
  /** Server certificate, key and the CA client certificates must chain to. */
  readonly tls: TlsMaterial;
}

/** Plaintext TCP, which Falco never offers: only with the explicit opt-in. */
export interface PlaintextListenOptions {
  /**
   * Address to bind.
   * @default "127.0.0.1"
   */
  readonly host?: string;
  /**
   * Port to bind; 0 picks a free one.
   * @default 0
   */
  readonly port?: number;
  /** Must be `true`: acknowledges that no real Falco serves this. */
  readonly insecurePlaintext: true;
}

/**
 * Where a gRPC server of Falco's API listens, as Falco's `grpc.bind_address` allows:
 * a unix socket (plaintext), or TCP with mutual TLS. Plaintext TCP, which
 * Falco never offers, only behind `insecurePlaintext: true`.
 */
export type ListenOptions = UnixListenOptions | TlsListenOptions | PlaintextListenOptions;

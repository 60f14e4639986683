/** The host as it goes into a URL or `host:port`: IPv6 addresses in brackets (`[::1]`). */
export function hostForUrl(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** `host:port`, with an IPv6 host in brackets. */
export function hostPort(host: string, port: number | string): string {
  return `${hostForUrl(host)}:${port}`;
}

/**
 * GETs an API path as text; on 401 goes to the login page, on another failure shows the
 * server's message (or the status) in `notice`. Undefined when there is no answer to use.
 */
export async function getText(path: string, notice: HTMLElement): Promise<string | undefined> {
  const res = await fetch(path, { credentials: "same-origin" });
  if (res.status === 401) {
    location.assign("/login");
    return undefined;
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    notice.textContent = body.error?.message ?? `${path}: HTTP ${res.status}`;
    notice.hidden = false;
    return undefined;
  }
  return res.text();
}

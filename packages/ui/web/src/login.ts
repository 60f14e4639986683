// The login link is /login#token=...: the token is in the fragment, which the browser never
// sends in a GET (nor in a Referer); this page's script POSTs it once, and the server answers
// with the session cookie. GET /login changes nothing.
const message = document.getElementById("login-message") as HTMLElement;
const token = new URLSearchParams(location.hash.slice(1)).get("token");
history.replaceState(null, "", "/login");

async function login(value: string): Promise<void> {
  message.textContent = "Signing in…";
  const res = await fetch("/login", {
    method: "POST",
    credentials: "same-origin",
    body: new URLSearchParams({ token: value }),
  });
  if (res.status === 204) {
    location.replace("/");
    return;
  }
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  message.textContent = body.error?.message ?? `The server refused the login (HTTP ${res.status}).`;
}

if (token) void login(token);
else
  message.textContent =
    "Open the login link that `falco-alerts ui` printed when it started (it works once).";

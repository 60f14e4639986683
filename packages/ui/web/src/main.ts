import { AlertList } from "./alert-list.js";
import { DetailPane } from "./detail-pane.js";
import { byId } from "./dom.js";
import { ExceptionPanel } from "./exception-panel.js";
import { FacetPanel } from "./facet-panel.js";
import { LiveStream } from "./live-stream.js";
import { type PageAlert, pageAlert, parseAlertsPage } from "./stored-alert.js";
import { TimeHistogram } from "./time-histogram.js";
import { apiFilters, formatSearch, parseSearch } from "./view-state.js";
import { VirtualTable } from "./virtual-table.js";

const PAGE_SIZE = 200;
/** Alerts held by the page at most; the store has the rest (narrow the filter to see them). */
const CAPACITY = 100_000;

const list = new AlertList(CAPACITY);
const detail = new DetailPane();
const exception = new ExceptionPanel();
const status = byId("status");
const shown = byId("shown");
const pauseButton = byId<HTMLButtonElement>("pause");
const searchForm = byId<HTMLFormElement>("search");
const searchInput = byId<HTMLInputElement>("search-text");
const sortButton = byId<HTMLButtonElement>("sort-time");
const notice = byId("notice");

let stream: LiveStream | undefined;
let next: number | null = null;
let loadingOlder = false;
let paused = false;
let pending: PageAlert[] = [];
let incoming: PageAlert[] = [];
let flushScheduled = false;
let facetsStale = false;
let generation = 0;

const table = new VirtualTable(
  byId("table"),
  list,
  (alert) => detail.show(alert),
  () => void loadOlder(),
);
const facets = new FacetPanel((param, value, exclude) => {
  const params = new URLSearchParams(location.search);
  params.append(exclude ? `not.${param}` : param, value);
  navigate(params);
});

const histogram = new TimeHistogram((since, until) => {
  const params = new URLSearchParams(location.search);
  params.delete("since");
  params.delete("until");
  if (since) params.set("since", since);
  if (until) params.set("until", until);
  navigate(params);
});

function setStatus(text: string, state: string): void {
  status.textContent = text;
  status.dataset.state = state;
}

function updateCounts(): void {
  shown.textContent = `${list.length.toLocaleString()} shown`;
  pauseButton.textContent = paused
    ? `Resume${pending.length > 0 ? ` (${pending.length.toLocaleString()} new)` : ""}`
    : "Pause";
}

function flush(): void {
  flushScheduled = false;
  const batch = incoming;
  incoming = [];
  if (batch.length === 0) return;
  table.addedOnTop(list.addNewer(batch));
  facetsStale = true;
  updateCounts();
}

function onAlert(cursor: number, json: string): void {
  let alert: PageAlert;
  try {
    alert = pageAlert(cursor, json);
  } catch {
    return;
  }
  if (paused) {
    pending.push(alert);
    if (pending.length > CAPACITY) pending = pending.slice(-CAPACITY);
    updateCounts();
    return;
  }
  incoming.push(alert);
  if (!flushScheduled) {
    flushScheduled = true;
    setTimeout(flush, 50);
  }
}

async function getText(path: string): Promise<string | undefined> {
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

async function loadOlder(): Promise<void> {
  if (loadingOlder || next === null || list.full) return;
  loadingOlder = true;
  const mine = generation;
  try {
    const params = apiFilters(location.search);
    params.set("limit", String(PAGE_SIZE));
    params.set("before", String(next));
    const text = await getText(`/api/v1/alerts?${params}`);
    if (text === undefined || mine !== generation) return;
    const page = parseAlertsPage(text);
    next = page.next;
    list.addOlder(page.alerts);
    table.render();
    updateCounts();
  } finally {
    loadingOlder = false;
  }
}

/** Loads the view of the URL: the newest page, then the live stream from where it ends. */
async function start(): Promise<void> {
  const mine = ++generation;
  stream?.close();
  list.clear();
  pending = [];
  incoming = [];
  next = null;
  notice.hidden = true;
  const query = new URLSearchParams(location.search);
  const filters = apiFilters(location.search);
  searchInput.value = formatSearch(filters);
  table.ascending = query.get("sort") === "asc";
  sortButton.textContent = table.ascending ? "Time ↑" : "Time ↓";
  table.reset();
  setStatus("loading…", "connecting");
  const statsText = await getText("/api/v1/stats");
  if (statsText === undefined || mine !== generation) return;
  const last = Number((JSON.parse(statsText) as { lastCursor: number }).lastCursor);
  const params = new URLSearchParams(filters);
  params.set("limit", String(PAGE_SIZE));
  params.set("before", String(last + 1));
  const text = await getText(`/api/v1/alerts?${params}`);
  if (text === undefined || mine !== generation) return;
  const page = parseAlertsPage(text);
  next = page.next;
  list.addOlder(page.alerts);
  table.render();
  updateCounts();
  stream = new LiveStream(filters, last, {
    alert: onAlert,
    state: (state) => {
      if (state === "live") setStatus(paused ? "paused" : "live", paused ? "paused" : "live");
      else if (state === "connecting") setStatus("reconnecting…", "connecting");
      else {
        setStatus("signed out: open a new login link", "signed-out");
        location.assign("/login");
      }
    },
    gap: (missed) => {
      notice.textContent = `${missed.toLocaleString()} alerts were removed by retention before they could be shown`;
      notice.hidden = false;
    },
  });
  void facets.load(filters);
  void histogram.load(filters);
}

function navigate(params: URLSearchParams): void {
  const search = params.toString();
  history.pushState(null, "", search ? `/?${search}` : "/");
  void start();
}

searchForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const params = parseSearch(searchInput.value);
  const sort = new URLSearchParams(location.search).get("sort");
  if (sort) params.set("sort", sort);
  navigate(params);
});

byId("exception-open").addEventListener(
  "click",
  () => void exception.open(apiFilters(location.search)),
);

byId("clear-filters").addEventListener("click", () => navigate(new URLSearchParams()));

sortButton.addEventListener("click", () => {
  const params = new URLSearchParams(location.search);
  if (table.ascending) params.delete("sort");
  else params.set("sort", "asc");
  history.replaceState(null, "", `/?${params}`);
  table.ascending = !table.ascending;
  sortButton.textContent = table.ascending ? "Time ↑" : "Time ↓";
  table.reset();
});

pauseButton.addEventListener("click", () => {
  paused = !paused;
  if (!paused) {
    const resumed = pending;
    pending = [];
    incoming.push(...resumed);
    flush();
    setStatus("live", "live");
  } else setStatus("paused", "paused");
  updateCounts();
});

byId("logout").addEventListener("click", async () => {
  await fetch("/logout", { method: "POST", credentials: "same-origin" });
  location.assign("/login");
});

document.addEventListener("keydown", (e) => {
  if (e.key === "/" && document.activeElement !== searchInput) {
    e.preventDefault();
    searchInput.focus();
  } else if (e.key === "Escape") {
    detail.close();
    exception.close();
  }
});

addEventListener("popstate", () => void start());

setInterval(() => {
  if (!facetsStale || paused) return;
  facetsStale = false;
  void facets.load(apiFilters(location.search));
  void histogram.load(apiFilters(location.search));
}, 5000);

void start();

import { byId, el } from "./dom.js";

interface FacetCount {
  readonly value: string;
  readonly count: number;
}

type Facets = Record<string, FacetCount[] | number | Record<string, FacetCount[]>> & {
  readonly total: number;
  readonly fields: Record<string, FacetCount[]>;
};

/** Output fields counted besides the store's own columns. */
export const FACET_FIELDS = ["k8s.ns.name", "container.image.repository"];

const GROUPS: [string, string][] = [
  ["priority", "Priority"],
  ["rule", "Rule"],
  ["hostname", "Host"],
  ["source", "Source"],
  ["tag", "Tag"],
  ["field.k8s.ns.name", "Namespace"],
  ["field.container.image.repository", "Image"],
];

/**
 * Counts by priority, rule, host, source, tag, namespace and image for the view's filters. A
 * click on a value keeps only it; the − beside it leaves it out.
 */
export class FacetPanel {
  private readonly root = byId("facets");
  /** Counts the loads: the answer to an older one (another view's) is dropped. */
  private generation = 0;

  constructor(private readonly onPick: (param: string, value: string, exclude: boolean) => void) {}

  async load(filters: URLSearchParams): Promise<void> {
    const params = new URLSearchParams(filters);
    for (const f of FACET_FIELDS) params.append("field", f);
    params.set("limit", "8");
    const mine = ++this.generation;
    const res = await fetch(`/api/v1/facets?${params}`, { credentials: "same-origin" });
    if (!res.ok) return;
    const facets = (await res.json()) as Facets;
    if (mine === this.generation) this.render(facets);
  }

  private render(facets: Facets): void {
    const groups = GROUPS.map(([param, label]) => {
      const counts = param.startsWith("field.")
        ? (facets.fields[param.slice(6)] ?? [])
        : ((facets[param] as FacetCount[] | undefined) ?? []);
      const section = el("section", "facet");
      section.append(el("h3", undefined, label));
      const list = el("ul");
      for (const { value, count } of counts) {
        const item = el("li");
        const pick = el("button", "facet-value", value === "" ? "(empty)" : value);
        pick.type = "button";
        pick.title = `only ${param} = ${value}`;
        pick.addEventListener("click", () => this.onPick(param, value, false));
        const exclude = el("button", "facet-exclude", "−");
        exclude.type = "button";
        exclude.title = `leave out ${param} = ${value}`;
        exclude.setAttribute("aria-label", `leave out ${value}`);
        exclude.addEventListener("click", () => this.onPick(param, value, true));
        item.append(pick, el("span", "facet-count", count.toLocaleString()), exclude);
        list.append(item);
      }
      section.append(list);
      return section;
    });
    const total = el("p", "facet-total", `${facets.total.toLocaleString()} alerts match`);
    this.root.replaceChildren(total, ...groups);
  }
}

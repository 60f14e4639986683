/**
 * The output fields the page facets by (namespace and image). A store the UI serves should count
 * them (`countedFields` of `openAlertStore`, whose default they are), or its facets read every
 * alert of the range: seconds at a million alerts.
 */
export const UI_FACET_FIELDS: readonly string[] = ["k8s.ns.name", "container.image.repository"];

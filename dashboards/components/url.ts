// Filters kept in the URL (?year=2025&tier=excellent), so that a view can be shared as a link.
export function urlParam(name: string, fallback: string): string {
  return new URLSearchParams(location.search).get(name) ?? fallback;
}

export function setUrlParam(name: string, value: string | null): void {
  const params = new URLSearchParams(location.search);
  if (value === null || value === "" || value === "全部 all") params.delete(name);
  else params.set(name, value);
  const query = params.toString();
  history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
}

/** Options for a select, with the URL's value first if it is one of them. */
export function pick<T>(options: T[], fromUrl: string, all: T): T {
  return options.find((o) => String(o) === fromUrl) ?? all;
}

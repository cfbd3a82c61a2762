/** The extension page's element with `id`: its HTML and script ship together, so a missing one is a bug, said at once. */
export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`${location.pathname} has no #${id}`);
  return element as T;
}

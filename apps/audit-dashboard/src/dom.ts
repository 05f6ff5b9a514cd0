/** DOM helpers: every value reaches the page as text or an attribute, never as markup. */

type Props = Record<string, string | number | boolean | null | undefined | EventListener>;

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, children: Array<Node | string | null | undefined> = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'testid') node.setAttribute('data-testid', String(value));
    else if (typeof value === 'function') node.addEventListener(key.replace(/^on/, ''), value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** Definition-list rows [label, value, testid]. */
export function facts(rows: ReadonlyArray<readonly [string, string | number, string]>): HTMLElement[] {
  return rows.flatMap(([label, value, testid]) => [el('dt', { text: label }), el('dd', { testid, text: String(value) })]);
}

/** A request to a view that a newer request to the same view has overtaken is dropped. */
export class Generations {
  private readonly current = new Map<string, number>();

  next(view: string): () => boolean {
    const mine = (this.current.get(view) ?? 0) + 1;
    this.current.set(view, mine);
    return () => this.current.get(view) === mine;
  }
}

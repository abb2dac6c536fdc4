// Requests from the webview to the extension host that expect an answer (a node's details, the fixes
// at a node), matched to their answers by id; the fixes at a node are cached for the model shown.
import type { NodeDetailsResult } from '../src/protocol/requests';
import type { Fix, FromWebview, ToWebview } from '../src/protocol/webview';

type Answer = Extract<ToWebview, { type: 'details' } | { type: 'fixes' }>;

export class HostRequests {
  private readonly pending = new Map<number, (m: Answer) => void>();
  private readonly fixCache = new Map<string, Fix[]>();
  private nextId = 1;

  constructor(private readonly post: (m: FromWebview) => void) {}

  /** An answer from the host. */
  answer(m: Answer): void {
    this.pending.get(m.requestId)?.(m);
    this.pending.delete(m.requestId);
  }

  /** Forgets the cached fixes (another model, or the same one changed). */
  clear(): void {
    this.fixCache.clear();
  }

  private ask(m: Extract<FromWebview, { type: 'nodeDetails' } | { type: 'listFixes' }>): Promise<Answer> {
    return new Promise((resolve) => {
      this.pending.set(m.requestId, resolve);
      this.post(m);
    });
  }

  async details(node: string): Promise<NodeDetailsResult | null> {
    const m = await this.ask({ type: 'nodeDetails', requestId: this.nextId++, node });
    return m.type === 'details' ? m.details : null;
  }

  /** The fixes at a node, as far as they are known already (null: not asked yet). */
  cachedFixes(node: string): Fix[] | null {
    return this.fixCache.get(node) ?? null;
  }

  async fixes(node: string): Promise<Fix[]> {
    const hit = this.fixCache.get(node);
    if (hit) return hit;
    const m = await this.ask({ type: 'listFixes', requestId: this.nextId++, node });
    const list = m.type === 'fixes' ? m.fixes : [];
    this.fixCache.set(node, list);
    return list;
  }
}

// The view model as the extension host sends it: the object itself (tests), or its JSON text as
// gzip-compressed UTF-8 bytes (src/protocol/webview.ts), inflated by the browser's own
// DecompressionStream.
import type { ViewModel } from '../src/protocol/view-model';
import type { ToWebview } from '../src/protocol/webview';

/** A model message whose view is the decoded ViewModel. */
export type Decoded<M extends ToWebview> = M extends { type: 'model' } ? Omit<M, 'view'> & { view: ViewModel } : M;

/**
 * Hands messages to `handle` in the order they arrive: a model's bytes are decompressed and parsed
 * first (asynchronously), and the messages after it wait for that — not for what `handle` does next.
 */
export function messageReader(handle: (m: Decoded<ToWebview>) => void, report: (message: string) => void): (m: ToWebview) => void {
  let inbox: Promise<void> = Promise.resolve();
  return (m) => {
    inbox = inbox
      .then(async () => handle((m.type === 'model' ? { ...m, view: await viewModelOf(m.view) } : m) as Decoded<ToWebview>))
      .catch((e: unknown) => report(`a message from the extension could not be read: ${(e as Error)?.message ?? String(e)}`));
  };
}

export async function viewModelOf(view: ViewModel | Uint8Array): Promise<ViewModel> {
  if (!(view instanceof Uint8Array)) return view;
  return JSON.parse(new TextDecoder().decode(await gunzip(view))) as ViewModel;
}

async function gunzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

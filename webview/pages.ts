// The whole-page states of the graph view before a model is shown: loading, and the error page of a
// model that could not be opened (its typed error, what to do, and a way to its text view).
import { h, icon } from './dom';

export function loadingPage(fileName: string, stage: string): HTMLElement {
  return h('div', { class: 'center-page', role: 'status' }, h('vscode-progress-ring', {}), h('p', {}, fileName ? `Loading ${fileName}: ${stage}…` : `${stage}…`));
}

export function errorPage(fileName: string, name: string, message: string, hint: string, openAsText: () => void): HTMLElement {
  const open = h('vscode-button', { id: 'open-as-text' }, 'Open as Text');
  open.addEventListener('click', openAsText);
  return h(
    'div',
    { class: 'center-page error-page', role: 'alert' },
    h('h2', {}, icon('error'), ` ${fileName} could not be opened`),
    h('p', { class: 'error-name' }, name),
    h('pre', { class: 'error-message' }, message),
    h('p', { class: 'note' }, hint),
    open,
  );
}

/** Notes above the graph: symbolic dims without a size (their costs are unknown, not 0), hidden Constants. */
export function banners(unboundDims: string[], hiddenConstants: number, bindDims: () => void): HTMLElement {
  const notes: HTMLElement[] = [];
  if (unboundDims.length) {
    const bind = h('vscode-button', { id: 'bind-dims', secondary: '' }, 'Set Sizes…');
    bind.addEventListener('click', bindDims);
    notes.push(h('div', { class: 'banner', role: 'note' }, icon('warning'), ` Symbolic dims have no size (${unboundDims.join(', ')}): the costs that depend on them are unknown, not 0. `, bind));
  }
  if (hiddenConstants) notes.push(h('div', { class: 'banner subtle' }, `${hiddenConstants} Constant nodes are shown as weights of the nodes that read them.`));
  return h('div', { class: 'banners' }, ...notes);
}

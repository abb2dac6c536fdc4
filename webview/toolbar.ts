// The graph view's toolbar: the file, search, the heat metric, profiling (with its running state and
// Cancel), fit, the layer table, the text view, exports and a status line.
import { COLOR_METRICS, type ColorMetric, type ExportFormat } from '../src/protocol/webview';
import { h, icon } from './dom';
import { METRIC_LABELS } from './heat';

export interface ToolbarActions {
  search(q: string): void;
  /** Enter / Shift+Enter in the search field. */
  nextMatch(dir: 1 | -1): void;
  /** Escape in the search field (after clearing it). */
  leaveSearch(): void;
  setMetric(m: ColorMetric): void;
  profile(): void;
  cancelProfile(): void;
  fit(): void;
  toggleTable(): void;
  openAsText(): void;
  export(format: ExportFormat): void;
}

export interface Toolbar {
  element: HTMLElement;
  status: HTMLElement;
  /** Shows the profiling state in the toolbar's profile controls. */
  profileState(state: 'running' | 'done' | 'cancelled' | 'failed'): void;
}

function tool(id: string, label: string, codicon: string, onClick: () => void): HTMLElement {
  const b = h('vscode-button', { id, title: label, 'aria-label': label, secondary: '' }, icon(codicon), ` ${label}`);
  b.addEventListener('click', onClick);
  return b;
}

export function toolbar(fileName: string, metric: ColorMetric, act: ToolbarActions): Toolbar {
  const search = h('vscode-textfield', { id: 'search', placeholder: 'Search name, op type or tensor', 'aria-label': 'Search nodes' }) as HTMLElement & { value: string };
  search.addEventListener('input', () => act.search(search.value));
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      act.nextMatch(e.shiftKey ? -1 : 1);
    }
    if (e.key === 'Escape') {
      search.value = '';
      act.search('');
      act.leaveSearch();
    }
  });
  const select = h('vscode-single-select', { id: 'metric', 'aria-label': 'Colour by' }, ...COLOR_METRICS.map((k) => h('vscode-option', { value: k, ...(k === metric ? { selected: true } : {}) }, METRIC_LABELS[k]))) as HTMLElement & { value: string };
  select.addEventListener('change', () => act.setMetric(select.value as ColorMetric));
  const profileControls = h('span', { class: 'profile-controls' }, tool('profile', 'Profile', 'pulse', () => act.profile()));
  const status = h('span', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const element = h(
    'header',
    { class: 'toolbar', role: 'toolbar', 'aria-label': 'Graph tools' },
    h('span', { class: 'file' }, fileName),
    search,
    h('label', { class: 'metric-label' }, 'Colour by ', select),
    profileControls,
    tool('fit', 'Fit', 'screen-full', () => act.fit()),
    tool('toggle-table', 'Table', 'table', () => act.toggleTable()),
    tool('text', 'Text', 'go-to-file', () => act.openAsText()),
    tool('export-svg', 'SVG', 'export', () => act.export('svg')),
    tool('export-csv', 'CSV', 'export', () => act.export('csv')),
    status,
  );
  const profileState = (state: 'running' | 'done' | 'cancelled' | 'failed'): void => {
    if (state === 'running') {
      const cancel = h('vscode-button', { id: 'cancel-profile', secondary: '' }, 'Cancel');
      cancel.addEventListener('click', () => act.cancelProfile());
      profileControls.replaceChildren(h('vscode-progress-ring', { class: 'small' }), h('span', { class: 'profiling' }, 'profiling…'), cancel);
      return;
    }
    const again = h('vscode-button', { id: 'profile', secondary: '' }, icon('pulse'), state === 'done' ? ' Profile again' : ' Profile');
    again.addEventListener('click', () => act.profile());
    profileControls.replaceChildren(again);
  };
  return { element, status, profileState };
}

/** Keeps the metric picker in step with a metric set from elsewhere (the extension, a profile). */
export function showMetric(m: ColorMetric): void {
  const sel = document.getElementById('metric') as (HTMLElement & { value: string }) | null;
  if (sel && sel.value !== m) sel.value = m;
}

// The language client: starts dist/server.js (over stdio) when first needed, and is the only way the
// extension reaches models: graph views, details, fixes and profiles are server requests.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { ApplyFixCommand, type ApplyFixArgs } from '../protocol/fixes';
import { ModelChangedNotification, OpenModelNotification } from '../protocol/requests';
import { mark } from './open-trace';

/** The command that shows a constant's values (registered in extension.ts; linked from hovers). */
export const SHOW_VALUES_COMMAND = 'layerlens.showTensorValues';

let client: LanguageClient | null = null;
let starting: Promise<LanguageClient> | null = null;
const changeListeners = new Set<(uri: string) => void>();
let applyFixFlow: ((args: ApplyFixArgs) => Promise<unknown>) | null = null;

/**
 * Quick fixes of the text view name the server's applyFix command; with this set, they go through the
 * editor's flow instead (verify, show the figures, let the user choose where to write).
 */
export function routeApplyFix(flow: (args: ApplyFixArgs) => Promise<unknown>): void {
  applyFixFlow = flow;
}

/** Called with the file: URI of a model whose file changed on disk. */
export function onModelChanged(f: (uri: string) => void): vscode.Disposable {
  changeListeners.add(f);
  return new vscode.Disposable(() => changeListeners.delete(f));
}

export function server(context: vscode.ExtensionContext): Promise<LanguageClient> {
  starting ??= (async () => {
    mark('serverStart');
    const module = context.asAbsolutePath('dist/server.js');
    // stdio: the server writes large graph views into its responses without re-serialising them
    // (src/server/transport.ts).
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.stdio },
      debug: { module, transport: TransportKind.stdio },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ language: 'onnxtxt' }],
      // configurationSection: the server analyses open text views with the user's `layerlens.dims`.
      // fileEvents: models changed on disk, and (issue 17) budget files and text-form models, whose
      // budget violations the server publishes in the Problems panel.
      synchronize: {
        fileEvents: ['**/*.{onnx,tflite}', '**/layerlens.budget.json', '**/*.onnxtxt'].map((g) => vscode.workspace.createFileSystemWatcher(g)),
        configurationSection: 'layerlens',
      },
      outputChannelName: 'LayerLens',
      // Hovers on constants the text view does not write out link to the command that shows them.
      initializationOptions: { showValuesCommand: SHOW_VALUES_COMMAND },
      markdown: { isTrusted: { enabledCommands: [SHOW_VALUES_COMMAND] } },
      middleware: {
        executeCommand: (command, args, next) => {
          const a = args[0] as ApplyFixArgs | undefined;
          if (command === ApplyFixCommand.command && applyFixFlow && a && a.write !== 'preview') return applyFixFlow(a);
          return next(command, args);
        },
      },
    };
    const c = new LanguageClient('layerlens', 'LayerLens', serverOptions, clientOptions);
    await c.start();
    mark('serverUp');
    c.onNotification(ModelChangedNotification.type, (p) => changeListeners.forEach((f) => f(p.uri)));
    client = c;
    return c;
  })();
  return starting;
}

/**
 * The server, told that the user opened `model` in one of the extension's editors: the server reads
 * only files inside the workspace folders and those the user opened, so a model from elsewhere must
 * be named this way before any request about it (sent each time: a restarted server starts afresh).
 */
export async function modelServer(context: vscode.ExtensionContext, model: vscode.Uri | string): Promise<LanguageClient> {
  const c = await server(context);
  await c.sendNotification(OpenModelNotification.type, { uri: model.toString() });
  return c;
}

export async function stopServer(): Promise<void> {
  await client?.stop();
  client = null;
  starting = null;
}

// Every webview spec, bundled into one script for Chromium (test/webview/logic.test.ts).
import './tree.spec';
import './layout.spec';
import './heat.spec';
import './misc.spec';

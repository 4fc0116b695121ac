// The platform this build runs on: Node. Browser builds resolve this module to browser.ts instead
// (web/platform-plugin.ts for Vite; package.json's "browser" field for other bundlers).
export { platform } from './node.js';

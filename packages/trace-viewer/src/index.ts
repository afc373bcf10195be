import { fileURLToPath } from 'node:url';

/**
 * The built page: a folder with `index.html` and its hashed assets, for the gateway's
 * `traceViewerPage` (served at `/ui` when `traceViewer` is on). Built by `pnpm run build`.
 */
export const TRACE_VIEWER_PAGE: string = fileURLToPath(new URL('./page', import.meta.url));

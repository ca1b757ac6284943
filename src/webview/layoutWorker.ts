import { parentPort } from 'worker_threads';
import type { GraphLayoutOptions } from './graphProtocol';
import { layoutGraph, type LayoutInput } from './layout';

/**
 * Worker thread that runs ELK for the result panel (bundled to dist/layoutWorker.js).
 * ELK needs seconds for thousands of tasks; here that time does not block the
 * extension host, which other extensions share.
 */
interface LayoutRequest {
  readonly requestId: number;
  readonly input: LayoutInput;
  readonly options?: GraphLayoutOptions;
}

parentPort?.on('message', (request: LayoutRequest) => {
  layoutGraph(request.input, request.options).then(
    (layout) => parentPort?.postMessage({ requestId: request.requestId, layout }),
    (error: unknown) => parentPort?.postMessage({ requestId: request.requestId, error: error instanceof Error ? error.message : String(error) }),
  );
});

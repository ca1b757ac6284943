import * as http from 'http';

/** Who a relay's refusal is for: the request as it arrived. */
export type RefusesDelete = (request: http.IncomingMessage) => boolean;

export interface DeleteRefusingRelay {
  readonly address: string;
  /** The UI API deletes refused, and those passed on to the server. */
  readonly deletes: { refused: number; passed: number };
  close(): void;
}

/**
 * An HTTP relay on loopback in front of a Covalent server that forwards every
 * request but the UI API's delete (`POST /api/v1/dispatches/delete`), which it
 * refuses (500) when `refuses` says so: a server where a cancelled submission
 * cannot be deleted, by everyone or by one client. No `vscode` here: the
 * bridge's tests and the integration tests use it.
 */
export async function deleteRefusingRelay(target: string, refuses: RefusesDelete = () => true): Promise<DeleteRefusingRelay> {
  const upstream = new URL(target);
  const deletes = { refused: 0, passed: 0 };
  const relay = http.createServer((request, response) => {
    if (request.method === 'POST' && request.url?.startsWith('/api/v1/dispatches/delete')) {
      if (refuses(request)) {
        deletes.refused++;
        request.resume();
        response.writeHead(500, { 'Content-Type': 'application/json' }).end('{"detail":"refused by the test relay"}');
        return;
      }
      deletes.passed++;
    }
    const forwarded = http.request(
      { hostname: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers: { ...request.headers, host: upstream.host } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.on('error', () => response.destroy());
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const { port } = relay.address() as { port: number };
  return {
    address: `http://127.0.0.1:${port}`,
    deletes,
    close: () => {
      relay.closeAllConnections();
      relay.close();
    },
  };
}

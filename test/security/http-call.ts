import http from 'node:http';

export interface Answer {
  readonly status: number;
  readonly text: string;
}

/**
 * A real HTTP request with the path sent exactly as given (percent-escapes, `#`, `//`,
 * absolute form) and headers as given (a list sends the header once per value).
 */
export function httpCall(
  agent: http.Agent,
  port: number,
  method: string,
  path: string,
  headers: Record<string, string | string[]> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Runs the calls with a few at a time, in order of the list. */
export async function inBatches<T>(work: readonly (() => Promise<T>)[], width = 8): Promise<T[]> {
  const results: T[] = new Array(work.length);
  let next = 0;
  const lane = async () => {
    while (next < work.length) {
      const index = next++;
      results[index] = await work[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, work.length) }, lane));
  return results;
}

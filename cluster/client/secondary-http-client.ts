/**
 * The Secondary NameNode's HTTP side as its clients use it: `lab checkpoint`, the dashboard and the
 * scenario runner ask it to checkpoint now (POST /checkpoint) and wait for the result.
 */
import type { ClusterDescription } from '../home/description.js';
import { type CheckpointResult } from '../secondary/checkpointer.js';
import { HttpTimeoutError, httpCall } from '../transport/http-journal.js';
import { Journal } from '../transport/journal.js';
import { FORCED_CHECKPOINT_TIMEOUT_MS } from '../protocol/limits.js';

/**
 * `lab checkpoint`'s side: ask the Secondary NameNode to checkpoint now and wait for the result.
 * The request and the answer are journaled by `journal` (the caller's: `client`, the dashboard's).
 */
export async function requestCheckpoint(
  desc: ClusterDescription,
  journal: Journal = new Journal(null, 'client'),
): Promise<CheckpointResult> {
  const snn = desc.secondary;
  if (!snn) throw new Error('this cluster has no Secondary NameNode, so nothing can checkpoint it');
  let res: { status: number; body: Buffer };
  try {
    res = await httpCall({
      journal,
      selfId: journal.proc,
      peerId: snn.id,
      host: snn.host,
      port: snn.port,
      method: 'POST',
      url: '/checkpoint',
      timeoutMs: FORCED_CHECKPOINT_TIMEOUT_MS,
    });
  } catch (err) {
    if (err instanceof HttpTimeoutError) {
      throw new Error(`the Secondary NameNode did not finish within ${FORCED_CHECKPOINT_TIMEOUT_MS} ms`, {
        cause: err,
      });
    }
    throw new Error(
      `cannot reach the Secondary NameNode at ${snn.host}:${snn.port} (${(err as Error).message}); is it running? Try \`lab status\`.`,
      { cause: err },
    );
  }
  const text = res.body.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(
      `the Secondary NameNode answered ${res.status} with ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
  if (res.status === 200) return body as CheckpointResult;
  throw new Error(`checkpoint failed: ${(body as { error?: string }).error ?? text}`);
}

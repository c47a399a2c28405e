/**
 * A checkpoint in words: the line `lab checkpoint` starts with, and what the dashboard's footer
 * says after its C key (instead of the Secondary NameNode's JSON answer).
 */
import type { CheckpointResult } from '../../cluster/secondary/checkpointer.js';

export function checkpointDoneLine(result: CheckpointResult): string {
  return `Checkpoint done at txid ${result.txid}: ${result.imageFile} (${result.imageBytes} bytes) in ${result.durationMs} ms.`;
}

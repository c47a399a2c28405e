/**
 * DFSAdmin commands the lab does not carry out are refused with a sentence that says so and where
 * to look instead, not with "Unknown command" (which would tell a student Hadoop has no such command).
 */
import { describe, expect, it } from 'vitest';
import { refuseUnknownCommand } from '../../lab/commands/dfsadmin-help.js';

describe('dfsadmin commands not in the lab', () => {
  it('names Hadoop’s command and the lab’s way to the same facts', () => {
    expect(() => refuseUnknownCommand('-finalizeUpgrade')).toThrow(
      "finalizeUpgrade: Hadoop's command, not the lab's yet: a lab cluster keeps the layout version it was formatted with and is never upgraded",
    );
    expect(() => refuseUnknownCommand('-metasave')).not.toThrow();
    expect(() => refuseUnknownCommand('-getDatanodeInfo')).not.toThrow();
    expect(() => refuseUnknownCommand('-rollEdits')).not.toThrow();
  });
});

/**
 * DFSAdmin commands the lab does not carry out are refused with a sentence that says so and where
 * to look instead, not with "Unknown command" (which would tell a student Hadoop has no such command).
 */
import { describe, expect, it } from 'vitest';
import { refuseUnknownCommand } from '../../lab/commands/dfsadmin-help.js';

describe('dfsadmin commands not in the lab', () => {
  it('names Hadoop’s command and the lab’s way to the same facts', () => {
    expect(() => refuseUnknownCommand('-metasave')).toThrow(
      "metasave: Hadoop's command, not the lab's yet: the blocks waiting for replication or deletion are in lab fsck /",
    );
    expect(() => refuseUnknownCommand('-getDatanodeInfo')).not.toThrow();
    expect(() => refuseUnknownCommand('-rollEdits')).not.toThrow();
  });
});

/**
 * Every protocol's table of the registry, loaded with this module rather than on first use: for
 * the code that describes any process's frames (protocol/registry/describe.ts: `lab traffic`, the other
 * viewers, the simulator's golden scenarios) and for tests that look entries up directly. A daemon
 * never imports it (test/unit/architecture.test.ts checks the DataNode), and loads only the
 * protocols it speaks (index.ts).
 */
import { CLIENT_DATANODE_PROTOCOL_TABLE } from './client-datanode-protocol.js';
import { CLIENT_PROTOCOL_TABLE } from './client-protocol.js';
import { DATANODE_PROTOCOL_TABLE } from './datanode-protocol.js';
import { INTER_DATANODE_PROTOCOL_TABLE } from './inter-datanode-protocol.js';
import { registerProtocolTables } from './index.js';
import { NAMENODE_PROTOCOL_TABLE } from './namenode-protocol.js';
import {
  CLIENT_DATANODE_PROTOCOL,
  CLIENT_PROTOCOL,
  DATANODE_PROTOCOL,
  INTER_DATANODE_PROTOCOL,
  NAMENODE_PROTOCOL,
} from './types.js';

registerProtocolTables({
  [CLIENT_PROTOCOL]: CLIENT_PROTOCOL_TABLE,
  [DATANODE_PROTOCOL]: DATANODE_PROTOCOL_TABLE,
  [NAMENODE_PROTOCOL]: NAMENODE_PROTOCOL_TABLE,
  [CLIENT_DATANODE_PROTOCOL]: CLIENT_DATANODE_PROTOCOL_TABLE,
  [INTER_DATANODE_PROTOCOL]: INTER_DATANODE_PROTOCOL_TABLE,
});

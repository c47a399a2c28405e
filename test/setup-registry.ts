/**
 * Every protocol's table of the RPC method registry, loaded before each test file: a process
 * loads a table when it first speaks the protocol (cluster/protocol/registry/index.ts), and tests
 * use the tables directly (entryFor, the describer) without a connection first.
 */
import { loadProtocolTables } from '../cluster/protocol/registry/index.js';

await loadProtocolTables();

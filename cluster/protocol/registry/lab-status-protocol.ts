/**
 * The lab-only status calls, under their own protocol name so nothing lab-only rides on an HDFS
 * protocol. HDFS answers these questions over HTTP (/fsck, /jmx): helper `http` moves their callers
 * there and deletes this table.
 */
import { LAB_STATUS_PROTOCOL, jsonMethod, type ProtocolTable } from './types.js';

const P = LAB_STATUS_PROTOCOL;

export const LAB_STATUS_PROTOCOL_TABLE: ProtocolTable = {
  fsck: jsonMethod({ protocol: P, method: 'fsck', journalFields: ['path'] }),
  getNameNodeStatus: jsonMethod({ protocol: P, method: 'getNameNodeStatus' }),
  labPing: jsonMethod({ protocol: P, method: 'labPing' }),
};

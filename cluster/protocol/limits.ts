/**
 * The lab's resource limits — what a process accepts off a socket or keeps in memory and on disk
 * (frames, calls and connections in flight, packets, journal sizes), its timeouts, the size of a
 * cluster — with units in the names and the reason for each value. Limits that are one concern's
 * rules live beside the code that applies them, named the same way: HDFS's own maxima (path and
 * xattr lengths in namenode/paths.ts and xattr.ts, the fsimage's and edit log's field bounds), a
 * pack's size (PACK_LIMITS in lab/pack/schema.ts), a check's waits (lab/checks/settle-time.ts).
 */

/** One RPC frame (request or reply). Block reports of a class-sized cluster fit with room to spare. */
export const RPC_FRAME_BYTES_MAX = 16 * 1024 * 1024;

/**
 * RPC calls one connection may have in flight before the server stops reading it (back-pressure:
 * the client's writes then wait in TCP). Go sends one at a time; Java multiplexes a few.
 */
export const RPC_CALLS_IN_FLIGHT_PER_CONNECTION_MAX = 64;

/** RPC calls in flight over all connections of one server before it stops reading any of them (Hadoop's call queue is 100 per handler). */
export const RPC_CALLS_IN_FLIGHT_SERVER_MAX = 1024;

/**
 * A server closes a connection idle this long: 2 × ipc.client.connection.maxidletime (10 s), as
 * Hadoop's Server does; clients close theirs after maxidletime and reconnect on the next call.
 */
export const RPC_CONNECTION_IDLE_MS = 2 * 10_000;

/**
 * A client closes its connection after this long with no call in flight and dials again on its
 * next call (ipc.client.connection.maxidletime, 10 s, as Java's Client does), so the server's idle
 * sweep at twice that never cuts a lab client that was merely quiet.
 */
export const RPC_CLIENT_IDLE_MS = 10_000;

/**
 * The idle sweep runs this often (ipc.client.connection.idle-scan-interval.ms, 10 s). Hadoop's
 * ConnectionManager sweeps only while more than ipc.client.idlethreshold (4000) connections are
 * open; the lab sweeps always, since a laptop process cannot afford thousands of idle sockets.
 * "Idle" is Hadoop's: no call in progress and nothing received for RPC_CONNECTION_IDLE_MS.
 */
export const RPC_IDLE_SCAN_INTERVAL_MS = 10_000;

/**
 * Connections one RPC server holds at once; more are closed as they arrive, as Hadoop does past
 * ipc.server.max.connections (unlimited by default there; a class of 30 needs a few dozen).
 */
export const RPC_CONNECTIONS_MAX = 512;

/**
 * Bytes of unfinished request frames one RPC server holds over all its connections. Each frame may
 * be up to RPC_FRAME_BYTES_MAX, so a few slow senders could otherwise pin 16 MiB each; past this
 * sum the connection holding the most unfinished bytes is closed and its memory given back.
 */
export const RPC_BUFFERED_BYTES_SERVER_MAX = 64 * 1024 * 1024;

/**
 * Reply bytes waiting to go out on one connection before the server stops reading its requests: a
 * peer that sends calls and never reads the answers is held back by TCP instead of growing the
 * NameNode (100 000 unread replies grew it by 550 MiB before this limit).
 */
export const RPC_REPLY_BYTES_QUEUED_PER_CONNECTION_MAX = 1024 * 1024;

/** A DataNode refuses more concurrent DataTransfer connections than this (dfs.datanode.max.transfer.threads is 4096; a laptop lab needs far fewer). */
export const XCEIVERS_MAX = 256;

/**
 * Bytes a DataNode holds over all its DataTransfer connections for frames bigger than one
 * connection's read-ahead (BUFFERED_BYTES_MAX, 1 MiB). A packet may announce up to 16 MiB
 * (PacketReceiver's MAX_PACKET_SIZE), but HDFS's writers send 64 KiB ones; without this sum a few
 * hundred connections each announcing a 16 MiB packet could pin gigabytes. A frame that would
 * exceed it is refused and its connection closed.
 */
export const XCEIVER_LARGE_FRAME_BYTES_SERVER_MAX = 64 * 1024 * 1024;

/**
 * An HTTP connection with nothing sent or received this long is closed (hadoop.http.idle_timeout.ms,
 * HttpServer2's 60 s): a browser's keep-alive socket or a silent peer holds nothing for ever.
 */
export const HTTP_IDLE_TIMEOUT_MS = 60_000;

/**
 * A request's headers must arrive within this (Node's headersTimeout; Jetty has only the idle
 * timeout): a peer dribbling one header byte at a time cannot hold a connection for ever.
 */
export const HTTP_HEADERS_TIMEOUT_MS = 20_000;

/** Connections one HTTP server holds at once; more are closed as they arrive. */
export const HTTP_CONNECTIONS_MAX = 256;

/**
 * V8's initial old-generation limit for every daemon (node --initial-old-space-size, MiB). V8
 * counts Buffer memory allocated since the last full GC against the old generation's limit, and a
 * DataNode streams every block through 64 KiB Buffers: with V8's default (the live heap, ~11 MB,
 * plus its growing step) a 150 MB put at replication 3 ran 10 to 18 full mark-compacts per put on
 * each DataNode, with 64 none (the young-generation scavenges free those Buffers as before).
 */
export const DAEMON_INITIAL_OLD_SPACE_MIB = 64;

/**
 * glibc malloc's mmap threshold for every daemon (MALLOC_MMAP_THRESHOLD_, bytes; its default
 * start). glibc raises the threshold to the size of each mmapped chunk freed (up to 32 MiB), so
 * after one large Buffer (a fuzzed 15 MiB packet length, a 2 MiB frame) later large Buffers come
 * from the heap, where freed memory stays resident: DataNodes ended the 120 s all-ports fuzz
 * (`npm run fuzz`) 20–30 % larger than they began. A fixed threshold turns that dynamic raising
 * off, so each large Buffer is mmapped and given back when freed (13–15 % after the same fuzz).
 * 64 KiB packets stay under it. The same value for MALLOC_TRIM_THRESHOLD_ lets free() give the
 * heap's top back as soon as 128 KiB are unused there. A DataNode's 4 MiB read arenas are mmapped
 * too, but used again from a pool (READ_ARENA_POOL_MAX in protocol/byte-reader.ts) rather than
 * freed after each: without the pool each was faulted in page by page and unmapped, about 40 000
 * minor faults and twice the CPU per DataNode for a 150 MB put.
 */
export const DAEMON_MALLOC_THRESHOLD_BYTES = 128 * 1024;

/** Packets a client keeps un-acked in a pipeline (dfs.client.write.max-packets-in-flight). */
export const PACKETS_IN_FLIGHT_MAX = 80;

/**
 * Frame buffers of acked packets a process keeps for its next packets (BlockWriter): a whole
 * window of PACKETS_IN_FLIGHT_MAX, about 5 MiB while a put runs, dropped after
 * READ_ARENA_POOL_IDLE_MS (protocol/byte-reader.ts) unused. With 16 (1 MiB) a put still allocated and faulted in a fresh
 * 64 KiB frame for most packets: the window keeps up to 80 frames un-acked, and acks come back in
 * bursts that gave the pool more frames than it kept.
 */
export const WRITER_FRAME_POOL_FRAMES = PACKETS_IN_FLIGHT_MAX;

/**
 * Bytes a DataTransfer socket may hold unsent before a packet's writer waits for 'drain' (its
 * writableHighWaterMark; Node's default is 16 KiB, less than one packet). The packets written in
 * one event-loop turn are corked and leave in one writev(2) at the turn's end
 * (transport/data-link.ts writePacketFrame), so a writer or a DataNode forwarding what one read
 * brought sends up to this much per system call instead of one 64 KiB packet each.
 */
export const DATA_SOCKET_WRITE_BATCH_BYTES = 1024 * 1024;

/**
 * Bytes of one frame kept in the journal for `lab traffic -X`: every RPC and DataTransfer header
 * whole, a listing or block report of a class-sized cluster too; bigger frames are cut here.
 */
export const JOURNAL_RAW_BYTES_MAX = 64 * 1024;

/**
 * Payload bytes kept of a frame that carries block, image or edits data: enough to recognise the
 * bytes in a hex dump. The payload itself is on disk already (replicas, fsimage); keeping it in the
 * journal would double every write.
 */
export const JOURNAL_PAYLOAD_RAW_BYTES_MAX = 64;

/**
 * A process closes its journal segment and starts the next past this size. Small enough that the
 * oldest history goes in steps of a few percent of the total; big enough that a busy DataNode rolls
 * at most every few seconds.
 */
export const JOURNAL_SEGMENT_BYTES_MAX = 64 * 1024 * 1024;

/**
 * The whole journal directory is kept under about this size (plus the segments being written, at
 * most JOURNAL_SEGMENT_BYTES_MAX per live process): the oldest closed segments are deleted first, so
 * a class that runs all term keeps its newest hour or so of traffic and never fills the disk.
 */
export const JOURNAL_TOTAL_BYTES_MAX = 1024 * 1024 * 1024;

/**
 * Segment files kept at most: every `lab fs` command writes its own small segment, and a directory of
 * a few thousand files still lists in milliseconds.
 */
export const JOURNAL_SEGMENTS_MAX = 2000;

/** The journal writer flushes at least this often, so viewers see frames promptly. */
export const JOURNAL_FLUSH_INTERVAL_MS = 50;

/**
 * How much later than its effect a cause may be stamped and still be put before it by the
 * journal's causal order (transport/journal-order.ts): two processes' clocks, and the moment each
 * stamps a frame, disagree by well under this on one machine. A pairing that would move a record
 * further is taken for a wrong one and left out, so no record moves more than this from stamp order.
 */
export const JOURNAL_CLOCK_SKEW_MAX_MS = 1_000;

/** DataNodes per cluster: addresses are 127.0.<rack>.<n>, and a laptop runs out of memory first. */
export const DATANODES_MAX = 64;

/** Racks per cluster (the third octet of a DataNode's loopback address). */
export const RACKS_MAX = 32;

/** How long a command waits for an RPC reply before it reports the peer as unresponsive. */
export const RPC_TIMEOUT_MS = 30_000;

/**
 * How long a block recovery's primary DataNode waits for another DataNode's InterDatanodeProtocol
 * answer (HDFS: dfs.datanode.socket.timeout, 60 s). Shorter here: the NameNode starts the recovery
 * again after five heartbeats without its commitBlockSynchronization, and a loopback call answers
 * in milliseconds unless its DataNode is gone.
 */
export const INTER_DATANODE_CALL_TIMEOUT_MS = 4_000;

/** How long `lab stop` waits for a process to exit after SIGTERM before it sends SIGKILL. */
export const STOP_GRACE_MS = 5_000;

/**
 * How long a lease holder (runtime/lease-holder-process.ts) tries to close its file when stopped,
 * within STOP_GRACE_MS: the NameNode may be stopping at the same moment and never answer.
 */
export const LEASE_HOLDER_CLOSE_TIMEOUT_MS = 2_000;

/** How long `lab start` waits for every DataNode to register and the NameNode to leave safemode. */
export const START_READY_TIMEOUT_MS = 30_000;
/**
 * How long a DataNode holds a block's last ack for its RECEIVED report to reach the NameNode. The
 * Go client calls complete once after that ack and leaves the file open when the NameNode answers
 * false (the block not yet reported); Java's client retries. HDFS sends the report on its own thread,
 * usually first; the lab waits for it, a bounded time, so that race is not lost.
 */
export const RECEIVED_BEFORE_LAST_ACK_WAIT_MS = 2_000;

/** Client write retries of `complete` / `addBlock` while the NameNode waits for replicas (HDFS: 5, from 400 ms doubling). */
export const CLIENT_LOCATE_FOLLOWING_BLOCK_RETRIES = 5;
export const CLIENT_LOCATE_FOLLOWING_BLOCK_FIRST_WAIT_MS = 50;

/**
 * Corrupt file blocks one `fsck -list-corruptfileblocks` request answers before DFSck asks again
 * with the cookie (FSNamesystem.DEFAULT_MAX_CORRUPT_FILEBLOCKS_RETURNED).
 */
export const CORRUPT_FILE_BLOCKS_RETURNED_MAX = 500;

/**
 * Open files one listOpenFiles call answers before the client asks again after the last inode id
 * (dfs.namenode.list.openfiles.num.responses' default).
 */
export const LIST_OPEN_FILES_RESPONSES_MAX = 1000;

/**
 * `lab web` looks for a change (journal segment sizes, progress.json's time) this often and tells
 * its open pages to redraw: a second is live enough for a student, and the look is a few stat calls.
 */
export const LAB_WEB_CHANGE_POLL_MS = 1_000;

/** Pages `lab web` keeps a change stream open to; more are answered 503 (a class shares no server). */
export const LAB_WEB_EVENT_STREAMS_MAX = 32;

/** Operations the trace page lists to choose from, the most recent ones. */
export const LAB_WEB_OPERATIONS_LISTED_MAX = 30;

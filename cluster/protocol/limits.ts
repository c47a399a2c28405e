/**
 * The lab's limits, every one of cluster/ and lab/ — what a process accepts off a socket or keeps
 * in memory and on disk (frames, calls and connections in flight, packets, read arenas, caches,
 * journal sizes), how long it waits (timeouts, deadlines, graces), the size of a cluster — with
 * units in the names and the reason for each value. test/unit/limits-home.test.ts fails on a
 * constant named as a bound (…_MAX, …_MIN, …_TIMEOUT_MS, …_DEADLINE_MS, …_GRACE_MS) declared
 * anywhere else. Not here, by design: HDFS's own values and a format's bounds (path and xattr
 * lengths in namenode/paths.ts and xattr.ts, the edit log's op size, a packet's largest frame,
 * dfs.client.socket-timeout): facts, beside the code they describe and listed in that test with
 * where they come from; how often a loop polls or ticks, beside its loop; a pack's size
 * (PACK_LIMITS in lab/pack/schema.ts) and a check's waits (lab/checks/settle-time.ts), the pack
 * format's and the checks' own rules.
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
 * The highest tier V8 compiles a DataNode's JavaScript to (node --max-opt): 1 is Sparkplug, the
 * baseline compiler, which turns bytecode into machine code in one quick pass without optimizing;
 * TurboFan (tier 3) is never used. A DataNode's time goes to system calls (socket reads and
 * writes, replica writes into the page cache), native CRC32C and base64; its JavaScript is glue
 * around them. TurboFan compiled about 95 functions of the write path on each DataNode's first
 * write, again for each pipeline position it met first (first, middle, last), and again after
 * each deoptimization (8 to 17 in a DataNode's first replication-3 put): 0.3-0.45 s of CPU on
 * V8's background threads per DataNode, on a 2-core machine the four busy processes of a put
 * share, for code that saved less than that once compiled. In alternating runs (load 11-17, see
 * docs/BENCHMARKS.md, fifth round) a 150 MB replication-3 put on two DataNodes that had not
 * written before took 1.7-2.7 s of CPU over all processes instead of 3.0-3.6 s, and later puts
 * no more than before.
 */
export const DATANODE_V8_TIER_MAX = 1;

/**
 * glibc malloc's mmap threshold for every daemon (MALLOC_MMAP_THRESHOLD_, bytes; its default
 * start). glibc raises the threshold to the size of each mmapped chunk freed (up to 32 MiB), so
 * after one large Buffer (a fuzzed 15 MiB packet length, a 2 MiB frame) later large Buffers come
 * from the heap, where freed memory stays resident: DataNodes ended the 120 s all-ports fuzz
 * (`npm run fuzz`) 20–30 % larger than they began. A fixed threshold turns that dynamic raising
 * off, so each large Buffer is mmapped and given back when freed (13–15 % after the same fuzz).
 * 64 KiB packets stay under it. The same value for MALLOC_TRIM_THRESHOLD_ lets free() give the
 * heap's top back as soon as 128 KiB are unused there. A DataNode's 4 MiB read arenas are mmapped
 * too, but used again from a pool (READ_ARENA_POOL_MAX below, protocol/byte-reader.ts) rather than
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

// ---- Waits and timeouts of the daemons and the lab's clients ----

/** A WebHDFS transfer through a DataNode's HTTP port that stalls this long is cut (the lab's files are small). */
export const DATANODE_HTTP_TIMEOUT_MS = 120_000;

/** How long a NameNode whose edit log failed waits for its error replies to go out before exiting. */
export const EDIT_LOG_FAILURE_EXIT_GRACE_MS = 200;

/** The NameNode's group lookup (`id`) answers in milliseconds; a hung one must not stall the NameNode for long. */
export const GROUPS_LOOKUP_TIMEOUT_MS = 2_000;

/** How long the DataNode waits for the NameNode's answer to one DatanodeProtocol call. */
export const DATANODE_NAMENODE_CALL_TIMEOUT_MS = 10_000;

/** The block scanner's longest single sleep, so a stop or a new suspect is noticed soon even with long periods. */
export const BLOCK_SCANNER_SLEEP_MAX_MS = 1_000;

/**
 * Longest run of back-to-back replica checks in one turn of the event loop: the scanner reads
 * synchronously, so it yields this often to the DataNode's transfers and heartbeats.
 */
export const BLOCK_SCANNER_TURN_MAX_MS = 10;

/** Connecting to a DataNode's xfer port: a live DataNode on loopback answers in microseconds; 5 s lets a busy laptop through and still reports a dead one quickly. */
export const DATA_CONNECT_TIMEOUT_MS = 5_000;

/** An fsck of a lab namespace or a /jmx read takes milliseconds; a NameNode this slow is stuck. */
export const NAMENODE_HTTP_TIMEOUT_MS = 10_000;

/** A poll of the NameNode that gets no answer this fast is retried by the caller's wait loop rather than awaited. */
export const NAMENODE_POLL_TIMEOUT_MS = 2_000;

/** How long `lab checkpoint` waits for the Secondary NameNode to finish one (transfers included). */
export const FORCED_CHECKPOINT_TIMEOUT_MS = 120_000;

/** How long `lab kill` waits for a SIGKILLed process to be gone: the kernel frees it at once, so this only bounds a wait that should not happen. */
export const KILL_CONFIRM_TIMEOUT_MS = 5_000;

// ---- What a process accepts off a socket or keeps in memory ----

/** An uploaded image larger than this is refused: a lab namespace is far smaller, garbage is not. */
export const IMAGE_UPLOAD_BYTES_MAX = 512 * 1024 * 1024;

/** A WebHDFS CREATE or APPEND body larger than this is refused by the DataNode (a lab file is far smaller; garbage is not). */
export const WEBHDFS_UPLOAD_BYTES_MAX = 1024 * 1024 * 1024;

/** The lab's pages are short: a WebHDFS LISTSTATUS of a huge directory stops after this many getListing pages. */
export const WEBHDFS_LISTING_PAGES_MAX = 10_000;

/** Longest client name, machine name or DataNode id an RPC request may carry (a UUID-based name is ~60). */
export const RPC_NAME_LENGTH_MAX = 1024;

/** Most entries in one list field of an RPC request (excluded nodes, bad blocks): far above any real client. */
export const RPC_LIST_LENGTH_MAX = 10_000;

/** Most replicas one block report may carry (a DataNode of the lab holds far fewer). */
export const BLOCK_REPORT_REPLICAS_MAX = 10_000_000;

/** Longest errorReport text a DataNode may send the NameNode. */
export const ERROR_REPORT_MESSAGE_LENGTH_MAX = 64 * 1024;

/** A DataTransfer op or response: a WRITE_BLOCK with a few targets is < 1 KiB; 64 KiB leaves room and stops garbage early. */
export const OP_BODY_BYTES_MAX = 64 * 1024;

/** A pipeline ack: ~4 bytes per DataNode; 1 KiB covers any pipeline the lab can build. */
export const PIPELINE_ACK_BYTES_MAX = 1024;

/** A DataTransfer connection's read-ahead before it stops reading (backpressure): a few default packets ahead of the reader keep a pipeline busy. */
export const BUFFERED_BYTES_MAX = 1024 * 1024;

/**
 * One read arena (protocol/byte-reader.ts: the buffers a DataTransfer connection reads into): a few
 * dozen packets; used again once every packet read into it is released.
 */
export const READ_ARENA_BYTES = 4 * 1024 * 1024;

/** A connection's first arena: enough for the many small acks of a write; a read moves on to full arenas. */
export const READ_ARENA_FIRST_BYTES = 256 * 1024;

/** At most this much per read(2) into an arena: large reads, and BUFFERED_BYTES_MAX still bounds the backlog. */
export const ARENA_READ_BYTES_MAX = 1024 * 1024;

/** An arena with less room than this left is replaced, so no read is made small by the arena's end. */
export const ARENA_READ_BYTES_MIN = 128 * 1024;

/**
 * Free arenas a process keeps for its next reads (per size): a DataNode in a pipeline holds about
 * three 4 MiB arenas at once (the reader's read-ahead, the replica writer's backlog, the mirror's
 * socket), so a few more serve the next block's connection too.
 */
export const READ_ARENA_POOL_MAX = 4;

/** A free arena nobody took for this long is dropped, so an idle process gives its memory back. */
export const READ_ARENA_POOL_IDLE_MS = 5_000;

/** Users whose groups the NameNode caches at most (a fuzzer may send many names). */
export const GROUPS_CACHE_ENTRIES_MAX = 1_000;

/** Quoted strings a journal keeps for reuse: a cluster's ids, addresses and open blocks fit easily. */
export const JOURNAL_QUOTED_CACHE_ENTRIES_MAX = 4096;

/** Connections whose frames' ends a journal keeps as JSON: a DataNode's open pipelines fit easily. */
export const JOURNAL_ENDS_CACHE_CONNECTIONS_MAX = 1024;

/** Distinct ends per connection the journal keeps as JSON: its two directions (a few more if a caller names them differently). */
export const JOURNAL_ENDS_PER_CONNECTION_MAX = 4;

/** A slow node's delay per frame is capped: a typo of 100000 must not hang a class for minutes. */
export const SLOW_DELAY_MS_MAX = 10_000;

// ---- The lab's commands, viewers and exercises ----

/** `-setrep -w` gives up after this long and says which blocks were still short. */
export const SETREP_WAIT_DEADLINE_MS = 120_000;

/** How long `lab fs -truncate -w` waits for one file before saying why (Hadoop waits for ever). */
export const TRUNCATE_WAIT_DEADLINE_MS = 120_000;

/** A scenario's `setrep` with wait and an `expect` without a deadline wait this long. */
export const SCENARIO_WAIT_DEADLINE_MS = 60_000;

/** A probe's own RPC gets this long: a NameNode that does not answer is not settled. */
export const PROBE_RPC_TIMEOUT_MS = 5_000;

/** A `lab …` command of a task gets this long (a `-setrep -w` waits for re-replication). */
export const GRADING_COMMAND_TIMEOUT_MS = 120_000;

/** What is kept of a command's output for the report. */
export const GRADING_COMMAND_OUTPUT_CHARS_MAX = 400;

/** Nesting in an answer sheet past groups (exercise → question → part → list) is not an answer. */
export const ANSWER_DEPTH_MAX = 3;

/** A pack template's `pad` width at most: HDFS's txids in file names are 19 digits; nothing a pack writes is wider. */
export const TEMPLATE_PAD_WIDTH_MAX = 32;

/** The longest HDFS path a `lab web` page is asked about. */
export const LAB_WEB_PATH_CHARS_MAX = 4096;

/** Bytes a journal tail reads per segment per poll at most, so one poll after a burst cannot allocate without bound. */
export const TAIL_READ_BYTES_MAX = 4 * 1024 * 1024;

/** Journal records the dashboard applies per poll at most; the rest wait for the next poll (keeps a burst from freezing the screen). */
export const DASHBOARD_RECORDS_PER_POLL_MAX = 20_000;

/** On attach, the dashboard reads this much of the journal's end to fill its panes. */
export const DASHBOARD_ATTACH_JOURNAL_BYTES = 2 * 1024 * 1024;

/** Traffic lines the dashboard keeps (the pane shows the last screenful; pausing shows what was kept). */
export const DASHBOARD_TRAFFIC_ENTRIES_MAX = 2_000;

/** Files and directories the dashboard's namespace pane lists; fsck answers beyond this are cut. */
export const DASHBOARD_NAMESPACE_ENTRIES_MAX = 500;

/** Open runs of packets or acks the dashboard follows at most; a put to 10 DataNodes has a few dozen hops at once. */
export const DASHBOARD_TRAFFIC_RUNS_MAX = 256;

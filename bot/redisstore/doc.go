// Package redisstore keeps complaintbot's state in Redis: it implements
// bot.Store (conversations, cases, transcripts, the outbox, de-duplication)
// and the numbered logs the web channel long-polls (web.Feed).
//
// It decides nothing. The engine loads a Snapshot, computes a Change and
// hands it back; the store checks and applies it atomically.
//
// # Round trips
//
// A customer message costs two sequential round trips: Load (one Lua script)
// and Commit (one Lua script). A staff command adds CustomerOf, which is
// answered from process memory after the first time a case is seen (a case
// never changes customer), so it usually costs nothing. Scripts run with
// EVALSHA and fall back to EVAL once per server after a restart or failover
// (go-redis Script.Run).
//
// # Key layout
//
// <p> is Options.Prefix ("cb"). <n> is a partition, 0 to Options.Partitions-1
// (16 by default): CRC-32 of the customer key modulo the partitions.
// Everything of a customer, and every index a commit writes, lives under the
// partition's hash tag {<n>}, so a commit is one script on one slot, even
// on Redis Cluster. <customer> is the customer key (bot.CustomerKey) with
// '%', '{' and '}' percent-encoded (%25, %7B, %7D), between braces that only
// delimit it (the first braces of a key are its hash tag), so that no
// customer's keys can be another's; every other byte is kept, so keys stay
// readable.
//
//	<p>:{<n>}:c:{<customer>}:h              hash: the customer's state
//	    v                                   version of everything the customer owns (integer; absent = 0);
//	                                        every commit to the customer adds one
//	    conv                                JSON bot.Conversation
//	    open                                id of the conversation's open case (= Conv.Case), written with conv
//	    case:<id>                           JSON bot.Case, one field per case of the customer
//	    next                                the case number reserved for the customer's next case (ReserveCaseID)
//	    addr:<platform>                     the customer's current address there, written with conv
//	<p>:{<n>}:c:{<customer>}:seen:<msg id>  string, the version that committed the message; expires after DedupeTTL
//	<p>:{<n>}:c:{<customer>}:tx:<session>   list of JSON bot.Entry, one transcript per intake session
//
//	<p>:{<n>}:wakeups                       sorted set: member wake-up name, score due (Unix ms); the
//	                                        scheduler package claims from every partition's (WakeUpKeys)
//	<p>:{<n>}:status:<status>               sorted set per bot.Status: member case id, score Opened (Unix ms)
//	<p>:{<n>}:wants                         sorted set: cases whose last commit scheduled a wake-up (score Case.Wake);
//	                                        the reconcile sweep compares it with the wake-ups inside Redis
//	<p>:{<n>}:pending                       set: customers whose conversation needs a wake-up (an intake under
//	                                        way, messages to acknowledge), kept by the commit
//	<p>:{<n>}:outbox:<channel>              stream: field m = JSON bot.Outbound; consumer group "senders";
//	                                        OutboxItem.StreamID is "<entry id>/<n>"
//	<p>:{<m>}:cases                         hash: case id → customer key (unescaped), m the partition of the case
//	                                        number; written when the number is reserved, before any commit uses it
//
//	<p>:caseseq                             string: the last case number handed out (INCR)
//	<p>:sweep                               string: how many sweeps chose a partition to check in depth (INCR)
//	<p>:refs:<channel>                      hash: message ref → the platform's reference
//	<p>:refcase:<channel>:<pref>            string: the case a platform reference (of a message about a case) belongs to;
//	                                        expires after RefTTL (90 days)
//	<p>:dead:<channel>                      stream: messages the platform refused for good (m, reason, at), capped
//	<p>:inbox:<channel>                     stream: field m = JSON bot.Inbound accepted but not yet handled; group "senders"
//	<p>:lease:<name>                        string: the holder of a lease (sender:<channel>), with a TTL
//	<p>:platform:<key>                      string: a platform adapter's own state (PlatformValue), maybe with a TTL
//	<p>:secret:<name>                       string: a secret generated once and shared by the replicas
//	<p>:feed:{f:<log>}                      list: the entries of a Feed log; entry n is at index n-1
//	<p>:feedid:{f:<log>}                    hash: entry id → entry number, for idempotent appends
//
// The keys of the last group are each written alone (or, for a feed, with
// its twin of the same tag), never by a commit, so each is one slot.
//
// # Partitions, and why not indexes beside the commit
//
// The indexes over customers (wake-ups, status lists, pending
// conversations, the wants set, the outbox) are sharded by a fixed number
// of hash-tagged partitions, and each customer lives in one. The other way,
// a customer tag of its own with the global indexes written beside the
// commit and repaired by the sweep, would cost a second round trip on every
// commit and open a window in which a committed case has no wake-up or a
// queued message is not in any outbox. With partitions the commit stays one
// script and all or nothing; the sweep only has to catch what a failover
// lost. The price: a Runner claims from 16 sets (one pipelined round trip),
// a sender reads 16 streams, and a listing reads 16 status sets; the
// partition count bounds how many Cluster nodes share the load (the 16
// tags land 6, 6 and 4 on a fresh three-master cluster; resharding moves
// whole partitions), and it cannot change without moving the
// data (Options.Partitions).
//
// The case index is not partitioned by customer but by case number, since
// it is looked up by case number. It is written when the number is
// reserved: the sequence (INCR), then the index (the number is the
// customer's), then the customer's hash (HSETNX next). A crash between
// steps leaves a gap in the numbering, never a number given to two
// customers. A commit of a case this process has not seen checks the index
// first (HSETNX: an unknown id is taken for the customer, an id of another
// customer is refused).
//
// This layout replaced one where every customer had a tag of its own and
// the indexes were global keys. There is no migration: data written by
// the earlier layout is not read (there were no production users).
//
// # Redis Cluster, Sentinel and one server
//
// The store takes any redis.UniversalClient. On Redis Cluster, ReadOutbox
// polls the partitions' streams (no command blocks on streams of several
// slots), Delivered and DeadLetter write their two slots in two steps
// (references or dead letter first, acknowledgement second, so a crash
// between re-delivers rather than loses), and Ready checks every shard.
// Behind Sentinel, Options.SyncReplicas makes commits wait for replicas
// (WAIT) so that a failover loses nothing acknowledged; a commit that was
// not confirmed fails and is retried, and the message id and the version
// make the retry safe.
//
// # Consistency
//
// Commit checks the version and the message id and applies the whole Change
// in one script, so a change is all or nothing and replicas never lose an
// update: a commit computed from a stale load fails with bot.ErrConflict,
// and the engine reloads and recomputes. (Redis does not roll back a script
// that fails half-way; the script therefore makes every check before its
// first write, and only a server fault such as out-of-memory could stop it
// in between.)
package redisstore

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
// <p> is Options.Prefix ("cb"). <customer> is the customer key
// (bot.CustomerKey) with '%', '{' and '}' percent-encoded (%25, %7B, %7D),
// so a hostile id cannot open or close a hash tag; every other byte is kept,
// so keys stay readable. Everything a customer owns shares the hash tag
// {c:<customer>}.
//
//	<p>:{c:<customer>}:h              hash: the customer's state
//	    v                             version of everything the customer owns (integer; absent = 0);
//	                                  every commit to the customer adds one
//	    conv                          JSON bot.Conversation
//	    open                          id of the conversation's open case (= Conv.Case), written with conv
//	    case:<id>                     JSON bot.Case, one field per case of the customer
//	    next                          the case number reserved for the customer's next case (ReserveCaseID)
//	    addr:<platform>               the customer's current address there, written with conv
//	<p>:{c:<customer>}:seen:<msg id>  string, the version that committed the message; expires after DedupeTTL
//	<p>:{c:<customer>}:tx:<session>   list of JSON bot.Entry, one transcript per intake session
//
//	<p>:caseseq                       string: the last case number handed out (INCR)
//	<p>:cases                         hash: case id → customer key (unescaped)
//	<p>:status:<status>               sorted set per bot.Status: member case id, score Opened (Unix ms)
//	<p>:pending                       set: customers whose conversation needs a wake-up (an intake under
//	                                  way, messages to acknowledge), kept by the commit; Reconcile reads it
//	Options.WakeUpKey                 sorted set (<p>:wakeups): member wake-up name, score due (Unix ms);
//	                                  the scheduler package claims from it
//	<p>:outbox:<channel>              stream: field m = JSON bot.Outbound; consumer group "senders"
//	<p>:refs:<channel>                hash: message ref → the platform's reference
//	<p>:refcase:<channel>:<pref>      string: the case a platform reference (of a message about a case) belongs to;
//	                                  expires after RefTTL (90 days)
//	<p>:dead:<channel>                stream: messages the platform refused for good (m, reason, at), capped
//	<p>:inbox:<channel>               stream: field m = JSON bot.Inbound accepted but not yet handled; group "senders"
//	<p>:lease:<name>                  string: the holder of a lease (sender:<channel>), with a TTL
//	<p>:feed:{f:<log>}                list: the entries of a Feed log; entry n is at index n-1
//	<p>:feedid:{f:<log>}              hash: entry id → entry number, for idempotent appends
//
// # Consistency, and why this is a single-primary store
//
// Commit checks the version and the message id and applies the whole Change
// in one script, so on one Redis server a change is all or nothing and
// replicas never lose an update: a commit computed from a stale load fails
// with bot.ErrConflict, and the engine reloads and recomputes. (Redis does
// not roll back a script that fails half-way; the script therefore makes
// every check before its first write, and only a server fault such as
// out-of-memory could stop it in between.)
//
// The commit script also writes global keys (the case index, the status
// sets, the outbox streams, the wake-up set), which live in other hash slots
// than the customer's keys. On Redis Cluster it would fail with CROSSSLOT.
// This store therefore supports a single Redis primary, standalone or behind
// Sentinel, through redis.UniversalClient. The per-customer keys already
// share one hash tag, and the feed's two keys share one, so a Cluster mode
// can later split the commit: the customer's slot first (the part that
// decides, version and de-duplication included), then the global indexes
// beside it, with the reconcile sweep repairing any index a crash left
// behind.
package redisstore

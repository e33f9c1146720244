package redisstore

import "github.com/redis/go-redis/v9"

// The scripts use only plain Redis commands and string arguments (no cjson,
// no redis.setresp, no unpack of long lists), so the embedded miniredis runs
// them exactly as redis-server does. Every key a script touches is declared
// in KEYS.

// loadScript reads what one message may change, in one round trip.
//
// KEYS[1]  customer hash            <p>:{<n>}:c:{<customer>}:h
// KEYS[2]  dedupe key               <p>:{<n>}:c:{<customer>}:seen:<message id>
//
//	(<p>:{<n>}:c:{<customer>}:seen: when there is no message id; never written)
//
// ARGV[1]  case id; "" for the conversation's open case (field open)
// ARGV[2]  "1" to report whether KEYS[2] exists, "" not to look
//
// Returns {version, conv, case, seen, next}: version is an integer (0 for a
// new customer), conv and case are JSON or nil, seen is 0 or 1, next is the
// case number reserved for the customer's next case or nil.
var loadScript = redis.NewScript(`
local h = redis.call('HMGET', KEYS[1], 'v', 'conv', 'open', 'next')
local id = ARGV[1]
if id == '' then id = h[3] end
local c = false
if id and id ~= '' then
  c = redis.call('HGET', KEYS[1], 'case:' .. id)
end
local seen = 0
if ARGV[2] == '1' then
  seen = redis.call('EXISTS', KEYS[2])
end
return {tonumber(h[1] or '0'), h[2], c, seen, h[4]}
`)

// extrasScript reads, at the version a load saw, what some decisions need
// besides the conversation and the case: the case's transcript and every
// case of the customer.
//
// KEYS[1]  customer hash            <p>:{<n>}:c:{<customer>}:h
// KEYS[2]  transcript list          <p>:{<n>}:c:{<customer>}:tx:<session>
// ARGV[1]  the version the load saw
// ARGV[2]  "1" to read the transcript
// ARGV[3]  "1" to read the cases
//
// Returns {0} when the version moved since the load, or {1, entries, hash}:
// entries the transcript's JSON entries (empty unless asked), hash the
// customer hash as field, value pairs (empty unless asked).
var extrasScript = redis.NewScript(`
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then
  return {0}
end
local tx, all = {}, {}
if ARGV[2] == '1' then
  tx = redis.call('LRANGE', KEYS[2], 0, -1)
end
if ARGV[3] == '1' then
  all = redis.call('HGETALL', KEYS[1])
end
return {1, tx, all}
`)

// reserveScript gives a customer the case number the sequence handed out,
// unless the customer already has one reserved.
//
// KEYS[1]  customer hash            <p>:{<n>}:c:{<customer>}:h (field next)
// ARGV[1]  the number handed out    (already in the case index as the customer's)
//
// Returns the customer's reserved number, as a string: ARGV[1], or the one
// reserved before. The version is not bumped: a reservation only ever goes
// from none to a number, and the commit that writes the case with that
// number removes it.
var reserveScript = redis.NewScript(`
redis.call('HSETNX', KEYS[1], 'next', ARGV[1])
return redis.call('HGET', KEYS[1], 'next')
`)

// Result codes of commitScript below zero.
const (
	commitConflict  = -1
	commitDuplicate = -2
)

// commitScript applies one bot.Change atomically, once. Every key is in the
// customer's partition (hash tag {<n>}), so it is one slot on Redis Cluster.
//
// KEYS[1]          customer hash        <p>:{<n>}:c:{<customer>}:h
// KEYS[2]          dedupe key           <p>:{<n>}:c:{<customer>}:seen:<message id> (never written when ARGV[2] is "")
// KEYS[3]          wake-up set          <p>:{<n>}:wakeups
// KEYS[4]          wants set            <p>:{<n>}:wants: cases whose last commit scheduled a wake-up
// KEYS[5..4+S]     status sets          <p>:{<n>}:status:<status>, one per bot.Status, S = ARGV[5]
// KEYS[5+S]        pending set          <p>:{<n>}:pending, customers whose conversation needs a wake-up
// KEYS[6+S..]      transcript lists <p>:{<n>}:c:{<customer>}:tx:<session> and outbox
//
//	streams <p>:{<n>}:outbox:<channel>, named by their KEYS index in ARGV
//
// ARGV[1]  expected version (integer; 0 for a new customer)
// ARGV[2]  "1" to check and remember the message id in KEYS[2], "" not to
// ARGV[3]  how long to remember it, in milliseconds
// ARGV[4]  customer key, the member of the pending set
// ARGV[5]  S, the number of status sets
// ARGV[6]  "" when the conversation is kept; "1" when it is replaced (its
// customer leaves the pending set), "2" when it is replaced and still
// needs a wake-up (its customer joins the pending set)
// ARGV[7]  conversation JSON      ARGV[8]  its open case id ("" for none)
// ARGV[9..] five counted lists, each a count n followed by n records:
//
//	addresses:   platform, address (field addr:<platform>), written with the conversation
//	cases:       id, case JSON, KEYS index of its status set, Opened (Unix ms),
//	             Case.Wake (Unix ms, "" for none: the case leaves the wants set);
//	             a case whose id is the reserved number (field next) uses the reservation up
//	transcripts: KEYS index of the list, entry count e, e entry JSONs
//	outbox:      KEYS index of the stream, message JSON (stored in field m)
//	wake-ups:    name, due (Unix ms), or "" to clear the wake-up
//
// Returns the new version (>= 1) when everything was written, or, with
// nothing written: -1 when the version moved (conflict), -2 when the message
// id is remembered (duplicate). The duplicate check comes first: a
// duplicate is dropped at once rather than reloaded and recomputed. (That
// a case id belongs to the customer is checked before, against the case
// index, which lives in another slot.)
var commitScript = redis.NewScript(`
if ARGV[2] == '1' and redis.call('EXISTS', KEYS[2]) == 1 then
  return -2
end
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then
  return -1
end
local customer = ARGV[4]
local nstatus = tonumber(ARGV[5])
local i = 9
local naddr = tonumber(ARGV[i])
local addr = i + 1
i = i + 1 + 2 * naddr
local ncases = tonumber(ARGV[i])
i = i + 1

if ARGV[6] ~= '' then
  redis.call('HSET', KEYS[1], 'conv', ARGV[7], 'open', ARGV[8])
  if ARGV[6] == '2' then
    redis.call('SADD', KEYS[5 + nstatus], customer)
  else
    redis.call('SREM', KEYS[5 + nstatus], customer)
  end
  for k = 0, naddr - 1 do
    redis.call('HSET', KEYS[1], 'addr:' .. ARGV[addr + 2 * k], ARGV[addr + 2 * k + 1])
  end
end
local reserved = redis.call('HGET', KEYS[1], 'next')
for k = 1, ncases do
  local id, sk = ARGV[i], tonumber(ARGV[i + 2])
  if reserved == id then
    redis.call('HDEL', KEYS[1], 'next')
  end
  redis.call('HSET', KEYS[1], 'case:' .. id, ARGV[i + 1])
  for s = 5, 4 + nstatus do
    if s ~= sk then
      redis.call('ZREM', KEYS[s], id)
    end
  end
  redis.call('ZADD', KEYS[sk], ARGV[i + 3], id)
  if ARGV[i + 4] == '' then
    redis.call('ZREM', KEYS[4], id)
  else
    redis.call('ZADD', KEYS[4], ARGV[i + 4], id)
  end
  i = i + 5
end
local nv = redis.call('HINCRBY', KEYS[1], 'v', 1)
if ARGV[2] == '1' then
  redis.call('SET', KEYS[2], tostring(nv), 'PX', ARGV[3])
end

local nt = tonumber(ARGV[i])
i = i + 1
for k = 1, nt do
  local key = KEYS[tonumber(ARGV[i])]
  local ne = tonumber(ARGV[i + 1])
  i = i + 2
  for e = 1, ne do
    redis.call('RPUSH', key, ARGV[i])
    i = i + 1
  end
end

local no = tonumber(ARGV[i])
i = i + 1
for k = 1, no do
  redis.call('XADD', KEYS[tonumber(ARGV[i])], '*', 'm', ARGV[i + 1])
  i = i + 2
end

local nw = tonumber(ARGV[i])
i = i + 1
for k = 1, nw do
  if ARGV[i + 1] == '' then
    redis.call('ZREM', KEYS[3], ARGV[i])
  else
    redis.call('ZADD', KEYS[3], ARGV[i + 1], ARGV[i])
  end
  i = i + 2
end
return nv
`)

// sweepScript reads one page of a partition's wants set (the cases whose
// last commit scheduled a wake-up) and returns those that have no wake-up.
//
// KEYS[1]  wants set     <p>:{<n>}:wants
// KEYS[2]  wake-up set   <p>:{<n>}:wakeups
// ARGV[1]  the rank to start at (0 for the first page)
// ARGV[2]  the page size (> 0)
//
// Returns {next, id_1, ..., id_k}: next the rank of the next page, or -1
// when this page was the last; id_i the cases of the page whose wake-up
// "case:<id>" is missing. Ranks shift when cases join or leave meanwhile,
// so a sweep may see a case twice or miss one; the next sweep catches it.
var sweepScript = redis.NewScript(`
local start = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
local ids = redis.call('ZRANGE', KEYS[1], start, start + count - 1)
local out = {-1}
if #ids == count then
  out[1] = start + count
end
for _, id in ipairs(ids) do
  if not redis.call('ZSCORE', KEYS[2], 'case:' .. id) then
    out[#out + 1] = id
  end
end
return out
`)

// unscheduledScript reads one page of a partition's status set and returns
// the cases that have no wake-up and whose last commit scheduled none (they
// are not in the wants set): the cases the policy believed had nothing left
// to do, which the deep sweep checks again.
//
// KEYS[1]  status set    <p>:{<n>}:status:<status>
// KEYS[2]  wake-up set   <p>:{<n>}:wakeups
// KEYS[3]  wants set     <p>:{<n>}:wants
// ARGV[1]  the rank to start at (0 for the first page)
// ARGV[2]  the page size (> 0)
//
// Returns {next, id_1, ..., id_k} as sweepScript does.
var unscheduledScript = redis.NewScript(`
local start = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
local ids = redis.call('ZRANGE', KEYS[1], start, start + count - 1)
local out = {-1}
if #ids == count then
  out[1] = start + count
end
for _, id in ipairs(ids) do
  if not redis.call('ZSCORE', KEYS[2], 'case:' .. id) and not redis.call('ZSCORE', KEYS[3], id) then
    out[#out + 1] = id
  end
end
return out
`)

// appendScript appends one entry to a Feed log unless its id was appended
// before.
//
// KEYS[1]  id hash    <p>:feedid:{f:<log>}
// KEYS[2]  entries    <p>:feed:{f:<log>}
// ARGV[1]  entry id ("" appends without de-duplication)
// ARGV[2]  data
//
// Returns the entry's number: its 1-based position in KEYS[2], the number it
// was given the first time when the id was appended before.
var appendScript = redis.NewScript(`
if ARGV[1] ~= '' then
  local seq = redis.call('HGET', KEYS[1], ARGV[1])
  if seq then
    return tonumber(seq)
  end
end
local seq = redis.call('RPUSH', KEYS[2], ARGV[2])
if ARGV[1] ~= '' then
  redis.call('HSET', KEYS[1], ARGV[1], tostring(seq))
end
return seq
`)

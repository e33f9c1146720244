package redisstore

import (
	"hash/crc32"
	"strconv"
	"strings"
)

// DefaultPartitions is the number of partitions a Store spreads its
// customers over when Options.Partitions is not set.
const DefaultPartitions = 16

// A partition is one hash tag, {<n>}, that a fixed share of the customers
// and every index over them live under (see the package documentation).
// Everything one commit writes is in one partition, so a commit is one
// script on one slot even on Redis Cluster.

// partitionOf returns the partition of a customer, or of a case number for
// the case index: CRC-32 (IEEE) of the string, modulo the partition count.
// It must never change for stored data: a customer's keys are found through
// it.
func (s *Store) partitionOf(key string) int {
	return int(crc32.ChecksumIEEE([]byte(key)) % uint32(s.opts.Partitions))
}

// partBase is the prefix of every key of partition n: <p>:{<n>}.
func (s *Store) partBase(n int) string {
	return s.opts.Prefix + ":{" + strconv.Itoa(n) + "}"
}

func (s *Store) wakeUpKey(n int) string  { return s.partBase(n) + ":wakeups" }
func (s *Store) pendingKey(n int) string { return s.partBase(n) + ":pending" }
func (s *Store) wantsKey(n int) string   { return s.partBase(n) + ":wants" }
func (s *Store) casesKey(n int) string   { return s.partBase(n) + ":cases" }
func (s *Store) statusKey(n, status int) string {
	return s.partBase(n) + ":status:" + string(s.statuses[status])
}
func (s *Store) outboxKey(n int, channel string) string {
	return s.partBase(n) + ":outbox:" + channel
}

// caseIndexKey is the partition of the case index that holds case id.
func (s *Store) caseIndexKey(id string) string { return s.casesKey(s.partitionOf(id)) }

// WakeUpKeys returns the sorted sets of wake-ups, one per partition, in
// partition order: the keys a scheduler.WakeUps must claim from.
func (s *Store) WakeUpKeys() []string {
	keys := make([]string, s.opts.Partitions)
	for i := range keys {
		keys[i] = s.wakeUpKey(i)
	}
	return keys
}

// WakeUpKeyOf returns the wake-up set that holds the customer's wake-ups
// (its conversation's and its cases'): the key of its partition.
func (s *Store) WakeUpKeyOf(customer string) string { return s.wakeUpKey(s.partitionOf(customer)) }

// outboxID is the StreamID of an outbox item: the stream entry's id and
// its partition, "<ms>-<seq>/<n>", so that an acknowledgement finds its
// stream and the time the message was queued still leads the id.
func outboxID(n int, id string) string { return id + "/" + strconv.Itoa(n) }

// splitOutboxID undoes outboxID; ok is false for an id it did not make.
func (s *Store) splitOutboxID(streamID string) (n int, id string, ok bool) {
	id, part, found := strings.Cut(streamID, "/")
	if !found {
		return 0, "", false
	}
	n, err := strconv.Atoi(part)
	if err != nil || n < 0 || n >= s.opts.Partitions {
		return 0, "", false
	}
	return n, id, true
}

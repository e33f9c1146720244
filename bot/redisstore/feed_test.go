package redisstore

import (
	"reflect"
	"sort"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
)

func TestFeed(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		s := New(rdb, Options{})
		ctx := ctxT(t)
		appendAll := func(t *testing.T, log string, ids ...string) []int64 {
			t.Helper()
			var seqs []int64
			for _, id := range ids {
				n, err := s.Append(ctx, log, id, []byte("data "+id))
				if err != nil {
					t.Fatal(err)
				}
				seqs = append(seqs, n)
			}
			return seqs
		}

		t.Run("idempotent and gapless", func(t *testing.T) {
			got := appendAll(t, "team", "a", "b", "a", "c", "b", "", "")
			if want := []int64{1, 2, 1, 3, 2, 4, 5}; !reflect.DeepEqual(got, want) {
				t.Errorf("numbers = %v, want %v", got, want)
			}
			if got := appendAll(t, "mailbox:{web:alice}", "a"); got[0] != 1 {
				t.Errorf("another log starts at %d, want 1", got[0])
			}
		})

		t.Run("read", func(t *testing.T) {
			for _, tc := range []struct {
				name  string
				after int64
				max   int
				want  []int64
			}{
				{"from the start", 0, 10, []int64{1, 2, 3, 4, 5}},
				{"after 2, max 2", 2, 2, []int64{3, 4}},
				{"at the end", 5, 10, nil},
				{"past the end", 9, 10, nil},
				{"negative after", -3, 1, []int64{1}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					entries, err := s.Read(ctx, "team", tc.after, tc.max)
					if err != nil {
						t.Fatal(err)
					}
					var seqs []int64
					for i := range entries {
						seqs = append(seqs, max(tc.after, 0)+int64(i)+1)
					}
					if !reflect.DeepEqual(seqs, tc.want) {
						t.Errorf("Read(after %d, max %d) = %v, want %v", tc.after, tc.max, seqs, tc.want)
					}
				})
			}
			entries, _ := s.Read(ctx, "team", 0, 1)
			if want := "data a"; string(entries[0]) != want {
				t.Errorf("entry 1 = %q, want %q", entries[0], want)
			}
			if _, err := s.Read(ctx, "team", 0, 0); bot.ErrorCode(err) != bot.EINVALID {
				t.Errorf("max 0: %v, want EINVALID", err)
			}
		})

		t.Run("concurrent appends", func(t *testing.T) {
			const n = 50
			seqs := make([]int64, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					other := New(rdb, Options{}) // as if from other replicas
					seq, err := other.Append(ctx, "busy", "id"+itoa(i), []byte(itoa(i)))
					if err != nil {
						t.Error(err)
					}
					seqs[i] = seq
				}()
			}
			wg.Wait()
			sorted := append([]int64(nil), seqs...)
			sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
			for i, seq := range sorted {
				if seq != int64(i+1) {
					t.Fatalf("numbers %v are not 1..%d", sorted, n)
				}
			}
			entries, err := s.Read(ctx, "busy", 0, n)
			if err != nil || len(entries) != n {
				t.Fatalf("read %d entries, %v", len(entries), err)
			}
			for i, seq := range seqs {
				if string(entries[seq-1]) != itoa(i) {
					t.Errorf("entry %d holds %q, appended %d", seq, entries[seq-1], i)
				}
			}
		})
	})
}

package redisstore

import (
	"fmt"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
)

// Wake-ups' loads and case lookups go out in shared pipelines when they
// come together: every caller must still get its own answer, also after
// the server forgot the load script.
func TestBatchedReadsAnswerEachCaller(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		ctx := ctxT(t)
		s := New(rdb, Options{})
		const n = 200
		for i := range n {
			customer := fmt.Sprintf("web:c%d", i)
			id := fmt.Sprintf("%d", 1000+i)
			err := s.Commit(ctx, &bot.Change{
				Customer: customer,
				Conv:     &bot.Conversation{Customer: customer, Name: fmt.Sprintf("name %d", i), Case: id},
				Cases:    []*bot.Case{{ID: id, Customer: customer, Status: bot.Open, Opened: t0}},
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		for round, flush := range []bool{false, true} {
			if flush {
				// The server forgets its scripts: the batched loads
				// must load the script again.
				if err := rdb.ScriptFlush(ctx).Err(); err != nil {
					t.Fatal(err)
				}
			}
			fresh := New(rdb, Options{}) // nothing cached: lookups go to Redis
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					id := fmt.Sprintf("%d", 1000+i)
					customer, err := fresh.CustomerOf(ctx, id)
					if err != nil || customer != fmt.Sprintf("web:c%d", i) {
						errs <- fmt.Errorf("round %d: CustomerOf(%s) = %q, %v", round, id, customer, err)
						return
					}
					snap, err := fresh.Load(ctx, bot.LoadQuery{Customer: customer, Case: id})
					switch {
					case err != nil:
						errs <- fmt.Errorf("round %d: Load(%s): %v", round, customer, err)
					case snap.Conv == nil || snap.Conv.Name != fmt.Sprintf("name %d", i) || snap.Case == nil || snap.Case.ID != id:
						errs <- fmt.Errorf("round %d: Load(%s) = %+v / %+v, want its own", round, customer, snap.Conv, snap.Case)
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		}
		if _, err := New(rdb, Options{}).CustomerOf(ctx, "999999"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("CustomerOf of a missing case: %v, want ENOTFOUND", err)
		}
	})
}

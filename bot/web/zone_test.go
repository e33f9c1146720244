package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot/web"
)

// TestZoneForThePage: the page learns the bot's zone from /api/config, so
// that it shows times as the case text does, and names the zone in both
// languages.
func TestZoneForThePage(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(o *web.Options) { o.Location = sh })
	r := e.do(t, http.MethodGet, "/api/config", nil)
	var z struct {
		TimeZone, TimeZoneIANA, UTCOffset string
		UTCOffsetMinutes                  int
	}
	if err := json.Unmarshal(r.body, &struct {
		TimeZone         *string `json:"time_zone"`
		TimeZoneIANA     *string `json:"time_zone_iana"`
		UTCOffset        *string `json:"utc_offset"`
		UTCOffsetMinutes *int    `json:"utc_offset_minutes"`
	}{&z.TimeZone, &z.TimeZoneIANA, &z.UTCOffset, &z.UTCOffsetMinutes}); err != nil || r.status != http.StatusOK {
		t.Fatalf("/api/config = %d %s", r.status, r.body)
	}
	if z.TimeZone != "Asia/Shanghai" || z.TimeZoneIANA != "Asia/Shanghai" || z.UTCOffset != "+08:00" || z.UTCOffsetMinutes != 480 {
		t.Errorf("/api/config = %+v", z)
	}
	page := string(e.do(t, http.MethodGet, "/", nil).body)
	for _, want := range []string{"/api/config", "timeZone: Z.name", "Times in {0}", "时间均为 {0}", "tooMany:", "unavailable:", "请稍等片刻再试", "服务暂时不可用"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

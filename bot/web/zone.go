package web

import (
	"net/http"
	"time"
)

// zoneAnswer is the answer of GET /api/config: the bot's time zone, in
// which the page shows every time (the case text uses it too).
type zoneAnswer struct {
	// TimeZone names the zone for people: the IANA name, or the
	// abbreviation when the zone is the machine's unnamed local one.
	TimeZone string `json:"time_zone"`
	// TimeZoneIANA is the IANA name a browser can format with; "" when
	// there is none (then utc_offset_minutes is the offset now).
	TimeZoneIANA     string `json:"time_zone_iana"`
	UTCOffset        string `json:"utc_offset"`
	UTCOffsetMinutes int    `json:"utc_offset_minutes"`
}

func (s *Server) config(w http.ResponseWriter, r *http.Request) {
	now := time.Now().In(s.loc)
	abbr, off := now.Zone()
	a := zoneAnswer{TimeZone: s.loc.String(), TimeZoneIANA: s.loc.String(), UTCOffset: now.Format("-07:00"), UTCOffsetMinutes: off / 60}
	if a.TimeZone == "Local" {
		a.TimeZone, a.TimeZoneIANA = abbr, ""
	}
	writeJSON(w, http.StatusOK, a)
}

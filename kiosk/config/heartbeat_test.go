package config

import (
	"testing"
	"time"

	"taxkiosk/kiosk/jsontime"
)

func TestHeartbeatEvery(t *testing.T) {
	for d, ok := range map[time.Duration]bool{0: true, 5 * time.Second: true, 2 * time.Minute: true, time.Second: false, 3 * time.Minute: false} {
		c := Default()
		c.HeartbeatEvery = jsontime.Duration(d)
		if err := c.Validate(); (err == nil) != ok {
			t.Errorf("heartbeat_every %v: %v", d, err)
		}
	}
}

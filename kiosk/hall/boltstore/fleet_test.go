package boltstore

import (
	"testing"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/storetest"
)

func TestFleetSuite(t *testing.T) {
	storetest.RunFleet(t, func(t *testing.T) hall.Store {
		s, _ := open(t)
		return s
	})
}

package tech_test

import (
	"encoding/json"
	"fmt"
	"time"

	"taxkiosk/kiosk/jsontime"
	"taxkiosk/kiosk/tech"
)

func ExampleNetReport() {
	r := tech.NetReport{HallURL: "https://hall:8600", Reachable: true, RoundTrip: jsontime.Duration(12 * time.Millisecond), SkewKnown: true, ClockSkew: jsontime.Duration(-2 * time.Second)}
	b, _ := json.Marshal(r)
	var back tech.NetReport
	if err := json.Unmarshal(b, &back); err != nil {
		panic(err)
	}
	fmt.Println(back.RoundTrip, back.ClockSkew)
	// Output: 12ms -2s
}

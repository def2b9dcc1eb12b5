package tech_test

import (
	"encoding/json"
	"fmt"
	"time"

	"taxkiosk/kiosk/tech"
)

func ExampleNetReport() {
	r := tech.NetReport{HallURL: "https://hall:8600", Reachable: true, RoundTrip: tech.Duration(12 * time.Millisecond), SkewKnown: true, ClockSkew: tech.Duration(-2 * time.Second)}
	b, _ := json.Marshal(r)
	var back tech.NetReport
	if err := json.Unmarshal(b, &back); err != nil {
		panic(err)
	}
	fmt.Println(back.RoundTrip, back.ClockSkew)
	// Output: 12ms -2s
}

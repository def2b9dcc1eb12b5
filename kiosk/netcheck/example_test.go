package netcheck_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"taxkiosk/kiosk/netcheck"
)

func ExampleCheck() {
	hall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"status":"ok"}`)
	}))
	defer hall.Close()
	r := netcheck.Check(context.Background(), hall.URL, nil)
	fmt.Println(r.Reachable, r.TLS, r.SkewKnown, r.ErrorKey == "")

	hall.Close() // the hall goes away
	r = netcheck.Check(context.Background(), hall.URL, nil)
	fmt.Println(r.Reachable, r.ErrorKey)
	// Output:
	// true false true true
	// false net.check.refused
}

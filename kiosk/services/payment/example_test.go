package payment_test

import (
	"fmt"
	"time"

	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/services/payment"
)

func ExampleBill() {
	e := registry.Demo()
	jg, _ := e.Enterprise(registry.JianguoHardware)
	paid := time.Date(2026, 12, 5, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	// 220.50 and 94.50 yuan due 2026-10-23, 43 days late: surcharges 4.74 and 2.03.
	bill, ok := payment.Bill(jg, []string{"JG-2026Q3-UMT", "JG-2026Q3-EDU", "JG-2026-11-STAMP"}, paid)
	fmt.Println(bill.Tax, bill.Surcharge, bill.Total(), ok)
	_, ok = payment.Bill(jg, []string{"JG-2026Q3-UMT", "JG-2026Q3-UMT"}, paid)
	fmt.Println(ok)
	// Output:
	// 352.80 6.77 359.57 true
	// false
}

package scannersim

import (
	"golang.org/x/text/encoding/simplifiedchinese"

	"taxkiosk/drivers/scanner"
)

// Sample is one code a demo or test can present. The invoice numbers are made up; their
// layout follows PROTOCOLS.md section 3.
type Sample struct {
	Label   string
	Payload []byte
}

// SampleCodes returns one code of each kind the kiosk meets.
func SampleCodes() []Sample {
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("自助办税终端测试码"))
	if err != nil {
		panic(err) // the literal above is plain GB2312 text; encoding it cannot fail
	}
	return []Sample{
		{"增值税普通发票 04", []byte("01,04,3100181130,12345678,1000.00,20190521,12345678901234567890,8A3F")},
		{"增值税专用发票 01", []byte("01,01,4403191130,00123456,20000,20191105,,1C2D")},
		{"增值税电子普通发票 10 (old style, trailing comma)", []byte("01,10,044031900111,45678901,476.6,20190312,09887262553346434541,")},
		{"数电普票 32", []byte("01,32,,24442000000012345678,32,20240115,,5B6E")},
		{"数电专票 31", []byte("01,31,,24312000000087654321,113000.00,20240301,,A1B2")},
		{"invalid invoice (30 February)", []byte("01,04,3100181130,12345679,88.00,20230230,12345678901234567890,")},
		{"kiosk receipt", ReceiptCode("K-0001", "2f1c9a4e-8b7d-4c3e-9a1f-6d5e4c3b2a10")},
		{"other: GB18030 text", gb},
		{"other: URL", []byte("https://etax.chinatax.gov.cn/")},
	}
}

// ReceiptCode is the payload of a receipt this kiosk fleet printed, as kiosk/txn.ReceiptCode
// makes it (a test there holds the two together; drivers do not import the kiosk).
func ReceiptCode(kioskID, txnID string) []byte {
	return []byte(scanner.ReceiptCodePrefix + kioskID + ":" + txnID)
}

package registry

import (
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/money"
)

// Demo enterprises' credit codes, for tests and the demo script. Each is a valid GB 32100 code
// (9 = registered with market regulation; 1 = company, 2 = individual business; 410403 =
// 卫东区, 410400 = 平顶山市).
const (
	// JianguoHardware: 张建国 is its legal representative. Outstanding taxes (one overdue),
	// a payment agreement, a certificate; no reminders.
	JianguoHardware = "91410403MA44JG2K1R"
	// YingchengMaterials: 张建国 is its financial officer. A general taxpayer with a risk
	// reminder (invoiced above declared), nothing outstanding.
	YingchengMaterials = "91410400MA47H8LX28"
	// XiulanHalalFood: 马秀兰's individual business. Two risk reminders (zero returns, low
	// burden), nothing outstanding, no certificates.
	XiulanHalalFood = "92410403MA46D1PQ5H"
	// DefuHousekeeping: 李德福's company. Nothing outstanding, no reminders, no certificates,
	// no payment agreement.
	DefuHousekeeping = "91410403MA45C7RT3W"
	// GangyingTrading: 陈家明 is its legal representative, SMITH JOHN WILLIAM its financial
	// officer. Large outstanding taxes, monthly filing.
	GangyingTrading = "91410400MA9KWB3N7Q"
	// SmithConsulting: SMITH JOHN WILLIAM is its tax agent. One small outstanding tax and a
	// reminder.
	SmithConsulting = "91410403MA3XRL6U03"
)

// TaxName is a tax kind's name, as the hall lists it.
func TaxName(kind string) hallapi.Text {
	switch kind {
	case "vat":
		return hallapi.Text{ZH: "增值税", EN: "Value-added tax"}
	case "urban_maintenance":
		return hallapi.Text{ZH: "城市维护建设税", EN: "Urban maintenance and construction tax"}
	case "education_surcharge":
		return hallapi.Text{ZH: "教育费附加", EN: "Education surcharge"}
	case "local_education_surcharge":
		return hallapi.Text{ZH: "地方教育附加", EN: "Local education surcharge"}
	case "stamp_duty":
		return hallapi.Text{ZH: "印花税", EN: "Stamp duty"}
	case "cit":
		return hallapi.Text{ZH: "企业所得税", EN: "Corporate income tax"}
	}
	return hallapi.Text{ZH: kind, EN: kind}
}

func item(id, kind, period, amount, due string) hallapi.TaxItem {
	return hallapi.TaxItem{ID: id, TaxKind: kind, Name: TaxName(kind), Period: period, Amount: amt(amount), Due: due}
}

func cert(id, kind, period, amount, paid string) hallapi.Certificate {
	return hallapi.Certificate{ID: id, TaxKind: kind, Name: TaxName(kind), Period: period, Amount: amt(amount), PaidOn: paid}
}

func approval(code string, max int, maxAmount string) hallapi.InvoiceApproval {
	names := map[string]hallapi.Text{
		"01": {ZH: "增值税专用发票", EN: "Special VAT invoice"},
		"04": {ZH: "增值税普通发票", EN: "Ordinary VAT invoice"},
		"11": {ZH: "增值税普通发票（卷式）", EN: "Ordinary VAT invoice (roll)"},
	}
	return hallapi.InvoiceApproval{TypeCode: code, Name: names[code], MaxPerCollection: max, MaxAmount: amt(maxAmount)}
}

func amt(s string) money.Amount {
	a, err := money.Parse(s)
	if err != nil {
		panic(err) // literals below; TestDemo parses them all
	}
	return a
}

func reminder(code string) hallapi.RiskReminder {
	texts := map[string]hallapi.Text{
		hallapi.RiskZeroReturns: {
			ZH: "已连续6个月零申报。如有经营收入，请如实申报。",
			EN: "Zero returns for 6 months in a row. If you had any sales, declare them truthfully."},
		hallapi.RiskLowBurden: {
			ZH: "增值税税负率明显低于同行业平均水平，请核实申报数据。",
			EN: "Your VAT burden is far below your industry's average; please check your figures."},
		hallapi.RiskInvoicedAboveDec: {
			ZH: "开具发票金额大于申报销售额，请核实是否少报收入。",
			EN: "Invoiced sales exceed declared sales; please check for income left out."},
	}
	return hallapi.RiskReminder{Code: code, Message: texts[code]}
}

// DemoFile is the demonstration data. The ID numbers are those of the simulator's personas
// (drivers/idcard/idcardsim); the persona "foreign-permanent-2023" is deliberately absent, to
// show a card holder the hall knows no enterprise for.
func DemoFile() File {
	return File{
		Version: "demo-2026-12",
		People: []Person{
			{Label: "resident-male", IDNumber: "410403196804153016", Links: []Link{
				{JianguoHardware, hallapi.RoleLegalRepresentative},
				{YingchengMaterials, hallapi.RoleFinancialOfficer},
			}},
			{Label: "resident-female", IDNumber: "410403199208182025", Links: []Link{
				{XiulanHalalFood, hallapi.RoleLegalRepresentative},
			}},
			{Label: "resident-elderly", IDNumber: "410403194906121016", Links: []Link{
				{DefuHousekeeping, hallapi.RoleLegalRepresentative},
			}},
			{Label: "hk-resident", IDNumber: "810000198703150011", Links: []Link{
				{GangyingTrading, hallapi.RoleLegalRepresentative},
			}},
			{Label: "foreign-permanent", IDNumber: "CAN410080052601", Links: []Link{
				{GangyingTrading, hallapi.RoleFinancialOfficer},
				{SmithConsulting, hallapi.RoleTaxAgent},
			}},
		},
		Enterprises: []hallapi.Enterprise{
			{
				CreditCode: JianguoHardware, Name: "平顶山市卫东区建国五金商行有限公司", NameEN: "Pingdingshan Weidong Jianguo Hardware Co., Ltd.",
				SmallScale: true, FilingPeriod: hallapi.FilingQuarterly,
				Agreement: &hallapi.Agreement{ID: "TA410403202100317", Bank: hallapi.Text{ZH: "中国工商银行平顶山卫东支行", EN: "ICBC Pingdingshan Weidong Branch"}, Account: "6222 **** **** 6617"},
				Approvals: []hallapi.InvoiceApproval{approval("04", 25, "100000.00"), approval("11", 10, "10000.00")},
				Outstanding: []hallapi.TaxItem{
					item("JG-2026Q3-VAT", "vat", "2026-Q3", "3150.00", "2026-10-23"),
					item("JG-2026Q3-UMT", "urban_maintenance", "2026-Q3", "220.50", "2026-10-23"),
					item("JG-2026Q3-EDU", "education_surcharge", "2026-Q3", "94.50", "2026-10-23"),
					item("JG-2026-11-STAMP", "stamp_duty", "2026-11", "37.80", "2026-12-15"),
				},
				Certificates: []hallapi.Certificate{
					cert("JG-C-2026Q2-VAT", "vat", "2026-Q2", "2980.00", "2026-07-14"),
					cert("JG-C-2026Q2-UMT", "urban_maintenance", "2026-Q2", "208.60", "2026-07-14"),
				},
			},
			{
				CreditCode: YingchengMaterials, Name: "平顶山鹰城建材贸易有限公司", NameEN: "Pingdingshan Yingcheng Building Materials Trading Co., Ltd.",
				SmallScale: false, FilingPeriod: hallapi.FilingMonthly,
				Agreement: &hallapi.Agreement{ID: "TA410400201900852", Bank: hallapi.Text{ZH: "中国建设银行平顶山分行", EN: "China Construction Bank Pingdingshan Branch"}, Account: "6217 **** **** 0932"},
				Approvals: []hallapi.InvoiceApproval{approval("01", 25, "100000.00"), approval("04", 50, "100000.00")},
				Certificates: []hallapi.Certificate{
					cert("YC-C-2026-10-VAT", "vat", "2026-10", "41236.17", "2026-11-12"),
					cert("YC-C-2026Q3-CIT", "cit", "2026-Q3", "18750.00", "2026-10-21"),
				},
				Reminders: []hallapi.RiskReminder{reminder(hallapi.RiskInvoicedAboveDec)},
			},
			{
				CreditCode: XiulanHalalFood, Name: "卫东区秀兰清真食品店", NameEN: "Weidong Xiulan Halal Food Shop",
				SmallScale: true, FilingPeriod: hallapi.FilingMonthly,
				Agreement: &hallapi.Agreement{ID: "TA410403202300128", Bank: hallapi.Text{ZH: "中国农业银行平顶山光明路支行", EN: "Agricultural Bank of China Pingdingshan Guangming Road Branch"}, Account: "6228 **** **** 2281"},
				Approvals: []hallapi.InvoiceApproval{approval("04", 10, "10000.00")},
				Reminders: []hallapi.RiskReminder{reminder(hallapi.RiskZeroReturns), reminder(hallapi.RiskLowBurden)},
			},
			{
				CreditCode: DefuHousekeeping, Name: "平顶山市德福家政服务有限公司", NameEN: "Pingdingshan Defu Housekeeping Services Co., Ltd.",
				SmallScale: true, FilingPeriod: hallapi.FilingQuarterly,
				Approvals: []hallapi.InvoiceApproval{approval("04", 5, "10000.00")},
			},
			{
				CreditCode: GangyingTrading, Name: "平顶山港鹰国际贸易有限公司", NameEN: "Pingdingshan Gangying International Trading Co., Ltd.",
				SmallScale: false, FilingPeriod: hallapi.FilingMonthly,
				Agreement: &hallapi.Agreement{ID: "TA410400202200466", Bank: hallapi.Text{ZH: "中国银行平顶山分行", EN: "Bank of China Pingdingshan Branch"}, Account: "6216 **** **** 7750"},
				Approvals: []hallapi.InvoiceApproval{approval("01", 50, "1000000.00"), approval("04", 50, "1000000.00")},
				Outstanding: []hallapi.TaxItem{
					item("GY-2026Q3-CIT", "cit", "2026-Q3", "26500.00", "2026-10-24"),
					item("GY-2026-11-VAT", "vat", "2026-11", "18452.37", "2026-12-15"),
					item("GY-2026-11-UMT", "urban_maintenance", "2026-11", "1291.67", "2026-12-15"),
					item("GY-2026-11-EDU", "education_surcharge", "2026-11", "553.57", "2026-12-15"),
					item("GY-2026-11-LEDU", "local_education_surcharge", "2026-11", "369.05", "2026-12-15"),
				},
				Certificates: []hallapi.Certificate{
					cert("GY-C-2026-10-VAT", "vat", "2026-10", "16204.88", "2026-11-13"),
				},
			},
			{
				CreditCode: SmithConsulting, Name: "平顶山史密斯商务咨询有限公司", NameEN: "Pingdingshan Smith Business Consulting Co., Ltd.",
				SmallScale: true, FilingPeriod: hallapi.FilingQuarterly,
				Agreement: &hallapi.Agreement{ID: "TA410403202400093", Bank: hallapi.Text{ZH: "招商银行平顶山分行", EN: "China Merchants Bank Pingdingshan Branch"}, Account: "6225 **** **** 4108"},
				Approvals: []hallapi.InvoiceApproval{approval("04", 25, "10000.00")},
				Outstanding: []hallapi.TaxItem{
					item("SC-2026-11-STAMP", "stamp_duty", "2026-11", "150.00", "2026-12-15"),
				},
				Certificates: []hallapi.Certificate{
					cert("SC-C-2026Q3-VAT", "vat", "2026-Q3", "612.00", "2026-10-19"),
				},
				Reminders: []hallapi.RiskReminder{reminder(hallapi.RiskLowBurden)},
			},
		},
		// Every valid sample of drivers/scanner/scannersim, and one invoice of the demo's own.
		Invoices: []hallapi.InvoiceQuery{
			{TypeCode: "04", InvoiceCode: "3100181130", InvoiceNumber: "12345678", Amount: "1000.00", Date: "20190521", CheckCode: "12345678901234567890"},
			{TypeCode: "01", InvoiceCode: "4403191130", InvoiceNumber: "00123456", Amount: "20000.00", Date: "20191105"},
			{TypeCode: "10", InvoiceCode: "044031900111", InvoiceNumber: "45678901", Amount: "476.60", Date: "20190312", CheckCode: "09887262553346434541"},
			{TypeCode: "32", InvoiceNumber: "24442000000012345678", Amount: "32.00", Date: "20240115"},
			{TypeCode: "31", InvoiceNumber: "24312000000087654321", Amount: "113000.00", Date: "20240301"},
			{TypeCode: "04", InvoiceCode: "4100211130", InvoiceNumber: "00876543", Amount: "2580.00", Date: "20261118", CheckCode: "61934028571639402215"},
		},
	}
}

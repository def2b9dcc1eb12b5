package idcardsim

import "taxkiosk/drivers/idcard"

// Persona is a sample card holder, invented for tests and demonstrations.
type Persona struct {
	Key   string // stable name for the command line, e.g. "resident-male"
	Label string // short English description
	Card  *idcard.Card
}

const (
	authorityWeidong = "平顶山市公安局卫东分局"
)

// Personas returns fresh copies of the sample holders: residents of 平顶山市卫东区, where the
// hall is, with ID numbers that pass the check digit. Every call builds new values, so a
// caller may change them freely.
func Personas() []Persona {
	return []Persona{
		{"resident-male", "Resident, male, Han, long-term", &idcard.Card{
			Name: "张建国", Gender: idcard.Male, Nation: "汉", Birth: "19680415",
			Address:  "河南省平顶山市卫东区建设路中段88号院3号楼2单元501号",
			IDNumber: "410403196804153016", Authority: authorityWeidong,
			ValidFrom: "20160722", ValidTo: idcard.ValidLongTerm, CardType: idcard.TypeResident,
			Photo: photo(1),
		}},
		{"resident-female", "Resident, female, Hui", &idcard.Card{
			Name: "马秀兰", Gender: idcard.Female, Nation: "回", Birth: "19920818",
			Address:  "河南省平顶山市卫东区光明路街道光明路12号院6号楼1单元302号",
			IDNumber: "410403199208182025", Authority: authorityWeidong,
			ValidFrom: "20180305", ValidTo: "20380305", CardType: idcard.TypeResident,
			Photo: photo(2),
		}},
		{"resident-elderly", "Resident, male, Han, born 1949", &idcard.Card{
			Name: "李德福", Gender: idcard.Male, Nation: "汉", Birth: "19490612",
			Address:  "河南省平顶山市卫东区五一路北段16号院1号楼3号",
			IDNumber: "410403194906121016", Authority: authorityWeidong,
			ValidFrom: "20090610", ValidTo: idcard.ValidLongTerm, CardType: idcard.TypeResident,
			Photo: photo(3),
		}},
		{"hk-resident", "Hong Kong resident, residence permit", &idcard.Card{
			Name: "陈家明", Gender: idcard.Male, Birth: "19870315",
			Address:  "河南省平顶山市卫东区开源路鹰城世贸广场A座1203室",
			IDNumber: "810000198703150011", Authority: authorityWeidong,
			ValidFrom: "20210108", ValidTo: "20260108", CardType: idcard.TypeHMTPermit,
			PassNumber: "H61928374", IssueCount: "01",
			Photo: photo(4),
		}},
		{"foreign-permanent", "Foreigner, permanent residence (2017 card)", &idcard.Card{
			Name: "史密斯约翰", EnglishName: "SMITH JOHN WILLIAM", Gender: idcard.Male, Birth: "19800526",
			IDNumber: "CAN410080052601", Nationality: "CAN", Authority: "1500",
			ValidFrom: "20190410", ValidTo: "20290410", CardType: idcard.TypeForeignPermanent,
			CardVersion: "01",
			Photo:       photo(5),
		}},
		{"foreign-permanent-2023", "Foreigner, permanent residence (2023 card)", &idcard.Card{
			Name: "约翰逊艾米莉", EnglishName: "JOHNSON EMILY ROSE", Gender: idcard.Female, Birth: "19800520",
			IDNumber: "941840198005200020", Nationality: "USA", IssueCount: "00",
			ValidFrom: "20240315", ValidTo: "20340315", CardType: idcard.TypeForeignPermanent,
			CardVersion: idcard.CardVersion2023,
			Photo:       photo(6),
		}},
	}
}

// PersonaByKey finds a persona by its Key.
func PersonaByKey(key string) (Persona, bool) {
	for _, p := range Personas() {
		if p.Key == key {
			return p, true
		}
	}
	return Persona{}, false
}

// photo is PhotoLen fixed bytes per persona. They are not a WLT image (no open encoder
// exists); the driver treats them as opaque, which is all a test can check.
func photo(seed uint32) []byte {
	b := make([]byte, PhotoLen)
	x := seed*2654435761 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	copy(b, "WLT\x00")
	return b
}

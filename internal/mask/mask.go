// Package mask hides personal data in free text that reaches the public
// (the results board, station boards, the results API): titles and
// summaries that citizens or staff wrote. It finds phone, ID and bank
// numbers in every form people type them (13812345678, 138.1234.5678,
// 138 1234 5678, full-width １３８…, 一三八…, 幺三八, 壹叁捌), names
// (我叫王小明, 村民张三, 联系人：李四, 请联系王建国, 王建国家门口, 欧阳娜娜反映,
// 联系人：李 四, 张先生, 李阿姨, 王某某, 老刘), licence plates (赣B12345) and the
// numbers of an address (胜利路18号2单元501室, 下历村3组, 3-2-501), and
// leaves place names (定南县, 龙南市, 金塘大道), dates, amounts and
// document numbers readable.
//
// Its recall and false positives are measured on a labelled set of
// sentences (testdata/labelled.txt, TestRecallOnLabelledSentences); it
// cannot know every name, which is why staff confirm the masked text
// before it is published (internal/publication).
package mask

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// kinds of hidden span, each with its own replacement.
const (
	kindNumber = iota // "****", whatever the length, so the length does not leak
	kindName          // one "*" a character: 张* and 李**
	kindHouse         // "**"
)

// span is a byte range of the text to hide.
type span struct {
	lo, hi int
	kind   int
}

// digitClass is a digit in any form people type one: ASCII, full-width, a
// Chinese numeral (〇/零 and 幺 included, as phone numbers are read out) or
// its financial form (壹贰叁…).
const digitClass = `[0-9０-９〇零一二三四五六七八九幺壹贰叁肆伍陆柒捌玖]`

const digitRunes = "0123456789０１２３４５６７８９〇零一二三四五六七八九幺壹贰叁肆伍陆柒捌玖"

// sepClass is what people put between groups of digits: spaces (also the
// ideographic one), dots, dashes, underscores, slashes, plus signs and
// brackets. The enumeration comma 、 is not one: 一、二、三 is a list
// (groups of two or more digits joined by 、 are caught by listedNumber).
const sepClass = `[\s\x{3000}.．·\-－—–_/()（）+]`

// longNumber matches what may be a phone, ID card or bank number: seven or
// more digits, each pair separated by at most three separator characters.
var longNumber = regexp.MustCompile(digitClass + `(?:` + sepClass + `{0,3}` + digitClass + `){6,}[XxＸｘ]?`)

// listedNumber is a number read out in groups joined by 、: 一五九、零七九七、一二三四.
var listedNumber = regexp.MustCompile(digitClass + `{2,}(?:、` + digitClass + `{2,})+`)

// datePrefix is a calendar date written with separators (2026.12.07,
// 2026-12-7, 2026/12/07), which has eight digits but is not personal.
var datePrefix = regexp.MustCompile(`^(?:19|20)[0-9]{2}\s?[.\-/]\s?(?:0?[1-9]|1[0-2])\s?[.\-/]\s?(?:0?[1-9]|[12][0-9]|3[01])`)

// amountUnits follow a number that counts something (1234567元, 12800人):
// such a number is not masked unless it has a phone's eleven digits.
const amountUnits = "元万亿米吨人户件个盏株棵辆台次平亩斤公千克份套所座条家名"

// Address numbers. Arabic (and full-width) digits before 栋, 幢, 单元, 室
// and 号楼 are always part of an address; before 号 only after a road, a
// village group or 门牌; before 组 when it is not a count (分3组). Chinese
// numerals are taken in narrower places, as 三十号 is a day, 一组 "a set",
// 一室一厅 a flat's layout and 第三单元 a chapter.
var (
	arabicHouse   = regexp.MustCompile(`[0-9０-９]+\s*(号楼|栋|幢|单元|室|号|组|房)`)
	chineseHouse  = regexp.MustCompile(`[〇零一二三四五六七八九十百]+\s*(号楼|栋|幢|单元|室|号|组)`)
	buildingTriad = regexp.MustCompile(`[0-9]{1,3}-[0-9]{1,2}-[0-9]{3,4}`)
	// roomAfter is the room number that follows a building or unit without 室: 3栋501.
	roomAfter = regexp.MustCompile(`(?:栋|幢|单元|号楼)\s*([0-9０-９]{3,4})`)
)

// houseContext are the characters after which "N号" is a house number: a
// road, street, lane, village, group or estate.
const houseContext = "路街巷弄道村组牌苑园坊湾屯寨庄坝"

// notHouseAfter follow "N号" when it is not a house: a document, a line,
// a plot of land, a window.
var notHouseAfter = []string{"地块", "文件", "文", "线", "令", "公告", "窗口", "台", "机", "桌", "码", "前", "后", "上午", "下午", "晚", "起", "至"}

// commonSurnames are the surnames that cover most people, with those
// frequent in southern Jiangxi (钟, 赖, 廖, 曾, 谢, 邱, 温, 肖…).
const commonSurnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤赖温古巫幸凌蓝骆涂饶聂游缪卓邝欧"

// compoundSurnames are the two-character surnames (欧阳娜娜 → 欧阳**).
const compoundSurnames = "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|令狐|司徒|司空|夏侯|长孙|宇文|轩辕|端木|独孤|南宫|西门|万俟|闻人|澹台|申屠|太史|钟离|呼延|百里|东郭|濮阳|淳于|单于|赫连|第五|左丘|拓跋"

// surname is a compound surname or a common one; a compound one is tried
// first, so 欧阳娜娜 keeps 欧阳 as the surname.
const surname = `(?:` + compoundSurnames + `|[` + commonSurnames + `])`

// clauseStart is what may come before a name that opens a clause.
const clauseStart = `^|[\s，。,.；;：:、（(！!？?]`

// nameAfterEnd is what follows a name that closes a phrase (请联系王建国，…;
// 找李四电话…): punctuation, a space, a digit, the end, or a word about
// reaching the person.
const nameAfterEnd = `(?:[\s，。,.；;：:、）)！!？?0-9０-９]|$|电话|手机|核实|了解|处理|协调|反映|同志|办理)`

// Names.
var (
	// selfIntro is a writer or staff naming someone outright: 我叫王小明,
	// 姓名：李四, 他叫叶大华. The name need not begin with a common surname.
	selfIntro = regexp.MustCompile(`(?:我叫|他叫|她叫|名叫|叫做|姓名[:：]?|本人[:：]?)\s*(\p{Han})(\p{Han}{1,2})`)
	// namedPerson is a name after a word that introduces a person (村民张三,
	// 联系人：李四, 业主王五, 我是杨秀兰); it must begin with a common
	// surname, so 村民反映 is left alone.
	namedPerson = regexp.MustCompile(`(?:我是|村民|居民|群众|市民|业主|户主|住户|租户|老人|联系人|来访人|来电人|反映人|投诉人|申请人|当事人|患者|家属|家长|邻居|儿子|女儿|丈夫|妻子|母亲|父亲)[:：]?\s*(` + surname + `)(\p{Han}{1,2})`)
	// leadingName is a full name that opens a sentence or clause and is
	// followed by what people do in a case: 李桂英反映…, 钟春华来电….
	leadingName = regexp.MustCompile(`(?:^|[\s，。,.；;：:、（(！!？?])(` + surname + `)(\p{Han}{1,2}?)(?:反映|来电|来访|投诉|称|表示|咨询|求助|诉称|要求)`)
	// contacted is a name after 联系/请联系/找 (请联系王建国，电话…), when
	// the name closes the phrase, so 联系周边社区 stays.
	contacted = regexp.MustCompile(`(?:联系|找)[:：]?\s*(` + surname + `)(\p{Han}{1,2})` + nameAfterEnd)
	// atHome is a full name before 家/家里/家门口 (王建国家门口的路灯坏了);
	// 王家村, 李家坪 and 张家界 stay, as the given name cannot hold 家.
	atHome = regexp.MustCompile(`(?:` + clauseStart + `|在|到|去|从|进|入|往|了)(` + surname + `)([^家\P{Han}]{1,2})家(?:门口|门前|里|中|附近|旁边|后面|对面|屋|的|楼下|楼上|院)`)
	// compoundLeading is a compound surname and a name before what people
	// say or do in a case, 说 included: 欧阳娜娜说…, 司马光反映….
	compoundLeading = regexp.MustCompile(`(?:` + clauseStart + `)(` + compoundSurnames + `)(\p{Han}{1,2}?)(?:反映|说|称|投诉|来电|来访|表示|咨询|求助|要求)`)
	// spacedName is a name spelled with spaces after a word that
	// introduces one (联系人：李 四, 姓名：王 建 国).
	spacedName = regexp.MustCompile(`(?:姓名|联系人|我叫|名叫|本人|来访人|来电人|反映人|投诉人|申请人|当事人)[:：]?\s*(\p{Han})[ \x{3000}]+(\p{Han}(?:[ \x{3000}]+\p{Han})?)(?:[^\p{Han}]|$|反映|说|称|投诉|来电|电话|手机)`)
	// titled is a surname with a form of address: 张先生, 李阿姨, 王某某, 黄大爷.
	titled = regexp.MustCompile(`(` + surname + `)(?:先生|女士|小姐|阿姨|大爷|大妈|大娘|大伯|大叔|大姐|大哥|大嫂|师傅|老师|医生|奶奶|爷爷|婆婆|老伯|老汉|某某|某|叔|伯|姨|嫂|姐|哥)`)
	// familiar is 老刘, 小王: 老 or 小 and a surname, followed by what
	// follows a person (说, 家, 反映…) or by no character at all, so 老方法
	// and 小马路 stay.
	familiar = regexp.MustCompile(`[老小](` + surname + `)(?:[说家反的等在他她和与夫妻两一头是也都就又还已将被把对从跟向来去们打讲称要想师确同签告看]|[^\p{Han}]|$)`)
)

// notContacted are words after 联系/找 that begin with a surname
// character but are no name (联系方式, 找钱).
var notContacted = []string{"方式", "方法", "方面", "方便", "方向", "钱", "高层", "高人", "金额", "时间", "于是"}

// placeNames begin with a surname character and would read as a name
// before 家 or after 找: the counties of southern Jiangxi and a few words.
var placeNames = []string{"龙南", "定南", "全南", "于都", "宁都", "石城", "安远", "会昌", "黄金", "龙岗", "杨村", "汶龙"}

// plate is a licence plate: a province's character, the city's letter, an
// optional dot and five characters (赣B12345, 赣B·12345) or six for a
// new-energy vehicle (赣BD12345).
var plate = regexp.MustCompile(`[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Za-hj-np-z]\s?[·•.．\-]?\s?[A-HJ-NP-Z0-9a-hj-np-z]{5,6}`)

// nameStop are characters that rarely end a two-character given name but
// often follow one (张三反映, 李四说, 王伟电话): a three-character match
// ending in one is cut to two.
const nameStop = "反说称来去家等的在向和与于到打要提投诉讲表也都就又还曾已将被把对从电手住是今昨多了代独要"

// placeEnd are characters that end a place, not a name (龙南市, 石门村).
const placeEnd = "市县镇乡村区路街道省州湖山江河桥园苑城"

// Public returns s with the personal data it finds hidden, and every
// occurrence of the given secrets (the submitter's own name and phone).
func Public(s string, secrets ...string) string {
	return apply(s, find(s, secrets...))
}

// find returns the spans of s to hide, sorted and merged.
func find(s string, secrets ...string) []span {
	var out []span
	for _, v := range secrets {
		v = strings.TrimSpace(v)
		if utf8.RuneCountInString(v) < 2 {
			continue
		}
		kind, skip := kindName, len(string([]rune(v)[:1]))
		if isNumber(v) {
			kind, skip = kindNumber, 0
		}
		for i := 0; ; {
			j := strings.Index(s[i:], v)
			if j < 0 {
				break
			}
			out = append(out, span{i + j + skip, i + j + len(v), kind})
			i += j + len(v)
		}
	}
	out = append(out, numbers(s, 0)...)
	for _, m := range listedNumber.FindAllStringIndex(s, -1) {
		if countDigits(s[m[0]:m[1]]) >= 7 {
			out = append(out, span{m[0], m[1], kindNumber})
		}
	}
	out = append(out, names(s)...)
	out = append(out, houses(s)...)
	return merge(out)
}

// numbers finds long numbers in s[off:], keeping a date one starts with
// and a count of something (1234567元).
func numbers(s string, off int) []span {
	var out []span
	for _, m := range longNumber.FindAllStringIndex(s[off:], -1) {
		lo, hi := off+m[0], off+m[1]
		if d := datePrefix.FindString(s[lo:hi]); d != "" {
			if countDigits(s[lo+len(d):hi]) >= 7 {
				out = append(out, numbers(s[:hi], lo+len(d))...)
			}
			continue
		}
		if r, _ := utf8.DecodeRuneInString(s[hi:]); strings.ContainsRune(amountUnits, r) && countDigits(s[lo:hi]) != 11 {
			continue
		}
		out = append(out, span{lo, hi, kindNumber})
	}
	return out
}

// names finds the given names (and, for 张先生 and 老刘, the surnames) to hide.
func names(s string) []span {
	var out []span
	givenName := func(m []int, surnameGroup int) {
		lo, hi := m[2*surnameGroup+2], m[2*surnameGroup+3]
		if t := titled.FindStringIndex(s[m[2*surnameGroup]:]); t != nil && t[0] == 0 {
			return // 联系人：谢女士 is titled's: the surname is hidden
		}
		given := []rune(s[lo:hi])
		if len(given) == 2 && strings.ContainsRune(nameStop, given[1]) {
			hi -= len(string(given[1]))
			given = given[:1]
		}
		if strings.ContainsRune(placeEnd, given[len(given)-1]) {
			return // 我是龙南市… : a place, not a name
		}
		out = append(out, span{lo, hi, kindName})
	}
	for _, m := range selfIntro.FindAllStringSubmatchIndex(s, -1) {
		givenName(m, 1)
	}
	for _, m := range namedPerson.FindAllStringSubmatchIndex(s, -1) {
		givenName(m, 1)
	}
	for _, m := range leadingName.FindAllStringSubmatchIndex(s, -1) {
		if m[5] > m[4] && !titled.MatchString(s[m[2]:m[5]]) { // 张先生反映 is titled's
			givenName(m, 1)
		}
	}
	for _, re := range []*regexp.Regexp{contacted, atHome, compoundLeading, spacedName} {
		for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
			if re == contacted && (followedBy(s[m[2]:], notContacted) || strings.HasSuffix(s[:m[0]], "寻")) ||
				(re == contacted || re == atHome) && followedBy(s[m[2]:], placeNames) {
				continue // 联系方式, 寻找黄金, 在龙南家里
			}
			givenName(m, 1)
		}
	}
	for _, m := range plate.FindAllStringIndex(s, -1) {
		lo, hi := m[0], m[1]
		if r, _ := utf8.DecodeLastRuneInString(s[:lo]); r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(s[hi:]); r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			continue
		}
		if countDigits(s[lo:hi]) < 3 { // a plate is mostly digits
			continue
		}
		out = append(out, span{lo, hi, kindNumber})
	}
	for _, re := range []*regexp.Regexp{titled, familiar} {
		for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
			out = append(out, span{m[2], m[3], kindName})
		}
	}
	return out
}

// houses finds the numbers of an address.
func houses(s string) []span {
	var out []span
	before := func(i int) (rune, string) { // the character before byte i, and the text before it
		r, n := utf8.DecodeLastRuneInString(s[:i])
		return r, s[:i-n]
	}
	for _, m := range arabicHouse.FindAllStringSubmatchIndex(s, -1) {
		word, num := s[m[2]:m[3]], strings.TrimSpace(s[m[0]:m[2]])
		prev, rest := before(m[0])
		switch word {
		case "号":
			if !strings.ContainsRune(houseContext, prev) && !strings.HasSuffix(rest+string(prev), "门牌号") || followedBy(s[m[1]:], notHouseAfter) {
				continue
			}
		case "组":
			if strings.ContainsRune("第分成为共每编约近余有", prev) && !strings.HasSuffix(rest, "村") || prev == utf8.RuneError {
				continue
			}
		case "房":
			if utf8.RuneCountInString(num) < 3 {
				continue
			}
		}
		if prev == '第' && word != "组" || prev == '〕' || prev == ']' {
			continue
		}
		out = append(out, span{m[0], m[0] + len(num), kindHouse})
	}
	for _, m := range chineseHouse.FindAllStringSubmatchIndex(s, -1) {
		word, num := s[m[2]:m[3]], strings.TrimSpace(s[m[0]:m[2]])
		prev, rest := before(m[0])
		next, _ := utf8.DecodeRuneInString(s[m[1]:])
		ok := false
		switch word {
		case "号楼":
			ok = prev != '第'
		case "号":
			ok = strings.ContainsRune("路街巷弄道组牌", prev) && !followedBy(s[m[1]:], notHouseAfter)
		case "组":
			ok = prev == '村' || prev == '第' && strings.HasSuffix(rest, "村")
		case "室":
			ok = utf8.RuneCountInString(num) >= 3
		default: // 栋, 幢, 单元: next to another part of the address
			ok = prev != '第' && (strings.ContainsRune("楼栋幢区苑园城寓厦", prev) || strings.ContainsRune(digitRunes, next))
		}
		if ok {
			out = append(out, span{m[0], m[0] + len(num), kindHouse})
		}
	}
	for _, m := range buildingTriad.FindAllStringIndex(s, -1) {
		if prev, _ := before(m[0]); unicode.Is(unicode.Han, prev) {
			out = append(out, span{m[0], m[1], kindHouse})
		}
	}
	for _, m := range roomAfter.FindAllStringSubmatchIndex(s, -1) {
		out = append(out, span{m[2], m[3], kindHouse})
	}
	return out
}

func followedBy(s string, words []string) bool {
	for _, w := range words {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// merge sorts spans and joins those that overlap; a join that takes in a
// number is masked as a number.
func merge(in []span) []span {
	sort.Slice(in, func(i, j int) bool { return in[i].lo < in[j].lo || in[i].lo == in[j].lo && in[i].hi > in[j].hi })
	var out []span
	for _, sp := range in {
		if n := len(out); n > 0 && sp.lo < out[n-1].hi {
			last := &out[n-1]
			last.hi = max(last.hi, sp.hi)
			if sp.kind == kindNumber {
				last.kind = kindNumber
			}
			continue
		}
		out = append(out, sp)
	}
	return out
}

// apply replaces each span of s.
func apply(s string, spans []span) string {
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		b.WriteString(s[at:sp.lo])
		switch sp.kind {
		case kindNumber:
			b.WriteString("****")
		case kindName:
			b.WriteString(strings.Repeat("*", utf8.RuneCountInString(s[sp.lo:sp.hi])))
		default:
			b.WriteString("**")
		}
		at = sp.hi
	}
	b.WriteString(s[at:])
	return b.String()
}

func isNumber(s string) bool {
	return countDigits(s) >= 7
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if strings.ContainsRune(digitRunes, r) {
			n++
		}
	}
	return n
}

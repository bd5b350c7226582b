package app

import (
	"regexp"
	"strings"

	"zhitong/internal/pii"
)

// Masking of free text that reaches the public (the results board, station
// boards, the results API): titles and summaries that citizens or staff
// wrote. People write numbers in many forms — 13812345678, 138.1234.5678,
// 138 1234 5678, 一三八一二三四五六七八, full-width １３８… — so digits are
// matched in every form and separators between them are allowed.

// digitClass is a digit in any form people type one: ASCII, full-width, or
// a Chinese numeral (〇/零 and 幺 included, as phone numbers are read out).
const digitClass = `[0-9０-９〇零一二三四五六七八九幺]`

// sepClass is what people put between groups of digits: spaces (also the
// ideographic one), dots, dashes, underscores, slashes and brackets. The
// enumeration comma 、 is not one: 一、二、三 is a list.
const sepClass = `[\s\x{3000}.．·\-－—–_/()（）]`

// longNumber matches what may be a phone, ID card or bank number typed into
// free text: seven or more digits, each pair separated by at most three
// separator characters.
var longNumber = regexp.MustCompile(digitClass + `(?:` + sepClass + `{0,3}` + digitClass + `){6,}[XxＸ]?`)

// datePrefix is a calendar date written with separators (2026.12.07,
// 2026-12-7, 2026/12/07), which has eight digits but is not personal.
var datePrefix = regexp.MustCompile(`^(?:19|20)[0-9]{2}\s?[.\-/]\s?(?:0?[1-9]|1[0-2])\s?[.\-/]\s?(?:0?[1-9]|[12][0-9]|3[01])`)

// houseNumber matches a house, building, unit or room number (8号, 3栋,
// 2单元, 501室, 5组, 八号楼, 三单元, 五〇一室), which with a street name
// points at one household. Chinese numerals are not taken before 号 or 组:
// 三十号 is a day of the month and 一组 "a set".
var houseNumber = regexp.MustCompile(`(?:第\s*)?(?:[0-9０-９]+\s*(号楼|号|栋|幢|单元|室|组)|[〇零一二三四五六七八九十百]+\s*(号楼|栋|幢|单元|室))`)

// selfIntro matches a writer naming themselves: 我叫王小明, 本人李四.
var selfIntro = regexp.MustCompile(`(我叫|我是|本人|姓名[:：]?)\s*(\p{Han}{2,3})`)

// namedPerson matches a person named after a word that introduces one
// (村民张三反映, 联系人：李四, 业主王五): the name must begin with a
// common surname, so 村民反映 is left alone.
var namedPerson = regexp.MustCompile(`(村民|居民|群众|市民|业主|户主|住户|租户|老人|联系人|来访人|来电人|反映人|当事人|名叫|叫做)[:：]?\s*([` + commonSurnames + `]\p{Han}{1,2})`)

// commonSurnames are the hundred or so surnames that cover most people.
const commonSurnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤赖温"

// nameStop are characters that rarely end a two-character given name but
// often follow one (张三反映, 李四说): a three-character match ending in one
// is cut to two.
const nameStop = "反说称来去家等的在向和与于到打要提投诉讲表也都就又还曾已将被把对从"

// maskPublicText hides long numbers in any form, house numbers, a name the
// writer introduces themselves with or names after 村民/联系人…, and the
// given secrets (the submitter's own name and phone) in text shown to the
// public. It cannot know every name: the register form and the reply form
// tell staff the title and summary are public.
func maskPublicText(s string, secrets ...string) string {
	for _, v := range secrets {
		if v = strings.TrimSpace(v); len([]rune(v)) >= 2 {
			s = strings.ReplaceAll(s, v, pii.MaskName(v))
		}
	}
	s = selfIntro.ReplaceAllStringFunc(s, func(m string) string {
		g := selfIntro.FindStringSubmatch(m)
		return g[1] + pii.MaskName(g[2])
	})
	s = namedPerson.ReplaceAllStringFunc(s, func(m string) string {
		g := namedPerson.FindStringSubmatch(m)
		name, rest := []rune(g[2]), ""
		if len(name) == 3 && strings.ContainsRune(nameStop, name[2]) {
			name, rest = name[:2], string(name[2:])
		}
		return strings.TrimSuffix(m, g[2]) + pii.MaskName(string(name)) + rest
	})
	s = longNumber.ReplaceAllStringFunc(s, maskNumber)
	s = houseNumber.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasPrefix(m, "第") { // an ordinal (第3号文件, 第2组), not an address
			return m
		}
		g := houseNumber.FindStringSubmatch(m)
		return "**" + g[1] + g[2]
	})
	return s
}

// maskNumber masks one long-number match, keeping a date it starts with.
func maskNumber(m string) string {
	if d := datePrefix.FindString(m); d != "" {
		rest := m[len(d):]
		if countDigits(rest) < 7 {
			return m
		}
		return d + longNumber.ReplaceAllStringFunc(rest, maskNumber)
	}
	return "****"
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if strings.ContainsRune("0123456789０１２３４５６７８９〇零一二三四五六七八九幺", r) {
			n++
		}
	}
	return n
}

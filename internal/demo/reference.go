package demo

import "zhitong"

// County is the demo county: 定南县, Ganzhou, Jiangxi.
const County = "360728"

// Township codes of Dingnan (canonical form, see internal/regions).
const (
	lishi      = "360728100" // 历市镇, the county seat
	kuimeishan = "360728101" // 岿美山镇
	laocheng   = "360728102" // 老城镇
	tianjiu    = "360728103" // 天九镇
	longtang   = "360728104" // 龙塘镇
	lingbei    = "360728105" // 岭北镇
	egong      = "360728106" // 鹅公镇
	park       = "360728400" // 定南县工业园
)

// stationSpec is a station with the short key the case tables use for it.
type stationSpec struct {
	key string
	zhitong.Station
}

// stations are the county's 8 liaison stations (一站一品). Addresses, hours
// and map points are plausible but invented.
var stations = []stationSpec{
	{"lishi", zhitong.Station{Name: "历市镇人大代表联络站", RegionCode: lishi, Kind: "fixed",
		Address: "定南县历市镇建设东路 28 号镇人大主席团一楼", Hours: "周一至周五 8:30–12:00、14:30–17:30；每月 5 日、15 日、25 日为固定接待日",
		Theme: "营商环境", Lat: 24.7838, Lng: 115.0316}},
	{"laocheng", zhitong.Station{Name: "老城镇人大代表联络站", RegionCode: laocheng, Kind: "fixed",
		Address: "定南县老城镇老城街 16 号便民服务中心二楼", Hours: "周一至周五 8:30–17:30；逢农历二、五、八圩日上午代表轮值",
		Theme: "乡村振兴", Lat: 24.9012, Lng: 115.0034}},
	{"kuimeishan", zhitong.Station{Name: "岿美山镇人大代表联络站", RegionCode: kuimeishan, Kind: "fixed",
		Address: "定南县岿美山镇矿区路 3 号", Hours: "周一至周五 8:30–17:30；每周三为代表接待日",
		Theme: "稀土产业与矿区生态修复", Lat: 24.6631, Lng: 115.1587}},
	{"tianjiu", zhitong.Station{Name: "天九镇人大代表联络站", RegionCode: tianjiu, Kind: "fixed",
		Address: "定南县天九镇圩镇中心路 9 号", Hours: "周一至周五 8:30–17:30；逢农历一、四、七圩日上午代表轮值",
		Theme: "脐橙产业", Lat: 24.8245, Lng: 115.1702}},
	{"longtang", zhitong.Station{Name: "龙塘镇人大代表联络站", RegionCode: longtang, Kind: "fixed",
		Address: "定南县龙塘镇政府院内东侧一楼", Hours: "周一至周五 8:30–17:30；每月 10 日、20 日为固定接待日",
		Theme: "农田水利", Lat: 24.7296, Lng: 114.9218}},
	{"egong", zhitong.Station{Name: "鹅公镇圩日流动联络点", RegionCode: egong, Kind: "mobile",
		Address: "定南县鹅公镇圩场入口（流动接待车）", Hours: "逢农历三、六、九圩日 7:30–12:00",
		Theme: "圩日流动接待", Lat: 24.6917, Lng: 115.0843}},
	{"lingbei", zhitong.Station{Name: "岭北镇赣粤边界人大代表联络站", RegionCode: lingbei, Kind: "cross_border",
		Address: "定南县岭北镇赣粤大道 1 号", Hours: "周一至周五 8:30–17:30；每季度与邻省联络站联合接待一次",
		Theme: "赣粤边界协作", Lat: 24.5812, Lng: 114.9795}},
	{"park", zhitong.Station{Name: "定南县工业园区人大代表之家", RegionCode: park, Kind: "fixed",
		Address: "定南县工业园区企业服务中心一楼", Hours: "周一至周五 8:30–17:30；每月第一个周四为企业接待日",
		Theme: "企业服务", Lat: 24.7602, Lng: 115.0521}},
}

// deputySpec is a deputy and the key of the station they are assigned to.
type deputySpec struct {
	station string
	zhitong.Deputy
}

// deputies are the demo deputies. Every name is invented; any resemblance to
// a real deputy is accidental.
var deputies = []deputySpec{
	{"lishi", zhitong.Deputy{Name: "钟立华", Levels: []string{"county"}, RegionCode: lishi, Constituency: "历市镇第二选区",
		Pledge: "每月进站接待不少于两次，群众反映的事件件有回音。"}},
	{"lishi", zhitong.Deputy{Name: "赖春梅", Levels: []string{"county", "township"}, RegionCode: lishi, Constituency: "历市镇第五选区",
		Pledge: "盯住圩日交通和市场秩序，做群众身边的贴心人。"}},
	{"lishi", zhitong.Deputy{Name: "钟慧敏", Levels: []string{"city"}, RegionCode: lishi, Constituency: "定南县（赣州市人大代表选区）",
		Pledge: "关注老旧小区改造和养老服务，把群众心声带到市人代会。"}},
	{"park", zhitong.Deputy{Name: "刘建国", Levels: []string{"city"}, RegionCode: park, Constituency: "定南县（赣州市人大代表选区）",
		Pledge: "为园区企业和职工排忧解难，优化营商环境。"}},
	{"park", zhitong.Deputy{Name: "蓝文斌", Levels: []string{"county"}, RegionCode: park, Constituency: "历市镇第七选区（工业园区）",
		Pledge: "每季度走访园区企业不少于十家，收集的问题限期反馈。"}},
	{"kuimeishan", zhitong.Deputy{Name: "曾凡荣", Levels: []string{"province"}, RegionCode: kuimeishan, Constituency: "赣州市选出的江西省人大代表（定南）",
		Pledge: "推动稀土产业绿色发展和矿区生态修复。"}},
	{"kuimeishan", zhitong.Deputy{Name: "陈远明", Levels: []string{"county"}, RegionCode: kuimeishan, Constituency: "岿美山镇第一选区",
		Pledge: "矿区群众的出行和环境问题，件件跟踪到底。"}},
	{"kuimeishan", zhitong.Deputy{Name: "叶小芳", Levels: []string{"township"}, RegionCode: kuimeishan, Constituency: "岿美山镇第三选区",
		Pledge: "每周三到站接待，及时反映矿区周边村民诉求。"}},
	{"tianjiu", zhitong.Deputy{Name: "黄秀英", Levels: []string{"national"}, RegionCode: tianjiu, Constituency: "江西省选出的全国人大代表（赣州）",
		Pledge: "扎根脐橙产业一线，把果农的心声带到全国人代会上。"}},
	{"tianjiu", zhitong.Deputy{Name: "廖德胜", Levels: []string{"county"}, RegionCode: tianjiu, Constituency: "天九镇第二选区",
		Pledge: "推动产业路、灌溉渠建设，助力果农增收。"}},
	{"tianjiu", zhitong.Deputy{Name: "温金凤", Levels: []string{"township"}, RegionCode: tianjiu, Constituency: "天九镇第四选区",
		Pledge: "关心留守老人和儿童，圩日必到站接待。"}},
	{"laocheng", zhitong.Deputy{Name: "谢志坚", Levels: []string{"county"}, RegionCode: laocheng, Constituency: "老城镇第一选区",
		Pledge: "推动通组公路硬化和农村教育设施改善。"}},
	{"laocheng", zhitong.Deputy{Name: "邱美玲", Levels: []string{"township"}, RegionCode: laocheng, Constituency: "老城镇第三选区",
		Pledge: "为独居老人和困难群众办实事，每月入户走访。"}},
	{"longtang", zhitong.Deputy{Name: "朱振华", Levels: []string{"county"}, RegionCode: longtang, Constituency: "龙塘镇第一选区",
		Pledge: "守好农田水利，群众反映的问题三天内上门了解。"}},
	{"longtang", zhitong.Deputy{Name: "罗桂香", Levels: []string{"township"}, RegionCode: longtang, Constituency: "龙塘镇第二选区",
		Pledge: "多跑田间地头，及时反映种粮农户的难处。"}},
	{"egong", zhitong.Deputy{Name: "何永平", Levels: []string{"county", "township"}, RegionCode: egong, Constituency: "鹅公镇第一选区",
		Pledge: "逢圩必到流动联络点，群众有事当场记、限时办。"}},
	{"egong", zhitong.Deputy{Name: "严春兰", Levels: []string{"township"}, RegionCode: egong, Constituency: "鹅公镇第二选区",
		Pledge: "关注学生上学安全和农村道路出行。"}},
	{"lingbei", zhitong.Deputy{Name: "肖国庆", Levels: []string{"county"}, RegionCode: lingbei, Constituency: "岭北镇第一选区",
		Pledge: "推动赣粤边界道路互联互通，当好两省群众的联络员。"}},
	{"lingbei", zhitong.Deputy{Name: "卢海燕", Levels: []string{"city"}, RegionCode: lingbei, Constituency: "定南县（赣州市人大代表选区）",
		Pledge: "促进边界地区协作发展，每季度参加一次联合接待。"}},
	{"lingbei", zhitong.Deputy{Name: "古伟强", Levels: []string{"township"}, RegionCode: lingbei, Constituency: "岭北镇第三选区",
		Pledge: "为外出务工人员和返乡创业青年做好服务。"}},
}

// Unit names, as the case tables refer to them.
const (
	unitTransport    = "县交通运输局"
	unitHousing      = "县住房和城乡建设局"
	unitWater        = "县水利局"
	unitEducation    = "县教育体育局"
	unitHealth       = "县卫生健康委员会"
	unitAgriculture  = "县农业农村局"
	unitLand         = "县自然资源局"
	unitCityMgmt     = "县城市管理局"
	unitHR           = "县人力资源和社会保障局"
	unitLishi        = "历市镇人民政府"
	unitLaocheng     = "老城镇人民政府"
	unitKuimeishanGv = "岿美山镇人民政府"
)

// units are the handling units: county departments and township governments.
var units = []zhitong.Unit{
	{Name: unitTransport, Kind: "department", RegionCode: County},
	{Name: unitHousing, Kind: "department", RegionCode: County},
	{Name: unitWater, Kind: "department", RegionCode: County},
	{Name: unitEducation, Kind: "department", RegionCode: County},
	{Name: unitHealth, Kind: "department", RegionCode: County},
	{Name: unitAgriculture, Kind: "department", RegionCode: County},
	{Name: unitLand, Kind: "department", RegionCode: County},
	{Name: unitCityMgmt, Kind: "department", RegionCode: County},
	{Name: unitHR, Kind: "department", RegionCode: County},
	{Name: unitLishi, Kind: "township", RegionCode: lishi},
	{Name: unitLaocheng, Kind: "township", RegionCode: laocheng},
	{Name: unitKuimeishanGv, Kind: "township", RegionCode: kuimeishan},
}

// Demo account usernames, as the case tables refer to them.
const (
	committee   = "gongwei"
	stationHead = "zhanzhang"
	officer     = "lianluoyuan"
	deputy      = "daibiao"
	unit        = "chengban"
)

// accountSpec is one demo staff account and what it is scoped to.
type accountSpec struct {
	Account
	name    string // display name (invented)
	role    zhitong.Role
	region  string
	station string // station key
	unit    string // unit name
	deputy  string // deputy name
}

// accounts holds one account per staff role. Display names are plain
// names: the header adds the role.
var accounts = []accountSpec{
	{Account{committee, "代表工委（定南县）"}, "赖文清", zhitong.RoleCommittee, County, "", "", ""},
	{Account{stationHead, "站长（历市镇人大代表联络站）"}, "钟国平", zhitong.RoleStationHead, lishi, "lishi", "", ""},
	{Account{officer, "联络员（定南县）"}, "温晓丽", zhitong.RoleOfficer, County, "", "", ""},
	{Account{deputy, "人大代表（钟立华，历市镇联络站）"}, "钟立华", zhitong.RoleDeputy, lishi, "", "", "钟立华"},
	{Account{unit, "承办单位（县交通运输局）"}, "黄晓东", zhitong.RoleUnit, County, "", unitTransport, ""},
	{Account{"yanpan", "研判小组（定南县）"}, "刘思远", zhitong.RoleAnalyst, County, "", "", ""},
	{Account{"shenji", "安全审计员（定南县）"}, "邱敏", zhitong.RoleAuditor, County, "", "", ""},
	{Account{"xitong", "系统管理员"}, "陈立新", zhitong.RoleSysAdmin, "", "", "", ""},
	{Account{"anquan", "安全管理员"}, "朱海涛", zhitong.RoleSecAdmin, "", "", "", ""},
}

// Integration tokens through which the 12345 hotline and an Open311 client
// hand in cases. Their secrets are thrown away: they exist so that the
// imported cases show who sent them.
const (
	token12345   = "12345热线对接（演示）"
	tokenOpen311 = "Open311客户端（演示）"
)

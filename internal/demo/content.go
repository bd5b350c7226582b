package demo

import "zhitong"

var categories = []zhitong.Category{
	{Code: "consult", Name: "政策咨询", DueDays: 3, Group: "咨询"},
	{Code: "help", Name: "求助", DueDays: 5, Group: "求助"},
	{Code: "roads", Name: "道路交通", DueDays: 15, Group: "城乡建设"},
	{Code: "water", Name: "供水供电", DueDays: 5, Group: "公共服务"},
	{Code: "environment", Name: "环境卫生", DueDays: 10, Group: "生态环境"},
	{Code: "education", Name: "教育医疗", DueDays: 13, Group: "社会事业"},
	{Code: "agriculture", Name: "农业农村", DueDays: 15, Group: "三农"},
	{Code: "construction", Name: "城乡建设", DueDays: 15, Group: "城乡建设"},
	{Code: "social", Name: "社会保障", DueDays: 13, Group: "社会事业"},
	{Code: "dispute", Name: "矛盾纠纷", DueDays: 10, Group: "平安建设"},
	{Code: "other", Name: "其他", DueDays: 15, Group: "其他"},
}

type stationRow struct {
	name, town, kind, address, hours, theme string
	lat, lng                                float64
}

var stations = []stationRow{
	{"历市镇人大代表联络站", "历市镇", "fixed", "历市镇胜利路88号镇政府一楼", "工作日 8:30-17:30；每月 10 日接待日", "营商环境", 24.7843, 115.0328},
	{"老城镇人大代表联络站", "老城镇", "fixed", "老城镇老城街12号", "工作日 8:30-17:30", "乡村振兴", 24.6921, 114.9873},
	{"岿美山镇人大代表之家", "岿美山镇", "fixed", "岿美山镇圩镇中心路3号", "工作日 8:30-17:30", "稀土产业与生态修复", 24.8612, 115.1541},
	{"天九镇人大代表联络站", "天九镇", "fixed", "天九镇天九圩商贸街5号", "逢农历一、四、七圩日开放", "脐橙产业", 24.9014, 114.9623},
	{"龙塘镇人大代表联络站", "龙塘镇", "fixed", "龙塘镇龙塘大道21号", "工作日 8:30-17:30", "民俗文化", 24.6634, 115.0852},
	{"鹅公镇圩日流动联络点", "鹅公镇", "mobile", "鹅公镇圩场（圩日设点）", "圩日 8:00-12:00", "民意直通车", 24.7467, 115.1924},
	{"岭北镇赣粤边界联络站", "岭北镇", "cross_border", "岭北镇岭北圩赣粤交界处", "工作日 8:30-17:30", "跨省协作", 24.9631, 115.0817},
	{"定南工业园代表之家", "历市镇", "fixed", "定南县工业园管委会二楼", "工作日 9:00-17:00", "企业服务", 24.8032, 115.0487},
}

type deputyRow struct {
	name         string
	levels       []string
	constituency string
	station      int
	pledge       string
}

// The deputies' names are invented.
var deputies = []deputyRow{
	{"刘建国", []string{"county", "township"}, "历市镇第一选区", 0, "每月进站接待不少于一次，群众反映的事件件有回音。"},
	{"黄秀英", []string{"county"}, "历市镇第三选区", 0, "关注老旧小区改造，推动社区养老服务。"},
	{"钟志明", []string{"city", "county"}, "历市镇第二选区", 7, "服务园区企业，帮助解决用工和物流难题。"},
	{"赖春华", []string{"township"}, "老城镇第一选区", 1, "守护农田水利，帮助农户解决灌溉难题。"},
	{"谢红梅", []string{"county"}, "老城镇第二选区", 1, "关注留守儿童和农村学校安全。"},
	{"曾祥发", []string{"province", "county"}, "岿美山镇选区", 2, "推动矿区生态修复，守护青山绿水。"},
	{"邱丽娟", []string{"township"}, "岿美山镇第二选区", 2, "倾听矿区群众心声，协调就业安置。"},
	{"廖德胜", []string{"county"}, "天九镇第一选区", 3, "助力脐橙产业，帮果农拓宽销路。"},
	{"叶小芳", []string{"township"}, "天九镇第二选区", 3, "逢圩日进站，方便群众就近反映。"},
	{"何永强", []string{"county"}, "龙塘镇第一选区", 4, "关注道路安全和农村公路养护。"},
	{"罗美玲", []string{"township"}, "龙塘镇第二选区", 4, "推动农村人居环境整治。"},
	{"温国平", []string{"county", "township"}, "鹅公镇选区", 5, "圩日带着直通车下乡，把联络站搬到群众身边。"},
	{"肖玉兰", []string{"township"}, "鹅公镇第二选区", 5, "关注农村医疗和养老保障。"},
	{"朱文斌", []string{"county"}, "岭北镇第一选区", 6, "促进赣粤边界协作，化解跨省纠纷。"},
	{"古春燕", []string{"township"}, "岭北镇第二选区", 6, "关注边界地区群众出行和就学。"},
	{"陈伟东", []string{"national", "province"}, "定南县选区", 0, "把基层群众的声音带到更高层级。"},
	{"李桂香", []string{"county"}, "历市镇第四选区", 0, "关心群众身边小事，做到件件有着落。"},
	{"张海涛", []string{"city"}, "龙塘镇选区", 4, "推动城乡公共服务均等化。"},
	{"吴春兰", []string{"township"}, "老城镇第三选区", 1, "帮助群众化解邻里矛盾。"},
	{"彭卫东", []string{"county"}, "园区选区", 7, "为企业和职工架起沟通桥梁。"},
}

type unitRow struct{ name, kind, town string }

var units = []unitRow{
	{"县交通运输局", "department", ""}, {"县住房和城乡建设局", "department", ""}, {"县水利局", "department", ""},
	{"县教育体育局", "department", ""}, {"县卫生健康委员会", "department", ""}, {"县农业农村局", "department", ""},
	{"县自然资源局", "department", ""}, {"县城市管理局", "department", ""}, {"县人力资源和社会保障局", "department", ""},
	{"历市镇人民政府", "township", "历市镇"}, {"老城镇人民政府", "township", "老城镇"}, {"岿美山镇人民政府", "township", "岿美山镇"},
}

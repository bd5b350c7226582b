package demo

import (
	"zhitong"
)

// Shorthands for the tables.
const (
	A = zhitong.OutcomeSolved
	B = zhitong.OutcomeInProgress
	C = zhitong.OutcomePlanned
	D = zhitong.OutcomeNotNow

	satisfied   = zhitong.RatingSatisfied
	basically   = zhitong.RatingBasically
	unsatisfied = zhitong.RatingUnsatisfied

	online      = zhitong.ChannelOnline
	walkIn      = zhitong.ChannelWalkIn
	appointment = zhitong.ChannelAppointment
	box         = zhitong.ChannelBox
	mobile      = zhitong.ChannelMobile
	survey      = zhitong.ChannelSurvey
	imported    = zhitong.ChannelImported
	open311     = zhitong.ChannelOpen311
)

// roadStories are the cases led by 县交通运输局. It is the one unit with a
// demo account (chengban), and units must accept and reply themselves, so
// these are the cases that go all the way round the loop.
var roadStories = []story{
	{key: "rain-road", day: 54, hm: "09:40", by: officer, channel: walkIn, station: "lingbei", deputy: "肖国庆", cat: "roads",
		title: "暴雨后大石村通村公路塌方，请尽快抢通",
		body:  "前几天连下暴雨，岭北镇大石村通村公路在水口段塌了一半，现在只能走摩托车，村里老人看病、孩子上学都要绕十几里山路，请尽快抢通并加固边坡。",
		place: "岭北镇大石村通村公路水口段", name: "古永福", phone: "139 0797 3816",
		acts: []act{
			assign(53, "10:30", unitTransport, 0),
			accept(53, "16:20"),
			reply(40, "15:00", A, "我局已于接件次日组织公路养护站抢通便道，随后完成塌方段挡土墙砌筑和路面恢复，目前车辆已正常通行。",
				toCongress(written), toCitizen(sms)),
			evaluate(39, "20:15", satisfied, "抢通很及时，挡土墙也修好了，谢谢！"),
			closeCase(37, "09:30", ""),
			archive(30, "10:00"),
		}},
	{key: "market-traffic", day: 48, hm: "10:15", by: stationHead, channel: walkIn, station: "lishi", deputy: "赖春梅", cat: "roads",
		title: "历市圩日车辆乱停，胜利路堵成一锅粥",
		body:  "每逢圩日，胜利路两边摩托车、三轮车乱停，拉货的车又在路中间卸货，早上七点到十点基本走不动，救护车也进不来，希望规划临时停车点、安排人员疏导。",
		place: "历市镇胜利路农贸市场段", name: "钟桂兰", phone: "138 7970 2245",
		acts: []act{
			assign(47, "09:00", unitTransport, 15, unitLishi),
			accept(46, "11:00"),
			reply(34, "16:30", B, "已会同历市镇政府在农贸市场东侧划设临时停车点 120 个，圩日早高峰安排人员疏导；市场北侧停车场正在施工，预计年底投用。",
				toCongress(written)),
			deliver(33, "10:00", toCitizen(phone)),
			callback(30, "15:00", basically, "圩日早上好多了，下午还是有点堵"),
			closeCase(28, "09:00", "已列入跟踪问效清单，停车场投用后再回访"),
		}},
	{key: "school-bus", day: 45, hm: "08:50", by: officer, channel: mobile, station: "egong", deputy: "何永平", cat: "roads",
		title: "鹅公镇偏远村组学生上学没有校车",
		body:  "我们村离镇中心小学有八公里，没有校车，家长只能骑摩托车接送，下雨天很危险，有的孩子搭乘无证面包车。希望开通校车或者学生专线。",
		place: "鹅公镇高湖村至镇中心小学", name: "严丽芳", phone: "158 7971 0632",
		acts: []act{
			assign(44, "10:00", unitTransport, 15, unitEducation),
			accept(43, "09:30"),
			reply(30, "10:00", C, "经与县教育体育局会商，拟在明年春季学期开通鹅公镇学生定制公交线路，覆盖高湖、鹅公两条线，已列入明年民生实事计划。",
				toCongress(written), toCitizen(phone)).planned(150),
			evaluate(27, "19:40", basically, "希望明年春季学期真能开通"),
		}},
	{key: "bridge-railing", day: 41, hm: "09:00", by: officer, channel: box, station: "laocheng", cat: "roads",
		title: "老城河便桥护栏缺失，晚上过桥很危险",
		body:  "意见箱来信：老城河上的便桥护栏断了两节一直没人修，晚上没有路灯，已经有人骑车掉下去过，请有关部门赶紧修。",
		place: "老城镇老城河便桥",
		acts: []act{
			assign(40, "10:00", unitTransport, 10),
			accept(39, "14:00"),
			reply(26, "15:30", A, "已更换便桥两侧钢护栏共 36 米，并在桥头设置警示桩和反光标志，夜间照明已协调镇政府安装太阳能路灯两盏。",
				toCongress(written), toCitizen(bulletin)),
			closeCase(12, "10:00", "匿名来信无法回访；答复已在老城镇联络站公示栏张贴满 10 日，未收到异议"),
		}},
	{key: "rare-earth-trucks", day: 39, hm: "14:00", by: officer, channel: survey, station: "kuimeishan", deputy: "曾凡荣", cat: "roads",
		title: "矿区运输车超载压坏路面、扬尘严重",
		body:  "代表专题调研时村民反映：岿美山矿区到圩镇的公路上，稀土矿渣运输车经常超载，路面被压得坑坑洼洼，车一过尘土飞扬，沿路住户门窗都不敢开。",
		place: "岿美山镇矿区公路（矿区至圩镇段）", name: "陈满娣", phone: "139 0797 5520",
		acts: []act{
			assign(38, "10:00", unitTransport, 15, unitKuimeishanGv),
			accept(37, "09:00"),
			supervise(25, "10:00", "phone", "请加快超限检测点设置进度，每周报告治超情况"),
			reply(22, "16:00", B, "已联合交警在矿区路口开展治超，查处超载车辆 12 台次；路面修补已完成约 40%，洒水车每天两次作业。",
				toCongress(written), toCitizen(phone)),
			callback(18, "10:30", unsatisfied, "晚上的车还是照样超载，扬尘还是很大"),
			rehandle(16, "15:00", 10, "经研判，夜间治超和降尘措施落实不到位，责成重办：会同岿美山镇设置固定检测点，实行夜间巡查。"),
			reply(6, "11:00", A, "已在矿区出口设置固定超限检测点，实行 24 小时值守；受损路面 2.3 公里已全部修复，增设喷淋降尘设施。",
				toCongress(written), toCitizen(sms)),
			callback(4, "16:00", satisfied, "现在晚上也有人查了，路面也修好了"),
		}},
	{key: "bus-route", day: 36, hm: "21:30", channel: online, station: "tianjiu", deputy: "廖德胜", cat: "roads",
		title: "天九镇到县城的班车太少，希望加密班次",
		body:  "天九镇到县城的班车一天只有四趟，下午四点以后就没有车了，在县城上班、看病的人回不来，希望能加密班次，至少晚上六点再加一班。",
		place: "天九镇客运招呼站", name: "廖春生", phone: "186 0797 4418",
		acts: []act{
			register(35, "09:00"),
			assign(35, "10:00", unitTransport, 10),
			accept(34, "09:00"),
			reply(27, "15:00", D, "经调查，该线路日均客流约 60 人次，现有四个班次满载率不足五成，运营企业已亏损运行。",
				toCongress(written), toCitizen(phone)).because("客流不足，财政运营补贴未覆盖该线路，暂不具备加密常态班次的条件；春运和圩日将加开临时班次。"),
			evaluate(26, "20:00", unsatisfied, "还是希望能增加晚上的班次"),
			explain(22, "10:00", "承办单位已如实说明客流与补贴情况，并承诺春运、圩日加开临时班次；本件作出说明后办结，诉求纳入研判小组季度分析。"),
		}},
	{key: "potholes", day: 31, hm: "10:00", by: officer, channel: walkIn, station: "longtang", deputy: "朱振华", cat: "roads",
		title: "龙塘至长富村公路坑洼多，车辆经常爆胎",
		body:  "龙塘镇到长富村的水泥路这两年坏得厉害，有十几个大坑，雨天积水看不见，上个月有人骑摩托车摔伤，希望尽快修补。",
		place: "龙塘镇至长富村公路", name: "朱石生", phone: "137 6797 1189",
		acts: []act{
			assign(30, "09:30", unitTransport, 10),
			accept(29, "15:00"),
			reply(15, "10:00", A, "已对龙塘至长富村公路坑槽进行修补，共修补路面 180 平方米。", toCongress(written)),
			callback(11, "14:30", unsatisfied, "只补了村口一段，里面还有好几个大坑没补"),
		}},
	{key: "park-trucks", day: 34, hm: "15:00", by: officer, channel: appointment, station: "park", deputy: "蓝文斌", cat: "roads",
		title: "工业园区纬二路货车乱停占道",
		body:  "预约蓝文斌代表反映：工业园区纬二路两侧晚上停满了重型货车，占了一条车道，上下班的电动车只能在货车中间穿行，已经发生过两次剐蹭。",
		place: "定南县工业园区纬二路", name: "刘晓燕", phone: "159 7974 3307",
		acts: []act{
			assign(33, "10:00", unitTransport, 10, unitLishi),
			accept(32, "09:30"),
			reply(22, "16:00", A, "已在纬二路设置禁停标志，引导货车停入园区货运停车场，并通知相关物流企业整改。", toCongress(written), toCitizen(sms)),
			evaluate(20, "21:00", unsatisfied, "白天好了，晚上货车又停回来了"),
			rehandle(7, "10:00", 15, "研判认为夜间管理缺位，责成重办，建立夜间常态化巡查机制。").as(officer),
		}},
	{key: "village-road", day: 43, hm: "09:30", by: officer, channel: walkIn, station: "laocheng", deputy: "谢志坚", cat: "roads",
		title: "老城镇上坪组通组公路还是泥巴路",
		body:  "上坪组 40 多户人家，通组路到现在还是泥巴路，下雨天车进不去，脐橙、蔬菜运不出来，希望列入通组公路硬化项目。",
		place: "老城镇上坪村上坪组", name: "谢冬梅", phone: "135 7977 6620",
		acts: []act{
			assign(42, "10:00", unitTransport, 15),
			accept(41, "09:00"),
			supervise(14, "10:30", "phone", "承办单位称正在走招标程序，要求压缩时限"),
			supervise(4, "15:00", "letter", "已超过办理期限，要求 5 个工作日内书面报告进展和完成时限"),
		}},
	{key: "orchard-road", day: 37, hm: "10:00", by: officer, channel: survey, station: "tianjiu", deputy: "廖德胜", cat: "roads",
		title: "脐橙产业路被运果车压坏，急需修复",
		body:  "集中视察脐橙基地时果农反映：天九镇新屋村脐橙产业路被运果车压坏多处，采果季马上到了，大车进不去，果子运不出来。",
		place: "天九镇新屋村脐橙基地产业路", name: "温茂林", phone: "139 7079 2251",
		acts: []act{
			assign(36, "09:00", unitTransport, 10),
			accept(34, "10:00"),
			supervise(9, "14:00", "hearing", "承办单位汇报已完成勘测设计，修复资金待落实；要求采果季前先修复急需路段"),
		}},
	{key: "cross-border-road", day: 21, hm: "09:00", by: officer, channel: walkIn, station: "lingbei", deputy: "卢海燕", cat: "roads",
		title: "岭北通往广东方向的断头路何时打通",
		body:  "岭北镇往广东方向的村道修到省界就断了，对面只有一条机耕道，两边村民走亲戚、做生意要绕行 30 多公里，希望两省协调把路打通。",
		place: "岭北镇赣粤交界处", name: "卢伟东", phone: "138 0797 9912",
		acts: []act{
			assign(20, "10:00", unitTransport, 15),
			accept(19, "09:30"),
			extend(2, "16:00", 20, "该路段涉及跨省对接，需与广东方面交通部门共同勘测、协商建设标准，申请延期 20 个工作日。"),
		}},
	{key: "traffic-light", day: 29, hm: "20:45", channel: online, station: "lishi", deputy: "钟立华", cat: "roads",
		title: "建设路与胜利路口没有红绿灯，学生过马路危险",
		body:  "建设路与胜利路交叉口是学生上学必经之路，车流量大又没有红绿灯，上下学时段非常危险，希望尽快安装信号灯并施划斑马线。",
		place: "历市镇建设路与胜利路交叉口", name: "黄美华", phone: "188 7970 5536",
		acts: []act{
			register(28, "09:00"),
			assign(28, "10:30", unitTransport, 10),
			accept(27, "09:00"),
			extend(16, "15:00", 15, "需会同县公安局交警大队联合勘察路口渠化方案，信号灯采购需走政府采购程序。"),
			decide(15, "10:00", true, "同意延期，请在此期间先行施划斑马线、设置警示标志。"),
		}},
	{key: "compound-road", day: 19, hm: "10:00", by: stationHead, channel: walkIn, station: "lishi", deputy: "钟慧敏", cat: "roads",
		title: "胜利小区内部道路破损，雨天积水",
		body:  "胜利小区内部道路破了好几年，下雨天到处积水，老人出门容易摔倒，物业说没钱修，希望政府帮忙协调。",
		place: "历市镇胜利小区", name: "赖秀珍", phone: "139 0797 6604",
		acts: []act{
			assign(18, "10:00", unitTransport, 15),
			giveBack(16, "11:00", "经核实，该道路为小区内部道路，不属于公路管养范围，建议交县住房和城乡建设局协调物业维修。"),
		}},
	{key: "street-lights", day: 27, hm: "19:30", channel: online, station: "lishi", cat: "construction",
		title: "定南大道北段路灯不亮一个多月",
		body:  "定南大道北段从加油站到县医院路口的路灯已经一个多月不亮了，晚上黑漆漆的，散步的老人和放学的学生很不安全。",
		place: "历市镇定南大道北段", name: "刘志强", phone: "139 0797 1473",
		acts: []act{
			register(26, "09:00"),
			assign(26, "10:00", unitTransport, 10),
			giveBack(25, "15:00", "城市道路照明设施由县城市管理局负责管护，不属于本局职责，请重新交办。"),
			assign(24, "09:30", unitCityMgmt, 5),
			supervise(10, "10:00", "phone", "县城市管理局超期未签收，要求立即签收办理"),
		}},
	{key: "bus-shelter", day: 17, hm: "12:10", channel: online, station: "lishi", cat: "roads",
		title: "县医院公交站没有候车亭",
		body:  "县医院门口的公交站只有一根站牌，没有候车亭和座椅，病人和老人下雨天只能站在雨里等车，希望加装候车亭。",
		place: "历市镇县人民医院公交站", name: "曾淑琴", phone: "150 7978 8821",
		acts: []act{
			register(16, "09:00"),
			assign(16, "10:00", unitTransport, 10),
			accept(15, "09:00"),
			reply(5, "15:00", A, "已在县医院公交站安装候车亭一座，配置座椅和夜间照明。", toCongress(written), toCitizen(sms)),
			unreached(2, "10:00", "电话无人接听，下周再次回访"),
		}},
	{key: "road-widening", day: 27, hm: "09:00", by: officer, channel: mobile, station: "egong", deputy: "严春兰", cat: "roads",
		title: "鹅公圩镇至高速连接线太窄，会车困难",
		body:  "圩日在流动联络点反映：鹅公圩镇到高速连接线只有 4.5 米宽，大车会车要倒车让行，经常堵车，希望拓宽。",
		place: "鹅公镇圩镇至高速连接线", name: "何国华", phone: "137 9797 2206",
		acts: []act{
			assign(26, "10:00", unitTransport, 15),
			accept(25, "09:00"),
			reply(7, "11:00", C, "该路段拓宽改造已列入明年农村公路提升工程计划，拟拓宽至 7 米，预计明年三季度完工。", toCongress(written)).planned(200),
		}},
	{key: "highway-exit", day: 23, hm: "10:00", by: officer, channel: walkIn, station: "kuimeishan", deputy: "陈远明", cat: "roads",
		title: "希望在岿美山增设高速出入口",
		body:  "岿美山镇离最近的高速出入口有 40 公里，矿区企业和群众出行不便，希望在岿美山附近增设一个高速出入口。",
		place: "岿美山镇", name: "叶建平", phone: "181 7977 0348",
		acts: []act{
			assign(22, "09:30", unitTransport, 15),
			accept(21, "09:00"),
			reply(3, "15:30", D, "增设高速出入口需经省交通运输厅和高速公路运营单位审批，我局已将诉求上报市交通运输局。",
				toCongress(written), toCitizen(phone)).because("现有路段互通间距和交通量不满足增设出入口的技术标准，近期不具备建设条件。"),
		}},
	{key: "illegal-taxis", day: 12, hm: "14:22", by: token12345, channel: imported, ext: "DN12345-2026-004821", region: lishi, cat: "roads",
		title: "县汽车站周边黑车拉客",
		body:  "12345 热线转来：市民来电反映，县汽车站出口常有非法营运车辆拉客，价格随意，存在安全隐患，要求整治。",
		place: "历市镇县汽车站出口",
		acts: []act{
			register(11, "09:00"),
			assign(11, "10:00", unitTransport, 10),
			accept(10, "09:30"),
		}},
	{key: "speed-bumps", day: 35, hm: "10:30", by: deputy, channel: walkIn, station: "lishi", cat: "roads",
		title: "中心小学门口车速太快，希望装减速带",
		body:  "接待日群众反映：历市中心小学门口是下坡路，车开得很快，没有减速带和限速标志，孩子放学冲出校门很危险。",
		place: "历市镇中心小学门口", name: "邓丽萍", phone: "139 0797 2093",
		acts: []act{
			assign(34, "09:00", unitTransport, 10),
			accept(33, "10:00"),
			reply(23, "15:00", A, "已在中心小学门口前后 50 米处安装减速带三道，设置限速 30 公里和注意儿童标志。", toCongress(written), toCitizen(sms)),
			evaluate(21, "19:30", satisfied, "减速带装好了，孩子上学放心多了"),
			closeCase(19, "09:00", ""),
			archive(11, "10:00"),
		}},
}

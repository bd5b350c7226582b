package seed

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Texts are composed from parts: opener × place × problem × detail × impact
// × request, each issue with several wordings of its own, so that a million
// cases hold hundreds of thousands of different bodies, and the common
// words people search for (路灯, 噪音, 停车, 垃圾…) occur as often as they
// do in a real county's mail.

// dept is a county department the seeder creates in every county, by key.
type dept struct{ key, name string }

var depts = []dept{
	{"jiaotong", "交通运输局"}, {"zhujian", "住房和城乡建设局"}, {"chengguan", "城市管理局"}, {"gongan", "公安局"},
	{"jiaoyu", "教育局"}, {"weijian", "卫生健康委员会"}, {"yibao", "医疗保障局"}, {"shuili", "水利局"},
	{"ziran", "自然资源局"}, {"shengtai", "生态环境局"}, {"shijian", "市场监督管理局"}, {"renshe", "人力资源和社会保障局"},
	{"nongye", "农业农村局"}, {"minzheng", "民政局"},
}

// issue is one kind of problem: its category, the department that leads
// (town: the township government), and wordings.
type issue struct {
	cat, unit string
	title     []string // short, for titles: "路灯不亮"
	problem   []string // the sentence saying what is wrong; %s is the place
	detail    []string
	ask       []string
	fix       []string // what an A-class reply says was done
}

var issues = []issue{
	{cat: "roads", unit: "chengguan", title: []string{"路灯不亮", "路灯损坏", "路灯时亮时不亮"},
		problem: []string{"%s的路灯已经坏了好几盏，晚上一片漆黑", "%s一段路的路灯晚上不亮", "%s路灯时亮时不亮，有一盏灯杆还歪了", "%s新修的路一直没有装路灯"},
		detail:  []string{"已经持续两个多月", "附近有学校和菜市场，晚上人多", "前段时间有老人在这里摔倒", "打过物业电话没有人管"},
		ask:     []string{"希望尽快维修路灯", "请有关部门安排人员检修", "建议增设路灯，方便群众夜间出行"},
		fix:     []string{"已更换损坏灯具 6 盏并修复线路", "已对该路段路灯线路进行检修，现已全部正常亮灯", "已新装路灯 12 盏"}},
	{cat: "roads", unit: "jiaotong", title: []string{"道路破损", "路面坑洼", "道路塌陷"},
		problem: []string{"%s路面坑坑洼洼，下雨天全是积水", "%s道路破损严重，有一个大坑", "%s的水泥路开裂下沉，车辆经过很颠", "%s路面塌陷了一块，只用锥桶围着"},
		detail:  []string{"电动车经过容易摔倒", "大货车经常从这里过，越压越坏", "已经有半年了", "前年修过一次又坏了"},
		ask:     []string{"请尽快修补路面", "希望列入道路维修计划", "请有关部门派人看看"},
		fix:     []string{"已对破损路面进行修补，铺设沥青约 300 平方米", "已完成坑槽修补并设置警示标志", "已对塌陷路段重新浇筑硬化"}},
	{cat: "roads", unit: "gongan", title: []string{"停车难", "车辆乱停乱放", "占用消防通道停车"},
		problem: []string{"%s车辆乱停乱放，人行道都被占满", "%s停车位太少，晚上车子停到马路上", "%s消防通道经常被私家车占用", "%s路口大货车长期停放"},
		detail:  []string{"上下班高峰经常堵车", "救护车进不来", "行人只能走机动车道", "多次打 12345 反映过"},
		ask:     []string{"建议规划增设停车位", "请交警加强管理", "希望安装禁停标志并加强巡查"},
		fix:     []string{"已施划停车泊位 80 个并加强巡查", "已设置禁停标志，对违停车辆依法处理", "已协调周边单位夜间开放停车场"}},
	{cat: "roads", unit: "jiaotong", title: []string{"公交班次少", "公交站台破损", "农村客运不方便"},
		problem: []string{"%s到县城的公交车班次太少", "%s的公交站台顶棚破了，下雨没处躲", "%s没有通公交，老人看病进城不方便"},
		detail:  []string{"每天只有早晚两班", "学生周末回家要等一个多小时", "附近几个村都是这种情况"},
		ask:     []string{"希望增加班次", "请修复站台", "建议开通农村客运线路"},
		fix:     []string{"已调整线路，增加班次至每天 8 班", "已修复站台顶棚和座椅"}},
	{cat: "water", unit: "zhujian", title: []string{"停水", "水压低", "自来水发黄"},
		problem: []string{"%s经常停水也不提前通知", "%s自来水水压太低，楼上用不了水", "%s自来水发黄有异味", "%s还没有通自来水，一直喝井水"},
		detail:  []string{"这个月已经停了三次", "家里有老人小孩，生活很不方便", "烧开以后有沉淀", "附近小区都通了"},
		ask:     []string{"请供水部门查明原因", "希望加装加压设备", "请尽快检测水质", "希望尽快接通自来水"},
		fix:     []string{"已更换老化管网 1.2 公里，供水恢复正常", "已加装二次加压设备，水压达标", "经检测水质合格，已对管网冲洗消毒"}},
	{cat: "water", unit: "town", title: []string{"电压不稳", "经常停电"},
		problem: []string{"%s电压不稳，空调冰箱都开不起来", "%s夏天经常停电"},
		detail:  []string{"晚上用电高峰更明显", "养殖户损失很大"},
		ask:     []string{"请协调供电部门增容改造", "希望尽快解决"},
		fix:     []string{"已协调供电公司更换变压器，电压恢复正常"}},
	{cat: "construction", unit: "zhujian", title: []string{"老旧小区改造", "加装电梯", "小区排水不畅"},
		problem: []string{"%s是九十年代的老小区，墙皮脱落、管道老化", "%s居民想加装电梯，不知道怎么申请", "%s一下大雨就内涝，积水进了一楼", "%s化粪池满溢，污水横流"},
		detail:  []string{"楼里大多是老年人", "居民已经签字同意的有八成", "去年汛期泡坏了好几户的家具", "气味很大，夏天更严重"},
		ask:     []string{"希望纳入老旧小区改造计划", "请给予政策指导和补贴", "请尽快疏通排水管网"},
		fix:     []string{"已纳入今年老旧小区改造项目", "已指导业主完成加装电梯申报", "已疏通排水管道并新建雨水井 4 座"}},
	{cat: "construction", unit: "chengguan", title: []string{"违章搭建", "私搭乱建"},
		problem: []string{"%s有住户在楼顶违章搭建", "%s有人占用公共绿地私搭乱建"},
		detail:  []string{"存在安全隐患", "邻居多次劝说无效"},
		ask:     []string{"请依法查处", "希望城管部门来处理"},
		fix:     []string{"已责令当事人限期自行拆除，现已拆除完毕"}},
	{cat: "environment", unit: "chengguan", title: []string{"垃圾清运不及时", "垃圾乱堆乱放", "垃圾桶不够"},
		problem: []string{"%s垃圾堆了好几天没人清运", "%s路边垃圾乱堆乱放，蚊蝇很多", "%s垃圾桶太少，经常满溢"},
		detail:  []string{"天气热了臭味很大", "旁边就是幼儿园", "环卫车一周只来一次"},
		ask:     []string{"请增加清运频次", "建议增设垃圾桶", "请尽快清理"},
		fix:     []string{"已清理积存垃圾并增加清运频次至每天一次", "已增设分类垃圾桶 10 组"}},
	{cat: "environment", unit: "shengtai", title: []string{"噪音扰民", "夜间施工噪音", "广场舞噪音"},
		problem: []string{"%s附近工地晚上施工，噪音扰民", "%s的广场舞音响声音太大", "%s有商铺用大喇叭循环播放广告", "%s的厂房机器通宵运转，噪音很大"},
		detail:  []string{"一直到晚上十一点多", "孩子要备考，根本没法休息", "老人心脏不好，被吵得睡不着", "白天晚上都有"},
		ask:     []string{"请依法处理噪音扰民问题", "希望规定时间和音量", "请执法部门夜间检查"},
		fix:     []string{"已约谈施工单位，禁止夜间施工", "已与活动组织者商定时间和音量，并安装分贝提示牌", "已责令企业加装隔音设施"}},
	{cat: "environment", unit: "shengtai", title: []string{"餐饮油烟", "河道污染", "焚烧垃圾"},
		problem: []string{"%s的餐馆油烟直排进居民楼", "%s的小河发黑发臭", "%s经常有人焚烧垃圾和秸秆"},
		detail:  []string{"窗户都不敢开", "以前还能洗衣服", "烟雾很大"},
		ask:     []string{"请督促加装油烟净化器", "请治理河道污染", "请加强巡查"},
		fix:     []string{"已督促商户安装油烟净化设施", "已完成河道清淤并截污纳管"}},
	{cat: "environment", unit: "nongye", title: []string{"养殖污染"},
		problem: []string{"%s有养猪场污水直排", "%s的养鸡场臭味很大"},
		detail:  []string{"离居民房子不到一百米", "夏天根本开不了窗"},
		ask:     []string{"请核查是否有环评手续", "希望整改或搬迁"},
		fix:     []string{"已责令养殖场建设粪污处理设施并完成整改"}},
	{cat: "education", unit: "jiaoyu", title: []string{"学校门口拥堵", "入学学位紧张", "校车安全"},
		problem: []string{"%s学校门口上下学时段拥堵严重", "%s附近学校学位不够，孩子要到很远的地方上学", "%s接送学生的车辆超载"},
		detail:  []string{"家长车辆把路都堵死了", "每天来回要一个多小时", "存在很大安全隐患"},
		ask:     []string{"建议增设即停即走车位并安排交通疏导", "希望扩建学校或新建学校", "请加强校车管理"},
		fix:     []string{"已联合交警在上下学时段安排疏导，并施划临时停车区", "已将学校扩建列入项目计划"}},
	{cat: "education", unit: "weijian", title: []string{"村卫生室缺医生", "看病难"},
		problem: []string{"%s村卫生室长期没有医生坐诊", "%s附近没有药店和诊所"},
		detail:  []string{"老人小病也要跑到镇上", "晚上急病很麻烦"},
		ask:     []string{"希望配备村医", "建议设立卫生服务点"},
		fix:     []string{"已调配乡村医生定期坐诊"}},
	{cat: "social", unit: "yibao", title: []string{"医保报销", "医保缴费标准", "异地就医备案"},
		problem: []string{"%s的群众反映医保报销比例不清楚", "%s有老人问今年医保缴费标准为什么涨了", "%s在外地务工人员不知道怎么办理异地就医备案"},
		detail:  []string{"住院花了两万多只报了一部分", "家里四口人负担较重", "去医院才知道没有备案"},
		ask:     []string{"请解释政策", "希望简化办理流程", "请安排人员上门宣传"},
		fix:     []string{"已向群众详细解释医保报销政策并协助补办手续", "已开展政策宣讲，并开通线上备案渠道"}},
	{cat: "social", unit: "renshe", title: []string{"拖欠工资", "养老金领取", "就业培训"},
		problem: []string{"%s一家工地拖欠农民工工资", "%s有老人反映养老金领取资格认证很麻烦", "%s的年轻人想参加技能培训"},
		detail:  []string{"涉及二十多名工人，快过年了", "老人行动不便", "不知道到哪里报名"},
		ask:     []string{"请督促尽快支付", "希望提供上门认证服务", "请提供培训信息"},
		fix:     []string{"已督促用工单位足额支付拖欠工资", "已安排工作人员上门办理认证"}},
	{cat: "social", unit: "minzheng", title: []string{"低保申请", "养老服务", "残疾人补贴"},
		problem: []string{"%s有困难家庭申请低保一直没有结果", "%s没有老年食堂，独居老人吃饭难", "%s残疾人两项补贴没有按时发放"},
		detail:  []string{"家里主要劳动力生病", "子女都在外地打工", "已经三个月没有收到"},
		ask:     []string{"请核查办理进度", "建议建设老年食堂", "请尽快发放"},
		fix:     []string{"经核查符合条件，已纳入低保", "已建成社区老年食堂并开始运营"}},
	{cat: "agriculture", unit: "shuili", title: []string{"灌溉水渠堵塞", "山塘水库维修"},
		problem: []string{"%s的灌溉水渠堵塞淤积", "%s的山塘坝体渗水"},
		detail:  []string{"马上要插秧了，田里放不进水", "汛期有安全隐患"},
		ask:     []string{"请尽快清淤疏通", "请安排除险加固"},
		fix:     []string{"已完成水渠清淤 2.5 公里", "已对山塘进行除险加固"}},
	{cat: "agriculture", unit: "nongye", title: []string{"农资价格", "脐橙销售", "农田撂荒"},
		problem: []string{"%s的脐橙今年卖不出去", "%s部分农田撂荒", "%s的农资价格上涨较快"},
		detail:  []string{"果农损失较大", "外出务工的人多", "种粮收益很低"},
		ask:     []string{"希望帮助拓宽销路", "建议引导土地流转", "请加强市场监管"},
		fix:     []string{"已组织电商平台对接，帮助销售脐橙 200 余吨", "已引导合作社流转复耕"}},
	{cat: "agriculture", unit: "jiaotong", title: []string{"农村道路硬化", "村道太窄"},
		problem: []string{"%s到组里的路还是泥巴路", "%s的村道太窄，会车困难"},
		detail:  []string{"下雨天车子进不去", "已经发生过几次剐蹭"},
		ask:     []string{"希望硬化道路", "建议拓宽并设置错车道"},
		fix:     []string{"已将该路段纳入农村公路建设计划并完成硬化"}},
	{cat: "dispute", unit: "town", title: []string{"邻里纠纷", "物业纠纷", "土地权属纠纷"},
		problem: []string{"%s两户人家因为排水问题闹矛盾", "%s物业服务差，业主拒交物业费", "%s两个组之间山林界线有争议"},
		detail:  []string{"已经吵了好几次", "小区卫生和安保都没人管", "多年没有解决"},
		ask:     []string{"请村委会和司法所调解", "请主管部门督促物业整改", "请依法确权"},
		fix:     []string{"经司法所调解，双方已达成协议", "已督促物业公司整改并重新公示收费标准"}},
	{cat: "dispute", unit: "ziran", title: []string{"宅基地审批", "不动产登记"},
		problem: []string{"%s的村民申请宅基地一直没有批", "%s的安置房多年办不了不动产证"},
		detail:  []string{"一家人还挤在老房子里", "影响孩子上学落户"},
		ask:     []string{"请说明审批进度", "请协调解决办证问题"},
		fix:     []string{"已完成审批并告知申请人", "已完成首批 120 户不动产登记"}},
	{cat: "consult", unit: "renshe", title: []string{"政策咨询", "社保政策咨询"},
		problem: []string{"%s有群众咨询灵活就业人员社保怎么交", "%s有居民咨询退役军人优待政策", "%s有群众咨询创业担保贷款条件"},
		detail:  []string{"网上查的说法不一样", "想了解具体材料", ""},
		ask:     []string{"请给予答复", "希望告知办理地点"},
		fix:     []string{"已电话答复群众，并告知办理材料和地点"}},
	{cat: "help", unit: "minzheng", title: []string{"困难求助", "临时救助"},
		problem: []string{"%s一户人家房屋漏雨，家里只有老人", "%s有村民因病致贫，请求帮助"},
		detail:  []string{"儿子残疾，没有劳动能力", "医药费欠了好几万"},
		ask:     []string{"请给予临时救助", "希望帮助维修房屋"},
		fix:     []string{"已发放临时救助金并安排危房修缮"}},
	{cat: "other", unit: "town", title: []string{"手机信号差", "快递进村"},
		problem: []string{"%s手机信号很差，经常打不通电话", "%s快递不进村，要到镇上取"},
		detail:  []string{"孩子上网课受影响", "老人取快递很不方便"},
		ask:     []string{"请协调通信运营商建基站", "希望设立村级快递服务点"},
		fix:     []string{"已协调运营商新建基站一座", "已在村委会设立快递服务点"}},
}

var (
	openers = []string{"", "", "", "您好，", "代表您好，", "反映一个问题：", "我们小区居民联名反映：", "再次反映：", "我是附近的居民，",
		"我是这里的村民，", "麻烦帮忙反映一下，", "向人大代表反映：", "作为一名老党员，想反映一件事："}
	streets = []string{"建设路", "人民路", "解放路", "新华街", "文化路", "和平路", "中山路", "滨江大道", "工业大道", "站前路", "胜利路",
		"体育路", "环城路", "交通路", "健康路", "育才路", "金龙大道", "渡江路", "红旗大道", "长征路"}
	estates = []string{"阳光花园", "锦绣家园", "幸福里小区", "金色华庭", "江景苑", "翰林府", "教师新村", "水电小区", "粮食局宿舍", "桂花苑",
		"新城名都", "东方明珠小区", "御景湾", "城南安置小区"}
	villageParts = []string{"上", "下", "新", "老", "东", "西", "南", "北", "大", "小"}
	villageNames = []string{"坪", "坑", "塘", "岭", "湖", "屋", "排", "岗", "坝", "田", "陂"}
	times        = []string{"最近", "这段时间", "近一个月来", "今年以来", "从去年开始", "每到周末", "一到下雨天", "春节前后"}
	impacts      = []string{"群众意见很大", "给附近居民生活带来很大不便", "存在安全隐患", "影响周边商户经营", "老人小孩出行很不安全",
		"大家反映了很多次", ""}
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈钟廖赖")
	given    = []string{"秀英", "桂英", "建华", "志强", "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
		"明", "超", "秀兰", "霞", "平", "刚", "桂兰", "小红", "春花", "国平", "德胜", "金凤", "长生", "冬梅", "海燕", "文斌", "玉梅"}
	declineReasons = []string{"所反映事项属于司法程序处理范围，已告知通过诉讼途径解决", "诉求内容不明确，多次联系未能补充", "该事项已有生效处理结论"}
	notNowReasons  = []string{"受资金和规划限制", "涉及多个部门和上级审批", "需结合明年城市更新项目统筹"}
)

// namer draws names, phones and addresses.
type namer struct{ r *rand.Rand }

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func (n namer) person() string {
	return string(pick(n.r, surnames)) + pick(n.r, given)
}

func (n namer) phone() string {
	prefixes := []string{"130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "158", "159", "166",
		"176", "177", "180", "181", "182", "186", "187", "188", "189", "191", "198", "199"}
	return fmt.Sprintf("%s%08d", pick(n.r, prefixes), n.r.IntN(100_000_000))
}

func (n namer) village() string {
	return pick(n.r, villageParts) + pick(n.r, villageNames) + "村"
}

// place is where a problem is, in the words a citizen would use.
func (n namer) place(town string) string {
	switch n.r.IntN(4) {
	case 0:
		return town + pick(n.r, streets)
	case 1:
		return town + pick(n.r, estates)
	case 2:
		return town + n.village() + fmt.Sprintf("%d组", 1+n.r.IntN(12))
	}
	return town + pick(n.r, streets) + "与" + pick(n.r, streets) + "交叉口"
}

func (n namer) address(town string) string {
	if n.r.IntN(2) == 0 {
		return fmt.Sprintf("%s%s%d号", town, pick(n.r, streets), 1+n.r.IntN(300))
	}
	return fmt.Sprintf("%s%s%d组%d号", town, n.village(), 1+n.r.IntN(12), 1+n.r.IntN(80))
}

// text is a case's generated words.
type text struct {
	issue       *issue
	title, body string
	place       string
}

func (n namer) text(town string) text {
	is := &issues[n.r.IntN(len(issues))]
	place := n.place(town)
	var b strings.Builder
	b.WriteString(pick(n.r, openers))
	if n.r.IntN(2) == 0 {
		b.WriteString(pick(n.r, times))
		b.WriteString("，")
	}
	fmt.Fprintf(&b, pick(n.r, is.problem), place)
	b.WriteString("，")
	if d := pick(n.r, is.detail); d != "" {
		b.WriteString(d)
		b.WriteString("，")
	}
	if im := pick(n.r, impacts); im != "" {
		b.WriteString(im)
		b.WriteString("。")
	}
	b.WriteString(pick(n.r, is.ask))
	b.WriteString("。")
	if n.r.IntN(5) == 0 {
		b.WriteString("谢谢！")
	}
	body := strings.Replace(b.String(), "，。", "。", 1)
	title := strings.TrimPrefix(place, town) + pick(n.r, is.title)
	return text{issue: is, title: title, body: body, place: place}
}

// nearDuplicate rewords t a little, as a second citizen (or the same one
// again) reporting the same problem: useful for duplicate detection.
func (n namer) nearDuplicate(t text) text {
	switch n.r.IntN(3) {
	case 0:
		t.body = "再次反映：" + t.body
	case 1:
		t.body = strings.Replace(t.body, "。", "，已经反映过一次了。", 1)
	default:
		t.body = pick(n.r, openers[3:]) + t.body
	}
	return t
}

func (n namer) reply(t text, outcome string, planned string) (reply, summary string) {
	fix := pick(n.r, t.issue.fix)
	switch outcome {
	case "A":
		return fmt.Sprintf("您好！关于您反映的%s问题，我单位高度重视，经现场核查，%s。感谢您对我们工作的支持与监督。", t.title, fix), fix
	case "B":
		return fmt.Sprintf("您好！您反映的%s问题属实，目前正在组织施工整改，已完成约一半工程量，预计一个月内完成。", t.title), "正在整改，预计一个月内完成"
	case "C":
		return fmt.Sprintf("您好！您反映的%s问题已列入我单位年度工作计划，计划于 %s 前完成，届时将及时告知。", t.title, planned), "已列入计划，" + planned + " 前完成"
	}
	return fmt.Sprintf("您好！您反映的%s问题，%s，暂时无法解决，我单位将持续跟踪，条件具备时优先安排。", t.title, pick(n.r, notNowReasons)), "因条件限制暂不能解决，已作说明"
}

// answer is what staff say when they answer on the spot (当场解答).
func (n namer) answer(t text) string {
	return pick(n.r, []string{"已当场向群众解释相关政策，并告知办理渠道和所需材料", "经当场电话联系" + t.issue.title[0] + "相关负责人，问题已现场协调解决",
		"已当场答复：该事项正在按计划推进，群众表示理解", "已告知群众可通过 12345 热线或政务服务中心办理"})
}

package demo

import "zhitong"

// caseRows are invented cases, in plain words as citizens write them.
var caseRows = []caseRow{
	{body: "历市镇建设路下雨天积水严重，行人无法通行", category: "roads", place: "历市镇建设路", unit: "县交通运输局", station: 0, channel: zhitong.ChannelOnline, name: "王小明", phone: "13907971234", stage: submitted, daysAgo: 1},
	{body: "天九圩日摩托车乱停，堵塞通道", category: "roads", place: "天九圩商贸街", unit: "县交通运输局", station: 3, channel: zhitong.ChannelOnline, stage: submitted, daysAgo: 2},
	{body: "希望在胜利路口增设红绿灯，学生上学过马路危险", category: "roads", place: "胜利路与建设路交叉口", unit: "县交通运输局", station: 0, channel: zhitong.ChannelWalkIn, name: "李春花", phone: "13807972301", stage: registered, daysAgo: 3},
	{body: "老城镇自来水水压低，三楼以上经常没水", category: "water", place: "老城镇老城街", unit: "县水利局", station: 1, channel: zhitong.ChannelBox, stage: registered, daysAgo: 4},
	{body: "岿美山镇矿区运输车扬尘大，沿路房屋一层灰", category: "environment", place: "岿美山镇圩镇中心路", unit: "县城市管理局", station: 2, channel: zhitong.ChannelMobile, name: "邱大伯", phone: "13970791122", stage: assigned, daysAgo: 30},
	{body: "龙塘镇通村公路有多处坑洼，车辆经常爆胎", category: "roads", place: "龙塘镇至下历村公路", unit: "县交通运输局", station: 4, channel: zhitong.ChannelWalkIn, name: "何桂英", phone: "15879701234", stage: assigned, daysAgo: 3},
	{body: "鹅公镇中心小学校车太旧，家长担心安全", category: "education", place: "鹅公镇中心小学", unit: "县教育体育局", station: 5, channel: zhitong.ChannelAppointment, name: "温丽华", phone: "18879702345", stage: inProgress, daysAgo: 40},
	{body: "历市镇胜利小区路灯坏了三盏，晚上出行不安全", category: "construction", place: "胜利小区", unit: "县城市管理局", station: 0, channel: zhitong.ChannelWalkIn, stage: inProgress, daysAgo: 5},
	{body: "天九镇脐橙园灌溉水渠堵塞，影响春灌", category: "agriculture", place: "天九镇新圩村", unit: "县水利局", station: 3, channel: zhitong.ChannelSurvey, name: "廖老伯", phone: "13607971010", stage: inProgress, daysAgo: 28},
	{body: "岭北镇赣粤交界路段没有路灯，夜间事故多", category: "roads", place: "岭北镇赣粤交界", unit: "县交通运输局", station: 6, channel: zhitong.ChannelWalkIn, name: "古月娥", phone: "13979703456", stage: extensionPending, daysAgo: 12},
	{body: "工业园区道路货车多，需要拓宽", category: "roads", place: "定南工业园纬二路", unit: "县交通运输局", station: 7, channel: zhitong.ChannelSurvey, stage: extended, daysAgo: 20},
	{body: "老城镇卫生院缺少儿科医生，看病要跑县城", category: "education", place: "老城镇卫生院", unit: "县卫生健康委员会", station: 1, channel: zhitong.ChannelAppointment, name: "谢阿姨", phone: "13707974567", stage: returned, daysAgo: 9},
	{body: "历市镇农贸市场周边垃圾清运不及时", category: "environment", place: "历市镇农贸市场", unit: "县城市管理局", station: 0, channel: zhitong.ChannelWalkIn, name: "刘志强", phone: "13907975678", stage: replied, outcome: zhitong.OutcomeSolved, daysAgo: 15},
	{body: "龙塘镇敬老院床位不够，老人排队入住", category: "social", place: "龙塘镇敬老院", unit: "县人力资源和社会保障局", station: 4, channel: zhitong.ChannelSurvey, stage: replied, outcome: zhitong.OutcomeInProgress, daysAgo: 25},
	{body: "鹅公镇到县城的公交班次太少", category: "roads", place: "鹅公镇客运站", unit: "县交通运输局", station: 5, channel: zhitong.ChannelMobile, name: "肖师傅", phone: "15970796789", stage: replied, outcome: zhitong.OutcomePlanned, daysAgo: 22},
	{body: "希望在岿美山镇建设一座标准化足球场", category: "education", place: "岿美山镇", unit: "县教育体育局", station: 2, channel: zhitong.ChannelBox, stage: replied, outcome: zhitong.OutcomeNotNow, daysAgo: 35},
	{body: "天九镇农村饮水有异味，担心水质", category: "water", place: "天九镇上围村", unit: "县水利局", station: 3, channel: zhitong.ChannelWalkIn, name: "叶大哥", phone: "13870797890", stage: unsatisfied, daysAgo: 18},
	{body: "历市镇幼儿园门口接送时段交通拥堵", category: "roads", place: "历市镇第一幼儿园", unit: "县交通运输局", station: 0, channel: zhitong.ChannelOnline, name: "黄女士", phone: "13907978901", stage: rehandled, daysAgo: 45},
	{body: "老城镇河道垃圾漂浮，影响环境", category: "environment", place: "老城镇老城河", unit: "县城市管理局", station: 1, channel: zhitong.ChannelWalkIn, name: "赖大叔", phone: "13607970112", stage: evaluated, daysAgo: 20},
	{body: "龙塘镇集镇污水直排小河", category: "environment", place: "龙塘镇集镇", unit: "县住房和城乡建设局", station: 4, channel: zhitong.ChannelSurvey, stage: closed, daysAgo: 50},
	{body: "岭北镇村小学围墙倒塌存在安全隐患", category: "education", place: "岭北镇大岭村小学", unit: "县教育体育局", station: 6, channel: zhitong.ChannelWalkIn, name: "朱校长", phone: "13979700223", stage: closed, daysAgo: 55},
	{body: "历市镇菜市场电线私拉乱接，有火灾隐患", category: "construction", place: "历市镇菜市场", unit: "县住房和城乡建设局", station: 0, channel: zhitong.ChannelBox, stage: archived, daysAgo: 56},
	{body: "鹅公镇农田机耕路损毁，农机下不了田", category: "agriculture", place: "鹅公镇鹅公村", unit: "县农业农村局", station: 5, channel: zhitong.ChannelMobile, name: "温大伯", phone: "13507970334", stage: archived, daysAgo: 54},
	{body: "新农合住院报销比例是多少？在哪里办理？", category: "consult", place: "", unit: "", station: 0, channel: zhitong.ChannelWalkIn, stage: answered, daysAgo: 10},
	{body: "孩子在广东读书，高考报名要回户籍地吗？", category: "consult", place: "", unit: "", station: 6, channel: zhitong.ChannelWalkIn, stage: answered, daysAgo: 8},
	{body: "在园区企业打工被拖欠两个月工资", category: "dispute", place: "定南工业园", unit: "", station: 7, channel: zhitong.ChannelWalkIn, name: "彭师傅", phone: "18907970445", stage: referred, daysAgo: 6},
	{body: "要求重新审理已经判决的宅基地案件", category: "dispute", place: "老城镇", unit: "", station: 1, channel: zhitong.ChannelWalkIn, stage: declined, daysAgo: 7},
	{body: "12345转来：龙塘镇龙塘大道路灯全部不亮", category: "roads", place: "龙塘镇龙塘大道", unit: "县城市管理局", station: 4, channel: zhitong.ChannelImported, stage: inProgress, daysAgo: 6},
}

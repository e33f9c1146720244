package flows

// lexGroupsMore are the keywords added for issue 11, read as customers
// wrote them when we tried the bot: the ways things break, the outcomes
// they ask for in their own words, what a customer says about the chat
// itself (hurry, "I already told you", "are you a bot?", which language)
// and the words that mark a question or chit-chat about something else.
var lexGroupsMore = []lexGroup{
	// Phrases that hide shorter keywords: an allergy as a condition is
	// not an injury; a device that beeps is not a call to the police.
	{sense: senseNone, words: "南京东路|北京东路|南京东街|北京东街|京东方|过敏体质|容易过敏|对花生过敏|我过敏|有过敏|过敏的人|怕过敏|" +
		"i have allergies|i have bad allergies|have allergies|bad allergies|allergic to|my allergies|allergy sufferer|hay fever|" +
		"nut allergy|severe allergies"},

	// How things break (P4).
	{sense: senseProblem, weight: 2, words: "突然黑了|屏幕黑了|掉电|掉电快|充不上电|湿透|淋湿|老是断|一直断|经常断|断断续续|一直闪|闪屏|自动关机|自己关机|" +
		"went black|turned black|goes black|black screen|screen is black|keeps freezing|drains|draining|" +
		"battery dies|soaking wet|wet through|snapped|doesn't charge|does not charge|not charging|" +
		"stopped charging|keeps dropping|drops out|cuts out|keeps cutting out|flickering|flickers"},
	{sense: senseProblem, weight: 2, words: "压烂|压扁|压碎|摔碎|砸坏|弄坏|划花|撞坏|撞掉|烫坏|烧坏|泡坏|烤焦|串色|塌了|塌下去|凹下去|" +
		"没劲|转不动|识别不了|写错|弄错|少送|漏送|跳闸|焦味|糊味|酸臭|杂音|有杂音|竖线|绿线|白印|度数不对|闭店|" +
		"扣了我|扣了两次|重复扣|不出货|还没人来|没人来|没有人来|超卖|没有我的预订|答非所问|说不清楚|一直换人|" +
		"跟宣传的|打错|打穿|刮得|划坏|泡水|隐瞒|就漏|一直掉|化了|松了|就掉|只能用|没声|冇声|歪的|歪了|" +
		"染了|声音超大|声音很大|一直报警|还是报警|老是报警|在报警|" +
		"never came|came cold|soggy|flaking|split down|is split|dead keys|blurry|wrong building|wrong address|" +
		"left my parcel|soaked|switching itself off|switches itself off|keeps switching off|" +
		"keeps getting charged|keep charging me|keeps charging|keep charging|billed me after|after i cancelled|hours late|" +
		"showed up at|without a word|stops every|keeps stopping|burns the|came off|coming off|falling off|fell off|" +
		"peeled off|has a chip|chipped|chip on|bent|wobbly|smells like|smell of chemicals|smells of chemicals|" +
		"prescription is wrong|clearly wrong|was missing|were missing|is missing|oversold|down since|has been down|" +
		"green line|dead pixel|ruined|charged my card twice|twice for the same|nothing's here|nothing is here|" +
		"wrong one|sent the wrong|doesn't line up|don't line up|won't close properly|" +
		"came in the wrong|the wrong size|burning plastic|still smells|came with the wrong|sent me the wrong|never turned up"},
	{sense: senseProblem, weight: 1, words: "到现在还没|到现在|还没好|not quite right"},
	// What a product did to something else: the damaged thing is not the
	// product.
	{sense: senseDamage, words: "弄坏|刮花|划花|划坏|撞坏|撞掉|烫坏|烧坏|泡坏|烤焦|烧焦|染了|染色|弄脏|压坏|砸坏|刮坏|磕坏|泡了|淹了|打穿|刮得|" +
		"ruined|stained|scratched|dented|damaged|flooded|burnt|scorched|soaked|marked|chipped|cracked|broke"},

	// How the customer was treated.
	{sense: senseTreatment, weight: 2, words: "当着|笑话我|还说是我|说是我摔的|说是我自己|还骂我|一问三不知|" +
		"refused to give|laughed at me in front|in front of everyone|explained this three times|explained this twice"},

	// Harm: an allergy is an injury only when it happened.
	{sense: senseRisk, arg: string(RiskInjury), words: "过敏了|过敏反应|引起过敏|导致过敏|全身过敏|起疹子|起了疹子|红疹|疹子|起红疹|长了疹子|" +
		"had a reaction|broke out in|came out in|hives|swelled up|swelling up"},
	{sense: senseRisk, arg: string(RiskSafety), words: "烤焦|焦味|跳电|煤气味|燃气味|闻到煤气|玻璃碴|玻璃渣|碎玻璃|特别烫|非常烫|太烫了|超烫|" +
		"swelling|is swelling|got really hot|got very hot|really hot|glass in|metal in|sparked when"},

	// What the customer wants, in more of their words.
	{sense: senseOutcome, arg: Replacement, weight: 1, words: "换双|换件|换个新|换台|换一对|换过一对|重做|重新做|重做一个|重新配|重新配一副|" +
		"再送一个|重新送|换电池|换好|要么换|就换|换吧|补寄|再发一次|重新发货|换个对的|换成对的|" +
		"redeliver|re-deliver|send it again|just send it|remake|remake them|the right ones|the right one|the correct one|the correct ones|" +
		"the right size|the correct size|a working|working one|" +
		"swap it for|exchange it|send a new|a new one"},
	{sense: senseOutcome, arg: Refund, weight: 1, words: "退掉|退卡|要么退|退了吧|退剩下|按合同退|退钱吧|把钱退了|退我钱|退回来|" +
		"refund me|refund both|refund the|money back please|refund for|want the money back"},
	{sense: senseOutcome, arg: Repair, weight: 1, words: "派人上门|上门看看|上门看一下|师傅上门|派人来看|派师傅|修好或者|" +
		"get someone out|someone to come|fix it properly|need it fixed"},
	{sense: senseOutcome, arg: Compensation, weight: 1, words: "也要赔|要赔|得赔|也得赔|负责赔偿|多花的钱|损失也要|赔我损失|" +
		"paid for|pay for the|credit me|credit for|make it right"},
	{sense: senseOutcome, arg: Explanation, weight: 1, words: "一个解释|要个说法|要一个说法|给我解释|到底什么时候"},
	{sense: senseOutcome, arg: Apology, weight: 1, words: "给我道歉|要道歉|还要道歉|apology would"},

	// What the customer says about the chat itself.
	{sense: senseIntent, arg: string(Yes), answer: leading, words: "是这样的|对的呀|没错没错|yes now|yes correct|yes that's it"},
	// Cantonese answers, as they read after folding to simplified
	// characters (係 → 系).
	{sense: senseIntent, arg: string(Yes), answer: leading, words: "系|系呀|系啊|系啦|系嘅|系喇|系咁|系咁样|冇错|啱|啱啊|啱呀|啱晒|啱嘅"},
	{sense: senseIntent, arg: string(No), answer: leading, words: "唔系|唔啱|唔对|错咗|唔系咁|唔系呀"},
	{sense: senseIntent, arg: string(NothingElse), answer: leading, words: "冇啦|冇了|冇其他|冇其他嘢|冇别嘅|就咁多|冇嘢啦|冇嘢了|冇嘢"},
	{sense: senseIntent, arg: string(Skips), answer: shortOnly, words: "唔知|唔知道|唔记得|唔记得咗|唔清楚|冇单号|冇订单号"},
	{sense: senseIntent, arg: string(Urges), words: "赶紧处理|赶紧|赶快处理|赶快|尽快处理|麻烦快一点|快一点|快一点处理|抓紧|抓紧处理|急用|着急用|" +
		"等着用|马上处理|请尽快|快点快点|尽快|越快越好|急着用|快点|" +
		"please hurry|hurry up|hurry|urgently|urgent|right away|as quickly as possible|need it urgently|asap"},
	{sense: senseIntent, arg: string(AlreadySaid), words: "我刚刚不是讲了吗|我刚刚不是说了吗|我不是说了吗|不是说了吗|我刚才说了|刚才说过了|说过了|" +
		"我已经说了|已经说过了|讲过了|我刚刚说了|不是讲了吗|都说了|我说了好几次|" +
		"i already told you|i've already told you|as i said|like i said|i just said|i just told you|i told you already|" +
		"i've explained this|explained this three times|how many times do i have to|already explained|i said that already"},
	{sense: senseIntent, arg: string(AsksBot), words: "是机器人吗|是不是机器人|机器人吗|你是机器人|是真人吗|是人吗|" +
		"are you a bot|are you a robot|is this a bot|am i talking to a bot|is this automated|are you human|are you real|" +
		"is this a real person"},
	{sense: senseIntent, arg: string(SpeaksZH), words: "说中文|讲中文|用中文|中文可以吗|可以说中文|请说中文|请用中文|中文回复|" +
		"speak chinese|in chinese please|chinese please|reply in chinese"},
	{sense: senseIntent, arg: string(SpeaksEN), words: "说英文|讲英文|用英文|英文回复|" +
		"english please|in english|speak english|can you speak english|reply in english|english only"},
	{sense: senseIntent, arg: string(Corrects), words: "说错了|我说错了|写错了|打错了|记错了|更正|纠正一下|更正一下|应该是|不对|不是|搞错了|" +
		"sorry typo|typo|i meant|actually|correction|i mis|my mistake|not quite|forget the|forget about the|the real problem|" +
		"wrong store|wrong day|wrong date|wrong order|is not|isn't|wasn't"},

	// Products named as common nouns, more of them.
	{sense: senseProduct, words: "花瓶|咖啡机|取暖器|电暖器|电热毯|面霜|茶叶|酸奶|鸡蛋|羽绒被|婴儿米粉|健身卡|年卡|网课|筋膜枪|" +
		"智能门锁|二手车|蓝牙耳机|电热水壶|生日蛋糕|电动车充电器|" +
		"cable|charging cable|monitor|treadmill|mug|detergent|dining table|table|mattress topper|topper|" +
		"screen protector|mower|robot mower|lawn mower|e-scooter|space heater|paint|cookies|takeaway|groceries|" +
		"cushion|airpods pro|airpods max|internet|phone contract"},

	// Questions and chit-chat about something else than the complaint.
	{sense: senseQuestion, words: "顺便问|顺便问下|顺便问一下|另外问一下|请问一下|想问一下|问一下|问下|请问|你们有没有|有没有卖|有卖|几点关门|几点开门|" +
		"营业时间|周末上班|上班吗|多久能|一般多久|能不能改成|" +
		"do you sell|do u sell|do you guys|do u guys|do you have|do you ship|do you deliver|quick question|just wondering|" +
		"i was wondering|can i ask|wondering if|is the new|in stock|how long does|how long do|what time|opening hours|are you open"},
	{sense: senseChat, words: "哈哈|哈哈哈|哈哈哈哈|嘿嘿|嘻嘻|笑死|" +
		"lol|lmao|haha|hahaha|hehe|btw|by the way|just saying"},
}

package flows

// lexGroupsPlaces are the places a purchase or a visit can be: cities,
// online shops and chain stores.
var lexGroupsPlaces = []lexGroup{
	// About a hundred Chinese cities (and Hong Kong, Macau, Taiwan's
	// largest), then their usual English names.
	{sense: senseCity, words: "北京|上海|广州|深圳|天津|重庆|杭州|南京|成都|武汉|西安|苏州|郑州|长沙|沈阳|青岛|宁波|东莞|无锡|佛山|" +
		"合肥|大连|福州|厦门|哈尔滨|济南|温州|南宁|长春|泉州|石家庄|贵阳|南昌|金华|常州|南通|嘉兴|太原|徐州|惠州|" +
		"珠海|中山|台州|烟台|兰州|绍兴|海口|扬州|汕头|昆明|乌鲁木齐|呼和浩特|银川|西宁|拉萨|洛阳|潍坊|临沂|唐山|" +
		"保定|邯郸|廊坊|沧州|秦皇岛|包头|鄂尔多斯|大庆|吉林市|鞍山|芜湖|蚌埠|赣州|九江|桂林|柳州|三亚|湛江|江门|" +
		"肇庆|清远|揭阳|韶关|宜昌|襄阳|岳阳|株洲|湘潭|衡阳|常德|绵阳|宜宾|南充|泸州|遵义|曲靖|大理|丽江|湖州|" +
		"舟山|丽水|衢州|镇江|泰州|盐城|淮安|连云港|宿迁|昆山|义乌|漳州|莆田|威海|日照|淄博|济宁|泰安|德州|聊城|" +
		"开封|新乡|南阳|许昌|香港|澳门|台北|高雄|台中|新竹|" +
		"beijing|shanghai|guangzhou|shenzhen|tianjin|chongqing|hangzhou|nanjing|chengdu|wuhan|xi'an|xian|suzhou|" +
		"zhengzhou|changsha|shenyang|qingdao|ningbo|dongguan|wuxi|foshan|hefei|dalian|fuzhou|xiamen|harbin|jinan|" +
		"wenzhou|nanning|changchun|kunming|guiyang|nanchang|taiyuan|lanzhou|haikou|sanya|zhuhai|urumqi|lhasa|" +
		"hong kong|macau|macao|taipei|kaohsiung|taichung"},
	// Major world cities.
	{sense: senseCity, words: "london|manchester|birmingham|liverpool|leeds|glasgow|edinburgh|bristol|cardiff|belfast|dublin|" +
		"new york|new york city|nyc|los angeles|san francisco|chicago|seattle|boston|houston|dallas|austin|miami|" +
		"atlanta|denver|phoenix|philadelphia|washington dc|san diego|las vegas|portland|toronto|vancouver|montreal|" +
		"sydney|melbourne|brisbane|perth|auckland|paris|berlin|munich|frankfurt|hamburg|madrid|barcelona|rome|milan|" +
		"amsterdam|brussels|vienna|zurich|geneva|stockholm|copenhagen|oslo|helsinki|lisbon|prague|warsaw|istanbul|" +
		"dubai|abu dhabi|doha|tokyo|osaka|kyoto|seoul|busan|singapore|kuala lumpur|bangkok|jakarta|manila|" +
		"ho chi minh city|hanoi|mumbai|delhi|new delhi|bangalore|cape town|johannesburg|cairo|mexico city|" +
		"sao paulo|rio de janeiro|buenos aires|" +
		"伦敦|曼彻斯特|纽约|洛杉矶|旧金山|芝加哥|西雅图|波士顿|多伦多|温哥华|悉尼|墨尔本|巴黎|柏林|慕尼黑|马德里|" +
		"巴塞罗那|罗马|米兰|阿姆斯特丹|东京|大阪|京都|首尔|釜山|新加坡|吉隆坡|曼谷|迪拜"},

	// Online shops, each shown by its name; generic words are shown as
	// "online".
	{sense: senseOnline, words: "网上|网购|官网|小程序|线上|网店|直播间|官方商城|网站|app|在网上|网上商城|官方网站|微信商城|" +
		"online|website|the app|your app|web shop|webshop|online store|online shop|your site|the site|via the app|" +
		"in the app|on the app|mobile app|online order|ordered online|bought online|purchased online"},
	{sense: senseOnline, arg: "淘宝", words: "淘宝|taobao"},
	{sense: senseOnline, arg: "天猫", words: "天猫|tmall"},
	{sense: senseOnline, arg: "京东", words: "京东|jd.com|jingdong"},
	{sense: senseOnline, arg: "拼多多", words: "拼多多|pinduoduo|temu"},
	{sense: senseOnline, arg: "抖音商城", words: "抖音商城|抖音小店|抖音直播间"},
	{sense: senseOnline, arg: "快手小店", words: "快手小店"},
	{sense: senseOnline, arg: "唯品会", words: "唯品会"},
	{sense: senseOnline, arg: "苏宁易购", words: "苏宁易购"},
	{sense: senseOnline, arg: "美团", words: "美团|meituan"},
	{sense: senseOnline, arg: "饿了么", words: "饿了么|eleme"},
	{sense: senseOnline, arg: "闲鱼", words: "闲鱼"},
	{sense: senseOnline, arg: "得物", words: "得物"},
	{sense: senseOnline, arg: "当当", words: "当当"},
	{sense: senseOnline, arg: "Amazon", words: "amazon|亚马逊"},
	{sense: senseOnline, arg: "eBay", words: "ebay"},
	{sense: senseOnline, arg: "AliExpress", words: "aliexpress|速卖通"},
	{sense: senseOnline, arg: "Etsy", words: "etsy"},
	{sense: senseOnline, arg: "Shein", words: "shein|希音"},
	{sense: senseOnline, arg: "Deliveroo", words: "deliveroo"},
	{sense: senseOnline, arg: "Uber Eats", words: "uber eats|ubereats"},

	// Chain stores, kept as the store the customer names.
	{sense: senseChain, words: "沃尔玛|家乐福|宜家|苹果店|苹果专卖店|山姆|costco|开市客|永辉|盒马|大润发|国美|苏宁|优衣库|星巴克|麦当劳|肯德基|" +
		"walmart|tesco|sainsbury's|sainsburys|asda|ikea|best buy|apple store|home depot|argos|currys|john lewis|" +
		"target store|carrefour|aldi|lidl|marks and spencer|m&s|primark|uniqlo|starbucks|mcdonald's|mcdonalds|kfc"},
}

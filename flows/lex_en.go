package flows

// lexGroupsEN are the English keywords, lower case, with straight
// apostrophes; common spellings without the apostrophe are listed too.
var lexGroupsEN = []lexGroup{
	// Phrases that only hide the shorter keywords inside them.
	{sense: senseNone, words: "no one|no-one|nobody|no longer|no way|no problem|no matter|no wonder|no more|no response|no reply|" +
		"no answer|no refund|no replacement|no help|no sign|no signal|no power|no sound|no water|no hot water|no idea what|" +
		"food court|basketball court|tennis court|press the|pressed the|pressing the|press release|under review|review my|" +
		"review the|reviewed my|right now|right away|right after|right before|right side|all right|right hand|left hand|" +
		"ok so|okay so|fine print|good morning team|thank god|thanks to|thanks a lot for nothing|hey there|well done|" +
		"yes man|nope not|right to|you're right|tv stand|on tv stand|thank you for nothing|thanks for nothing|" +
		"correct me|confirm my|confirmed my|confirmation|exactly the same|not sure why|not sure how|not sure what|" +
		"not sure if|not sure whether|i'm not sure why|agent told|agent said|the agent|your agent|human error|" +
		"i don't know why|i don't know how|i don't know what|i don't know if|i don't know whether|i don't know when|" +
		"don't know why|don't know how|don't know what|don't know if|don't know whether|dont know why|dont know how|" +
		"no idea why|no idea how|can't remember the last time|hi-fi|hifi|hey presto|proof of purchase|credit card|" +
		"on the phone|over the phone|phone call|phone number|on the phone with|fire alarm|fire department|smoke alarm|" +
		"fire exit|fired up|store credit card"},

	// Feelings, weighted 1 (upset) to 3 (strong anger); see emotionScale.
	{sense: senseAngry, weight: 3, words: "furious|livid|outraged|outrageous|disgusted|disgusting|disgrace|disgraceful|unacceptable|" +
		"worst|the worst|appalling|appalled|fuming|enraged|infuriating|infuriated|absolutely ridiculous|beyond ridiculous|" +
		"sick and tired|fed up|had enough|i've had enough|ive had enough|pissed off|pissed|seething|despicable|shameful|" +
		"how dare you|how dare|unbelievable|insane|criminal|scandalous|atrocious|horrendous|abysmal|a joke|is a joke|" +
		"what the hell|wtf|what the fuck|ffs|for god's sake|for gods sake|for fuck's sake|fucking"},
	{sense: senseAngry, weight: 2, words: "ridiculous|terrible|horrible|awful|angry|mad|annoyed|annoying|frustrated|frustrating|" +
		"pathetic|shocking|shocked|unprofessional|incompetent|incompetence|nonsense|rubbish|garbage|trash|crap|crappy|" +
		"lousy|ripped off|rip off|rip-off|ripoff|cheated|robbed|screwed|unreal|bs|bullshit|joke|sick of|tired of|" +
		"really disappointed|very disappointed|extremely disappointed|so disappointed|deeply disappointed|poor|dreadful|" +
		"upsetting|not acceptable|not ok|not okay|seriously|come on|are you kidding|you're kidding|kidding me|" +
		"waste of money|waste of time|wasted my time|hopeless|beyond frustrated|irritated|irritating|aggravated|angered|damn|goddamn|bloody"},
	{sense: senseAngry, weight: 1, words: "disappointed|disappointing|unhappy|not happy|upset|displeased|dissatisfied|not satisfied|" +
		"bad|sad|annoyance|meh|ugh|sigh|bothered|concerned|not impressed|unimpressed|let down|inconvenient|inconvenience"},
	{sense: senseInsult, words: "idiots|idiot|scam|scammers|scammer|scamming|useless|morons|moron|stupid|clowns|clown|liars|liar|" +
		"thieves|thief|crooks|crook|fraudsters|fraudster|fraud|con artists|conmen|bastards|bastard|assholes|asshole|" +
		"fuck you|fuck off|fuckers|shit company|shitty|dumb|dumbass|imbeciles|imbecile|cowboys|scumbags|scumbag|" +
		"clueless|brainless|bunch of crooks|bunch of idiots|you people|your people are"},
	{sense: senseDistress, words: "stressed|stressful|stress|anxious|anxiety|can't sleep|cant sleep|couldn't sleep|couldnt sleep|" +
		"sleepless|scared|terrified|frightened|afraid|crying|cried|in tears|devastated|heartbroken|distraught|depressed|" +
		"panic|panicking|overwhelmed|nightmare|traumatized|traumatised|trauma|shaken|shaking|worried sick|worried|worry|" +
		"miserable|desperate|at my wits end|at my wit's end|losing sleep|lost sleep|breakdown|emotional|helpless|" +
		"humiliated|embarrassed|ashamed"},

	// Risks (P12, P13).
	{sense: senseRisk, arg: string(RiskMedia), words: "journalist|journalists|reporter|reporters|the press|to the press|newspaper|newspapers|" +
		"the news|local news|news channel|tv station|on tv|on television|tv show|media|the media|watchdog|bbc|cnn|" +
		"go public|going public|press coverage|newspaper column"},
	{sense: senseRisk, arg: string(RiskSocial), words: "social media|post online|post it online|post this online|posting online|post about|" +
		"twitter|tweet|tweeting|on x|facebook|tiktok|instagram|reddit|youtube|go viral|viral|bad review|leave a review|" +
		"write a review|negative review|1-star|one star|one-star|1 star|review on|reviews|yelp|trustpilot|google review|" +
		"google reviews|tell everyone|tell all my friends|everyone will know|weibo|xiaohongshu|douyin|wechat moments|" +
		"blog about|my blog|my followers|my channel|post a video|make a video|online review|review site"},
	{sense: senseRisk, arg: string(RiskLawyer), words: "lawyer|lawyers|attorney|attorneys|solicitor|solicitors|legal team|legal counsel|my lawyer|" +
		"legal advice|legal adviser|legal advisor"},
	{sense: senseRisk, arg: string(RiskCourt), words: "sue|suing|sued|court|courts|lawsuit|law suit|legal action|take you to court|" +
		"small claims|class action|legal proceedings|litigation|tribunal|police|call the police|file a claim|press charges"},
	{sense: senseRisk, arg: string(RiskRegulator), words: "consumer protection|regulator|regulators|trading standards|bbb|better business bureau|" +
		"ombudsman|ftc|cfpb|attorney general|report you|report this to|consumer council|consumer association|" +
		"citizens advice|ofcom|ofgem|fca|financial conduct authority|authorities|the authorities|consumer affairs|" +
		"file a complaint with|chargeback|charge back|dispute the charge|dispute with my bank"},
	{sense: senseRisk, arg: string(RiskConsumerLaw), words: "consumer law|consumer laws|consumer rights act|consumer rights|statutory rights|" +
		"warranty law|lemon law|my rights|my legal rights|sale of goods act|magnuson-moss|consumer guarantees|" +
		"legally entitled|legally obliged|by law|against the law|illegal|unlawful|breach of contract|false advertising"},
	{sense: senseRisk, arg: string(RiskInjury), words: "injured|injury|injuries|hurt|hurts|burned|burnt|burns|burn|gave me a shock|got a shock|got shocked|electrocuted|electric shock|cut my|cut his|cut her|" +
		"cut myself|got cut|a cut on|deep cut|hospital|hospitalised|hospitalized|emergency room|a&e|bleeding|bled|blood|" +
		"allergic reaction|food poisoning|poisoned|poisoning|vomiting|threw up|throwing up|sick for days|" +
		"got sick|made me sick|made us sick|made my|broken arm|broken leg|fractured|stitches|rash|blisters|blister|" +
		"see a doctor|saw a doctor|went to the doctor|doctor|wounded|scalded|scald|bruised|bruises|concussion"},
	{sense: senseRisk, arg: string(RiskSafety), words: "explode|exploded|explosion|exploding|caught fire|catch fire|on fire|a fire|fire hazard|started a fire|smoke|smoking|" +
		"smoked|electric shock|shocked me|got a shock|gave me a shock|sparks|sparking|sparked|gas leak|leaking gas|" +
		"smell of gas|smells of gas|dangerous|hazard|hazardous|safety issue|safety hazard|unsafe|choking|choke|" +
		"overheating|overheated|melted|melting|short circuit|live wire|exposed wires|fumes|toxic|carbon monoxide|" +
		"brakes failed|brake failure|fell on|collapsed|could have killed|could have been killed|swollen battery|" +
		"battery swelled|burning smell|smells like burning"},
	{sense: senseRisk, arg: string(RiskRecording), words: "recorded|recording|i recorded|screenshots|screenshot|screen shot|i have evidence|" +
		"have evidence|evidence|proof|i have proof|photos as evidence|i took photos|took pictures|i have photos|" +
		"have the receipts|kept the receipts|documented|paper trail|on camera|on video|cctv|filmed|i filmed|transcript"},

	// Intents.
	{sense: senseIntent, arg: string(WantsHuman), words: "human|a human|real person|a real person|talk to someone|speak to someone|" +
		"talk to a person|speak to a person|representative|operator|agent|live agent|customer service agent|" +
		"speak to a manager|talk to a manager|your manager|supervisor|speak to your supervisor|escalate|" +
		"not a bot|not a robot|stupid bot|talk to a human|speak to a human|" +
		"real human|actual person|someone real|get me a person|call center|call centre|someone in charge|" +
		"person in charge|get me a manager|want a manager|manager please|get your manager|speak to your manager|" +
		"talk to your manager|speak with a manager|speak with someone|speak with a human"},
	{sense: senseIntent, arg: string(Withdraws), words: "cancel my complaint|withdraw my complaint|drop my complaint|drop the complaint|" +
		"withdraw the complaint|cancel the complaint|i withdraw|no longer want to complain|don't want to complain|" +
		"dont want to complain"},
	{sense: senseIntent, arg: string(Withdraws), answer: shortOnly, words: "never mind|nevermind|forget it|drop it|forget about it|" +
		"doesn't matter anymore|it's fine now|its fine now|all sorted|sorted it|it's sorted|problem solved|solved it|" +
		"no need anymore|not needed anymore|leave it|don't bother|dont bother|skip it all"},
	{sense: senseIntent, arg: string(Skips), answer: shortOnly, words: "don't know|dont know|do not know|don't remember|dont remember|" +
		"do not remember|no idea|can't remember|cant remember|cannot remember|skip|not sure|n/a|no clue|i forgot|forgot|" +
		"can't recall|cant recall|don't recall|dont recall|i'm not sure|im not sure|unsure|don't have it|dont have it|" +
		"don't have one|dont have one|no order number|lost the receipt|threw away|not available|pass|unknown|dunno|idk|" +
		"can't find it|cant find it|can't say|rather not say|prefer not to say|no receipt"},
	{sense: senseIntent, arg: string(Yes), answer: leading, words: "yes|yep|yeah|yea|yup|correct|right|that's right|thats right|" +
		"exactly|confirm|confirmed|ok|okay|sure|indeed|absolutely|that is right|that is correct|that's correct|" +
		"thats correct|spot on|all correct|all good|looks good|looks right|sounds right|affirmative|of course|" +
		"y|k|kk|alright|yes please|precisely|that's it|thats it|you got it"},
	{sense: senseIntent, arg: string(No), answer: leading, words: "no|nope|nah|wrong|not quite|that's not right|thats not right|" +
		"that's wrong|thats wrong|incorrect|not correct|that is not right|that is wrong|not right|not exactly|" +
		"no it's not|no it isn't|no it wasn't|not really|negative|n|that's not correct|that isn't right|mistake"},
	{sense: senseIntent, arg: string(NothingElse), answer: leading, words: "that's all|thats all|that is all|nothing else|no that's it|" +
		"that's everything|thats everything|no that's all|no thats all|nothing more|no nothing else|nothing further|" +
		"no more|that's it|thats it|no that is all|that will be all|that'll be all|all done|i'm done|im done|" +
		"nothing to add|no other issues|nothing other|no thanks that's all|that's about it|thats about it"},
	{sense: senseIntent, arg: string(NewComplaint), words: "new complaint|another complaint|different issue|another issue|separate issue|" +
		"separate complaint|different complaint|another problem|a different problem|one more complaint|second complaint|" +
		"also want to complain|another thing to complain"},
	{sense: senseIntent, arg: string(Greets), words: "hi|hello|hey|hiya|hi there|hello there|good morning|good afternoon|" +
		"good evening|greetings|howdy|yo|morning|afternoon|dear sir|dear madam|dear sir or madam|hey there|hallo|helo"},
	{sense: senseIntent, arg: string(Thanks), words: "thanks|thank you|thank u|thx|ty|cheers|many thanks|thanks a lot|much appreciated|" +
		"appreciate it|appreciated|thank you so much|thanks so much|tnx|tks"},
	{sense: senseIntent, arg: string(Chases), words: "any update|any updates|anyone there|anybody there|is anyone there|is anybody there|" +
		"still waiting|what's happening|whats happening|what is happening with|any news|any progress|" +
		"how long do i have to wait|how much longer|when will someone|why is no one|why is nobody|nobody is answering|" +
		"no one is answering|still no reply|still no response|still no answer|are you there|you there|status update|" +
		"update please|waiting for a reply|waiting for an answer|when will i hear|has anyone looked|chasing|following up|" +
		"follow up on|any word|been waiting for hours|why no reply|respond please|please respond|answer me"},

	// What the customer wants (P4).
	{sense: senseOutcome, arg: Refund, weight: 1, words: "refund|refunded|refunds|full refund|money back|my money back|return it|" +
		"return this|return the|send it back|give me my money|reimburse|reimbursement|reimbursed|no refund|won't refund|" +
		"wont refund|refused to refund|refuse to refund|refused a refund|get a refund|want a refund|pay me back|" +
		"cancel and refund|return and refund|partial refund|credit back|credited back|paid back"},
	{sense: senseOutcome, arg: Replacement, weight: 1, words: "replace|replaced|replacement|exchange|exchanged|send a new one|" +
		"new one|swap it|swap|send another|send me another|a new unit|another one|resend|re-send|reship|re-ship|" +
		"no replacement|won't replace|wont replace|refused to replace"},
	{sense: senseOutcome, arg: Repair, weight: 1, words: "repair|repaired|repairs|fix it|fix this|fixed|fix the|get it fixed|" +
		"have it fixed|send an engineer|send a technician|technician|engineer out|come and fix|mend|service it|" +
		"won't repair|wont repair|refused to repair"},
	{sense: senseOutcome, arg: Apology, weight: 1, words: "apology|apologies|apologise|apologize|say sorry|an apology|" +
		"formal apology|written apology|owe me an apology|some remorse|a sorry"},
	{sense: senseOutcome, arg: Explanation, weight: 1, words: "explain|explanation|want to know why|tell me why|an answer|" +
		"some answers|what happened|what went wrong|why this happened|how this happened|account for|justify"},
	{sense: senseOutcome, arg: Explanation, weight: 0, words: "why|how come|what's going on|whats going on"},
	{sense: senseOutcome, arg: Compensation, weight: 1, words: "compensation|compensate|compensated|make it up|make up for|" +
		"goodwill gesture|gesture of goodwill|voucher|credit|discount|damages|pay for the damage|pay for damages|" +
		"cover the cost|cover the costs|pay for my|reimburse me for|out of pocket|some kind of compensation"},
	{sense: senseOutcome, arg: OtherOutcome, weight: 1, words: "cancel my order|cancel the order|cancel my subscription|cancel the subscription|" +
		"cancel my account|close my account|cancel my contract|end my contract|terminate my contract|fired|sacked|" +
		"disciplined|cancel my membership|unsubscribe|delete my account|delete my data|remove my data|stop charging me|" +
		"stop the charges|cancel the contract|cancel my booking|cancel the booking"},

	// What went wrong (P4).
	{sense: senseProblem, weight: 2, words: "broken|broke|breaks|stopped working|doesn't work|does not work|doesnt work|don't work|" +
		"not working|doesn't close|doesn't open|won't turn on|wont turn on|won't start|wont start|won't charge|wont charge|won't work|wont work|" +
		"faulty|defective|damaged|cracked|shattered|smashed|scratched|dented|torn|ripped|leaking|leaks|leaked|leak|" +
		"stained|mould|mold|moldy|mouldy|rotten|expired|stale|spoiled|spoilt|contaminated|hair in|bug in|insect|" +
		"cockroach|fake|counterfeit|knock-off|knockoff|wrong item|wrong size|wrong colour|wrong color|wrong order|" +
		"wrong product|missing|never arrived|hasn't arrived|hasnt arrived|has not arrived|didn't arrive|didnt arrive|" +
		"did not arrive|not arrived|still not arrived|still hasn't|not delivered|never delivered|undelivered|" +
		"lost my|lost the|got lost|late|delayed|delay|delays|overdue|overcharged|charged twice|charged me twice|charged us twice|billed me twice|charged two times|took the money twice|took payment twice|double charged|" +
		"double-charged|extra charge|hidden fee|hidden fees|billed twice|wrong amount|no refund|refused|denied|" +
		"rejected|won't refund|wont refund|still waiting|no response|no reply|never replied|never called back|" +
		"no one called|nobody called|no one has|nobody has|lied|lying|misled|misleading|false advertising|" +
		"not as described|doesn't match|does not match|different from|poor quality|bad quality|cheap quality|" +
		"low quality|problem|problems|fault|faults|error|glitch|crash|crashes|crashed|freezes|froze|frozen|" +
		"keeps breaking|keeps crashing|third time|second time|again and again|stopped|won't open|wont open|" +
		"can't log in|cant log in|cannot log in|locked out|blocked my|suspended my|charged me|took my money|" +
		"debited|never received|haven't received|havent received|have not received|didn't receive|didnt receive|" +
		"did not receive|not received|short changed|shortchanged|underweight|half empty|cold food|food was cold|" +
		"raw|undercooked|burnt food|smells|smelly|stinks|dirty|filthy|noisy|loud noise|rattles|rattling|vibrates|" +
		"no hot water|no power|no signal|no internet|internet down|outage|cut off|disconnected|overheats|" +
		"doesn't fit|doesnt fit|too small|too big|fell apart|falling apart|came apart|peeling|faded|shrunk|" +
		"not what i ordered|never showed up|didn't show up|didnt show up|no-show|no show|stood up|cancelled on me|" +
		"canceled on me|cancelled my|canceled my|without notice|without telling me|kept me waiting|waited for|" +
		"been waiting|waiting for weeks|waiting for days|waiting for months|misplaced|wrongly charged|overbilled|" +
		"unauthorized|unauthorised|fraudulent charge|scratches|dent|hole in|holes in|tear in|cracks|issue with|" +
		"issues with|problem with|problems with|something wrong|went wrong|gone wrong|is wrong with|not fixed|" +
		"still broken|still not working|still doesn't work|same problem|same issue|no longer works|no longer working|" +
		"quit working|died|dead|won't connect|wont connect|can't connect|cant connect|lost connection|drained|" +
		"won't close|wont close|won't lock|wont lock|jammed|stuck|clogged|blocked|flooded|flooding|mess"},
	{sense: senseProblem, weight: 1, words: "issue|issues|trouble|complaint|complain|complaining|unhappy with|disappointed with|" +
		"bad experience|terrible experience|awful experience|not good|not great|slow|expensive|overpriced|regret"},
	{sense: senseTreatment, weight: 2, words: "rude|rudely|unhelpful|disrespectful|disrespected|yelled|yelled at|shouted|shouted at|" +
		"hung up|hung up on me|ignored|ignoring|ignore me|no one cares|nobody cares|dismissive|condescending|patronizing|" +
		"patronising|treated me|treated like|insulted|mocked|laughed at|humiliated me|accused me|blamed me|" +
		"passed around|passed from|transferred me|kept transferring|run around|runaround|fobbed off|brushed off|" +
		"bad service|poor service|terrible service|awful service|horrible service|worst service|" +
		"no one helped|nobody helped|refused to help|wouldn't help|wouldnt help|didn't help|didnt help|" +
		"no one listens|nobody listens|not listening|didn't listen|didnt listen|attitude|arrogant|aggressive|" +
		"threatened|discriminated|racist|sexist|made me feel|unprofessional|left on hold|on hold for|kept on hold|" +
		"no apology|never apologised|never apologized|lied to me|gave me the runaround|promised|broken promise|" +
		"broke their promise|nobody got back|no one got back|never got back|didn't get back|didnt get back"},

	// Complainer types (P14).
	{sense: senseHint, arg: string(Justice), words: "doesn't happen to others|doesnt happen to others|doesn't happen to anyone else|" +
		"so others don't|so others dont|for other customers|other customers|it's the principle|its the principle|" +
		"matter of principle|on principle|the principle of|not about the money|isn't about the money|isnt about the money|" +
		"someone has to say something|warn others|warn other|protect others|nobody else should|no one else should|" +
		"so it doesn't happen again|so this doesn't happen|happen to anyone else|happen to someone else|" +
		"other people|it's not fair|its not fair|unfair|justice|the right thing"},
	{sense: senseHint, arg: string(Stubborn), words: "i only accept|i will only accept|i'll only accept|i insist|i demand|nothing less|" +
		"non-negotiable|not negotiable|no excuses|or else|i want it now|i've told you|ive told you|told you already|" +
		"i already told you|for the last time|i don't care|i dont care|i won't accept|i wont accept|not accepting|" +
		"i refuse to accept|the only thing i want|all i want is|i will not accept|again and again|i repeat|" +
		"as i said|like i said|as i've said"},
	{sense: senseHint, arg: string(Prepared), words: "i checked|i looked it up|under section|section|clause|terms and conditions|" +
		"your own policy|your policy states|your terms|as per|i know my rights|i have a record|for the record|" +
		"in writing|reference number|case number|ticket number"},
	// Who they are or whom they know; "I'm a lawyer" is read by influenceRe,
	// so that the lawyer stays a risk too.
	{sense: senseHint, arg: string(Influential), words: "i know your ceo|i know your boss|i know your director|i know the owner|" +
		"influencer|followers|i work for the government|member of parliament|i'm an mp|my mp|my congressman|my senator|" +
		"i work in the media|i work for a newspaper"},
	{sense: senseHint, arg: string(Resigned), words: "my bad luck|just my luck|bad luck|whatever|i give up|give up|doesn't matter|" +
		"doesnt matter|oh well|what can you do|what can i do|nothing i can do|it is what it is|it's what it is|" +
		"not expecting much|don't expect much|dont expect much|no point|pointless|lesson learned|lesson learnt|" +
		"my own fault|my fault|should have known|never mind"},
	{sense: senseReason, words: "because|so|but|however|then|i feel|i think|to be fair|honestly|therefore|although|" +
		"since|after that|first|secondly|finally|in fact|the thing is|the point is|i understand|i appreciate|" +
		"to be honest|as a result|which means|which meant|even though|despite|let me explain"},

	// How the customer wants to be reached.
	{sense: senseContact, arg: ContactCall, words: "call me|phone me|ring me|give me a call|give me a ring|call me back|" +
		"please call|call back|callback|call-back|text me|whatsapp me|contact me by phone|reach me by phone|" +
		"prefer a call|rather have a call"},
	{sense: senseContact, arg: ContactChat, words: "reply here|here is fine|keep it here|in this chat|via chat|by chat|" +
		"message me here|chat is fine|don't call|dont call|do not call|no calls|no phone calls|rather not talk|" +
		"continue here|write to me here|answer here|respond here"},
	{sense: senseContact, arg: ContactEmail, words: "email me|e-mail me|please email|by email|via email|send me an email|" +
		"contact me by email|reach me by email|write to me"},
	{sense: senseContact, arg: ContactWeChat, words: "wechat me|add me on wechat|my wechat|on wechat|via wechat|wechat id"},

	// Products named as common nouns.
	{sense: senseProduct, words: "washing machine|washer|dryer|tumble dryer|fridge|refrigerator|freezer|dishwasher|microwave|" +
		"oven|cooker|hob|tv|television|laptop|computer|pc|phone|mobile phone|smartphone|cell phone|tablet|" +
		"headphones|earphones|earbuds|charger|power bank|battery|router|modem|printer|camera|sofa|couch|mattress|" +
		"wardrobe|chair|shoes|trainers|sneakers|boots|jacket|coat|dress|shirt|jeans|trousers|" +
		"smartwatch|glasses|kettle|toaster|blender|coffee machine|air conditioner|air conditioning|aircon|heater|" +
		"boiler|car|bike|bicycle|e-bike|scooter|stroller|pram|buggy|car seat|vacuum|vacuum cleaner|hoover|" +
		"robot vacuum|hair dryer|hairdryer|straightener|toothbrush|shaver|speaker|headset|keyboard|" +
		"games console|suitcase|luggage|backpack|handbag|necklace|bracelet|earrings|furniture|" +
		"cabinet|shelf|lamp|cot|crib|toy|pizza|meal|broadband|" +
		"subscription|membership|ticket|flight|hotel room|ipad|iphone|macbook|airpods|kindle|playstation|xbox|" +
		"air fryer|slow cooker|rice cooker|espresso machine|extractor fan|cooker hood|tumble drier|" +
		"toilet|radiator|sofa bed|duvet|pillow|curtains|blinds|carpet|rug|" +
		"tyre|tire|tyres|tires|engine|gearbox|brakes"},

	// Words that only ask for something (see lexGroupsZH).
	{sense: senseRequest, words: "want|i want|i'd like|id like|i would like|give me|can i get|can i have|i need|need|asap|immediately|" +
		"please|just|get|a|an|the|my|it|now|right now|want to|would like|can you|could you|i demand|i expect|i'm asking for|" +
		"im asking for|i am asking for|or|and|either|i'd prefer|i prefer|full|me|for|to|back|a new|new|today|or else|at least|" +
		"would be fine|is fine|will do|thanks in advance|i'd appreciate|i would appreciate|as soon as possible|soon|quickly"},

	// Words that carry nothing in a short answer.
	{sense: senseFiller, words: "um|uh|umm|erm|er|well|oh|ah|so|and|sir|madam|ma'am|maam|please|pls|plz|i think|it's|its|" +
		"it is|that's|thats|that is|it was|was|is|the|a|an|just|actually|sorry|dear|mate|lol|haha|hmm|i|it|that|" +
		"this|my|me|you|your|guys|there|here|then|now|again|still|also|too|really|very|all|think|believe|guess|" +
		"suppose|hi there"},
}

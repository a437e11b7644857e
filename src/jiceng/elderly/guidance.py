"""中医药保健指导: the guidance options of the service record and, per constitution, the
printable guidance text given to the older person.

The options (情志调摄、饮食调养、起居调摄、运动保健、穴位保健、其他) are the form's
(spec §3.1). The texts are written for Jiceng in plain language for older people and
their families: everyday self-care, no prescriptions; anything beyond that is for a
TCM physician. Regions may adapt them.
"""

from __future__ import annotations

from jiceng.core.codes import CodeList

OPTIONS = CodeList(
    "中医药保健指导",
    "TCM health guidance",
    {
        "1": ("情志调摄", "Emotional well-being"),
        "2": ("饮食调养", "Diet"),
        "3": ("起居调摄", "Daily routine"),
        "4": ("运动保健", "Exercise"),
        "5": ("穴位保健", "Acupoint care"),
        "6": ("其他", "Other"),
    },
)
TEXT_OPTIONS = ("1", "2", "3", "4", "5")

# Per constitution: a one-line description, then a text per option "1"–"5", each (zh, en).
TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "pinghe": {
        "summary": (
            "体态适中，面色红润，精力充沛，睡眠、食欲良好，适应能力强。",
            "Balanced build, good colour and energy, sleeps and eats well, adapts easily.",
        ),
        "1": ("保持乐观开朗，多与家人朋友交流，培养兴趣爱好。", "Stay cheerful, keep in touch with family and friends, enjoy a hobby."),
        "2": (
            "饮食有节，粗细搭配，多吃蔬菜水果，少油少盐，不偏食，不过饥过饱。",
            "Eat regular, varied meals with vegetables and fruit, little oil and salt; neither too much nor too little.",
        ),
        "3": ("起居有常，早睡早起，劳逸结合，随四季冷暖增减衣被。", "Keep regular hours, balance activity and rest, dress for the season."),
        "4": (
            "坚持适量运动，如散步、太极拳、八段锦，以微微出汗、不感疲劳为度。",
            "Exercise moderately every day (walking, tai chi, baduanjin) until slightly warm, not tired.",
        ),
        "5": (
            "常按揉足三里、涌泉穴，每穴每次2～3分钟，以局部酸胀为度。",
            "Massage Zusanli (ST36) and Yongquan (KI1), 2-3 minutes each, until slightly sore.",
        ),
    },
    "qixu": {
        "summary": (
            "容易疲乏、气短，说话声音低，易出汗，容易感冒。",
            "Tires easily, short of breath, weak voice, sweats and catches colds easily.",
        ),
        "1": ("避免过度思虑和劳神，保持心情平和、乐观。", "Avoid worry and mental strain; keep calm and cheerful."),
        "2": (
            "宜吃益气健脾的食物，如小米、山药、大枣、南瓜、鸡肉、鸡蛋；少吃生冷油腻、不易消化的食物。",
            "Eat warming, easy-to-digest food such as millet, Chinese yam, jujube, pumpkin, chicken and eggs; avoid cold, raw and greasy food.",
        ),
        "3": (
            "保证睡眠，避免过度劳累；注意保暖，防止受风着凉，出汗后及时擦干换衣。",
            "Sleep enough, avoid over-exertion, keep warm, dry off and change after sweating.",
        ),
        "4": (
            "宜做柔缓运动，如散步、太极拳、八段锦，少量多次，不宜大汗和剧烈运动。",
            "Choose gentle exercise (walking, tai chi, baduanjin) in short sessions; avoid heavy sweating and strenuous effort.",
        ),
        "5": (
            "常按揉足三里、气海穴，每穴每次2～3分钟；也可在医生指导下温和艾灸。",
            "Massage Zusanli (ST36) and Qihai (CV6) 2-3 minutes each; gentle moxibustion with a doctor's advice.",
        ),
    },
    "yangxu": {
        "summary": (
            "怕冷，手脚发凉，喜热饮食，吃凉的东西不舒服，精神不振。",
            "Feels the cold, cold hands and feet, prefers warm food, cold food disagrees, low spirits.",
        ),
        "1": (
            "多晒太阳，多与人交往，保持积极向上的心态，避免情绪低落。",
            "Spend time in the sun and with people; keep a positive outlook.",
        ),
        "2": (
            "宜吃温阳的食物，如羊肉、韭菜、生姜、核桃、桂圆；少吃生冷寒凉食物和冷饮。",
            "Eat warming food such as mutton, Chinese chives, ginger, walnuts and longan; avoid cold and raw food and iced drinks.",
        ),
        "3": (
            "注意保暖，尤其是腰背、腹部和足部；秋冬避寒就温，夏季不要久吹空调、电扇；睡前可用温水泡脚。",
            "Keep the back, belly and feet warm; avoid cold, long air-conditioning and fans; soak the feet in warm water before bed.",
        ),
        "4": (
            "宜在阳光充足时做舒缓运动，如散步、慢跑、太极拳，避免在寒冷、大风天气户外锻炼。",
            "Exercise gently in the sunshine (walking, slow jogging, tai chi); avoid cold or windy weather outdoors.",
        ),
        "5": (
            "常按揉关元、命门、足三里穴；可在医生指导下艾灸。",
            "Massage Guanyuan (CV4), Mingmen (GV4) and Zusanli (ST36); moxibustion with a doctor's advice.",
        ),
    },
    "yinxu": {
        "summary": (
            "手足心热，口燥咽干，眼睛干涩，大便偏干，容易心烦。",
            "Warm palms and soles, dry mouth and eyes, dry stools, easily restless.",
        ),
        "1": ("遇事冷静，少与人争执，学会调节情绪，可多听舒缓的音乐。", "Stay calm, avoid arguments, listen to soothing music."),
        "2": (
            "宜吃滋阴润燥的食物，如百合、银耳、梨、黑芝麻、鸭肉、豆腐；少吃辛辣、煎炸、烧烤和温燥食物。",
            "Eat moistening food such as lily bulb, white fungus, pears, black sesame, duck and tofu; avoid spicy, fried and grilled food.",
        ),
        "3": (
            "保证充足睡眠，不熬夜；避免在高温环境中长时间工作；居室保持一定湿度。",
            "Sleep enough and not late; avoid long hours in heat; keep the room air from getting too dry.",
        ),
        "4": (
            "宜做中小强度、间断性的运动，如太极拳、八段锦、散步，避免大汗淋漓。",
            "Do light to moderate exercise with breaks (tai chi, baduanjin, walking); avoid heavy sweating.",
        ),
        "5": (
            "常按揉太溪、三阴交穴，每穴每次2～3分钟；不宜艾灸。",
            "Massage Taixi (KI3) and Sanyinjiao (SP6) 2-3 minutes each; moxibustion is not advised.",
        ),
    },
    "tanshi": {
        "summary": (
            "体形偏胖，腹部肥满，口中黏腻，身体沉重，容易困倦。",
            "Heavier build with a large abdomen, sticky mouth, heavy body, often drowsy.",
        ),
        "1": ("保持心境平和，多参加社会活动，培养广泛兴趣。", "Keep an even temper, join social activities, take up interests."),
        "2": (
            "饮食清淡，控制总量，宜吃健脾化湿的食物，如冬瓜、薏苡仁、赤小豆、白萝卜、山药；少吃肥甘厚味、甜食和油炸食品，戒烟限酒。",
            "Eat light meals and less overall: wax gourd, coix seed, adzuki beans, white radish, Chinese yam; little fat, sweets or fried food; no smoking, little alcohol.",
        ),
        "3": (
            "居住环境宜干燥通风，避免潮湿；不宜久坐久卧，饭后适当散步。",
            "Live in a dry, airy place; avoid damp; do not sit or lie for long; walk after meals.",
        ),
        "4": (
            "坚持长期、循序渐进的有氧运动，如快走、慢跑、太极拳，逐步减轻体重。",
            "Do regular, gradually increasing aerobic exercise (brisk walking, slow jogging, tai chi) to lose weight.",
        ),
        "5": (
            "常按揉丰隆、足三里、中脘穴，每穴每次2～3分钟。",
            "Massage Fenglong (ST40), Zusanli (ST36) and Zhongwan (CV12) 2-3 minutes each.",
        ),
    },
    "shire": {
        "summary": (
            "面部油腻，口苦口干，易生痤疮、湿疹，大便黏滞，小便短黄。",
            "Oily face, bitter dry mouth, prone to acne or eczema, sticky stools, dark urine.",
        ),
        "1": ("保持心情舒畅，避免急躁易怒，学会疏导情绪。", "Keep a light mood, avoid irritability, talk worries through."),
        "2": (
            "饮食清淡，宜吃清热利湿的食物，如绿豆、冬瓜、苦瓜、芹菜、黄瓜；少吃辛辣、油腻、甜食，戒烟限酒。",
            "Eat light, cooling food such as mung beans, wax gourd, bitter melon, celery and cucumber; avoid spicy, greasy and sweet food; no smoking, little alcohol.",
        ),
        "3": (
            "居室通风干燥，避免湿热环境；作息规律，不熬夜；保持皮肤清洁，穿透气衣物。",
            "Keep the home airy and dry, avoid damp heat, keep regular hours, keep skin clean, wear breathable clothes.",
        ),
        "4": (
            "适合中等强度运动，如快走、游泳、爬山、打球，宜在凉爽时段进行。",
            "Do moderate exercise (brisk walking, swimming, hill walking, ball games) at cool times of day.",
        ),
        "5": ("常按揉曲池、阴陵泉穴，每穴每次2～3分钟。", "Massage Quchi (LI11) and Yinlingquan (SP9) 2-3 minutes each."),
    },
    "xueyu": {
        "summary": (
            "面色晦暗，皮肤易出现瘀斑，口唇色暗，有固定部位疼痛。",
            "Dull complexion, bruises easily, dark lips, pain in a fixed place.",
        ),
        "1": ("保持心情愉快，避免抑郁烦闷，多参加集体活动。", "Stay cheerful, avoid brooding, join group activities."),
        "2": (
            "宜吃活血的食物，如山楂、黑木耳、洋葱、油菜、玫瑰花茶；少吃肥肉和寒凉食物；服用抗凝药物者饮食调整请先咨询医生。",
            "Eat food that helps circulation such as hawthorn, black fungus, onion, rape greens and rose tea; little fatty or cold food; if taking blood thinners, ask the doctor first.",
        ),
        "3": (
            "注意保暖，避免寒冷刺激；起居有规律，不宜久坐不动。",
            "Keep warm, avoid cold, keep regular hours, do not sit still for long.",
        ),
        "4": (
            "坚持有助于气血运行的运动，如太极拳、八段锦、散步、舞蹈，循序渐进。",
            "Do exercise that helps circulation (tai chi, baduanjin, walking, dancing), building up gradually.",
        ),
        "5": (
            "常按揉血海、三阴交穴，每穴每次2～3分钟；有出血倾向者不宜重按。",
            "Massage Xuehai (SP10) and Sanyinjiao (SP6) 2-3 minutes each; press lightly if you bleed easily.",
        ),
    },
    "qiyu": {
        "summary": (
            "情绪低落，多愁善感，容易紧张焦虑，常叹气，胸胁胀闷。",
            "Low mood, sensitive, tense or anxious, sighs often, chest or flanks feel full.",
        ),
        "1": (
            "多与家人、朋友交流，主动倾诉；多参加集体和户外活动，培养兴趣爱好；情绪持续低落时及时就医。",
            "Talk with family and friends, share worries, join group and outdoor activities; see a doctor if low mood persists.",
        ),
        "2": (
            "宜吃理气解郁的食物，如玫瑰花茶、陈皮、佛手、萝卜、金橘；少饮浓茶、咖啡。",
            "Eat food that eases the qi, such as rose tea, dried tangerine peel, finger citron, radish and kumquat; little strong tea or coffee.",
        ),
        "3": (
            "起居规律，保证睡眠；居室明亮，多到户外晒太阳、呼吸新鲜空气。",
            "Keep regular hours and sleep; keep rooms bright; get outdoors for sun and fresh air.",
        ),
        "4": (
            "多做户外运动和集体运动，如散步、广场舞、太极拳、登山。",
            "Exercise outdoors and with others: walking, square dancing, tai chi, hill walking.",
        ),
        "5": (
            "常按揉太冲、膻中、内关穴，每穴每次2～3分钟。",
            "Massage Taichong (LR3), Danzhong (CV17) and Neiguan (PC6) 2-3 minutes each.",
        ),
    },
    "tebing": {
        "summary": (
            "容易过敏，常鼻塞、打喷嚏，皮肤易起荨麻疹、一抓就红。",
            "Prone to allergies, blocked nose and sneezing, hives, skin marks when scratched.",
        ),
        "1": ("保持心情平和，避免紧张，过敏发作时不要焦虑。", "Keep calm and relaxed; do not panic during an allergic episode."),
        "2": (
            "饮食均衡清淡，避免已知的致敏食物；少吃海鲜、辛辣、酒类等易致敏或刺激性食物。",
            "Eat a balanced, plain diet; avoid known allergens and seafood, spicy food and alcohol if they trigger reactions.",
        ),
        "3": (
            "避开已知过敏原，如花粉、尘螨、宠物毛发；居室通风清洁，被褥勤晒洗；季节交替时注意防护，外出可戴口罩。",
            "Avoid known triggers (pollen, dust mites, pet hair); keep the home clean and aired, wash and sun the bedding; wear a mask in changing seasons.",
        ),
        "4": (
            "适量运动增强体质，如散步、太极拳，避免在花粉多的季节和大风天户外运动。",
            "Exercise moderately (walking, tai chi); avoid outdoor exercise in pollen season and windy weather.",
        ),
        "5": ("常按揉足三里、迎香穴，每穴每次2～3分钟。", "Massage Zusanli (ST36) and Yingxiang (LI20) 2-3 minutes each."),
    },
}


def text(constitution: str, option: str, language: str = "zh") -> str:
    zh, en = TEXTS[constitution][option]
    return zh if language == "zh" else en


def summary(constitution: str, language: str = "zh") -> str:
    return text(constitution, "summary", language)

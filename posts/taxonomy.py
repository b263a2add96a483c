"""The category taxonomy Pomoc ships with: (slug, Czech, Ukrainian, English, sensitive, children).

Sensitive categories (housing, legal and administrative help, psychological support) reveal where
vulnerable people live or what they go through; their posts are shown only to verified
organisations and coordinators, as Pomáhej Ukrajině did for housing and office help.
The data migration ``posts.0002`` loads this list and ``posts.0006`` the Russian and Polish names
in ``MORE_NAMES``; later edits go through the admin.
"""

from __future__ import annotations

TAXONOMY: list[tuple[str, str, str, str, bool, list[tuple[str, str, str, str]]]] = [
    (
        "accommodation",
        "Ubytování",
        "Житло",
        "Accommodation",
        True,
        [
            (
                "accommodation-short",
                "Krátkodobé ubytování",
                "Короткострокове проживання",
                "Short-term stay",
            ),
            (
                "accommodation-long",
                "Dlouhodobé bydlení",
                "Довгострокове житло",
                "Long-term housing",
            ),
        ],
    ),
    (
        "material-aid",
        "Materiální pomoc",
        "Матеріальна допомога",
        "Material aid",
        False,
        [
            ("clothes", "Oblečení a obuv", "Одяг і взуття", "Clothes and shoes"),
            ("food", "Potraviny", "Продукти харчування", "Food"),
            ("hygiene", "Hygiena a drogerie", "Гігієна та побутова хімія", "Hygiene and cleaning"),
            (
                "furniture",
                "Nábytek a vybavení domácnosti",
                "Меблі та речі для дому",
                "Furniture and household",
            ),
            ("baby-items", "Potřeby pro miminka", "Речі для немовлят", "Baby items"),
            (
                "school-supplies",
                "Učebnice a školní potřeby",
                "Підручники та шкільне приладдя",
                "Textbooks and school supplies",
            ),
        ],
    ),
    (
        "transport",
        "Doprava",
        "Транспорт",
        "Transport",
        False,
        [
            ("transport-people", "Přeprava osob", "Перевезення людей", "Transport of people"),
            ("transport-goods", "Přeprava věcí", "Перевезення речей", "Transport of goods"),
        ],
    ),
    (
        "interpreting",
        "Tlumočení a překlady",
        "Усний і письмовий переклад",
        "Interpreting and translation",
        False,
        [
            (
                "interpreting-offices",
                "Tlumočení na úřadech a u lékaře",
                "Переклад в установах і в лікаря",
                "Interpreting at offices and doctors",
            ),
            (
                "translation-documents",
                "Překlad dokumentů",
                "Переклад документів",
                "Document translation",
            ),
        ],
    ),
    (
        "education",
        "Vzdělávání a doučování",
        "Освіта та репетиторство",
        "Education and tutoring",
        False,
        [
            ("tutoring", "Doučování", "Репетиторство", "Tutoring"),
            ("schooling", "Vzdělávání dětí ve školách", "Навчання дітей у школах", "Schooling"),
        ],
    ),
    ("czech-courses", "Kurzy češtiny", "Курси чеської мови", "Czech language courses", False, []),
    (
        "leisure",
        "Volný čas a aktivity pro děti",
        "Дозвілля та заняття для дітей",
        "Leisure and children's activities",
        False,
        [
            (
                "adaptation-groups",
                "Adaptační skupiny pro děti",
                "Адаптаційні групи для дітей",
                "Children's adaptation groups",
            ),
            ("clubs", "Kroužky a zájmové aktivity", "Гуртки та хобі", "Clubs and hobbies"),
        ],
    ),
    (
        "psychological",
        "Psychologická podpora",
        "Психологічна підтримка",
        "Psychological support",
        True,
        [],
    ),
    (
        "legal",
        "Právní a administrativní pomoc",
        "Юридична та адміністративна допомога",
        "Legal and administrative help",
        True,
        [
            ("legal-advice", "Právní poradenství", "Юридична консультація", "Legal advice"),
            ("offices", "Pomoc s úřady", "Допомога з установами", "Help with offices"),
        ],
    ),
    ("work", "Práce a zaměstnání", "Робота та працевлаштування", "Work and jobs", False, []),
    ("health", "Zdravotní péče", "Медична допомога", "Health care", False, []),
    ("childcare", "Péče o děti", "Догляд за дітьми", "Childcare", False, []),
    ("other", "Jiná pomoc", "Інша допомога", "Other", False, []),
]

# How many days a post lives before its owner is asked whether it still holds, by general
# category (posts/freshness.py). Rooms are offered and taken fastest, so their posts go stale
# first; every other category lives ``settings.POMOC_POST_LIFETIME_DAYS`` (30). Subcategories
# take their parent's value. Loaded by migration ``posts.0006``; later edits go through the
# admin (Category.lifetime_days).
LIFETIME_DAYS: dict[str, int] = {"accommodation": 14}

# Russian and Polish names, kept apart from TAXONOMY because the data migration ``posts.0002``
# unpacks its five-item rows; ``posts.0006`` fills the two columns from here.
MORE_NAMES: dict[str, dict[str, str]] = {
    "accommodation": {"ru": "Жильё", "pl": "Zakwaterowanie"},
    "accommodation-short": {"ru": "Краткосрочное проживание", "pl": "Pobyt krótkoterminowy"},
    "accommodation-long": {"ru": "Долгосрочное жильё", "pl": "Mieszkanie długoterminowe"},
    "material-aid": {"ru": "Материальная помощь", "pl": "Pomoc rzeczowa"},
    "clothes": {"ru": "Одежда и обувь", "pl": "Odzież i obuwie"},
    "food": {"ru": "Продукты питания", "pl": "Żywność"},
    "hygiene": {"ru": "Гигиена и бытовая химия", "pl": "Higiena i środki czystości"},
    "furniture": {"ru": "Мебель и вещи для дома", "pl": "Meble i wyposażenie domu"},
    "baby-items": {"ru": "Вещи для младенцев", "pl": "Artykuły dla niemowląt"},
    "school-supplies": {
        "ru": "Учебники и школьные принадлежности",
        "pl": "Podręczniki i przybory szkolne",
    },
    "transport": {"ru": "Транспорт", "pl": "Transport"},
    "transport-people": {"ru": "Перевозка людей", "pl": "Przewóz osób"},
    "transport-goods": {"ru": "Перевозка вещей", "pl": "Przewóz rzeczy"},
    "interpreting": {"ru": "Устный и письменный перевод", "pl": "Tłumaczenia ustne i pisemne"},
    "interpreting-offices": {
        "ru": "Перевод в учреждениях и у врача",
        "pl": "Tłumaczenie w urzędach i u lekarza",
    },
    "translation-documents": {"ru": "Перевод документов", "pl": "Tłumaczenie dokumentów"},
    "education": {"ru": "Образование и репетиторство", "pl": "Edukacja i korepetycje"},
    "tutoring": {"ru": "Репетиторство", "pl": "Korepetycje"},
    "schooling": {"ru": "Обучение детей в школах", "pl": "Nauka dzieci w szkołach"},
    "czech-courses": {"ru": "Курсы чешского языка", "pl": "Kursy języka czeskiego"},
    "leisure": {"ru": "Досуг и занятия для детей", "pl": "Czas wolny i zajęcia dla dzieci"},
    "adaptation-groups": {
        "ru": "Адаптационные группы для детей",
        "pl": "Grupy adaptacyjne dla dzieci",
    },
    "clubs": {"ru": "Кружки и хобби", "pl": "Koła zainteresowań i hobby"},
    "psychological": {"ru": "Психологическая поддержка", "pl": "Wsparcie psychologiczne"},
    "legal": {
        "ru": "Юридическая и административная помощь",
        "pl": "Pomoc prawna i administracyjna",
    },
    "legal-advice": {"ru": "Юридическая консультация", "pl": "Porady prawne"},
    "offices": {"ru": "Помощь с учреждениями", "pl": "Pomoc w urzędach"},
    "work": {"ru": "Работа и трудоустройство", "pl": "Praca i zatrudnienie"},
    "health": {"ru": "Медицинская помощь", "pl": "Opieka zdrowotna"},
    "childcare": {"ru": "Уход за детьми", "pl": "Opieka nad dziećmi"},
    "other": {"ru": "Другая помощь", "pl": "Inna pomoc"},
}

"""The countries and regions a member exports to, as data: ISO 3166-1 alpha-2 code → its
Chinese and English names. The markets of the cluster's exporters (the EU's members one by one,
since a measure is notified by a member state or by the EU), kept short on purpose: a code not
listed here is refused, naming the field, rather than stored unseen. Add a row to serve another.
``EU`` (not ISO 3166, but WTO notifications name it) stands for the Union as a whole: a measure
notified by the EU touches exports to every member state."""

from django.utils.translation import get_language

COUNTRIES = {
    # code: (Chinese, English)
    "EU": ("欧盟", "European Union"),
    "AT": ("奥地利", "Austria"),
    "BE": ("比利时", "Belgium"),
    "BG": ("保加利亚", "Bulgaria"),
    "HR": ("克罗地亚", "Croatia"),
    "CY": ("塞浦路斯", "Cyprus"),
    "CZ": ("捷克", "Czechia"),
    "DK": ("丹麦", "Denmark"),
    "EE": ("爱沙尼亚", "Estonia"),
    "FI": ("芬兰", "Finland"),
    "FR": ("法国", "France"),
    "DE": ("德国", "Germany"),
    "GR": ("希腊", "Greece"),
    "HU": ("匈牙利", "Hungary"),
    "IE": ("爱尔兰", "Ireland"),
    "IT": ("意大利", "Italy"),
    "LV": ("拉脱维亚", "Latvia"),
    "LT": ("立陶宛", "Lithuania"),
    "LU": ("卢森堡", "Luxembourg"),
    "MT": ("马耳他", "Malta"),
    "NL": ("荷兰", "Netherlands"),
    "PL": ("波兰", "Poland"),
    "PT": ("葡萄牙", "Portugal"),
    "RO": ("罗马尼亚", "Romania"),
    "SK": ("斯洛伐克", "Slovakia"),
    "SI": ("斯洛文尼亚", "Slovenia"),
    "ES": ("西班牙", "Spain"),
    "SE": ("瑞典", "Sweden"),
    "GB": ("英国", "United Kingdom"),
    "NO": ("挪威", "Norway"),
    "CH": ("瑞士", "Switzerland"),
    "US": ("美国", "United States"),
    "CA": ("加拿大", "Canada"),
    "MX": ("墨西哥", "Mexico"),
    "BR": ("巴西", "Brazil"),
    "CL": ("智利", "Chile"),
    "JP": ("日本", "Japan"),
    "KR": ("韩国", "Republic of Korea"),
    "RU": ("俄罗斯", "Russia"),
    "KZ": ("哈萨克斯坦", "Kazakhstan"),
    "MN": ("蒙古", "Mongolia"),
    "IN": ("印度", "India"),
    "VN": ("越南", "Viet Nam"),
    "TH": ("泰国", "Thailand"),
    "MY": ("马来西亚", "Malaysia"),
    "SG": ("新加坡", "Singapore"),
    "ID": ("印度尼西亚", "Indonesia"),
    "PH": ("菲律宾", "Philippines"),
    "AU": ("澳大利亚", "Australia"),
    "NZ": ("新西兰", "New Zealand"),
    "AE": ("阿联酋", "United Arab Emirates"),
    "SA": ("沙特阿拉伯", "Saudi Arabia"),
    "TR": ("土耳其", "Türkiye"),
    "IL": ("以色列", "Israel"),
    "ZA": ("南非", "South Africa"),
    "EG": ("埃及", "Egypt"),
    "NG": ("尼日利亚", "Nigeria"),
}

# The EU's member states: a measure the EU notifies reaches exports to any of them.
EU_MEMBERS = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)


def name(code):
    """The country's name in the active language (Chinese unless English is chosen)."""
    found = COUNTRIES.get(code)
    if found is None:
        return code
    zh, en = found
    return en if (get_language() or "").startswith("en") else zh


def names(codes):
    # Chinese lists with the enumeration comma, English with a comma and a space.
    separator = ", " if (get_language() or "").startswith("en") else "、"
    return separator.join(name(code) for code in codes)


def choices():
    """(code, name) in the active language, for forms and the schema."""
    return [(code, name(code)) for code in COUNTRIES]


def markets_touched(country):
    """The markets a measure notified by ``country`` reaches: the EU's reaches its members."""
    if country == "EU":
        return {"EU", *EU_MEMBERS}
    return {country}

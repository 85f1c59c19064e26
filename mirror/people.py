"""Plausible staff names per paper and the wire agencies each one carries, chosen by seeded RNG."""

from __future__ import annotations

import random

STAFF: dict[str, list[str]] = {
    "straitstimes": ["Tham Yuen-C", "Ng Wei Kai", "Goh Yan Han", "Shabana Begum", "Kok Yufeng",
                     "Ang Qing", "Chin Soo Fang", "Lim Min Zhang", "Tay Hong Yi", "Osmond Chia"],
    "thestar": ["Martin Carvalho", "Hana Naz Harun", "Rahimy Rahim", "Tarrence Tan",
                "Jerry Choong", "Nadia Hamid", "Rema Nambiar", "Esther Landau", "Yuen Meikeng"],
    "koreaherald": ["Choi Si-young", "Kim Arin", "Son Ji-hyoung", "Park Jun-hee", "Lee Jaeeun",
                    "Shin Ji-hye", "Jo He-rim", "Ahn Sung-mi", "Yoon Min-sik"],
    "chinadaily": ["Zhang Yi", "Cao Desheng", "Wang Xiaodong", "Li Lei", "Zhou Jin", "Hou Liqiang",
                   "Mo Jingxi", "Xu Wei", "Chen Meiling", "Zheng Xin"],
    "dawn": ["Iftikhar A. Khan", "Kalbe Ali", "Tariq Naqash", "Imran Gabol", "Syed Irfan Raza",
             "Nadir Guramani", "Amir Wasim", "Umer Farooq", "Sirajuddin"],
    "jakartapost": ["Dio Suhenda", "Yerica Lai", "Divya Karyza", "Tenggara Strategics",
                    "Radhiyya Indra", "Nur Janti", "Fadli", "Ruth Dea Juwita", "Dian Septiari"],
    "asianews": ["Nattaya Vichit", "Pichaya Somsak", "Lee Min-ji", "Ravi Kumar", "Suthida Kaew"],
    "sinchew": ["黄丽娜", "陈家鸿", "林德成", "李静芬",
                "郑月萍", "王俊杰", "刘伟强", "张秀云"],
    "dailystar": ["Mohammad Al-Masum Molla", "Ahammad Foyez", "Tuhin Shubhra Adhikary",
                  "Rashad Ahamad", "Porimol Palma", "Naimul Karim", "Shamsuddoza Sajen"],
    "kuensel": ["Thinley Namgay", "Yangchen C Rinzin", "Nima Wangdi", "Choki Wangmo",
                "Dechen Dolkar", "Jigme Wangchuk", "Tshering Palden"],
    "phnompenhpost": ["Hin Pisei", "Niem Chheng", "Khouth Sophak Chakrya", "May Kunmakara",
                      "Phak Seangly", "Ry Sochan", "Long Kimmarita"],
    "statesman": ["Aditi Chakraborty", "Ruchika Tandon", "Ravindra Kumar", "Bikash Singh",
                  "Smita Ghosh", "Vikram Sood"],
    "japannews": ["Kazuto Tsukamoto", "Yuki Nakamura", "Hiroshi Ishida", "Takuya Kato",
                  "Ayaka Suzuki", "Kenji Takahashi", "Mari Watanabe"],
    "inquirer": ["Jerome Aning", "Marlon Ramos", "Jane Bautista", "Krixia Subingsubing",
                 "Dexter Cabalza", "Nestor Corrales", "Leila B. Salaverria", "Tina G. Santos"],
    "nationthailand": ["Jintana Panyaarvudh", "Pratch Rujivanarom", "Kas Chanwanpen",
                       "Thanapat Kitjakosol", "Chularat Saengpassa"],
    "vietnamnews": ["Khánh Dương", "Nguyễn Hằng", "Bảo Hoa",
                    "Lê Hương", "Thu Vân", "Phạm Huyền"],
    "kathmandupost": ["Binod Ghimire", "Anil Giri", "Post Bahadur Basnet",
                      "Prithvi Man Shrestha", "Tika R Pradhan", "Sangam Prasain", "Arjun Poudel"],
    "vientianetimes": ["Souksakhone Vaenkeo", "Phetphoxay Sengpaseuth", "Somsack Pongkhao"],
    "gogo": ["B.Bolor", "Ts.Enkhjargal", "D.Munkhzul", "G.Nomin", "B.Tuvshin"],
    "eleven": ["Thet Naing", "Aye Aye Thant", "Zaw Min Oo", "Kyaw Soe Htet", "Nang Hsu Myat"],
    "island": ["Rathindra Kuruwita", "Shamindra Ferdinando", "Sanath Nanayakkare",
               "Hiran H. Senewiratne", "Dinasena Ratugamage"],
    "borneobulletin": ["Azlan Othman", "James Kon", "Izah Azahari", "Daniel Lim", "Fadhil Yunus",
                       "Wani Roslan"],
}
AGENCIES: dict[str, list[str]] = {
    "straitstimes": ["AFP", "Reuters", "Bloomberg"],
    "thestar": ["Bernama", "Reuters", "AFP"],
    "koreaherald": ["Yonhap"],
    "chinadaily": ["Xinhua"],
    "dawn": ["Reuters", "AFP", "APP"],
    "jakartapost": ["AFP", "Reuters", "Antara"],
    "asianews": [],
    "sinchew": ["法新社", "路透社"],
    "dailystar": ["AFP", "Reuters", "UNB", "BSS"],
    "kuensel": [],
    "phnompenhpost": ["Xinhua", "AFP"],
    "statesman": ["PTI", "IANS"],
    "japannews": ["Jiji Press", "The Associated Press"],
    "inquirer": ["Agence France-Presse", "Associated Press", "Reuters"],
    "nationthailand": ["Reuters", "Xinhua"],
    "vietnamnews": [],
    "kathmandupost": [],
    "vientianetimes": ["KPL", "Xinhua"],
    "gogo": [],
    "eleven": ["Xinhua", "AFP"],
    "island": [],
    "borneobulletin": ["Xinhua", "ANN/The Star", "Bernama"],
}
DESKS: dict[str, list[str]] = {
    "dailystar": ["Staff Correspondent", "Star Online Report", "Star Business Report",
                  "Star Digital Report"],
    "kuensel": ["Staff Reporter"],
    "statesman": ["SNS", "Statesman News Service"],
    "japannews": ["The Yomiuri Shimbun"],
    "inquirer": ["INQUIRER.net"],
    "nationthailand": ["The Nation"],
    "vietnamnews": ["VNS", "VNA/VNS"],
    "kathmandupost": ["Post Report"],
    "eleven": ["Eleven Media Group"],
    "vientianetimes": ["Times Reporters"],
}
"""Desk credits that stand for the whole byline (a correct extractor returns them as authors)."""
CREDIT_SHARE = {"dailystar": 0.35, "vietnamnews": 0.5, "japannews": 0.35, "statesman": 0.3}


def pick_byline(source_id: str, rng: random.Random) -> tuple[list[str], list[str]]:
    """(people, credits): usually 1-2 staff, sometimes an agency or desk credit alone (then it
    is the byline) or staff plus an agency (then the people are)."""
    agencies = AGENCIES[source_id]
    credits = agencies + DESKS.get(source_id, [])
    roll = rng.random()
    if credits and roll < CREDIT_SHARE.get(source_id, 0.12):
        return [], [rng.choice(credits)]
    people = rng.sample(STAFF[source_id], 1 if rng.random() < 0.7 else 2)
    if agencies and roll > 0.85:
        return people, [rng.choice(agencies)]
    return people, []


def and_join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

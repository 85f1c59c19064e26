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
}
AGENCIES: dict[str, list[str]] = {
    "straitstimes": ["AFP", "Reuters", "Bloomberg"],
    "thestar": ["Bernama", "Reuters", "AFP"],
    "koreaherald": ["Yonhap"],
    "chinadaily": ["Xinhua"],
    "dawn": ["Reuters", "AFP", "APP"],
    "jakartapost": ["AFP", "Reuters", "Antara"],
    "asianews": [],
}


def pick_byline(source_id: str, rng: random.Random) -> tuple[list[str], list[str]]:
    """(people, agencies): usually 1-2 staff, sometimes an agency only or staff plus an agency."""
    agencies = AGENCIES[source_id]
    roll = rng.random()
    if agencies and roll < 0.12:
        return [], [rng.choice(agencies)]
    people = rng.sample(STAFF[source_id], 1 if rng.random() < 0.7 else 2)
    if agencies and roll > 0.85:
        return people, [rng.choice(agencies)]
    return people, []


def and_join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

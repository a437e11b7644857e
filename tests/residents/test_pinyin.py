import pytest

from jiceng.residents.pinyin import name_keys


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("张三丰", "zhangsanfeng", "zsf"),
        ("单田芳", "shantianfang", "stf"),  # surname 单 reads shan
        ("解晓东", "xiexiaodong", "xxd"),  # surname 解 reads xie
        ("欧阳修", "ouyangxiu", "oyx"),  # compound surname
        ("曾国藩", "zengguofan", "zgf"),
        ("", "", ""),
    ],
)
def test_name_keys(name: str, full: str, initials: str) -> None:
    assert name_keys(name) == (full, initials)

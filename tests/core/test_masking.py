from jiceng.core.masking import mask_id_number, mask_name, mask_phone


def test_masks_match_the_documented_shapes() -> None:
    assert mask_id_number("410102199001011234") == "410102********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0398-2866985") == "0398-***6985"
    assert mask_name("张三丰") == "张**"
    assert mask_id_number(None) == "" and mask_phone("") == ""

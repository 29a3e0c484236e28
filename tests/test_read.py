"""Seeds in other encodings, empty and binary files."""

from __future__ import annotations

import pytest

from generator.errors import BriefingError
from generator.ingest import ingest_seed, read_seed, seed_key

PAGE = "铜梁签约27个项目\n\n本报讯（记者 陈维灯）10月12日，铜梁集中签约27个招商引资项目，计划总投资206亿元。\n"


@pytest.mark.parametrize(
    ("encoding", "warned"), [("utf-8", False), ("utf-8-sig", False), ("gb18030", True), ("utf-16", True)]
)
def test_encodings_are_decoded(tmp_path, encoding, warned):
    path = tmp_path / "seed.txt"
    path.write_bytes(PAGE.encode(encoding))
    seed = read_seed(path)
    assert seed.text == PAGE
    assert bool(seed.warning) == warned
    if warned:
        assert "seed.txt" in seed.warning


def test_empty_seed_is_skipped_with_a_warning(tmp_path, lexicon):
    path = tmp_path / "empty.txt"
    path.write_text("\n\n  \n", encoding="utf-8")
    articles, warnings = ingest_seed(path, lexicon)
    assert articles == [] and "empty.txt: empty seed" in warnings[0]


def test_binary_file_is_refused_by_name(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    with pytest.raises(BriefingError, match="photo.txt.*binary"):
        read_seed(path)


def test_seed_keys_are_readable_ascii():
    assert seed_key("000_6c2b654cce873b63.txt") == "000"
    assert seed_key("重庆日报 2024-03-01.txt") == "chong-qing-ri-bao-2024-03-01"

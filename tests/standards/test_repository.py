"""The catalogue on the real database: upserts, merging across sources, lookups, relations."""

from __future__ import annotations

import datetime as dt

import pytest

from standards import repository as repo
from standards.errors import CodeError, NotFoundError
from standards.schemas import AdoptionRef, StandardInput
from standards.tables import ChangeLog, Relation
from standards.vocab import AdoptionDegree, Status

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]
D = dt.date


def gbt20223(**overrides: object) -> list[StandardInput]:
    new = dict(code="GB/T 20223-2018", source="std.samr.gov.cn", title_zh="棉短绒",
               published_on=D(2018, 5, 14), implemented_on=D(2018, 12, 1),
               replaces=["GB/T 20223-2006"], ics=["59.060.10"], ccs="W10")
    new.update(overrides)
    return [
        StandardInput(**new),
        StandardInput(code="GB/T 20223-2006", source="std.samr.gov.cn", title_zh="棉短绒",
                      status=Status.WITHDRAWN, ccs="B32", ics=["59.060.10"]),
    ]


async def test_upsert_is_idempotent() -> None:
    first = await repo.upsert_standards(gbt20223())
    assert [o.action for o in first] == ["created", "created"]
    again = await repo.upsert_standards(gbt20223())
    assert [o.action for o in again] == ["unchanged", "unchanged"]
    assert await repo.count_standards() == 2


async def test_any_spelling_finds_the_same_standard() -> None:
    await repo.upsert_standards(gbt20223())
    ids = {
        (await repo.find_standard(spelling)).id
        for spelling in ("ＧＢ／Ｔ　２０２２３－２０１８", "GBT20223-2018", "gb/t 20223—2018",
                         "GB/T 20223")  # undated: the current edition
    }
    assert len(ids) == 1
    assert (await repo.find_standard("GB/T 20223")).normalized_code == "GB/T 20223-2018"


async def test_unknown_and_invalid_codes() -> None:
    await repo.upsert_standards(gbt20223())
    with pytest.raises(NotFoundError, match="GB/T 20223-2010"):
        await repo.find_standard("GB/T 20223-2010")
    with pytest.raises(CodeError, match="XYZ 12"):
        await repo.find_standard("XYZ 12")


async def test_relations_both_directions_and_status_reason() -> None:
    await repo.upsert_standards(gbt20223())
    new = await repo.find_standard("GB/T 20223-2018")
    old = await repo.find_standard("GB/T 20223-2006")
    assert new.replaces == ["GB/T 20223-2006"]
    assert old.replaced_by == ["GB/T 20223-2018"]
    assert old.status is Status.WITHDRAWN
    assert old.status_reason == "replaced by GB/T 20223-2018"
    assert new.editions == old.editions == ["GB/T 20223-2006", "GB/T 20223-2018"]


async def test_relation_to_a_standard_that_arrives_later_is_resolved() -> None:
    await repo.upsert_standards([StandardInput(
        code="GB/T 1.1-2009", source="openstd", replaced_by=["GB/T 1.1-2020"])])
    await repo.upsert_standards([StandardInput(code="GB/T 1.1-2020", source="openstd")])
    rows = await Relation.select().where(Relation.object_code == "GB/T 1.1-2009")
    assert len(rows) == 1 and rows[0]["subject"] is not None and rows[0]["object"] is not None
    assert (await repo.find_standard("GB/T 1.1-2020")).replaces == ["GB/T 1.1-2009"]


async def test_relation_of_a_new_standard_to_one_stored_earlier_gets_both_ids() -> None:
    await repo.upsert_standards([StandardInput(code="GB/T 5606.1-1996", source="openstd"),
                                 StandardInput(code="GB/T 6543-2008", source="openstd")])
    await repo.upsert_standards([StandardInput(
        code="GB/T 5606.1-2004", source="openstd", replaces=["GB/T 5606.1-1996"],
        references=["GB/T 6543-2008"])])
    # and a stored standard named as the successor by a later record of the old one
    await repo.upsert_standards([StandardInput(
        code="GB/T 6543-1986", source="openstd", replaced_by=["GB/T 6543-2008"])])
    rows = await Relation.select(Relation.subject_code, Relation.kind, Relation.object_code,
                                 Relation.subject, Relation.object)
    assert {(r["subject_code"], r["kind"], r["object_code"]) for r in rows
            if r["subject"] is None or r["object"] is None} == set()
    assert len(rows) == 3


async def test_adoption_from_double_number_and_from_source() -> None:
    await repo.upsert_standards([
        StandardInput(code="GB/T 19001-2016/ISO 9001:2015", source="csv"),
        StandardInput(code="GB/T 228.1-2021", source="csv",
                      adopts=[AdoptionRef(code="ISO 6892-1:2019", degree=AdoptionDegree.MOD)]),
        StandardInput(code="ISO 9001:2015", source="iso"),
    ])
    gb = await repo.find_standard("GB/T 19001-2016")
    assert [(a.code, a.degree) for a in gb.adopts] == [("ISO 9001:2015", AdoptionDegree.IDT)]
    assert [(a.code, a.degree) for a in (await repo.find_standard("GB/T 228.1-2021")).adopts] \
        == [("ISO 6892-1:2019", AdoptionDegree.MOD)]
    assert (await repo.find_standard("ISO 9001:2015")).adopted_by == ["GB/T 19001-2016"]


async def test_normative_references_dated_and_undated_read_on_both_ends() -> None:
    await repo.upsert_standards([
        StandardInput(code="GB/T 191-2008", source="csv", withdrawn_on=D(2030, 1, 1)),
        StandardInput(code="GB/T 191-2000", source="csv", status=Status.WITHDRAWN),
        StandardInput(code="GB/T 6543-2008", source="csv"),
        StandardInput(code="DB22/T 3001-2021", source="sts",
                      references=["GB/T 191", "GB/T 6543-2008", "ＧＢ／Ｔ 6543—2008"]),
    ])
    citing = await repo.find_standard("DB22/T 3001-2021")
    assert citing.references == ["GB/T 191", "GB/T 6543-2008"]
    assert (await repo.find_standard("GB/T 6543-2008")).referenced_by == ["DB22/T 3001-2021"]
    # an undated citation cites whichever edition is in force, not an old one
    assert (await repo.find_standard("GB/T 191-2008")).referenced_by == ["DB22/T 3001-2021"]
    assert (await repo.find_standard("GB/T 191-2000")).referenced_by == []
    # a source adding a citation to a stored standard is a logged change
    again = await repo.upsert_standards([StandardInput(
        code="DB22/T 3001-2021", source="sts", references=["GB/T 191", "GB/T 2828.1-2012"])])
    assert again[0].action == "updated"
    log = await ChangeLog.select(ChangeLog.field, ChangeLog.new_value).where(
        ChangeLog.field == "references")
    assert log == [{"field": "references", "new_value": "GB/T 2828.1-2012"}]


async def test_same_source_updates_and_logs_other_source_fills_blanks_or_conflicts() -> None:
    await repo.upsert_standards(gbt20223())
    updated = await repo.upsert_standards(gbt20223(title_en="Cotton linters"))
    assert updated[0].action == "updated"
    assert ("title_en", None, "Cotton linters") in updated[0].changes

    other = await repo.upsert_standards([StandardInput(
        code="GB/T 20223-2018", source="openstd", title_zh="棉短绒（新）",
        department="国家市场监督管理总局")])
    assert other[0].action == "updated"
    assert [c.field for c in other[0].conflicts] == ["title_zh"]
    std = await repo.find_standard("GB/T 20223-2018")
    assert std.title_zh == "棉短绒"  # never overwritten by another source
    assert std.department == "国家市场监督管理总局"  # a blank is filled
    logged = await ChangeLog.select(ChangeLog.field).where(ChangeLog.standard == std.id)
    assert {r["field"] for r in logged} == {"title_en", "department"}


async def test_another_source_never_blanks_a_field() -> None:
    await repo.upsert_standards(gbt20223())
    out = await repo.upsert_standards([StandardInput(code="GB/T 20223-2018", source="csv")])
    assert out[0].action == "unchanged"
    assert (await repo.find_standard("GB/T 20223-2018")).ccs == "W10"


async def test_rejected_rows_do_not_stop_the_others() -> None:
    out = await repo.upsert_standards([
        StandardInput(code="DB99/T 1-2020", source="csv"),
        StandardInput(code="DB22/T 1234-2020", source="csv"),
    ])
    assert out[0].action == "rejected" and "99" in (out[0].reason or "")
    assert out[1].action == "created"
    std = await repo.find_standard("DB22/T 1234-2020")
    assert (std.level.value, std.region_code, std.prefix) == ("local", "22", "DB22/T")


async def test_dry_run_writes_nothing() -> None:
    out = await repo.upsert_standards(gbt20223(), dry_run=True)
    assert [o.action for o in out] == ["created", "created"]
    assert await repo.count_standards() == 0


async def test_current_edition_as_of_a_date() -> None:
    await repo.upsert_standards([
        StandardInput(code="GB/T 1.1-2009", source="s", implemented_on=D(2010, 1, 1),
                      withdrawn_on=D(2020, 10, 1)),
        StandardInput(code="GB/T 1.1-2020", source="s", implemented_on=D(2020, 10, 1)),
    ])
    rows = await repo.family_editions("GB/T 1.1")
    assert repo.current_edition(rows, D(2020, 9, 30))["normalized_code"] == "GB/T 1.1-2009"
    assert repo.current_edition(rows, D(2020, 10, 1))["normalized_code"] == "GB/T 1.1-2020"
    assert (await repo.find_standard("GB/T 1.1", today=D(2015, 1, 1))).year == 2009


async def test_list_filters() -> None:
    await repo.upsert_standards([
        *gbt20223(),
        StandardInput(code="DB22/T 1234-2020", source="s", ics=["03.080"]),
        StandardInput(code="DB2201/T 12-2021", source="s"),
        StandardInput(code="JB/T 13368-2018", source="s", ics=["53.060"]),
        StandardInput(code="ISO 9001:2015", source="s", ics=["03.120.10"]),
    ])
    F = repo.StandardFilters

    async def codes(filters: repo.StandardFilters) -> list[str]:
        return [i.normalized_code for i in (await repo.list_standards(filters)).items]

    assert await codes(F(region="22")) == ["DB22/T 1234-2020", "DB2201/T 12-2021"]  # bytewise
    assert await codes(F(status=Status.WITHDRAWN)) == ["GB/T 20223-2006"]
    assert await codes(F(prefix="GB/T", status=Status.CURRENT)) == ["GB/T 20223-2018"]
    assert await codes(F(industry="jb")) == ["JB/T 13368-2018"]
    assert await codes(F(ics="59.060")) == ["GB/T 20223-2006", "GB/T 20223-2018"]
    assert await codes(F(ics="03")) == ["DB22/T 1234-2020", "ISO 9001:2015"]
    assert await codes(F(year_from=2019, year_to=2020)) == ["DB22/T 1234-2020"]
    assert await codes(F(level=repo.Level.INTERNATIONAL)) == ["ISO 9001:2015"]
    page = await repo.list_standards(F(), page=2, page_size=2)
    assert page.total == 6 and len(page.items) == 2


async def test_a_stated_status_conflicts_an_unstated_default_is_filled() -> None:
    await repo.upsert_standards([StandardInput(code="GB/T 1.1-2000", source="csv")])
    out = await repo.upsert_standards([StandardInput(code="GB/T 1.1-2000", source="openstd",
                                                     status=Status.WITHDRAWN)])
    assert out[0].action == "updated" and not out[0].conflicts
    assert (await repo.find_standard("GB/T 1.1-2000")).status is Status.WITHDRAWN
    said = await repo.upsert_standards([StandardInput(code="GB/T 1.1-2000", source="csv",
                                                      status=Status.CURRENT)])
    assert [c.field for c in said[0].conflicts] == ["withdrawn_undated"]
    assert (await repo.find_standard("GB/T 1.1-2000")).status is Status.WITHDRAWN


async def test_a_month_precise_date_is_refined_not_a_conflict() -> None:
    iso = StandardInput(code="IEC 31010:2019", source="relaton-data-iso",
                        published_on=D(2019, 6, 1), status_text="90.60",
                        extra={"published_precision": "month"})
    iec = StandardInput(code="IEC 31010:2019", source="relaton-data-iec",
                        published_on=D(2019, 6, 13), status_text="PUBLISHED")
    await repo.upsert_standards([iso])
    refined = await repo.upsert_standards([iec])
    assert refined[0].action == "updated" and refined[0].conflicts == []
    assert (await repo.find_standard("IEC 31010:2019")).published_on == D(2019, 6, 13)
    again = await repo.upsert_standards([iso, iec])
    assert [(o.action, o.conflicts) for o in again] == [("unchanged", []), ("unchanged", [])]
    other_month = await repo.upsert_standards([StandardInput(
        code="IEC 31010:2019", source="csv", published_on=D(2019, 7, 2))])
    assert [c.field for c in other_month[0].conflicts] == ["published_on"]


# Official prints, the sources' own spellings and the notes a code carries ---------------------


async def test_a_full_width_code_is_stored_and_shown_as_its_official_print() -> None:
    outcomes = await repo.upsert_standards([StandardInput(
        code="ＧＢ／Ｔ ９９９９９－２０２４", source="pasted.csv", title_zh="测试标准")])
    assert [o.action for o in outcomes] == ["created"]
    found = await repo.find_standard("GB/T 99999-2024")
    assert (found.code, found.normalized_code) == ("GB/T 99999-2024", "GB/T 99999-2024")
    assert found.spellings == {"pasted.csv": "ＧＢ／Ｔ ９９９９９－２０２４"}
    page = await repo.list_standards(repo.StandardFilters())
    assert [item.code for item in page.items] == ["GB/T 99999-2024"]
    # the same source, same spelling: nothing to do; a second source's spelling is kept too
    again = await repo.upsert_standards([StandardInput(
        code="ＧＢ／Ｔ ９９９９９－２０２４", source="pasted.csv", title_zh="测试标准")])
    assert [o.action for o in again] == ["unchanged"]
    await repo.upsert_standards([StandardInput(code="GBT99999—2024", source="list.json")])
    await repo.upsert_standards([StandardInput(code="GB/T 99999-2024", source="platform")])
    found = await repo.find_standard("gb/t 99999-2024")
    assert found.code == "GB/T 99999-2024"
    assert found.spellings == {"pasted.csv": "ＧＢ／Ｔ ９９９９９－２０２４",
                               "list.json": "GBT99999—2024"}


async def test_mandatory_local_codes_print_with_slash_and_space() -> None:
    await repo.upsert_standards([StandardInput(code="DB31 890-2015", source="legacy.csv")])
    for spelling in ("DB31/ 890-2015", "DB31/890-2015", "DB31 890-2015", "db31／890—2015"):
        found = await repo.find_standard(spelling)
        assert (found.code, found.normalized_code, found.family_key) == (
            "DB31/ 890-2015", "DB31/ 890-2015", "DB31/ 890")
    assert (await repo.find_standard("DB31/ 890")).code == "DB31/ 890-2015"  # undated
    page = await repo.list_standards(repo.StandardFilters(prefix="DB31"))
    assert [item.code for item in page.items] == ["DB31/ 890-2015"]


async def test_edition_note_and_amendments_are_kept_as_data() -> None:
    await repo.upsert_standards([
        StandardInput(code="GB 50016-2014(2018年版)", source="index.md"),
        StandardInput(code="GB/T 30357.2-2013（含第1号修改单2016）", source="tea.json"),
        StandardInput(code="GB 20891-2014/XG1-2020", source="mee.csv"),
    ])
    fire = await repo.find_standard("GB 50016-2014")
    assert (fire.code, fire.edition_note, fire.amendment, fire.amendment_included) == (
        "GB 50016-2014", "2018年版", None, False)
    tea = await repo.find_standard("GB/T 30357.2-2013")
    assert (tea.code, tea.amendment, tea.amendment_included, tea.edition_note) == (
        "GB/T 30357.2-2013", "XG1-2016", True, None)
    assert tea.editions == ["GB/T 30357.2-2013"]  # an edition, not an amendment sheet
    sheet = await repo.find_standard("GB 20891-2014/XG1-2020")
    assert (sheet.code, sheet.amendment, sheet.amendment_included) == (
        "GB 20891-2014/XG1-2020", "XG1-2020", False)


async def test_a_later_source_fills_a_missing_note_and_a_different_one_conflicts() -> None:
    await repo.upsert_standards([StandardInput(code="JGJ 39-2016", source="first.csv")])
    filled = await repo.upsert_standards([
        StandardInput(code="JGJ 39-2016(2019年版)", source="second.csv")])
    assert filled[0].action == "updated"
    assert ("edition_note", None, "2019年版") in filled[0].changes
    assert (await repo.find_standard("JGJ 39-2016")).edition_note == "2019年版"
    logged = await ChangeLog.select(ChangeLog.field, ChangeLog.new_value).where(
        ChangeLog.field == "edition_note")
    assert logged == [{"field": "edition_note", "new_value": "2019年版"}]
    other = await repo.upsert_standards([
        StandardInput(code="JGJ 39-2016(2020年版)", source="third.csv")])
    assert [(c.field, c.kept, c.offered) for c in other[0].conflicts] == [
        ("edition_note", "2019年版", "2020年版")]
    assert (await repo.find_standard("JGJ 39-2016")).edition_note == "2019年版"

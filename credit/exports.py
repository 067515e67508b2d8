from coop import xlsx

# Chinese headings: the list goes to banks' credit officers.
HEADINGS = ["成员单位", "统一社会信用代码", "信用等级", "得分", "有效期至"]


def lending_xlsx(grades):
    """Members graded A or better that consented, for quality-based lending (质量贷)."""
    rows = (
        [grade.member.name, grade.member.identifier, grade.grade, grade.score, grade.valid_until]
        for grade in grades.iterator(chunk_size=500)
    )
    return xlsx.workbook([("质量贷推荐名单", HEADINGS, rows)])

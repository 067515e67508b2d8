from io import BytesIO

from openpyxl import Workbook

# Chinese headings: the list goes to banks' credit officers.
HEADINGS = ["成员单位", "统一社会信用代码", "信用等级", "得分", "有效期至"]


def lending_xlsx(grades):
    """Members graded A or better that consented, for quality-based lending (质量贷)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("质量贷推荐名单")
    sheet.append(HEADINGS)
    for grade in grades.iterator(chunk_size=500):
        sheet.append(
            [
                grade.member.name,
                grade.member.identifier,
                grade.grade,
                grade.score,
                grade.valid_until,
            ]
        )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()

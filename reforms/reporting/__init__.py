"""Progress reports (进展报告): periods, the figures, the workbook, and building them."""

"""Khmer dates: day first with the month spelled out, and a 24-hour clock (as Django's Khmer locale has them).

Stated here so that both languages' formats are read in one place and a Django upgrade cannot change them.
"""

DATE_FORMAT = "j ខែ F ឆ្នាំ Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j ខែ F ឆ្នាំ Y, H:i"
YEAR_MONTH_FORMAT = "ខែ F ឆ្នាំ Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."

"""English dates for Cambodia: day first or spelled out, and a 24-hour clock.

Django's American defaults print 03/01/2027 (read as 3 January in Cambodia) and "7 p.m.", whose own full stop
doubles the one a sentence ends with. Only output formats change; the input formats stay Django's.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1

from datetime import datetime
from zoneinfo import ZoneInfo

from lms.formatting import time_of_day

SYDNEY = ZoneInfo("Australia/Sydney")


def test_time_of_day_has_no_full_stops_to_double():
    assert time_of_day(datetime(2026, 12, 7, 15, 4, tzinfo=SYDNEY)) == "3:04 pm"
    assert time_of_day(datetime(2026, 12, 7, 0, 30, tzinfo=SYDNEY)) == "12:30 am"
    assert time_of_day(datetime(2026, 12, 7, 12, 0, tzinfo=SYDNEY)) == "12:00 pm"
    assert time_of_day(None) == ""

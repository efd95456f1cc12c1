{{ returns_versioned_rows('traded_work', ['work_date', 'urn', 'adviser', 'activity', 'days', 'agreed_daily_rate']) }}

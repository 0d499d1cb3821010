-- AWS's thresholds as the build applied them (var ses_reputation_thresholds),
-- which every row of ses_reputation_daily carries.
select distinct
    bounce_warning_threshold as bounce_warning,
    bounce_review_threshold as bounce_review,
    bounce_pause_threshold as bounce_pause,
    complaint_review_threshold as complaint_review,
    complaint_pause_threshold as complaint_pause
from main_ses_marts.ses_reputation_daily

{{ config(severity='warn') }}

-- A row of the ses_apple_privacy_ranges seed that is not an IPv4 block
-- a.b.c.d/n (an IPv6 range copied from Apple's list, a typo) matches no
-- address in int_ses__engagements: the build warns and names it.

select
    cidr,
    description
from {{ ref('ses_apple_privacy_ranges') }}
where {{ ses_ipv4_cidr_address('cidr', 'first') }} is null

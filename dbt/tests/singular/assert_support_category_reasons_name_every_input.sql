-- Every categorisation must be explainable in words: the reasons name the category (or why there is none), the
-- Ofsted outcome, the category of concern, the data risk flags and the adviser's judgement, and carry no internal
-- codes (rule codes, category codes, flag codes, state codes such as not_secure).
select urn, reasons
from {{ ref('fct_school_support_category') }}
where reasons is null
    or not (reasons like 'Table One: %' or reasons like 'Not categorised: %' or reasons like 'No categorisation rule%')
    or reasons not like '%Ofsted: %'
    or reasons not like '%Category of concern: %'
    or reasons not like '%Data risk flags: %'
    or reasons not like '%Adviser: %'
    or {{ matches_regex('reasons', '\\b[A-Z0-9]+_[A-Z0-9_]+\\b') }}
    or {{ matches_regex('reasons', '\\b[a-z]+_[a-z_]+\\b') }}

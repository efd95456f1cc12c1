-- Every categorisation must be explainable: the reasons name the rule, the Ofsted outcome, the category of
-- concern, the data risk flags and the adviser capacity judgement.
select urn, reasons
from {{ ref('fct_school_support_category') }}
where reasons is null
    or reasons not like 'Rule %'
    or reasons not like '%Ofsted: %'
    or reasons not like '%Category of concern: %'
    or reasons not like '%Data risk flags raised%'
    or reasons not like '%Adviser capacity judgement: %'
